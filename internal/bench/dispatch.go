package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"time"

	"github.com/salesai/social/internal/platform/sim"
)

// DispatchOptions configures the dispatch measurement.
type DispatchOptions struct {
	Targets     int           // due in the same second (default 10,000)
	Latency     time.Duration // simulator latency per platform request (default 50 ms)
	Platforms   []string      // default QueuePlatforms
	DatabaseURL string        // PostgreSQL when set
	Env         map[string]string
	// Inserters is how many goroutines create posts (default 4).
	Inserters int
	Log       io.Writer // program logs
	Progress  io.Writer // progress lines (nil: none)
}

// DispatchResult is one dispatch run beside bare River on the same database.
type DispatchResult struct {
	Database    string   `json:"database"`
	Targets     int      `json:"targets"`
	Platforms   []string `json:"platforms"`
	LatencyMs   float64  `json:"sim_latency_ms"`
	Workers     int      `json:"workers"`
	InsertSec   float64  `json:"insert_seconds"`
	LeadSec     float64  `json:"lead_seconds"` // from the end of the inserts to the due time
	Published   int      `json:"published"`
	Failed      int      `json:"failed"`
	AllDoneSec  float64  `json:"all_published_seconds"` // due time → last target published
	PerSec      float64  `json:"targets_per_second"`
	Lateness    Dist     `json:"lateness"` // first platform call − due time
	River       RiverResult
	RatioPerSec float64         `json:"throughput_ratio"` // ours / bare River
	PerPlatform map[string]Dist `json:"lateness_by_platform"`
}

// Dispatch creates N targets due at the same second T across the queue
// platforms, lets the in-process workers publish them to the simulator, and
// measures how late each first platform call was and when the last target
// was published. Then it runs bare River on the same database and settings.
func Dispatch(ctx context.Context, o DispatchOptions) (*DispatchResult, error) {
	if o.Targets <= 0 {
		o.Targets = 10000
	}
	if o.Latency == 0 {
		o.Latency = 50 * time.Millisecond
	}
	if len(o.Platforms) == 0 {
		o.Platforms = QueuePlatforms
	}
	if o.Inserters <= 0 {
		o.Inserters = 4
	}
	e, err := Start(ctx, EnvOptions{DatabaseURL: o.DatabaseURL, Workers: true, Env: o.Env, Log: o.Log,
		Sim: sim.Options{Latency: o.Latency, InstagramPublishLimit: o.Targets + 100, YouTubeUploadsPerDay: o.Targets + 100}})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	res := &DispatchResult{Database: string(e.App.Store.Dialect()), Targets: o.Targets, Platforms: o.Platforms,
		LatencyMs: msOf(o.Latency), Workers: e.App.Config.Workers}
	p, err := newPoster(ctx, e, o.Platforms, 4<<10)
	if err != nil {
		return nil, err
	}
	plan, err := Plan(o.Targets, o.Platforms)
	if err != nil {
		return nil, err
	}
	due, err := calibrate(ctx, p, o.Platforms, o.Targets, o.Inserters)
	if err != nil {
		return nil, err
	}
	progress(o.Progress, "dispatch: creating %d targets due at %s", o.Targets, due.Format("15:04:05"))
	start := time.Now()
	if err := p.createAll(ctx, plan, o.Inserters, func(int) *time.Time { return &due }); err != nil {
		return nil, err
	}
	res.InsertSec, res.LeadSec = time.Since(start).Seconds(), time.Until(due).Seconds()
	progress(o.Progress, "dispatch: inserted in %.1f s, %.1f s before the due time; publishing", res.InsertSec, res.LeadSec)
	counts, err := e.WaitSettled(ctx, o.Targets, 100*time.Millisecond)
	if err != nil {
		return nil, fmt.Errorf("dispatch: waiting for targets (%v): %w", counts, err)
	}
	res.Published, res.Failed = counts["published"], counts["failed"]
	if err := res.measure(ctx, e, plan, due); err != nil {
		return nil, err
	}
	e.StopWorkers()
	progress(o.Progress, "dispatch: published %d in %.1f s; bare River on the same database", res.Published, res.AllDoneSec)
	if res.River, err = BareRiver(ctx, e.App.Store, e.App.Config, o.Targets); err != nil {
		return nil, err
	}
	if res.River.PerSec > 0 {
		res.RatioPerSec = res.PerSec / res.River.PerSec
	}
	return res, nil
}

// calibrate times a few creates (scheduled a year out, then cancelled) and
// picks a due time the whole insert will be done well before, so every job
// takes the scheduled path (more than 6 s ahead).
func calibrate(ctx context.Context, p *poster, platforms []string, targets, inserters int) (time.Time, error) {
	far := time.Now().Add(365 * 24 * time.Hour)
	n := 4 * len(platforms)
	start := time.Now()
	var ids []int64
	for i := range n {
		post, err := p.env.App.Publish.Create(ctx, p.userID, p.input(platforms[i%len(platforms)], 900000+i, &far))
		if err != nil {
			return time.Time{}, fmt.Errorf("calibrate: %w", err)
		}
		ids = append(ids, post.ID)
	}
	per := time.Since(start) / time.Duration(n)
	for _, id := range ids {
		if _, err := p.env.App.Publish.Cancel(ctx, p.userID, id); err != nil {
			return time.Time{}, fmt.Errorf("calibrate: %w", err)
		}
	}
	lead := 8*time.Second + per*time.Duration(targets)*2/time.Duration(max(1, min(inserters, 2)))
	return time.Now().Add(lead).Truncate(time.Second).Add(time.Second), nil
}

// measure reads lateness from the simulator's request log (the first request
// carrying each target's token) and completion from the database.
func (r *DispatchResult) measure(ctx context.Context, e *Env, plan []string, due time.Time) error {
	first := map[int]time.Time{}
	platformOf := map[int]string{}
	for _, rq := range e.Sim.Requests() {
		i := tokenIn(rq.Body)
		if i < 0 {
			i = tokenIn([]byte(rq.Query))
		}
		if i < 0 || i >= r.Targets {
			continue
		}
		if t, ok := first[i]; !ok || rq.Time.Before(t) {
			first[i] = rq.Time
			platformOf[i] = plan[i]
		}
	}
	all := make([]time.Duration, 0, len(first))
	by := map[string][]time.Duration{}
	for i, t := range first {
		all = append(all, t.Sub(due))
		by[platformOf[i]] = append(by[platformOf[i]], t.Sub(due))
	}
	r.Lateness, r.PerPlatform = Summarize(all), map[string]Dist{}
	for pl, ds := range by {
		r.PerPlatform[pl] = Summarize(ds)
	}
	var last sql.NullInt64
	if err := e.App.Store.DB().QueryRowContext(ctx, `SELECT MAX(published_at) FROM post_targets`).Scan(&last); err != nil {
		return fmt.Errorf("dispatch: last publish: %w", err)
	}
	done := time.UnixMilli(last.Int64).Sub(due)
	r.AllDoneSec = done.Seconds()
	if done > 0 {
		r.PerSec = float64(r.Published) / done.Seconds()
	}
	return nil
}

// Rows renders the result for PrintTable.
func (r *DispatchResult) Rows() []Row {
	rows := []Row{
		{"targets due in the same second", fmt.Sprintf("%d (%v, %s)", r.Targets, r.Platforms, r.Database), ""},
		{"simulator latency / workers", fmt.Sprintf("%.0f ms / %d", r.LatencyMs, r.Workers), ""},
		{"insert (publish service)", fmt.Sprintf("%.1f s (%.0f posts/s), lead %.1f s", r.InsertSec, float64(r.Targets)/r.InsertSec, r.LeadSec), ""},
		{"published / failed", fmt.Sprintf("%d / %d", r.Published, r.Failed), fmt.Sprintf("%d jobs worked", r.River.Worked)},
		{"time until all published", fmt.Sprintf("%.2f s", r.AllDoneSec), fmt.Sprintf("%.2f s (bare River, no-op)", r.River.AllDoneSec)},
		{"throughput", fmt.Sprintf("%.0f targets/s", r.PerSec), fmt.Sprintf("%.0f jobs/s → ratio %.2f", r.River.PerSec, r.RatioPerSec)},
		{"lateness (first platform call)", r.Lateness.String(), r.River.Lateness.String()},
	}
	for _, pl := range r.Platforms {
		if d, ok := r.PerPlatform[pl]; ok {
			rows = append(rows, Row{"  " + pl, d.String(), ""})
		}
	}
	return rows
}

func progress(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, time.Now().Format("15:04:05 ")+format+"\n", args...)
	}
}

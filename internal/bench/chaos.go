package bench

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/salesai/social/internal/platform/sim"
)

// ChaosOptions configures the chaos run.
type ChaosOptions struct {
	Targets   int           // default 1,000
	Window    time.Duration // the targets are due within it (default 30 s)
	KillEvery time.Duration // default 5 s
	Kills     int           // default 6
	ErrorRate float64       // share of platform calls answered 5xx (default 0.10)
	LimitRate float64       // share answered 429 (default 0.03)
	Latency   time.Duration // simulator latency, so kills land mid-call (default 100 ms)
	Platforms []string
	Salesai   string
	// Settle bounds the wait after the last kill (default 5 min).
	Settle      time.Duration
	DatabaseURL string
	Log         io.Writer
	Progress    io.Writer
}

// ChaosResult counts, per target, the posts the simulated platforms hold.
type ChaosResult struct {
	Database        string   `json:"database"`
	Targets         int      `json:"targets"`
	Platforms       []string `json:"platforms"`
	Kills           int      `json:"kills"`
	RunningAtKill   int      `json:"jobs_running_at_kills"`
	PublishedOnce   int      `json:"published_once"`
	Duplicates      int      `json:"duplicates"`
	Lost            int      `json:"lost"`
	Failed          int      `json:"failed_in_db"`
	Mismatch        int      `json:"db_platform_mismatch"` // published on the platform but not in the DB, or the reverse
	Retried         int      `json:"targets_retried"`
	Reconciled      int      `json:"in_doubt_reconciled"`
	SettledAfterSec float64  `json:"settled_seconds_after_last_due"`
	// DuplicateSamples names a few duplicated targets: platform, token, count.
	DuplicateSamples []string `json:"duplicate_samples,omitempty"`
}

// Chaos schedules targets due within a window, then runs `salesai worker`
// subprocesses on the same database, SIGKILLing and restarting the worker
// every few seconds while the simulator answers a share of calls with 5xx and
// 429. After the last kill a worker runs undisturbed until every target is
// settled (the faults stop with the kills: the platforms recover). River
// rescues the jobs a killed worker was running after SALESAI_JOB_TIMEOUT
// (5 s here) + 5 s, on its 30 s rescuer tick.
func Chaos(ctx context.Context, o ChaosOptions) (*ChaosResult, error) {
	o = o.withDefaults()
	e, err := Start(ctx, EnvOptions{DatabaseURL: o.DatabaseURL, Log: o.Log, Env: map[string]string{"SALESAI_JOB_TIMEOUT": "5s"},
		Sim: sim.Options{Latency: o.Latency, InstagramPublishLimit: o.Targets + 100, YouTubeUploadsPerDay: o.Targets + 100}})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	plan, err := Plan(o.Targets, o.Platforms)
	if err != nil {
		return nil, err
	}
	p, err := newPoster(ctx, e, o.Platforms, 4<<10)
	if err != nil {
		return nil, err
	}
	first, err := calibrate(ctx, p, o.Platforms, o.Targets, 4)
	if err != nil {
		return nil, err
	}
	step := o.Window / time.Duration(o.Targets)
	if err := p.createAll(ctx, plan, 4, func(i int) *time.Time { t := first.Add(step * time.Duration(i)); return &t }); err != nil {
		return nil, err
	}
	injectChaos(e.Sim, o)
	res := &ChaosResult{Database: string(e.App.Store.Dialect()), Targets: o.Targets, Platforms: o.Platforms}
	logs := &syncBuffer{}
	progress(o.Progress, "chaos: %d targets due from %s over %s; killing the worker every %s", o.Targets, first.Format("15:04:05"), o.Window, o.KillEvery)
	if err := res.killLoop(ctx, e, o, logs); err != nil {
		return nil, err
	}
	last := first.Add(o.Window)
	res.SettledAfterSec = time.Since(last).Seconds()
	res.Reconciled = strings.Count(logs.String(), "in-doubt attempt had published")
	return res, res.count(ctx, e, plan)
}

func (o ChaosOptions) withDefaults() ChaosOptions {
	if o.Targets <= 0 {
		o.Targets = 1000
	}
	if o.Window <= 0 {
		o.Window = 30 * time.Second
	}
	if o.KillEvery <= 0 {
		o.KillEvery = 5 * time.Second
	}
	if o.Kills <= 0 {
		o.Kills = 6
	}
	if o.Latency == 0 {
		o.Latency = 100 * time.Millisecond
	}
	if len(o.Platforms) == 0 {
		o.Platforms = QueuePlatforms
	}
	if o.Settle <= 0 {
		o.Settle = 5 * time.Minute
	}
	return o
}

// chaosHosts are the API hosts of the queue platforms (not their OAuth token
// endpoints: a refused refresh is a different test).
var chaosHosts = []string{"/api.x.com/", "/api.linkedin.com/", "/graph.instagram.com/", "/graph.facebook.com/", "/www.googleapis.com/"}

// injectChaos makes a share of the platforms' API calls fail: 429s with a
// 2 s Retry-After first, then 5xx, so each rate holds for all calls.
func injectChaos(s *sim.Sim, o ChaosOptions) {
	for _, h := range chaosHosts {
		if o.LimitRate > 0 {
			s.InjectFault(sim.Fault{Path: h, Kind: sim.FaultRateLimit, Rate: o.LimitRate, RetryAfter: 2 * time.Second})
		}
		if o.ErrorRate > 0 {
			s.InjectFault(sim.Fault{Path: h, Kind: sim.FaultError, Rate: min(1, o.ErrorRate/(1-o.LimitRate))})
		}
	}
}

// killLoop starts the worker and SIGKILLs and restarts it o.Kills times.
// Each worker lives at least KillEvery and is killed as soon as it is
// running jobs (at most 40 s): a killed leader holds River's leadership for
// its 15 s term, and without a leader no scheduled job becomes available, so
// killing on a fixed clock would mostly kill idle processes. Then the faults
// stop, and a last worker runs until every target is settled.
func (r *ChaosResult) killLoop(ctx context.Context, e *Env, o ChaosOptions, logs *syncBuffer) error {
	env := map[string]string{"SALESAI_JOB_TIMEOUT": "5s"}
	w, err := e.StartWorker(o.Salesai, env, io.MultiWriter(logs, orDiscard(o.Log)))
	if err != nil {
		return err
	}
	for r.Kills < o.Kills {
		running, err := waitRunning(ctx, e, w, o.KillEvery)
		if err != nil {
			w.Kill()
			return err
		}
		w.Kill()
		r.Kills++
		r.RunningAtKill += running
		progress(o.Progress, "chaos: kill %d/%d (%d jobs running)", r.Kills, o.Kills, running)
		if w, err = e.StartWorker(o.Salesai, env, io.MultiWriter(logs, orDiscard(o.Log))); err != nil {
			return err
		}
	}
	e.Sim.ClearFaults()
	sctx, cancel := context.WithTimeout(ctx, o.Settle)
	defer cancel()
	counts, err := e.WaitSettled(sctx, o.Targets, 200*time.Millisecond)
	_ = w.Stop()
	if err != nil {
		return fmt.Errorf("chaos: targets not settled %s after the last kill (%v): %w", o.Settle, counts, err)
	}
	return nil
}

// count compares, for each target, the platform's posts with the database.
func (r *ChaosResult) count(ctx context.Context, e *Env, plan []string) error {
	posts := map[int]int{}
	ids := map[int][]string{}
	for _, sp := range e.Sim.Posts("") {
		if i := tokenIn([]byte(sp.Text)); i >= 0 && i < r.Targets && !sp.Deleted {
			posts[i]++
			ids[i] = append(ids[i], sp.ID+"@"+sp.CreatedAt.Format("15:04:05.000"))
		}
	}
	for i := range r.Targets {
		switch n := posts[i]; {
		case n == 1:
			r.PublishedOnce++
		case n > 1:
			r.Duplicates++
			if len(r.DuplicateSamples) < 10 {
				r.DuplicateSamples = append(r.DuplicateSamples, fmt.Sprintf("%s %s: %v", plan[i], token(i), ids[i]))
			}
		default:
			r.Lost++
		}
	}
	rows, err := e.App.Store.DB().QueryContext(ctx, `SELECT p.caption, t.status, t.attempts FROM post_targets t JOIN posts p ON p.id = t.post_id`)
	if err != nil {
		return fmt.Errorf("chaos: read targets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var caption, status string
		var attempts int
		if err := rows.Scan(&caption, &status, &attempts); err != nil {
			return err
		}
		i := tokenIn([]byte(caption))
		if i < 0 || i >= r.Targets {
			continue
		}
		if status == "failed" {
			r.Failed++
		}
		if (status == "published") != (posts[i] > 0) {
			r.Mismatch++
		}
		if attempts > 1 {
			r.Retried++
		}
	}
	return rows.Err()
}

// Rows renders the result for PrintTable.
func (r *ChaosResult) Rows() []Row {
	return []Row{
		{"scheduled targets", fmt.Sprintf("%d (%v, %s)", r.Targets, r.Platforms, r.Database), ""},
		{"SIGKILLs of the worker", fmt.Sprintf("%d (%d jobs running at the kills)", r.Kills, r.RunningAtKill), ""},
		{"published once / duplicates / lost", fmt.Sprintf("%d / %d / %d", r.PublishedOnce, r.Duplicates, r.Lost), fmt.Sprintf("target %d / 0 / 0", r.Targets)},
		{"failed / DB≠platform", fmt.Sprintf("%d / %d", r.Failed, r.Mismatch), "0 / 0"},
		{"targets retried / in-doubt reconciled", fmt.Sprintf("%d / %d", r.Retried, r.Reconciled), ""},
		{"all settled", fmt.Sprintf("%.1f s after the last due time", r.SettledAfterSec), ""},
	}
}

// waitRunning waits until w has lived min and River has running jobs (or
// 40 s passed) and returns how many were running.
func waitRunning(ctx context.Context, e *Env, w *Proc, min time.Duration) (int, error) {
	for {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		alive := time.Since(w.Start)
		if alive < min {
			continue
		}
		var running int
		_ = e.App.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE state = 'running'`).Scan(&running)
		if running > 0 || alive > 40*time.Second {
			return running, nil
		}
	}
}

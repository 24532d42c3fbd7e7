package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/salesai/social/internal/config"
	"github.com/salesai/social/internal/queue"
	"github.com/salesai/social/internal/store"
)

// RiverResult is bare River working no-op jobs: the limit of our dispatch.
type RiverResult struct {
	Jobs       int     `json:"jobs"`
	Worked     int     `json:"worked"`
	AllDoneSec float64 `json:"all_worked_seconds"`
	PerSec     float64 `json:"jobs_per_second"`
	Lateness   Dist    `json:"lateness"` // worker start − scheduled time
}

type noopArgs struct{}

func (noopArgs) Kind() string { return "bench_noop" }

type noopWorker struct {
	river.WorkerDefaults[noopArgs]
	mu     sync.Mutex
	starts []time.Duration
	last   time.Time
	done   chan struct{}
	want   int
}

func (w *noopWorker) Work(_ context.Context, job *river.Job[noopArgs]) error {
	now := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.starts = append(w.starts, now.Sub(job.ScheduledAt))
	w.last = now
	if len(w.starts) == w.want {
		close(w.done)
	}
	return nil
}

// BareRiver inserts n no-op jobs due at the same second, more than River's
// 5 s scheduler window ahead as ours are, and works them with a client built
// by queue.New with the program's settings (MaxWorkers, poll interval,
// cooldown) on the same database.
func BareRiver(ctx context.Context, st *store.Store, cfg config.Config, n int) (RiverResult, error) {
	w := &noopWorker{done: make(chan struct{}), want: n}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	c, err := queue.New(st, queue.Config{Workers: workers, MaxWorkers: cfg.Workers, JobTimeout: cfg.JobTimeout})
	if err != nil {
		return RiverResult{}, err
	}
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := c.Start(qctx); err != nil {
		return RiverResult{}, err
	}
	defer func() {
		sctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		_ = c.Stop(sctx)
	}()
	due, err := insertNoop(ctx, c, n)
	if err != nil {
		return RiverResult{}, err
	}
	select {
	case <-w.done:
	case <-ctx.Done():
		return RiverResult{}, fmt.Errorf("bare river: %w", ctx.Err())
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	r := RiverResult{Jobs: n, Worked: len(w.starts), Lateness: Summarize(w.starts)}
	r.AllDoneSec = w.last.Sub(due).Seconds()
	if r.AllDoneSec > 0 {
		r.PerSec = float64(n) / r.AllDoneSec
	}
	return r, nil
}

// insertNoop inserts the jobs in batches of 1,000 and returns their time.
func insertNoop(ctx context.Context, c *queue.Client, n int) (time.Time, error) {
	start := time.Now()
	due := start.Add(8*time.Second + time.Duration(n)*200*time.Microsecond).Truncate(time.Second).Add(time.Second)
	params := make([]river.InsertManyParams, 0, 1000)
	for i := 0; i < n; i += len(params) {
		params = params[:0]
		for j := i; j < min(n, i+1000); j++ {
			params = append(params, river.InsertManyParams{Args: noopArgs{}, InsertOpts: &river.InsertOpts{ScheduledAt: due}})
		}
		if _, err := c.InsertMany(ctx, params); err != nil {
			return due, fmt.Errorf("bare river insert: %w", err)
		}
	}
	if time.Until(due) < 6*time.Second {
		return due, fmt.Errorf("bare river: inserting %d jobs took %s, too close to their time", n, time.Since(start))
	}
	return due, nil
}

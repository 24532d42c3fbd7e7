package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// APIOptions configures the API measurement.
type APIOptions struct {
	Clients     int           // concurrent clients (default 16)
	Duration    time.Duration // default 10 s
	DatabaseURL string
	Env         map[string]string
	Log         io.Writer
}

// APIResult is what the clients saw.
type APIResult struct {
	Database    string   `json:"database"`
	Clients     int      `json:"clients"`
	DurationSec float64  `json:"duration_seconds"`
	Requests    int      `json:"requests"`
	Errors      int      `json:"errors"`
	PerSec      float64  `json:"requests_per_second"`
	Latency     Dist     `json:"latency"`
	Health      Dist     `json:"healthz_latency"` // the same server's cheapest route, for reference
	Samples     []string `json:"error_samples,omitempty"`
}

// API runs clients that each POST /api/social/posts (one post for an X and a
// LinkedIn account, scheduled an hour ahead) back to back for the duration,
// against the whole program (API, UI and workers in one process, as `salesai
// serve`). Any answer but 201 is an error.
func API(ctx context.Context, o APIOptions) (*APIResult, error) {
	if o.Clients <= 0 {
		o.Clients = 16
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	e, err := Start(ctx, EnvOptions{DatabaseURL: o.DatabaseURL, Workers: true, Env: o.Env, Log: o.Log})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	c, err := e.Signup(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, pl := range []string{"twitter", "linkedin"} {
		accts, err := c.Connect(ctx, pl)
		if err != nil {
			return nil, err
		}
		ids = append(ids, accts[0].ID)
	}
	res := &APIResult{Database: string(e.App.Store.Dialect()), Clients: o.Clients}
	lat, errs, samples, took := hammer(ctx, o, func(ctx context.Context, n int64) (bool, string) {
		at := time.Now().Add(time.Hour).UTC()
		body := map[string]any{"account_ids": ids, "caption": fmt.Sprintf("API benchmark post %d", n), "scheduled_at": at}
		status, b, err := c.Do(ctx, "POST", "/api/social/posts", body)
		if err != nil || status != http.StatusCreated {
			return false, fmt.Sprintf("%d %v %.200s", status, err, b)
		}
		return true, ""
	})
	res.DurationSec, res.Requests, res.Errors, res.Samples = took.Seconds(), len(lat), errs, samples
	res.PerSec, res.Latency = float64(len(lat))/took.Seconds(), Summarize(lat)
	hl, _, _, _ := hammer(ctx, APIOptions{Clients: o.Clients, Duration: 2 * time.Second}, func(ctx context.Context, _ int64) (bool, string) {
		status, _, err := c.Do(ctx, "GET", "/healthz", nil)
		return err == nil && status == http.StatusOK, ""
	})
	res.Health = Summarize(hl)
	return res, nil
}

// hammer runs call from o.Clients goroutines for o.Duration and returns every
// call's latency, the errors with a few samples, and the time taken.
func hammer(ctx context.Context, o APIOptions, call func(context.Context, int64) (bool, string)) ([]time.Duration, int, []string, time.Duration) {
	var (
		mu      sync.Mutex
		lat     []time.Duration
		samples []string
		errs    int
		seq     atomic.Int64
		wg      sync.WaitGroup
	)
	start := time.Now()
	end := start.Add(o.Duration)
	for range o.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) && ctx.Err() == nil {
				t := time.Now()
				ok, why := call(ctx, seq.Add(1))
				d := time.Since(t)
				mu.Lock()
				lat = append(lat, d)
				if !ok {
					errs++
					if len(samples) < 5 {
						samples = append(samples, why)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return lat, errs, samples, time.Since(start)
}

// Rows renders the result for PrintTable.
func (r *APIResult) Rows() []Row {
	return []Row{
		{"clients × duration", fmt.Sprintf("%d × %.1f s (%s)", r.Clients, r.DurationSec, r.Database), ""},
		{"POST /api/social/posts", fmt.Sprintf("%d requests, %.0f req/s", r.Requests, r.PerSec), ""},
		{"latency", r.Latency.String(), "GET /healthz: " + r.Health.String()},
		{"errors", fmt.Sprintf("%d", r.Errors), "must be 0"},
	}
}

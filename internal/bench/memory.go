package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/salesai/social/internal/platform/sim"
)

// MemoryOptions configures the streaming-memory measurement.
type MemoryOptions struct {
	Sizes       []int64 // video sizes in bytes (default 10 MiB and 1 GiB)
	Salesai     string  // the salesai binary
	DatabaseURL string
	Log         io.Writer
}

// MemoryRun is one video published by a fresh worker process.
type MemoryRun struct {
	Bytes     int64   `json:"video_bytes"`
	PeakRSS   int64   `json:"peak_rss_bytes"`
	Seconds   float64 `json:"publish_seconds"`
	MiBPerSec float64 `json:"mib_per_second"`
	SimGot    int64   `json:"bytes_youtube_received"`
	Published bool    `json:"published"`
}

// MemoryResult compares the peak RSS of the runs.
type MemoryResult struct {
	Database string      `json:"database"`
	Runs     []MemoryRun `json:"runs"`
	// Ratio is the largest video's peak RSS over the smallest's; streaming
	// keeps it near 1 whatever the size ratio.
	Ratio     float64 `json:"peak_rss_ratio"`
	SizeRatio float64 `json:"size_ratio"`
}

// Memory publishes one YouTube video of each size, each by its own `salesai
// worker` subprocess, from a media server that generates the bytes as they
// are read (nothing is stored); the simulator (in this process) hashes what
// it receives. Each worker's peak RSS is its rusage high-water mark.
func Memory(ctx context.Context, o MemoryOptions) (*MemoryResult, error) {
	if len(o.Sizes) == 0 {
		o.Sizes = []int64{10 << 20, 1 << 30}
	}
	e, err := Start(ctx, EnvOptions{DatabaseURL: o.DatabaseURL, Log: o.Log, Sim: sim.Options{YouTubeUploadsPerDay: 1000}})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	p, err := newPoster(ctx, e, []string{"youtube"}, 0)
	if err != nil {
		return nil, err
	}
	res := &MemoryResult{Database: string(e.App.Store.Dialect())}
	for i, size := range o.Sizes {
		run, err := memoryRun(ctx, e, p, o, i, size)
		if err != nil {
			return nil, err
		}
		res.Runs = append(res.Runs, run)
	}
	first, last := res.Runs[0], res.Runs[len(res.Runs)-1]
	res.Ratio = float64(last.PeakRSS) / float64(first.PeakRSS)
	res.SizeRatio = float64(last.Bytes) / float64(first.Bytes)
	return res, nil
}

func memoryRun(ctx context.Context, e *Env, p *poster, o MemoryOptions, i int, size int64) (MemoryRun, error) {
	run := MemoryRun{Bytes: size}
	logs := &syncBuffer{}
	w, err := e.StartWorker(o.Salesai, nil, io.MultiWriter(logs, orDiscard(o.Log)))
	if err != nil {
		return run, err
	}
	p.video = e.Media.VideoURL(size)
	start := time.Now()
	if _, err := e.App.Publish.Create(ctx, p.userID, p.input("youtube", i, nil)); err != nil {
		w.Kill()
		return run, err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	counts, err := e.WaitSettled(wctx, i+1, 50*time.Millisecond)
	cancel()
	run.Seconds = time.Since(start).Seconds()
	if serr := w.Stop(); err == nil && serr != nil {
		err = serr
	}
	if err != nil {
		return run, fmt.Errorf("memory %d bytes (%v): %w\n%s", size, counts, err, logs.String())
	}
	run.PeakRSS = w.MaxRSS()
	run.MiBPerSec = float64(size) / (1 << 20) / run.Seconds
	for _, sp := range e.Sim.Posts("youtube") {
		if strings.Contains(sp.Text, token(i)) && len(sp.Media) == 1 {
			_, _ = fmt.Sscanf(sp.Media[0], "bytes:%d", &run.SimGot)
			run.Published = true
		}
	}
	if counts["published"] != i+1 || run.SimGot != size {
		return run, fmt.Errorf("memory %d bytes: targets %v, YouTube received %d bytes\n%s", size, counts, run.SimGot, logs.String())
	}
	return run, nil
}

// Rows renders the result for PrintTable.
func (r *MemoryResult) Rows() []Row {
	var rows []Row
	for _, run := range r.Runs {
		rows = append(rows, Row{fmt.Sprintf("YouTube video %s", humanBytes(run.Bytes)),
			fmt.Sprintf("peak RSS %s", humanBytes(run.PeakRSS)),
			fmt.Sprintf("%.1f s, %.0f MiB/s, YouTube got %s", run.Seconds, run.MiBPerSec, humanBytes(run.SimGot))})
	}
	rows = append(rows, Row{"peak RSS ratio", fmt.Sprintf("%.2f", r.Ratio), fmt.Sprintf("size ratio %.0f", r.SizeRatio)})
	return rows
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// ParseSize reads "10MiB", "1GiB", "512KiB" or a plain byte count.
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if strings.HasSuffix(s, suffix) {
			s, mult = strings.TrimSuffix(s, suffix), m
		}
	}
	var n int64
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n <= 0 {
		return 0, fmt.Errorf("size %q: want e.g. 10MiB or 1GiB", s)
	}
	return n * mult, nil
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

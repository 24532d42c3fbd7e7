package bench

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"
	"time"
)

// The smoke tests run every measurement in a tiny configuration and assert
// what must hold whatever the machine: everything published once, no API
// error, memory flat in the video size. They never assert timings.

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// salesai builds cmd/salesai once for the tests that run it as a subprocess.
func salesai(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "salesai-bench-test-"); binErr == nil {
			binPath, binErr = BuildSalesai(context.Background(), binDir)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func TestDispatchPublishesEveryTargetOnce(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r, err := Dispatch(ctx, DispatchOptions{Targets: 200, Latency: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if r.Published != 200 || r.Failed != 0 || r.Lateness.N != 200 {
		t.Fatalf("published %d, failed %d, first calls seen %d; want 200, 0, 200", r.Published, r.Failed, r.Lateness.N)
	}
	if r.River.Worked != 200 || r.PerSec <= 0 || r.River.PerSec <= 0 {
		t.Fatalf("bare River worked %d (%.0f/s), ours %.0f/s", r.River.Worked, r.River.PerSec, r.PerSec)
	}
	if len(r.PerPlatform) != 4 {
		t.Fatalf("lateness by platform %v, want all four queue platforms", r.PerPlatform)
	}
}

func TestAPICreatesPostsWithoutErrors(t *testing.T) {
	t.Parallel()
	r, err := API(context.Background(), APIOptions{Clients: 4, Duration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests == 0 || r.Errors != 0 {
		t.Fatalf("%d requests, %d errors (%v)", r.Requests, r.Errors, r.Samples)
	}
}

func TestMemoryStaysFlatInVideoSize(t *testing.T) {
	t.Parallel()
	r, err := Memory(context.Background(), MemoryOptions{Sizes: []int64{10 << 20, 50 << 20}, Salesai: salesai(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range r.Runs {
		if !run.Published || run.SimGot != run.Bytes || run.PeakRSS <= 0 {
			t.Fatalf("run %+v: want the whole video published and a peak RSS", run)
		}
	}
	// Holding the video would add 40 MiB to the 50 MiB run; streaming adds
	// nothing but noise.
	if r.Ratio > 1.4 {
		t.Fatalf("peak RSS grew %.2f× for a %.0f× larger video: %+v", r.Ratio, r.SizeRatio, r.Runs)
	}
}

func TestStartupReachesReady(t *testing.T) {
	t.Parallel()
	r, err := Startup(context.Background(), StartupOptions{Salesai: salesai(t), Runs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Ready.N != 1 || r.Ready.Max <= 0 {
		t.Fatalf("ready %+v", r.Ready)
	}
}

func TestChaosLosesAndDuplicatesNothing(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("chaos run (about 40 s) skipped in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	r, err := Chaos(ctx, ChaosOptions{Targets: 100, Window: 10 * time.Second, KillEvery: 2 * time.Second, Kills: 2, Salesai: salesai(t)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kills != 2 || r.PublishedOnce != 100 || r.Duplicates != 0 || r.Lost != 0 || r.Mismatch != 0 {
		t.Fatalf("chaos result %+v: want 2 kills and 100 / 0 / 0 with the database agreeing", r)
	}
}

func TestPlanKeepsWithinAccountLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n         int
		platforms []string
		count     map[string]int
		wantErr   bool
	}{
		{8, QueuePlatforms, map[string]int{"twitter": 2, "linkedin": 2, "instagram": 2, "youtube": 2}, false},
		{1000, QueuePlatforms, map[string]int{"twitter": 90, "linkedin": 140, "instagram": 385, "youtube": 385}, false},
		{100, []string{"twitter"}, nil, true},
	}
	for _, tt := range tests {
		plan, err := Plan(tt.n, tt.platforms)
		if (err != nil) != tt.wantErr {
			t.Fatalf("Plan(%d, %v) error %v, want error %v", tt.n, tt.platforms, err, tt.wantErr)
		}
		got := map[string]int{}
		for _, p := range plan {
			got[p]++
		}
		for p, want := range tt.count {
			if got[p] != want {
				t.Errorf("Plan(%d, %v): %s has %d targets, want %d", tt.n, tt.platforms, p, got[p], want)
			}
		}
	}
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
	}{{"10MiB", 10 << 20}, {"1GiB", 1 << 30}, {"512KiB", 512 << 10}, {"4096", 4096}, {"0MiB", 0}, {"ten", 0}}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if got != tt.want || (err != nil) != (tt.want == 0) {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestSummarizeNearestRank(t *testing.T) {
	t.Parallel()
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	d := Summarize(ds)
	if d.N != 100 || d.P50 != 50 || d.P95 != 95 || d.P99 != 99 || d.Max != 100 {
		t.Fatalf("Summarize = %+v", d)
	}
	if !slices.IsSortedFunc(ds, func(a, b time.Duration) int { return int(b - a) }) {
		t.Fatal("Summarize reordered its input")
	}
}

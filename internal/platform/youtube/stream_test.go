package youtube

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
)

// streamChildEnv marks the process that runs the streaming test alone.
const streamChildEnv = "YOUTUBE_STREAM_TEST_CHILD"

// TestPublishStreamsLargeVideo uploads a video far bigger than a chunk from a
// server that generates it on the fly, and checks memory stays near one
// chunk: neither the live heap nor the bytes allocated grow with the video.
// Memory is process-wide, so it runs in a child process of its own, away from
// the parallel tests.
func TestPublishStreamsLargeVideo(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("streams hundreds of MiB")
	}
	if os.Getenv(streamChildEnv) != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPublishStreamsLargeVideo$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), streamChildEnv+"=1")
		out, err := cmd.CombinedOutput()
		t.Logf("child process:\n%s", out)
		if err != nil {
			t.Fatalf("streaming test failed in its own process: %v", err)
		}
		return
	}
	size, chunk := int64(256<<20), 8<<20
	if raceEnabled {
		size, chunk = 64<<20, 2<<20
	}
	f := setup(t, setupOpts{cfg: func(c *Config) { c.ChunkSize = chunk }})
	a := f.mustAccount(t)

	runtime.GC()
	before := readMetrics()
	peak := &peakHeap{}
	stop := peak.sample(before.heap)
	res, err := f.client.Publish(context.Background(), a, platform.Draft{Caption: "Big", VideoURL: f.media.url("sized", size)})
	stop()
	if err != nil {
		t.Fatal(err)
	}
	allocated := readMetrics().allocs - before.allocs
	f.wantUploaded(t, res.PostID, size)

	// Everything in the process counts, the simulator and the media server
	// too; buffering the video would blow through the bound.
	limit := uint64(size / 4)
	if got := peak.max(); got > limit {
		t.Errorf("live heap grew by %d MiB during a %d MiB upload, want under %d MiB", got>>20, size>>20, limit>>20)
	}
	if allocated > limit {
		t.Errorf("%d MiB allocated during a %d MiB upload, want under %d MiB", allocated>>20, size>>20, limit>>20)
	}
	t.Logf("video %d MiB, chunk %d MiB: live heap peak +%d MiB, allocated %d MiB", size>>20, chunk>>20, peak.max()>>20, allocated>>20)
}

type memSample struct{ heap, allocs uint64 }

func readMetrics() memSample {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return memSample{heap: s[0].Value.Uint64(), allocs: s[1].Value.Uint64()}
}

// peakHeap records the largest live-heap growth over a baseline.
type peakHeap struct {
	mu  sync.Mutex
	top uint64
}

func (p *peakHeap) sample(base uint64) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			if h := readMetrics().heap; h > base {
				p.mu.Lock()
				p.top = max(p.top, h-base)
				p.mu.Unlock()
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

func (p *peakHeap) max() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.top
}

package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/platform/sim"
)

// TestScaleOutPublishesEachTargetOnce follows the README's scale-out recipe
// on PostgreSQL: `salesai migrate`, one `salesai serve` and two
// `salesai worker` processes on one database and one secret key, each with
// its own data dir as on separate hosts. 200 targets fall due together;
// every one is published exactly once, and both workers take part.
func TestScaleOutPublishesEachTargetOnce(t *testing.T) {
	t.Parallel()
	base := os.Getenv(apptest.PostgresEnv)
	if base == "" {
		t.Skipf("scale-out test skipped: it needs PostgreSQL; set %s=postgres://… to run it", apptest.PostgresEnv)
	}
	dsn, drop := apptest.FreshSchema(t, base)
	t.Cleanup(drop)
	s := sim.New(sim.Options{})
	simURL := simServer(t, s, nil)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	shared := []string{"DATABASE_URL", dsn, "SALESAI_SECRET_KEY", base64.StdEncoding.EncodeToString(key)}
	env := with(serveEnv(t.TempDir(), freeAddr(t), simURL), shared...)

	if code, out, errs := runProc(t, env, "migrate"); code != 0 || !strings.Contains(out, "postgres") {
		t.Fatalf("migrate: exit %d\n%s%s", code, out, errs)
	}
	serve := mustServe(t, "serve", env)
	var workers []*proc
	for i := range 2 {
		wenv := with(serveEnv(t.TempDir(), freeAddr(t), simURL), shared...)
		workers = append(workers, startProc(t, fmt.Sprintf("worker#%d", i+1), wenv, "worker"))
	}
	for _, w := range workers {
		waitFor(t, 30*time.Second, w.name+" to run", func() bool {
			return strings.Contains(w.stderr.String(), "SalesAI worker is running")
		})
	}

	c := mustSignup(t, "http://"+env["SALESAI_ADDR"])
	accts := []int64{c.MustConnect("twitter", "")[0].ID, c.MustConnect("twitter", "second")[0].ID, c.MustConnect("linkedin", "")[0].ID}
	s.SetLatency(100 * time.Millisecond)
	const n = 200
	due := time.Now().Add(10 * time.Second).UTC().Truncate(time.Millisecond)
	mustCreateConcurrently(t, c, n, func(i int) map[string]any {
		return map[string]any{"account_ids": []int64{accts[i%len(accts)]}, "scheduled_at": due.Format(time.RFC3339Nano),
			"caption": fmt.Sprintf("Scale-out post %03d: new seasonal menu", i)}
	})
	if time.Now().After(due) {
		t.Logf("creating %d posts took past their time: they were due when created", n)
	}

	var final map[int64]target
	waitFor(t, 60*time.Second, "every target to settle", func() bool {
		final = mustTargets(c)
		return countStatus(final)["published"]+countStatus(final)["failed"] == n
	})
	assertPublishedOnce(t, s, final)
	assertSharedWork(t, final, append([]*proc{serve}, workers...))

	// A deploy stops them all cleanly.
	for _, p := range append(workers, serve) {
		p.signal(syscall.SIGTERM)
	}
	for _, p := range append(workers, serve) {
		if !p.wait(40*time.Second) || p.code() != 0 {
			t.Errorf("%s did not exit 0 after SIGTERM", p.name)
		}
	}
}

// mustCreateConcurrently creates n posts from 8 goroutines.
func mustCreateConcurrently(t *testing.T, c *apptest.Client, n int, body func(i int) map[string]any) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				if _, err := createPost(c, body(i)); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// assertSharedWork checks from the processes' logs that each target was
// published by exactly one process, and that every worker process published.
func assertSharedWork(t *testing.T, ts map[int64]target, procs []*proc) {
	t.Helper()
	by := map[int64][]string{}
	for _, p := range procs {
		ids := logTargets(p.stderr.String(), "published")
		t.Logf("%s published %d targets", p.name, len(ids))
		if len(ids) == 0 && strings.HasPrefix(p.name, "worker") {
			t.Errorf("%s published nothing: the work was not shared", p.name)
		}
		for _, id := range ids {
			by[id] = append(by[id], p.name)
		}
	}
	for id := range ts {
		if names := by[id]; len(names) != 1 {
			t.Errorf("target %d was published by %v, want exactly one process", id, names)
		}
	}
	for id, names := range by {
		if _, ok := ts[id]; !ok {
			t.Errorf("%v logged publishing unknown target %d", names, id)
		}
	}
}

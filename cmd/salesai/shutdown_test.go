package main

import (
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform/sim"
)

// TestSIGTERMFinishesTheRunningPublish is a deploy: SIGTERM while a slow
// publish is in flight. The process stops answering, lets the job finish and
// record the post, and exits 0 well within its 30 s grace period.
func TestSIGTERMFinishesTheRunningPublish(t *testing.T) {
	t.Parallel()
	s := sim.New(sim.Options{})
	env := serveEnv(t.TempDir(), freeAddr(t), simServer(t, s, nil))
	base := "http://" + env["SALESAI_ADDR"]
	p := mustServe(t, "serve", env)
	c := mustSignup(t, base)
	x := c.MustConnect("twitter", "")[0].ID
	s.SetLatency(2 * time.Second)
	post, err := createPost(c, map[string]any{"account_ids": []int64{x}, "caption": "Published during a deploy"})
	if err != nil {
		t.Fatal(err)
	}
	tid := post.Targets[0].ID
	waitFor(t, 10*time.Second, "the target to be publishing", func() bool {
		return mustTargets(c)[tid].Status == "publishing"
	})

	sent := time.Now()
	p.signal(syscall.SIGTERM)
	waitFor(t, 5*time.Second, "/healthz to stop answering", func() bool { return !healthy(base) })
	if !p.wait(40 * time.Second) {
		t.Fatal("still running 40 s after SIGTERM")
	}
	took := time.Since(sent)
	if code := p.code(); code != 0 || took > 30*time.Second {
		t.Fatalf("exit code %d after %s, want 0 within 30 s", code, took)
	}
	if ids := logTargets(p.stderr.String(), "published"); len(ids) != 1 || ids[0] != tid {
		t.Errorf("published log lines for targets %v, want [%d]", ids, tid)
	}
	if n := len(simCopies(s, "twitter")["Published during a deploy"]); n != 1 {
		t.Fatalf("%d copies on X, want 1", n)
	}

	// The next start finds it recorded: nothing left to reconcile or redo.
	s.SetLatency(0)
	mustServe(t, "serve (restarted)", env)
	tg := mustTargets(c)[tid]
	if tg.Status != "published" || tg.Attempts != 1 || tg.PlatformPostID == "" {
		t.Fatalf("after restart the target is %+v, want published on the first attempt", tg)
	}
	resp, body := c.Do("GET", "/healthz", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("restarted /healthz: %d %s", resp.StatusCode, body)
	}
}

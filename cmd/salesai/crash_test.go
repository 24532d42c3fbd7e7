package main

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform/sim"
)

// slowAck holds the answer to a publish call for d after the simulator has
// made the post: a process killed then has published without knowing it,
// the in-doubt case reconciliation exists for. (The simulator's own latency
// comes before the post is made: a kill then leaves nothing on the platform.)
func slowAck(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			publish := r.Method == http.MethodPost &&
				(strings.HasSuffix(r.URL.Path, "/2/tweets") || strings.HasSuffix(r.URL.Path, "/v2/ugcPosts"))
			if !publish {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			hold := time.NewTimer(d)
			defer hold.Stop()
			select {
			case <-hold.C:
			case <-r.Context().Done():
				return
			}
			maps.Copy(w.Header(), rec.Header())
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
}

// TestCrashPublishesEveryTargetExactlyOnce kills `salesai serve` with SIGKILL
// twice while targets are publishing: some with the post already on the
// platform and its answer still on the way, some with the call not yet
// served. After the last restart River rescues the dead processes' jobs, the
// worker asks the platform about every in-doubt target, and each post exists
// exactly once (DESIGN §7, issue 6).
func TestCrashPublishesEveryTargetExactlyOnce(t *testing.T) {
	t.Parallel()
	s := sim.New(sim.Options{})
	env := serveEnv(t.TempDir(), freeAddr(t), simServer(t, s, slowAck(400*time.Millisecond)))
	// A short job timeout makes River rescue a dead process's jobs 10 s after
	// they started; few workers keep a backlog queued across the kills.
	env = with(env, "SALESAI_JOB_TIMEOUT", "5s", "SALESAI_WORKERS", "4")
	started := time.Now()
	first := mustServe(t, "serve#1", env)
	c := mustSignup(t, "http://"+env["SALESAI_ADDR"])
	x := c.MustConnect("twitter", "")[0].ID
	li := c.MustConnect("linkedin", "")[0].ID
	s.SetLatency(300 * time.Millisecond)

	// Half go to LinkedIn: more than one finder page of the same author's
	// shares is published after the first kill's in-doubt ones.
	const n = 60
	for i := range n {
		acct := x
		if i%2 == 1 {
			acct = li
		}
		if _, err := createPost(c, map[string]any{"account_ids": []int64{acct},
			"caption": fmt.Sprintf("Crash test %02d: fresh beans, roasted today", i)}); err != nil {
			t.Fatal(err)
		}
	}

	// Kill #1 while one target's post is on the platform unacknowledged and
	// another's call has not yet been served.
	var atKill1 map[int64]target
	waitFor(t, 30*time.Second, "targets publishing on both sides of the platform call", func() bool {
		atKill1 = mustTargets(c)
		return inDoubtBothWays(s, atKill1) && countStatus(atKill1)["published"] >= 3
	})
	first.kill()
	t.Logf("kill #1 after %s: %v", time.Since(started).Round(time.Millisecond), countStatus(atKill1))

	// Kill #2 once the restarted process is publishing the backlog.
	second := mustServe(t, "serve#2", env)
	var atKill2 map[int64]target
	waitFor(t, 30*time.Second, "the restarted process to publish more", func() bool {
		now := mustTargets(c)
		atKill2 = now
		fresh, busy := 0, 0
		for id, tg := range now {
			before := atKill1[id].Status
			if tg.Status == "published" && before != "published" {
				fresh++
			}
			if tg.Status == "publishing" && before != "publishing" {
				busy++
			}
		}
		return fresh >= 2 && busy >= 1
	})
	second.kill()
	t.Logf("kill #2 after %s: %v", time.Since(started).Round(time.Millisecond), countStatus(atKill2))

	third := mustServe(t, "serve#3", env)
	var final map[int64]target
	waitFor(t, 90*time.Second, "every target to settle", func() bool {
		final = mustTargets(c)
		return countStatus(final)["published"]+countStatus(final)["failed"] == n
	})
	t.Logf("all settled after %s", time.Since(started).Round(time.Millisecond))
	assertPublishedOnce(t, s, final)
	if len(final) != n {
		t.Errorf("%d targets, want %d", len(final), n)
	}
	if found := logTargets(third.stderr.String(), "in-doubt attempt had published"); len(found) == 0 {
		t.Error("no in-doubt target was found on the platform: the reconciliation path was not exercised")
	}
}

// inDoubtBothWays reports whether, among the publishing targets, one's post
// was just made on the platform (its answer is held for a while yet) and
// another's is not made.
func inDoubtBothWays(s *sim.Sim, ts map[int64]target) bool {
	var on, off bool
	copies := map[string]map[string][]sim.Post{}
	for _, tg := range ts {
		if tg.Status != "publishing" {
			continue
		}
		pl := string(tg.Platform)
		if copies[pl] == nil {
			copies[pl] = simCopies(s, pl)
		}
		switch got := copies[pl][tg.Caption]; {
		case len(got) == 0:
			off = true
		case time.Since(got[0].CreatedAt) < 150*time.Millisecond:
			on = true // well inside slowAck's hold: still unacknowledged at the kill
		}
	}
	return on && off
}

package publish_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
	"github.com/salesai/social/internal/platform/sim"
)

// A PATCH whose checks take long (a slow image link) while the worker
// publishes the post must not requeue the published target: the PATCH is
// refused and the post exists exactly once. (Found by review: it used to
// overwrite "published" with "queued" and post twice.)
func TestPatchRacingThePublishDoesNotPostTwice(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{})
	c := s.MustSignup(t)
	x := c.MustConnect("twitter", "")[0].ID
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 400, 400)), nil)
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow.jpg" {
			<-release // held until the post has been published
		}
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write(buf.Bytes())
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })

	at := time.Now().Add(2 * time.Second).UTC().Truncate(time.Millisecond)
	var p httpapi.PostJSON
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{x}, "caption": "Race",
		"scheduled_at": at.Format(time.RFC3339Nano)}, http.StatusCreated, &p)
	type answer struct {
		status int
		body   string
	}
	done := make(chan answer, 1)
	go func() {
		resp, body := c.Do("PATCH", "/api/social/posts/"+itoa(p.ID), map[string]any{"caption": "Race v2",
			"scheduled_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "image_urls": []string{slow.URL + "/slow.jpg"}})
		done <- answer{resp.StatusCode, string(body)}
	}()
	waitTarget(t, c, p.ID, "the original to publish", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
	release <- struct{}{}
	a := <-done
	if a.status != http.StatusConflict {
		t.Fatalf("PATCH after the publish: %d %s, want 409", a.status, a.body)
	}
	if n := countPosts(s, "twitter", "Race") + countPosts(s, "twitter", "Race v2"); n != 1 {
		t.Fatalf("%d tweets, want 1", n)
	}
	c.MustJSON("GET", "/api/social/posts/"+itoa(p.ID), nil, http.StatusOK, &p)
	if p.Targets[0].Status != "published" || p.Caption != "Race" {
		t.Fatalf("post after the refused PATCH: %+v", p)
	}
}

// Cancel while the worker is handing a post to Facebook's scheduler is
// refused (the target is publishing), and our record and Facebook agree.
func TestCancelRacingNativeScheduleStaysConsistent(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{})
	c := s.MustSignup(t)
	page := c.MustConnect("facebook", "")[0]
	s.Sim.InjectFault(sim.Fault{Path: "/graph.facebook.com/", Method: "POST", Kind: sim.FaultLatency, Latency: 2 * time.Second, Times: 1})
	var p httpapi.PostJSON
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{page.ID}, "caption": "Native race",
		"scheduled_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, http.StatusCreated, &p)
	waitTarget(t, c, p.ID, "the worker to claim the target", func(tg httpapi.TargetJSON) bool { return tg.Status == "publishing" })
	resp, body := c.Do("POST", "/api/social/posts/"+itoa(p.ID)+"/cancel", nil)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("cancel during the Facebook call: %d %s, want 409", resp.StatusCode, body)
	}
	p = waitTarget(t, c, p.ID, "Facebook to accept the post", func(tg httpapi.TargetJSON) bool { return tg.Status == "scheduled" })
	sp := simPost(s, "facebook", "Native race")
	if sp == nil || sp.Deleted || p.Targets[0].PlatformPostID == "" {
		t.Fatalf("target %+v but facebook has %+v", p.Targets[0], sp)
	}
	// Now cancel works, and deletes it on Facebook.
	c.MustJSON("POST", "/api/social/posts/"+itoa(p.ID)+"/cancel", nil, http.StatusOK, &p)
	if sp := simPost(s, "facebook", "Native race"); !sp.Deleted {
		t.Fatal("canceled post still live on Facebook")
	}
}

// Retrying a target whose last attempt ended in doubt asks the platform
// first: the post that did go out is recorded, not published again.
func TestRetryAfterUnknownOutcomeReconciles(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{})
	c := s.MustSignup(t)
	x := c.MustConnect("twitter", "")[0].ID
	var p httpapi.PostJSON
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{x}, "caption": "Did it go?"}, http.StatusCreated, &p)
	p = waitTarget(t, c, p.ID, "publish", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
	// As if the answer had been lost on the last attempt.
	if _, err := s.Store.DB().Exec(`UPDATE post_targets SET status = 'failed', error_code = 'platform_unreachable',
		platform_post_id = '', permalink = '' WHERE id = $1`, p.Targets[0].ID); err != nil {
		t.Fatal(err)
	}
	c.MustJSON("POST", "/api/social/posts/"+itoa(p.ID)+"/retry", nil, http.StatusOK, &p)
	p = waitTarget(t, c, p.ID, "the retry to settle", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
	if p.Targets[0].PlatformPostID == "" || countPosts(s, "twitter", "Did it go?") != 1 {
		t.Fatalf("target %+v; %d tweets, want 1", p.Targets[0], countPosts(s, "twitter", "Did it go?"))
	}
}

// Deleting an account while Facebook schedules one of its posts takes the
// post back: nothing goes out for an account the user removed.
func TestDeleteAccountRacingNativeScheduleTakesItBack(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{})
	c := s.MustSignup(t)
	page := c.MustConnect("facebook", "")[0]
	s.Sim.InjectFault(sim.Fault{Path: "/graph.facebook.com/", Method: "POST", Kind: sim.FaultLatency, Latency: 2 * time.Second, Times: 1})
	var p httpapi.PostJSON
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{page.ID}, "caption": "Orphan",
		"scheduled_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, http.StatusCreated, &p)
	waitTarget(t, c, p.ID, "the worker to claim the target", func(tg httpapi.TargetJSON) bool { return tg.Status == "publishing" })
	c.MustJSON("DELETE", "/api/social/accounts/"+itoa(page.ID), nil, http.StatusNoContent, nil)
	p = waitTarget(t, c, p.ID, "the post to be taken back", func(tg httpapi.TargetJSON) bool { return tg.Status == "canceled" })
	if sp := simPost(s, "facebook", "Orphan"); sp == nil || !sp.Deleted {
		t.Fatalf("facebook still has %+v", sp)
	}
}

package publish_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
	"github.com/salesai/social/internal/platform/sim"
)

// jpegServer serves a small real JPEG, as a user's public image host would.
func jpegServer(t *testing.T) *httptest.Server {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 400, 400)), nil); err != nil {
		t.Fatal(err)
	}
	img := buf.Bytes()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/missing.jpg") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write(img)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTwitterQueueRetriesRefreshesAndImages(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{})
	c := s.MustSignup(t)
	accts := c.MustConnect("twitter", "")
	if len(accts) != 1 || accts[0].PlatformAccountID != "2244994945" {
		t.Fatalf("connected = %+v", accts)
	}
	x := accts[0].ID
	media := jpegServer(t)

	// A 500 once, then success: retried with backoff, published once.
	s.Sim.InjectFault(sim.Fault{Path: "/api.x.com/2/tweets", Method: "POST", Kind: sim.FaultError, Status: 503, Times: 1})
	var p httpapi.PostJSON
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{x}, "caption": "Retry me",
		"image_urls": []string{media.URL + "/a.jpg"}}, http.StatusCreated, &p)
	p = waitTarget(t, c, p.ID, "the tweet to publish after a retry", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
	if p.Targets[0].Attempts < 2 || countPosts(s, "twitter", "Retry me") != 1 {
		t.Fatalf("target %+v; %d tweets", p.Targets[0], countPosts(s, "twitter", "Retry me"))
	}
	if sp := simPost(s, "twitter", "Retry me"); sp == nil || len(sp.Media) != 1 {
		t.Fatalf("tweet = %+v, want one image", sp)
	}

	// An expired token is refreshed once and the call tried again.
	s.Sim.ExpireAccessTokens("twitter")
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{x}, "caption": "After refresh"}, http.StatusCreated, &p)
	waitTarget(t, c, p.ID, "the tweet after a refresh", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })

	// A queued post publishes at its time.
	at := time.Now().Add(1500 * time.Millisecond).UTC().Truncate(time.Millisecond) // stored in ms
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{x}, "caption": "On time",
		"scheduled_at": at.Format(time.RFC3339Nano)}, http.StatusCreated, &p)
	if p.Targets[0].Mode != "queue" || p.Targets[0].Status != "queued" {
		t.Fatalf("scheduled target = %+v", p.Targets[0])
	}
	p = waitTarget(t, c, p.ID, "the queued tweet", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
	sp := simPost(s, "twitter", "On time")
	if sp == nil || sp.CreatedAt.Before(at) || sp.CreatedAt.Sub(at) > 2*time.Second {
		t.Fatalf("queued tweet at %v, want within 2 s after %v", sp, at)
	}

	// A refused refresh marks the account and fails the target with a fix.
	s.Sim.ExpireAccessTokens("twitter")
	s.Sim.RevokeRefreshTokens("twitter", "")
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{x}, "caption": "Doomed"}, http.StatusCreated, &p)
	p = waitTarget(t, c, p.ID, "the target to fail", func(tg httpapi.TargetJSON) bool { return tg.Status == "failed" })
	if p.Targets[0].Error == nil || p.Targets[0].Error.Hint == "" {
		t.Fatalf("failed target = %+v", p.Targets[0])
	}
	var a httpapi.AccountJSON
	c.MustJSON("GET", "/api/social/accounts/"+itoa(x), nil, http.StatusOK, &a)
	if a.Status != "needs_reconnect" || a.LastError == "" {
		t.Fatalf("account after refused refresh = %+v", a)
	}

	// Reconnecting repairs it in place, and retry publishes the failed post.
	again := c.MustConnect("twitter", "")
	if again[0].ID != x || again[0].Status != "connected" {
		t.Fatalf("reconnect = %+v, want the same account %d connected", again, x)
	}
	c.MustJSON("POST", "/api/social/posts/"+itoa(p.ID)+"/retry", nil, http.StatusOK, &p)
	waitTarget(t, c, p.ID, "the retried tweet", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
	if countPosts(s, "twitter", "Doomed") != 1 {
		t.Fatal("retry did not publish exactly once")
	}

	// A private-network image link is refused at compose time.
	resp, body := c.Do("POST", "/api/social/posts/validate", map[string]any{"account_ids": []int64{x}, "caption": "x",
		"image_urls": []string{media.URL + "/missing.jpg"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "media_not_found") {
		t.Fatalf("validate a missing image: %d %s", resp.StatusCode, body)
	}
}

package publish_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
	"github.com/salesai/social/internal/platform/sim"
)

// After its time, the confirm job records a natively scheduled post as
// published with its permalink, or fails it with the guide's message when
// Facebook no longer has it.
func TestFacebookNativeConfirmation(t *testing.T) {
	t.Parallel()
	var ahead atomic.Int64 // how far Facebook's clock runs ahead of ours
	s := apptest.MustServer(t, apptest.ServerOptions{Sim: sim.Options{Now: func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }}})
	c := s.MustSignup(t)
	page := c.MustConnect("facebook", "")[0]
	at := time.Now().Add(15 * time.Minute).UTC().Truncate(time.Second)
	schedule := func(caption string) httpapi.PostJSON {
		var p httpapi.PostJSON
		c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{page.ID}, "caption": caption,
			"scheduled_at": at.Format(time.RFC3339)}, http.StatusCreated, &p)
		return waitTarget(t, c, p.ID, "Facebook to accept "+caption, func(tg httpapi.TargetJSON) bool { return tg.Status == "scheduled" })
	}
	live, gone := schedule("Goes live"), schedule("Gets deleted")

	// Someone deletes the second one on Facebook itself.
	var pageToken string
	for _, r := range s.Sim.RequestsTo("graph.facebook.com", "") {
		if strings.HasSuffix(r.Path, "/1000000000000001/feed") && r.Method == "POST" {
			form, _ := url.ParseQuery(string(r.Body))
			query, _ := url.ParseQuery(r.Query)
			pageToken = form.Get("access_token") + query.Get("access_token") + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		}
	}
	if pageToken == "" {
		t.Fatal("no page token seen on the feed call")
	}
	req, _ := http.NewRequest("DELETE", s.SimURL+"/graph.facebook.com/v25.0/"+gone.Targets[0].PlatformPostID+"?access_token="+url.QueryEscape(pageToken), nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("delete on facebook: %v %v", resp, err)
	}

	// Facebook's time passes; the confirm jobs run now instead of in 17 min.
	ahead.Store(int64(20 * time.Minute))
	for _, p := range []httpapi.PostJSON{live, gone} {
		tg, err := s.Store.Target(context.Background(), p.Targets[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Queue.JobRetry(context.Background(), tg.JobID); err != nil {
			t.Fatal(err)
		}
	}
	p := waitTarget(t, c, live.ID, "confirmation", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
	if !strings.HasPrefix(p.Targets[0].Permalink, "https://www.facebook.com/") || p.Targets[0].PublishedAt == nil {
		t.Fatalf("confirmed target = %+v", p.Targets[0])
	}
	p = waitTarget(t, c, gone.ID, "the failure", func(tg httpapi.TargetJSON) bool { return tg.Status == "failed" })
	e := p.Targets[0].Error
	if e == nil || e.Message != "Scheduled post failed: The scheduled post no longer exists on Facebook" || !strings.Contains(e.Hint, "10+ minutes") {
		t.Fatalf("failed target error = %+v", e)
	}
}

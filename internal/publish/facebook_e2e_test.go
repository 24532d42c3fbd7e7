package publish_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
)

func waitTarget(t *testing.T, c *apptest.Client, postID int64, what string, ok func(tg httpapi.TargetJSON) bool) httpapi.PostJSON {
	t.Helper()
	var p httpapi.PostJSON
	apptest.Eventually(t, 20*time.Second, what, func() bool {
		c.MustJSON("GET", "/api/social/posts/"+itoa(postID), nil, http.StatusOK, &p)
		for _, tg := range p.Targets {
			if !ok(tg) {
				return false
			}
		}
		return len(p.Targets) > 0
	})
	return p
}

func TestFacebookPublishNowAndNativeSchedule(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			s := apptest.MustServer(t, apptest.ServerOptions{Postgres: db == "postgres"})
			c := s.MustSignup(t)
			accts := c.MustConnect("facebook", "")
			if len(accts) != 2 || accts[0].Platform != "facebook" || accts[0].PlatformAccountID != "1000000000000001" {
				t.Fatalf("connected = %+v", accts)
			}
			page := accts[0]

			var p httpapi.PostJSON
			c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{page.ID}, "caption": "Fresh beans today"}, http.StatusCreated, &p)
			if p.Targets[0].Mode != "now" {
				t.Fatalf("mode = %s", p.Targets[0].Mode)
			}
			p = waitTarget(t, c, p.ID, "the post to publish", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
			if p.Targets[0].PlatformPostID == "" || !strings.HasPrefix(p.Targets[0].Permalink, "https://www.facebook.com/") {
				t.Fatalf("published target = %+v", p.Targets[0])
			}
			if got := countPosts(s, "facebook", "Fresh beans today"); got != 1 {
				t.Fatalf("facebook has %d copies of the post, want 1", got)
			}

			// Outside Facebook's window: refused before anything is stored.
			resp, body := c.Do("POST", "/api/social/posts", map[string]any{"account_ids": []int64{page.ID}, "caption": "too soon",
				"scheduled_at": time.Now().Add(5 * time.Minute).UTC().Format(time.RFC3339)})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "10 minutes") {
				t.Fatalf("5 min ahead: %d %s", resp.StatusCode, body)
			}

			at := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
			c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{page.ID}, "caption": "Holiday hours",
				"scheduled_at": at.Format(time.RFC3339)}, http.StatusCreated, &p)
			p = waitTarget(t, c, p.ID, "Facebook to accept the scheduled post", func(tg httpapi.TargetJSON) bool { return tg.Status == "scheduled" })
			if p.Targets[0].Mode != "native" || p.Targets[0].PlatformPostID == "" {
				t.Fatalf("scheduled target = %+v", p.Targets[0])
			}
			sp := simPost(s, "facebook", "Holiday hours")
			if sp == nil || sp.Published || sp.ScheduledAt == nil || !sp.ScheduledAt.Equal(at) {
				t.Fatalf("facebook's scheduled post = %+v", sp)
			}

			// Reschedule moves it on Facebook; cancel deletes it there.
			later := at.Add(time.Hour)
			c.MustJSON("PATCH", "/api/social/posts/"+itoa(p.ID), map[string]any{"scheduled_at": later.Format(time.RFC3339)}, http.StatusOK, &p)
			if sp := simPost(s, "facebook", "Holiday hours"); sp == nil || !sp.ScheduledAt.Equal(later) {
				t.Fatalf("after reschedule facebook has %+v, want time %s", sp, later)
			}
			c.MustJSON("POST", "/api/social/posts/"+itoa(p.ID)+"/cancel", nil, http.StatusOK, &p)
			if p.Targets[0].Status != "canceled" {
				t.Fatalf("after cancel: %+v", p.Targets[0])
			}
			if sp := simPost(s, "facebook", "Holiday hours"); sp == nil || !sp.Deleted {
				t.Fatalf("after cancel facebook still has %+v", sp)
			}
			resp, _ = c.Do("POST", "/api/social/posts/"+itoa(p.ID)+"/cancel", nil)
			if resp.StatusCode != http.StatusConflict {
				t.Fatalf("second cancel: %d, want 409", resp.StatusCode)
			}
		})
	}
}

package publish_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
)

// jobOf returns the River job of a target.
func jobOf(t *testing.T, s *apptest.Server, targetID int64) *rivertype.JobRow {
	t.Helper()
	tg, err := s.Store.Target(context.Background(), targetID)
	if err != nil {
		t.Fatal(err)
	}
	j, err := s.Queue.JobGet(context.Background(), tg.JobID)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestQueuedPostRescheduleCancelAndConflicts(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			s := apptest.MustServer(t, apptest.ServerOptions{Postgres: db == "postgres"})
			c := s.MustSignup(t)
			x := c.MustConnect("twitter", "")[0]
			at := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
			var p httpapi.PostJSON
			c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{x.ID}, "caption": "Later",
				"scheduled_at": at.Format(time.RFC3339)}, http.StatusCreated, &p)
			old := jobOf(t, s, p.Targets[0].ID)
			if old.State != rivertype.JobStateScheduled || !old.ScheduledAt.Equal(at) {
				t.Fatalf("job = %s at %s, want scheduled at %s", old.State, old.ScheduledAt, at)
			}

			// Reschedule: the old job is cancelled and a new one waits for the new time.
			later := at.Add(30 * time.Minute)
			c.MustJSON("PATCH", "/api/social/posts/"+itoa(p.ID), map[string]any{"scheduled_at": later.Format(time.RFC3339), "caption": "Later still"},
				http.StatusOK, &p)
			if p.Caption != "Later still" || !p.ScheduledAt.Equal(later) || p.Targets[0].Status != "queued" {
				t.Fatalf("after PATCH: %+v", p)
			}
			nj := jobOf(t, s, p.Targets[0].ID)
			if nj.ID == old.ID || nj.State != rivertype.JobStateScheduled || !nj.ScheduledAt.Equal(later) {
				t.Fatalf("new job %d %s at %s", nj.ID, nj.State, nj.ScheduledAt)
			}
			if j, _ := s.Queue.JobGet(context.Background(), old.ID); j.State != rivertype.JobStateCancelled {
				t.Fatalf("old job is %s, want cancelled", j.State)
			}
			// An invalid new time changes nothing.
			resp, _ := c.Do("PATCH", "/api/social/posts/"+itoa(p.ID), map[string]any{"scheduled_at": time.Now().Add(-time.Hour).Format(time.RFC3339)})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("past time: %d, want 422", resp.StatusCode)
			}

			c.MustJSON("POST", "/api/social/posts/"+itoa(p.ID)+"/cancel", nil, http.StatusOK, &p)
			if p.Targets[0].Status != "canceled" || jobOf(t, s, p.Targets[0].ID).State != rivertype.JobStateCancelled {
				t.Fatalf("after cancel: %+v", p.Targets[0])
			}
			for _, action := range []string{"cancel", "retry"} {
				if resp, _ := c.Do("POST", "/api/social/posts/"+itoa(p.ID)+"/"+action, nil); resp.StatusCode != http.StatusConflict {
					t.Errorf("%s of a canceled post: %d, want 409", action, resp.StatusCode)
				}
			}

			// A published post cannot change.
			c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{x.ID}, "caption": "Now"}, http.StatusCreated, &p)
			waitTarget(t, c, p.ID, "publish", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
			if resp, _ := c.Do("PATCH", "/api/social/posts/"+itoa(p.ID), map[string]any{"caption": "edited"}); resp.StatusCode != http.StatusConflict {
				t.Fatalf("PATCH of a published post: %d, want 409", resp.StatusCode)
			}
			// Another user sees none of it.
			other := s.MustSignup(t)
			if resp, _ := other.Do("GET", "/api/social/posts/"+itoa(p.ID), nil); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("another user's post: %d", resp.StatusCode)
			}
		})
	}
}

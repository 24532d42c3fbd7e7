package publish_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/publish"
)

// The periodic job refreshes tokens that expire within 7 days.
func TestPeriodicRefresh(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{Sim: sim.Options{TokenTTL: 48 * time.Hour}})
	c := s.MustSignup(t)
	acct := c.MustConnect("linkedin", "")[0]
	var before httpapi.AccountJSON
	c.MustJSON("GET", "/api/social/accounts/"+itoa(acct.ID), nil, http.StatusOK, &before)
	if before.TokenExpiresAt == nil || time.Until(*before.TokenExpiresAt) > 72*time.Hour {
		t.Fatalf("token expiry = %v, want about 48 h", before.TokenExpiresAt)
	}
	if _, err := s.Queue.Insert(context.Background(), publish.RefreshArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 10*time.Second, "the refresh grant", func() bool {
		for _, r := range s.Sim.RequestsTo("www.linkedin.com", "/oauth/v2/accessToken") {
			if strings.Contains(string(r.Body), "grant_type=refresh_token") {
				return true
			}
		}
		return false
	})
	var after httpapi.AccountJSON
	apptest.Eventually(t, 10*time.Second, "the new token to be saved", func() bool {
		c.MustJSON("GET", "/api/social/accounts/"+itoa(acct.ID), nil, http.StatusOK, &after)
		return after.TokenExpiresAt != nil && after.TokenExpiresAt.After(*before.TokenExpiresAt)
	})
	if after.Status != "connected" {
		t.Fatalf("after refresh: %+v", after)
	}
}

// A 429 waits until the platform says it may retry, then publishes once.
func TestRateLimitHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{})
	c := s.MustSignup(t)
	x := c.MustConnect("twitter", "")[0]
	s.Sim.InjectFault(sim.Fault{Path: "/api.x.com/2/tweets", Method: "POST", Kind: sim.FaultRateLimit, Times: 1, RetryAfter: 3 * time.Second})
	start := time.Now()
	var p httpapi.PostJSON
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{x.ID}, "caption": "Slow down"}, http.StatusCreated, &p)
	p = waitTarget(t, c, p.ID, "the rate-limited tweet", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
	// X's x-rate-limit-reset is in whole epoch seconds, so the wait may end
	// up to a second early; River's own first retry would come after ~1 s.
	if d := p.Targets[0].PublishedAt.Sub(start); d < 2*time.Second {
		t.Fatalf("published %s after the 429, before its reset (3 s)", d)
	}
	if n := countPosts(s, "twitter", "Slow down"); n != 1 {
		t.Fatalf("%d tweets, want 1", n)
	}
}

// Refreshes of one account never overlap: X rotates refresh tokens, so a
// second concurrent refresh would spend a dead token and lose the account.
func TestConcurrentRefreshesOfOneAccountRunOnce(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	x := c.MustConnect("twitter", "")[0]
	ctx := context.Background()
	a, err := s.Store.AccountByID(ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	tokens := make([]string, 8)
	errs := make([]error, 8)
	for i := range tokens {
		wg.Go(func() {
			fresh, err := s.Publish.Refresh(ctx, a)
			errs[i] = err
			if err == nil {
				tokens[i] = fresh.Credentials.AccessToken.Reveal()
			}
		})
	}
	wg.Wait()
	for i := range tokens {
		if errs[i] != nil || tokens[i] == "" || tokens[i] != tokens[0] {
			t.Fatalf("refresh %d: token %q, error %v (all must share one new token)", i, tokens[i], errs[i])
		}
	}
	grants := 0
	for _, r := range s.Sim.RequestsTo("api.x.com", "/2/oauth2/token") {
		if strings.Contains(string(r.Body), "grant_type=refresh_token") {
			grants++
		}
	}
	if grants != 1 {
		t.Fatalf("%d refresh grants sent, want 1", grants)
	}
}

// A post scheduled well ahead goes through River's scheduler and still
// reaches the platform within 2 s of its time.
func TestQueuedLateness(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("waits 8 s for a scheduled time")
	}
	s := apptest.MustServer(t, apptest.ServerOptions{})
	c := s.MustSignup(t)
	x := c.MustConnect("twitter", "")[0]
	at := time.Now().Add(8 * time.Second).UTC().Truncate(time.Millisecond)
	var p httpapi.PostJSON
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{x.ID}, "caption": "Eight seconds",
		"scheduled_at": at.Format(time.RFC3339Nano)}, http.StatusCreated, &p)
	waitTarget(t, c, p.ID, "the scheduled tweet", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
	sp := simPost(s, "twitter", "Eight seconds")
	if late := sp.CreatedAt.Sub(at); late < 0 || late > 2*time.Second {
		t.Fatalf("tweet reached X %s after its time, want 0–2 s", late)
	}
}

// The cleanup job removes expired sessions (and so signs those browsers out).
func TestCleanupRemovesExpiredSessions(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{})
	c := s.MustSignup(t)
	ctx := context.Background()
	if _, err := s.Store.DB().ExecContext(ctx, `UPDATE sessions SET expires_at = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Queue.Insert(ctx, publish.CleanupArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 10*time.Second, "the expired session to be deleted", func() bool {
		var n int
		_ = s.Store.DB().QueryRowContext(ctx, `SELECT count(*) FROM sessions`).Scan(&n)
		return n == 0
	})
	if resp, _ := c.Do("GET", "/api/social/accounts", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("expired session still signed in: %d", resp.StatusCode)
	}
}

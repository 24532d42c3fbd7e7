package publish_test

import (
	"context"
	"net/http"
	"strings"
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

package publish_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
)

func TestLinkedInPublishAndRefusedRefresh(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{})
	c := s.MustSignup(t)
	accts := c.MustConnect("linkedin", "")
	if len(accts) != 1 || accts[0].PlatformAccountID != "urn:li:person:782bbtaQ" {
		t.Fatalf("connected = %+v", accts)
	}
	li := accts[0].ID

	var p httpapi.PostJSON
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{li},
		"caption": "Our new menu https://acme.example/menu"}, http.StatusCreated, &p)
	p = waitTarget(t, c, p.ID, "the LinkedIn post", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
	if !strings.HasPrefix(p.Targets[0].Permalink, "https://www.linkedin.com/feed/update/urn:li:") {
		t.Fatalf("published %+v", p.Targets[0])
	}
	var sawArticle bool
	for _, r := range s.Sim.RequestsTo("api.linkedin.com", "/v2/ugcPosts") {
		if r.Method == "POST" {
			sawArticle = strings.Contains(string(r.Body), `"shareMediaCategory":"ARTICLE"`) &&
				r.Header.Get("X-Restli-Protocol-Version") == "2.0.0"
		}
	}
	if !sawArticle {
		t.Fatal("the post with a link was not sent as an ARTICLE share with the Restli header")
	}

	// The guide's section I.2: an expired token whose refresh is refused.
	s.Sim.ExpireAccessTokens("linkedin")
	s.Sim.RevokeRefreshTokens("linkedin", "")
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{li}, "caption": "After expiry"}, http.StatusCreated, &p)
	p = waitTarget(t, c, p.ID, "the target to fail", func(tg httpapi.TargetJSON) bool { return tg.Status == "failed" })
	e := p.Targets[0].Error
	if e == nil || e.Message != "LinkedIn token refresh failed: invalid_grant" || !strings.Contains(e.Hint, "offline_access") {
		t.Fatalf("failed target error = %+v", e)
	}
	var a httpapi.AccountJSON
	c.MustJSON("GET", "/api/social/accounts/"+itoa(li), nil, http.StatusOK, &a)
	if a.Status != "needs_reconnect" || a.LastError != "LinkedIn token refresh failed: invalid_grant" {
		t.Fatalf("account = %+v", a)
	}
	// A needs-reconnect account is refused at compose time with the hint.
	resp, body := c.Do("POST", "/api/social/posts/validate", map[string]any{"account_ids": []int64{li}, "caption": "x"})
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "No connected account found") {
		t.Fatalf("validate on a needs-reconnect account: %s", body)
	}
}

package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
	"github.com/salesai/social/internal/platform/sim"
)

// consent starts a connect flow and returns the simulator's redirect back to
// our callback (approved, or denied), without following it.
func consent(t *testing.T, c *apptest.Client, platform, decision string) string {
	t.Helper()
	resp, body := c.Do("GET", "/api/social/oauth/"+platform+"/start", nil)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("start: %d %s", resp.StatusCode, body)
	}
	u, _ := url.Parse(resp.Header.Get("Location"))
	q := u.Query()
	q.Set("decision", decision)
	u.RawQuery = q.Encode()
	r, err := c.HTTP.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	return strings.TrimPrefix(r.Header.Get("Location"), c.Base)
}

func accountCount(t *testing.T, c *apptest.Client) int {
	var list struct{ Accounts []httpapi.AccountJSON }
	c.MustJSON("GET", "/api/social/accounts", nil, http.StatusOK, &list)
	return len(list.Accounts)
}

func wantFailure(t *testing.T, c *apptest.Client, callback, reason string) {
	t.Helper()
	resp, body := c.Do("GET", callback, nil)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"code":"`+reason+`"`) {
		t.Fatalf("callback: %d %s, want 400 %s", resp.StatusCode, body, reason)
	}
}

func TestConnectFailuresStoreNothing(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	ann, bob := s.MustSignup(t), s.MustSignup(t)

	t.Run("denied", func(t *testing.T) {
		cb := consent(t, ann, "twitter", "deny")
		if !strings.Contains(cb, "error=access_denied") {
			t.Fatalf("deny redirect = %s", cb)
		}
		wantFailure(t, ann, cb, "access_denied")
	})
	t.Run("replayed", func(t *testing.T) {
		cb := consent(t, ann, "facebook", "approve")
		ann.MustJSON("GET", cb, nil, http.StatusOK, nil)
		wantFailure(t, ann, cb, "state_invalid")
	})
	t.Run("another user's state", func(t *testing.T) {
		cb := consent(t, ann, "youtube", "approve")
		bob.TB = t
		wantFailure(t, bob, cb, "state_invalid")
		wantFailure(t, ann, cb, "state_invalid") // and it is spent
	})
	t.Run("expired", func(t *testing.T) {
		cb := consent(t, ann, "linkedin", "approve")
		if _, err := s.Store.DB().ExecContext(context.Background(), `UPDATE oauth_states SET expires_at = 0`); err != nil {
			t.Fatal(err)
		}
		wantFailure(t, ann, cb, "state_invalid")
	})
	t.Run("exchange refused", func(t *testing.T) {
		cb := consent(t, ann, "twitter", "approve")
		s.Sim.InjectFault(sim.Fault{Path: "/api.x.com/2/oauth2/token", Kind: sim.FaultError, Status: 500, Times: 1})
		wantFailure(t, ann, cb, "exchange_failed")
	})
	t.Run("browser lands on the accounts page", func(t *testing.T) {
		cb := consent(t, ann, "twitter", "deny")
		req, _ := http.NewRequest("GET", s.URL+cb, nil)
		resp, err := ann.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != "/accounts?connect=error&platform=twitter&reason=access_denied" {
			t.Fatalf("browser callback: %d %s", resp.StatusCode, loc)
		}
	})
	ann.TB, bob.TB = t, t
	// Only the one good connect stored anything: the fixture user's 2 Pages.
	if a, b := accountCount(t, ann), accountCount(t, bob); a != 2 || b != 0 {
		t.Fatalf("accounts stored: ann %d, bob %d; want 2 and 0", a, b)
	}
}

func TestConnectNotConfigured(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true, Env: map[string]string{"LINKEDIN_CLIENT_ID": "", "LINKEDIN_CLIENT_SECRET": ""}})
	c := s.MustSignup(t)
	resp, body := c.Do("GET", "/api/social/oauth/linkedin/start", nil)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "linkedin_not_configured") ||
		!strings.Contains(string(body), "LINKEDIN_CLIENT_ID") {
		t.Fatalf("start without app: %d %s", resp.StatusCode, body)
	}
}

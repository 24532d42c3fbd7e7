package linkedin

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/platformtest"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/social"
)

func TestAuthCodeURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		offline bool
		scope   string
	}{
		{false, "openid profile w_member_social"},
		{true, "openid profile w_member_social offline_access"},
	}
	for _, tt := range tests {
		c := New(Config{ClientID: "cid", ClientSecret: "secret", RedirectURL: redirectURL, OfflineAccess: tt.offline})
		u, err := url.Parse(c.AuthCodeURL("st", "ignored-verifier"))
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if u.Host != "www.linkedin.com" || u.Path != "/oauth/v2/authorization" || q.Get("response_type") != "code" ||
			q.Get("client_id") != "cid" || q.Get("redirect_uri") != redirectURL || q.Get("state") != "st" {
			t.Errorf("consent URL %s", u)
		}
		if q.Get("scope") != tt.scope || q.Get("code_challenge") != "" || q.Get("client_secret") != "" {
			t.Errorf("offline=%v: scope %q (want %q), challenge %q", tt.offline, q.Get("scope"), tt.scope, q.Get("code_challenge"))
		}
	}
}

func TestExchange(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	p := e.connect(t)
	if p.PlatformAccountID != "urn:li:person:782bbtaQ" || p.Name != "Alex Marketer" {
		t.Errorf("profile = %q %q, want urn:li:person:782bbtaQ Alex Marketer", p.PlatformAccountID, p.Name)
	}
	if p.Token.AccessToken == "" || p.Token.RefreshToken == "" {
		t.Errorf("token lacks access or refresh token")
	}
	if want := e.clock.Now().Add(60 * 24 * time.Hour); !p.Token.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %s, want %s (60 days)", p.Token.ExpiresAt, want)
	}
	if want := e.clock.Now().Add(365 * 24 * time.Hour).Format(time.RFC3339); p.Meta["refresh_token_expires_at"] != want {
		t.Errorf("refresh_token_expires_at = %q, want %q", p.Meta["refresh_token_expires_at"], want)
	}
	reqs := e.requests(http.MethodPost, "www.linkedin.com", "/oauth/v2/accessToken")
	if len(reqs) != 1 || reqs[0].Header.Get("Authorization") != "" {
		t.Fatalf("want one token request without Authorization, got %d", len(reqs))
	}
	form, _ := url.ParseQuery(string(reqs[0].Body))
	app := sim.SandboxApps["linkedin"]
	if form.Get("client_id") != app.ID || form.Get("client_secret") != app.Secret || form.Get("redirect_uri") != redirectURL ||
		form.Get("grant_type") != "authorization_code" {
		t.Errorf("token form = %v", form)
	}
	ui := e.requests(http.MethodGet, "api.linkedin.com", "/v2/userinfo")
	if len(ui) != 1 || ui[0].Header.Get("Authorization") != "Bearer "+p.Token.AccessToken {
		t.Error("userinfo not read with the new access token")
	}
}

func TestExchange_BadCode(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	_, err := e.app.Exchange(context.Background(), "no-such-code", "")
	pe := platformtest.RequireError(t, err, platform.Permanent, "exchange_failed")
	if want := "LinkedIn sign-in failed: Unable to retrieve access token: authorization code not found. Try connecting again."; pe.Message != want {
		t.Errorf("message %q, want %q", pe.Message, want)
	}
}

// A manual account refreshes with its own client id and secret, even when
// SalesAI has no LinkedIn app configured.
func TestRefresh_AccountCredentials(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	p := e.connect(t)
	a := manualAccount(p)
	e.clock.Advance(59 * 24 * time.Hour)
	tok, err := e.manual.Refresh(context.Background(), a)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if tok.AccessToken == "" || tok.AccessToken == p.Token.AccessToken {
		t.Error("no new access token")
	}
	if want := e.clock.Now().Add(60 * 24 * time.Hour); !tok.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %s, want %s", tok.ExpiresAt, want)
	}
	reqs := e.requests(http.MethodPost, "www.linkedin.com", "/oauth/v2/accessToken")
	form, _ := url.ParseQuery(string(reqs[len(reqs)-1].Body))
	if form.Get("grant_type") != "refresh_token" || form.Get("refresh_token") != p.Token.RefreshToken ||
		form.Get("client_id") != a.Credentials.ClientID.Reveal() || form.Get("client_secret") != a.Credentials.ClientSecret.Reveal() {
		t.Errorf("refresh form = %v", form)
	}
	a.Credentials.AccessToken = social.Secret(tok.AccessToken)
	if _, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: "refreshed"}); err != nil {
		t.Errorf("Publish with the refreshed token: %v", err)
	}
}

// The account's own credentials win over the app's: wrong ones are refused
// even though the app's would work.
func TestRefresh_PrefersAccountCredentials(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	a := manualAccount(e.connect(t))
	a.Credentials.ClientSecret = "stale-secret"
	_, err := e.app.Refresh(context.Background(), a)
	pe := platformtest.RequireError(t, err, platform.Revoked, "linkedin_refresh_failed")
	if pe.Message != "LinkedIn token refresh failed: invalid_client" {
		t.Errorf("message %q", pe.Message)
	}
	a.Credentials.ClientID, a.Credentials.ClientSecret = "", ""
	if _, err := e.app.Refresh(context.Background(), a); err != nil {
		t.Errorf("Refresh with the app's credentials: %v", err)
	}
}

func TestRefresh_Refused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		code string // sim.Options.LinkedInRefreshErrorCode
		want string
	}{
		{"invalid_grant", "", "LinkedIn token refresh failed: invalid_grant"},
		{"invalid_request as LinkedIn documents", "invalid_request", "LinkedIn token refresh failed: invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, sim.Options{LinkedInRefreshErrorCode: tt.code})
			a := manualAccount(e.connect(t))
			e.sim.RevokeRefreshTokens("linkedin", "")
			_, err := e.manual.Refresh(context.Background(), a)
			pe := platformtest.RequireError(t, err, platform.Revoked, "linkedin_refresh_failed")
			if pe.Message != tt.want || pe.Status != http.StatusBadRequest {
				t.Errorf("message %q status %d, want %q 400", pe.Message, pe.Status, tt.want)
			}
		})
	}
}

func TestRefresh_NothingToRefreshWith(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	tests := []struct {
		name  string
		creds social.Credentials
		want  string
	}{
		{"no refresh token", social.Credentials{AccessToken: "a", ClientID: "id", ClientSecret: "s"}, "LinkedIn token refresh failed: no refresh token saved"},
		{"no client credentials anywhere", social.Credentials{AccessToken: "a", RefreshToken: "r"}, "LinkedIn token refresh failed: client id and client secret missing"},
	}
	for _, tt := range tests {
		_, err := e.manual.Refresh(context.Background(), platform.Account{Credentials: tt.creds})
		if pe := platformtest.RequireError(t, err, platform.Revoked, "linkedin_refresh_failed"); pe.Message != tt.want {
			t.Errorf("%s: message %q, want %q", tt.name, pe.Message, tt.want)
		}
	}
	if n := len(e.sim.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

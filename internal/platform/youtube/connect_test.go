package youtube

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/platformtest"
	"github.com/salesai/social/internal/social"
)

func TestAuthCodeURL(t *testing.T) {
	t.Parallel()
	c := New(Config{ClientID: "cid", RedirectURL: redirectURL})
	u, err := url.Parse(c.AuthCodeURL("st", "ignored"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	want := map[string]string{
		"client_id": "cid", "redirect_uri": redirectURL, "response_type": "code", "state": "st",
		"access_type": "offline", "prompt": "consent",
		"scope": "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly",
	}
	if u.Scheme+"://"+u.Host+u.Path != authURL {
		t.Errorf("consent page %s, want %s", u.Scheme+"://"+u.Host+u.Path, authURL)
	}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if q.Has("code_challenge") {
		t.Errorf("Google web-server clients send no PKCE challenge")
	}
}

func TestConnect(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	profiles, err := f.connect(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) != 1 {
		t.Fatalf("%d profiles, want the one channel", len(profiles))
	}
	p := profiles[0]
	if p.PlatformAccountID != "UCacmeCoffee0000000000001" || p.Name != "Acme Coffee TV" || p.Meta["custom_url"] != "@acmecoffeetv" {
		t.Errorf("profile %+v, want the fixture channel", p)
	}
	tok := p.Token
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Errorf("want an access and a refresh token (access_type=offline, prompt=consent)")
	}
	if !tok.ExpiresAt.Equal(testNow.Add(3599 * time.Second)) {
		t.Errorf("expires at %v, want now + 3599 s", tok.ExpiresAt)
	}
	if !strings.Contains(tok.Scope, Scopes[0]) {
		t.Errorf("scope %q lacks youtube.upload", tok.Scope)
	}
	reqs := f.sim.RequestsTo("www.googleapis.com", "/youtube/v3/channels")
	if len(reqs) != 1 || reqs[0].Header.Get("Authorization") != "Bearer "+tok.AccessToken {
		t.Fatalf("want one channels.list call with the new token, got %d", len(reqs))
	}
	if q, _ := url.ParseQuery(reqs[0].Query); q.Get("mine") != "true" || q.Get("part") != "id,snippet" {
		t.Errorf("channels.list query %q, want part=id,snippet&mine=true", reqs[0].Query)
	}
}

func TestConnectWithoutChannel(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	_, err := f.connect(t, "nochannel")
	pe := platformtest.RequireError(t, err, platform.Permanent, "no_channel")
	if !strings.Contains(pe.Message, "no YouTube channel") {
		t.Errorf("message %q should say the account has no channel", pe.Message)
	}
}

func TestConnectRefusedCode(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	_, err := f.client.Exchange(context.Background(), "not-a-code", "")
	pe := platformtest.RequireError(t, err, platform.Permanent, "oauth_exchange_failed")
	if !strings.Contains(pe.Message, "invalid_grant") {
		t.Errorf("message %q does not name invalid_grant", pe.Message)
	}
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	a := f.mustAccount(t)
	tok, err := f.client.Refresh(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.AccessToken == a.Credentials.AccessToken.Reveal() {
		t.Errorf("want a new access token")
	}
	if tok.RefreshToken != a.Credentials.RefreshToken.Reveal() {
		t.Errorf("Google does not rotate refresh tokens: want the stored one kept")
	}
	if !tok.ExpiresAt.Equal(testNow.Add(3599 * time.Second)) {
		t.Errorf("expires at %v, want now + 3599 s", tok.ExpiresAt)
	}
	// The new token works.
	a.Credentials.AccessToken = social.Secret(tok.AccessToken)
	if _, _, err := f.client.FindPublished(context.Background(), a, platform.Draft{Caption: "x"}, testNow); err != nil {
		t.Fatalf("the refreshed token was refused: %v", err)
	}
}

func TestRefreshRevoked(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	a := f.mustAccount(t)
	if f.sim.RevokeRefreshTokens("youtube", "") == 0 {
		t.Fatal("nothing to revoke")
	}
	_, err := f.client.Refresh(context.Background(), a)
	pe := platformtest.RequireError(t, err, platform.Revoked, "token_refresh_failed")
	if strings.Contains(pe.Message, a.Credentials.RefreshToken.Reveal()) {
		t.Errorf("the message leaks the refresh token")
	}
}

// TestConnectUploadUnticked: on Google's granular consent screen the user may
// untick youtube.upload; connecting then says so instead of failing later.
func TestConnectUploadUnticked(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	consent := platformtest.WithQuery(t, f.client.AuthCodeURL("st", ""), "scope", Scopes[1]) // youtube.readonly only
	code := platformtest.Approve(t, f.hc, consent, "")
	_, err := f.client.Exchange(context.Background(), code, "")
	platformtest.RequireError(t, err, platform.Permanent, "permission_missing")
}

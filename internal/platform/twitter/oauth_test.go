package twitter

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/platformtest"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/social"
)

func TestAuthCodeURL_PKCE(t *testing.T) {
	t.Parallel()
	c := New(Config{ClientID: "cid", RedirectURL: redirectURL})
	// RFC 7636 Appendix B (platforms.md V14).
	u, err := url.Parse(c.AuthCodeURL("st", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	want := map[string]string{
		"response_type": "code", "client_id": "cid", "redirect_uri": redirectURL, "state": "st",
		"scope": "tweet.read tweet.write users.read offline.access media.write", "code_challenge_method": "S256",
		"code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
	}
	if u.Host != "x.com" || u.Path != "/i/oauth2/authorize" {
		t.Errorf("consent page %s, want https://x.com/i/oauth2/authorize", u)
	}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
}

func TestExchange_ConfidentialClient(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	p := e.connect(t, "")

	if p.PlatformAccountID != "2244994945" || p.Name != "@acmecoffee" || p.Meta["username"] != "acmecoffee" {
		t.Errorf("profile = %q %q %v, want 2244994945 @acmecoffee username acmecoffee", p.PlatformAccountID, p.Name, p.Meta)
	}
	if p.Token.AccessToken == "" || p.Token.RefreshToken == "" {
		t.Errorf("token lacks access or refresh token: %+v", p.Token)
	}
	if want := e.clock.Now().Add(2 * time.Hour); !p.Token.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %s, want %s", p.Token.ExpiresAt, want)
	}
	if !strings.Contains(p.Token.Scope, "media.write") {
		t.Errorf("scope %q lacks media.write", p.Token.Scope)
	}
	reqs := e.requests(http.MethodPost, "api.x.com", "/2/oauth2/token")
	if len(reqs) != 1 {
		t.Fatalf("%d token requests, want 1", len(reqs))
	}
	app := sim.SandboxApps["twitter"]
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(app.ID+":"+app.Secret))
	if got := reqs[0].Header.Get("Authorization"); got != basic {
		t.Errorf("token request Authorization = %q, want Basic of the client credentials", got)
	}
	form, _ := url.ParseQuery(string(reqs[0].Body))
	if form.Get("client_secret") != "" || form.Get("code_verifier") == "" || form.Get("grant_type") != "authorization_code" {
		t.Errorf("token form = %v, want a code_verifier and no client_secret", form)
	}
}

func TestExchange_PublicClient(t *testing.T) {
	t.Parallel()
	apps := map[string]sim.App{"twitter": {ID: "public-client"}}
	e := setup(t, sim.Options{Apps: apps}, Config{ClientID: "public-client"})
	p := e.connect(t, "")
	if p.PlatformAccountID != "2244994945" || p.Token.RefreshToken == "" {
		t.Errorf("profile = %+v", p)
	}
	reqs := e.requests(http.MethodPost, "api.x.com", "/2/oauth2/token")
	if len(reqs) != 1 || reqs[0].Header.Get("Authorization") != "" {
		t.Fatalf("public client must not send Authorization: %d requests", len(reqs))
	}
	form, _ := url.ParseQuery(string(reqs[0].Body))
	if form.Get("client_id") != "public-client" {
		t.Errorf("token form client_id = %q, want public-client", form.Get("client_id"))
	}
}

func TestExchange_WrongVerifier(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	code := e.approve(t, e.client.AuthCodeURL("state-1", oauth2.GenerateVerifier()), "")
	_, err := e.client.Exchange(context.Background(), code, oauth2.GenerateVerifier())
	pe := platformtest.RequireError(t, err, platform.Permanent, "exchange_failed")
	if !strings.Contains(pe.Message, "Value passed for the authorization code was invalid") {
		t.Errorf("message %q lacks X's reason", pe.Message)
	}
}

func TestRefresh_Rotates(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	p := e.connect(t, "")
	a := platformtest.Account(p)

	tok, err := e.client.Refresh(context.Background(), a)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if tok.AccessToken == "" || tok.AccessToken == p.Token.AccessToken {
		t.Error("refresh did not give a new access token")
	}
	if tok.RefreshToken == "" || tok.RefreshToken == p.Token.RefreshToken {
		t.Error("refresh did not return the rotated refresh token")
	}
	if want := e.clock.Now().Add(2 * time.Hour); !tok.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %s, want %s", tok.ExpiresAt, want)
	}

	// The used refresh token is spent: X refuses it, the account must reconnect.
	_, err = e.client.Refresh(context.Background(), a)
	pe := platformtest.RequireError(t, err, platform.Revoked, "needs_reconnect")
	if !strings.Contains(pe.Message, "Value passed for the token was invalid") || strings.Contains(pe.Message, p.Token.RefreshToken) {
		t.Errorf("message %q: want X's reason and no token", pe.Message)
	}

	// The rotated one works and the new access token is accepted by X.
	a.Credentials.AccessToken, a.Credentials.RefreshToken = social.Secret(tok.AccessToken), social.Secret(tok.RefreshToken)
	if _, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "after refresh"}); err != nil {
		t.Fatalf("Publish with refreshed token: %v", err)
	}
}

func TestRefresh_Revoked(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	a := platformtest.Account(e.connect(t, ""))
	e.sim.RevokeRefreshTokens("twitter", "")
	_, err := e.client.Refresh(context.Background(), a)
	platformtest.RequireError(t, err, platform.Revoked, "needs_reconnect")

	a.Credentials.RefreshToken = ""
	_, err = e.client.Refresh(context.Background(), a)
	platformtest.RequireError(t, err, platform.Revoked, "needs_reconnect")
}

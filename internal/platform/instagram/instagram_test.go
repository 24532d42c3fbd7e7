package instagram_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/facebook"
	"github.com/salesai/social/internal/platform/instagram"
	"github.com/salesai/social/internal/platform/platformtest"
	"github.com/salesai/social/internal/platform/sim"
)

const (
	redirectURL = "https://app.example/api/social/oauth/instagram/callback"
	acmeIG      = "17841400000000001" // "default" IG user, linked to the FB Page below
	coffeePage  = "1000000000000001"
)

// env is a simulator behind httptest and a client reaching it through the
// endpoint rewrite.
type env struct {
	sim   *sim.Sim
	hc    *http.Client
	c     *instagram.Client
	clock *platformtest.Clock
	fb    bool
}

type options struct {
	fbLogin bool
	sim     func(*sim.Options)
	cfg     func(*instagram.Config)
}

func setup(t *testing.T, o options) *env {
	t.Helper()
	ck := platformtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	opts := sim.Options{Now: ck.Now}
	if o.sim != nil {
		o.sim(&opts)
	}
	s, hc, _ := platformtest.NewSim(t, opts)
	app := sim.SandboxApps["instagram"]
	if o.fbLogin {
		app = sim.SandboxApps["facebook"]
	}
	cfg := instagram.Config{UseFacebookLogin: o.fbLogin, AppID: app.ID, AppSecret: app.Secret, RedirectURL: redirectURL,
		HTTPClient: hc, Now: ck.Now, SleepFunc: func(context.Context, time.Duration) error { return nil }}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	return &env{sim: s, hc: hc, c: instagram.New(cfg), clock: ck, fb: o.fbLogin}
}

// code approves the consent page as simUser and returns the callback's code.
func (e *env) code(t *testing.T, simUser string) string {
	t.Helper()
	return platformtest.Approve(t, e.hc, e.c.AuthCodeURL("st-1", ""), simUser)
}

func (e *env) connect(t *testing.T, simUser string) []platform.Profile {
	t.Helper()
	profiles, err := e.c.Exchange(context.Background(), e.code(t, simUser), "")
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return profiles
}

// account connects the default user and returns its Instagram account.
func (e *env) account(t *testing.T) platform.Account {
	t.Helper()
	profiles := e.connect(t, "default")
	if len(profiles) != 1 {
		t.Fatalf("got %d profiles, want 1", len(profiles))
	}
	return platformtest.Account(profiles[0])
}

// shortToken runs the Instagram Login code exchange by hand, for a user the
// client refuses to connect (a personal account).
func (e *env) shortToken(t *testing.T, simUser string) string {
	t.Helper()
	app := sim.SandboxApps["instagram"]
	form := url.Values{"client_id": {app.ID}, "client_secret": {app.Secret}, "grant_type": {"authorization_code"},
		"redirect_uri": {redirectURL}, "code": {e.code(t, simUser)}}
	resp, err := e.hc.PostForm("https://api.instagram.com/oauth/access_token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data []struct {
			AccessToken string `json:"access_token"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Data) != 1 {
		t.Fatalf("token answer: %v", err)
	}
	return out.Data[0].AccessToken
}

// requests are the recorded calls to host with this method whose path ends with suffix.
func (e *env) requests(method, host, suffix string) []sim.Request {
	var out []sim.Request
	for _, r := range e.sim.Requests() {
		if r.Method == method && r.Host == host && strings.HasSuffix(r.Path, suffix) {
			out = append(out, r)
		}
	}
	return out
}

func TestAuthCodeURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, host, path, scope string
		fb                      bool
	}{
		{"instagram login", "www.instagram.com", "/oauth/authorize", "instagram_business_basic,instagram_business_content_publish", false},
		{"facebook login", "www.facebook.com", "/" + instagram.DefaultVersion + "/dialog/oauth",
			"instagram_basic,instagram_content_publish,pages_show_list,pages_read_engagement", true},
	}
	for _, tt := range tests {
		e := setup(t, options{fbLogin: tt.fb})
		u, err := url.Parse(e.c.AuthCodeURL("xyz", ""))
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if u.Host != tt.host || u.Path != tt.path || q.Get("scope") != tt.scope || q.Get("response_type") != "code" ||
			q.Get("state") != "xyz" || q.Get("redirect_uri") != redirectURL {
			t.Errorf("%s: AuthCodeURL = %s", tt.name, u)
		}
	}
}

func TestExchangeInstagramLogin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, simUser, wantName string
		flat                    bool
	}{
		{"documented wrapped token answer", "default", "acme.coffee", false},
		{"observed flat token answer", "default", "acme.coffee", true},
		{"creator account", "creator", "alex.creates", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, options{sim: func(o *sim.Options) { o.InstagramFlatToken = tt.flat }})
			profiles := e.connect(t, tt.simUser)
			if len(profiles) != 1 {
				t.Fatalf("got %d profiles", len(profiles))
			}
			p := profiles[0]
			wantExpiry := e.clock.Now().Add(5183944 * time.Second)
			if p.Name != tt.wantName || !strings.HasPrefix(p.PlatformAccountID, "178414") || !p.Token.ExpiresAt.Equal(wantExpiry) ||
				p.Token.Scope != "instagram_business_basic,instagram_business_content_publish" ||
				p.Meta["graph_host"] != "graph.instagram.com" || p.Meta["login"] != "instagram" {
				t.Errorf("profile = %+v", p)
			}
			code := e.requests(http.MethodPost, "api.instagram.com", "/oauth/access_token")
			f := platformtest.Params(t, code[0])
			if len(code) != 1 || f.Get("grant_type") != "authorization_code" || f.Get("redirect_uri") != redirectURL ||
				f.Get("client_secret") != sim.SandboxApps["instagram"].Secret || code[0].Header.Get("Authorization") != "" {
				t.Errorf("code exchange sent %v", f)
			}
			long := e.requests(http.MethodGet, "graph.instagram.com", "/access_token")
			if len(long) != 1 || platformtest.Params(t, long[0]).Get("grant_type") != "ig_exchange_token" {
				t.Errorf("long-lived exchange = %+v", long)
			}
			me := e.requests(http.MethodGet, "graph.instagram.com", "/me")
			if len(me) != 1 || platformtest.Params(t, me[0]).Get("access_token") != p.Token.AccessToken {
				t.Errorf("me was not read with the long-lived token: %+v", me)
			}
		})
	}
}

func TestExchangePersonalAccount(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	_, err := e.c.Exchange(context.Background(), e.code(t, "personal"), "")
	pe := platformtest.RequireError(t, err, platform.Permanent, "not_professional")
	if !strings.Contains(pe.Message, "Professional") {
		t.Errorf("message = %q", pe.Message)
	}
}

func TestExchangeReplayedCode(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	code := e.code(t, "default")
	if _, err := e.c.Exchange(context.Background(), code, ""); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.Exchange(context.Background(), code, "")
	pe := platformtest.RequireError(t, err, platform.Permanent, "oauth_exchange_failed")
	if !strings.Contains(pe.Message, "Matching code was not found or was already used") {
		t.Errorf("message = %q", pe.Message)
	}
}

func TestExchangeFacebookLogin(t *testing.T) {
	t.Parallel()
	e := setup(t, options{fbLogin: true})
	profiles := e.connect(t, "default")
	if len(profiles) != 1 {
		t.Fatalf("got %d profiles, want the one Page with a linked IG account", len(profiles))
	}
	p := profiles[0]
	if p.PlatformAccountID != acmeIG || p.Name != "acme.coffee" || p.Token.AccessToken == "" || !p.Token.ExpiresAt.IsZero() ||
		p.Meta["graph_host"] != "graph.facebook.com" || p.Meta["login"] != "facebook" || p.Meta["page_id"] != coffeePage {
		t.Errorf("profile = %+v", p)
	}
	accounts := e.requests(http.MethodGet, "graph.facebook.com", "/me/accounts")
	if len(accounts) != 1 || !strings.Contains(platformtest.Params(t, accounts[0]).Get("fields"), "instagram_business_account") {
		t.Errorf("me/accounts = %+v", accounts)
	}
	lookup := e.requests(http.MethodGet, "graph.facebook.com", "/"+acmeIG)
	q := platformtest.Params(t, lookup[0])
	if len(lookup) != 1 || q.Get("fields") != "username" ||
		q.Get("appsecret_proof") != facebook.AppSecretProof(sim.SandboxApps["facebook"].Secret, q.Get("access_token")) {
		t.Errorf("username lookup = %v", q)
	}
}

func TestExchangeFacebookLoginWithoutInstagram(t *testing.T) {
	t.Parallel()
	e := setup(t, options{fbLogin: true})
	if profiles := e.connect(t, "many"); len(profiles) != 0 {
		t.Fatalf("got %d profiles from Pages without Instagram", len(profiles))
	}
	if n := len(e.requests(http.MethodGet, "graph.facebook.com", "/me/accounts")); n != 2 {
		t.Errorf("me/accounts called %d times, want every page of the 30 Pages", n)
	}
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	a := e.account(t)
	ctx := context.Background()
	e.clock.Advance(25 * time.Hour) // Meta refreshes tokens at least 24 h old
	tok, err := e.c.Refresh(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.AccessToken == a.Credentials.AccessToken.Reveal() ||
		!tok.ExpiresAt.Equal(e.clock.Now().Add(5183944*time.Second)) {
		t.Errorf("refreshed token = %+v", tok)
	}
	r := e.requests(http.MethodGet, "graph.instagram.com", "/refresh_access_token")
	if len(r) != 1 || platformtest.Params(t, r[0]).Get("grant_type") != "ig_refresh_token" {
		t.Errorf("refresh requests = %+v", r)
	}

	e.clock.Advance(61 * 24 * time.Hour) // the old token has expired: only a reconnect helps
	_, err = e.c.Refresh(ctx, a)
	pe := platformtest.RequireError(t, err, platform.Revoked, "token_expired")
	if !strings.Contains(pe.Message, "Session has expired") || !strings.Contains(pe.Message, "Reconnect Instagram") {
		t.Errorf("message = %q", pe.Message)
	}
}

func TestRefreshFacebookLoginAccount(t *testing.T) {
	t.Parallel()
	e := setup(t, options{fbLogin: true})
	a := e.account(t)
	before := len(e.sim.Requests())
	_, err := e.c.Refresh(context.Background(), a)
	platformtest.RequireError(t, err, platform.Revoked, "token_expired")
	if len(e.sim.Requests()) != before {
		t.Error("a Page token refresh was attempted")
	}
}

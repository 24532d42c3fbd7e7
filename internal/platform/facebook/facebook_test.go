package facebook_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/facebook"
	"github.com/salesai/social/internal/platform/platformtest"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/social"
)

const (
	redirectURL = "https://app.example/api/social/oauth/facebook/callback"
	coffeePage  = "1000000000000001" // the "default" user's first Page
	bakeryPage  = "1000000000000002"
)

// env is a simulator behind httptest and a client that reaches it through the
// endpoint rewrite, as production code reaches Facebook.
type env struct {
	sim   *sim.Sim
	hc    *http.Client
	c     *facebook.Client
	clock *platformtest.Clock
}

func setup(t *testing.T, mod func(*sim.Options)) *env {
	t.Helper()
	ck := platformtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	opts := sim.Options{Now: ck.Now}
	if mod != nil {
		mod(&opts)
	}
	s, hc, _ := platformtest.NewSim(t, opts)
	app := sim.SandboxApps["facebook"]
	c := facebook.New(facebook.Config{AppID: app.ID, AppSecret: app.Secret, RedirectURL: redirectURL, HTTPClient: hc, Now: ck.Now})
	return &env{sim: s, hc: hc, c: c, clock: ck}
}

// code approves the consent page as simUser and returns the callback's code.
func (e *env) code(t *testing.T, simUser string) string {
	t.Helper()
	return platformtest.Approve(t, e.hc, e.c.AuthCodeURL("st-1", ""), simUser)
}

// connect runs the whole login and returns the Pages found.
func (e *env) connect(t *testing.T, simUser string) []platform.Profile {
	t.Helper()
	profiles, err := e.c.Exchange(context.Background(), e.code(t, simUser), "")
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return profiles
}

// page connects the default user and returns the account of one of its Pages.
func (e *env) page(t *testing.T, id string) platform.Account {
	t.Helper()
	for _, p := range e.connect(t, "default") {
		if p.PlatformAccountID == id {
			return platformtest.Account(p)
		}
	}
	t.Fatalf("page %s not connected", id)
	return platform.Account{}
}

// requests are the recorded calls with this method whose path ends with suffix.
func (e *env) requests(method, suffix string) []sim.Request {
	var out []sim.Request
	for _, r := range e.sim.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			out = append(out, r)
		}
	}
	return out
}

func TestAuthCodeURL(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	u, err := url.Parse(e.c.AuthCodeURL("abc", "ignored"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Host != "www.facebook.com" || u.Path != "/"+facebook.DefaultVersion+"/dialog/oauth" {
		t.Errorf("dialog = %s%s", u.Host, u.Path)
	}
	want := map[string]string{"client_id": sim.SandboxApps["facebook"].ID, "redirect_uri": redirectURL, "state": "abc",
		"response_type": "code", "scope": "pages_manage_posts,pages_read_engagement,pages_show_list"}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if q.Has("code_challenge") {
		t.Error("PKCE sent to a dialog that does not take it")
	}
}

func TestExchange(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	profiles := e.connect(t, "default")
	if len(profiles) != 2 {
		t.Fatalf("got %d profiles, want the 2 Pages", len(profiles))
	}
	wantNames := map[string]string{coffeePage: "Acme Coffee", bakeryPage: "Acme Bakery"}
	for _, p := range profiles {
		if wantNames[p.PlatformAccountID] != p.Name || p.Token.AccessToken == "" || !p.Token.ExpiresAt.IsZero() {
			t.Errorf("profile %+v: want name %q, a page token and no expiry", p, wantNames[p.PlatformAccountID])
		}
	}
	long := e.requests(http.MethodGet, "/oauth/access_token")
	if len(long) != 1 || platformtest.Params(t, long[0]).Get("grant_type") != "fb_exchange_token" ||
		platformtest.Params(t, long[0]).Get("client_secret") != sim.SandboxApps["facebook"].Secret {
		t.Fatalf("long-lived exchange requests = %+v", long)
	}
	accounts := e.requests(http.MethodGet, "/me/accounts")
	if len(accounts) != 1 {
		t.Fatalf("me/accounts called %d times", len(accounts))
	}
	q := platformtest.Params(t, accounts[0])
	if proof := facebook.AppSecretProof(sim.SandboxApps["facebook"].Secret, q.Get("access_token")); q.Get("appsecret_proof") != proof {
		t.Errorf("appsecret_proof = %q, want %q", q.Get("appsecret_proof"), proof)
	}
	// Page tokens from a long-lived user token never expire (§1.5).
	e.clock.Advance(90 * 24 * time.Hour)
	a := platform.Account{PlatformAccountID: profiles[0].PlatformAccountID,
		Credentials: social.Credentials{AccessToken: social.Secret(profiles[0].Token.AccessToken)}}
	if _, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: "Still here after 90 days"}); err != nil {
		t.Errorf("page token stopped working: %v", err)
	}
}

func TestExchangeFollowsPaging(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	profiles := e.connect(t, "many")
	seen := map[string]bool{}
	for _, p := range profiles {
		seen[p.PlatformAccountID] = true
	}
	if len(profiles) != 30 || len(seen) != 30 {
		t.Fatalf("got %d profiles (%d distinct), want all 30 Pages", len(profiles), len(seen))
	}
	if n := len(e.requests(http.MethodGet, "/me/accounts")); n != 2 {
		t.Errorf("me/accounts called %d times, want 2 (25 + 5)", n)
	}
}

func TestExchangeNoPages(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	if profiles := e.connect(t, "nopages"); len(profiles) != 0 {
		t.Fatalf("got %d profiles for a login without Pages", len(profiles))
	}
}

func TestExchangeReplayedCode(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	code := e.code(t, "default")
	if _, err := e.c.Exchange(context.Background(), code, ""); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.Exchange(context.Background(), code, "")
	pe := platformtest.RequireError(t, err, platform.Permanent, "oauth_exchange_failed")
	if !strings.Contains(pe.Message, "This authorization code has been used.") {
		t.Errorf("message = %q, want Facebook's reason", pe.Message)
	}
}

func TestAppSecretProofVectors(t *testing.T) {
	t.Parallel()
	tests := []struct{ secret, token, want string }{
		{"shhhhh!is.my.secret", "foo_token", "796ba0d8a6b339e476a7b166a9e8ac0a395f7de736dc37de5f2f4397f5854eb8"}, // V4
		{"foo_secret", "foo_token", "df4256903ba4e23636cc142117aa632133d75c642bd2a68955be1443bd14deb9"},          // V5
	}
	for _, tt := range tests {
		if got := facebook.AppSecretProof(tt.secret, tt.token); got != tt.want {
			t.Errorf("AppSecretProof(%q, %q) = %s, want %s", tt.secret, tt.token, got, tt.want)
		}
	}
}

package linkedin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/salesai/social/internal/media"
	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/platformtest"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/social"
)

const redirectURL = "https://salesai.example/api/social/oauth/linkedin/callback"

// env is a simulator, a media server and clients wired through the endpoint
// rewrite, all on one clock. app has the sandbox app's credentials (OAuth
// connect); manual has none, as when LINKEDIN_CLIENT_ID is not configured.
type env struct {
	sim    *sim.Sim
	hc     *http.Client
	media  *httptest.Server
	clock  *platformtest.Clock
	app    *Client
	manual *Client
}

func setup(t *testing.T, opts sim.Options) *env {
	t.Helper()
	e := &env{clock: platformtest.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))}
	opts.Now = e.clock.Now
	e.sim, e.hc, _ = platformtest.NewSim(t, opts)
	e.media = platformtest.JPEGServer(t)
	cfg := Config{RedirectURL: redirectURL, HTTPClient: e.hc,
		Media: media.NewFetcher(media.FetcherConfig{AllowPrivate: true}), Now: e.clock.Now}
	e.manual = New(cfg)
	cfg.ClientID, cfg.ClientSecret = sim.SandboxApps["linkedin"].ID, sim.SandboxApps["linkedin"].Secret
	e.app = New(cfg)
	return e
}

func (e *env) imageURL(n int) string { return platformtest.ImageURL(e.media, n) }

// connect approves the consent page and exchanges the code.
func (e *env) connect(t *testing.T) platform.Profile {
	t.Helper()
	code := platformtest.Approve(t, e.hc, e.app.AuthCodeURL("state-1", ""), "")
	profiles, err := e.app.Exchange(context.Background(), code, "")
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if len(profiles) != 1 {
		t.Fatalf("Exchange gave %d profiles, want 1", len(profiles))
	}
	return profiles[0]
}

// manualAccount is what a user enters by hand (guide §D): tokens from a
// connect, the app's client id and secret, and the author URN.
func manualAccount(p platform.Profile) platform.Account {
	app := sim.SandboxApps["linkedin"]
	return platform.Account{PlatformAccountID: p.PlatformAccountID, Name: "Acme", Credentials: social.Credentials{
		AccessToken: social.Secret(p.Token.AccessToken), RefreshToken: social.Secret(p.Token.RefreshToken),
		ClientID: social.Secret(app.ID), ClientSecret: social.Secret(app.Secret),
	}}
}

func (e *env) requests(method, host, p string) []sim.Request {
	var out []sim.Request
	for _, r := range e.sim.Requests() {
		if r.Method == method && r.Host == host && (r.Path == p || (p == "" && method == http.MethodPut)) {
			out = append(out, r)
		}
	}
	return out
}

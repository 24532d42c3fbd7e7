package twitter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/media"
	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/platformtest"
	"github.com/salesai/social/internal/platform/sim"
)

const redirectURL = "https://salesai.example/api/social/oauth/twitter/callback"

// env is a simulator, a media server and a client wired through the endpoint
// rewrite, all on one clock.
type env struct {
	sim    *sim.Sim
	hc     *http.Client
	media  *httptest.Server
	clock  *platformtest.Clock
	client *Client
}

// setup starts the simulator with opts and a client with cfg (HTTPClient,
// Media and Now are filled in; ClientID/Secret default to the sandbox app).
func setup(t *testing.T, opts sim.Options, cfg Config) *env {
	t.Helper()
	e := &env{clock: platformtest.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))}
	opts.Now = e.clock.Now
	e.sim, e.hc, _ = platformtest.NewSim(t, opts)
	e.media = platformtest.JPEGServer(t)
	if cfg.ClientID == "" {
		cfg.ClientID, cfg.ClientSecret = sim.SandboxApps["twitter"].ID, sim.SandboxApps["twitter"].Secret
	}
	cfg.RedirectURL, cfg.HTTPClient, cfg.Now = redirectURL, e.hc, e.clock.Now
	cfg.Media = media.NewFetcher(media.FetcherConfig{AllowPrivate: true})
	e.client = New(cfg)
	return e
}

func (e *env) imageURL(n int) string { return platformtest.ImageURL(e.media, n) }

// approve follows a consent URL and returns the code the simulator redirected
// to our callback with. scope, when set, replaces the requested scope (a user
// whose grant lacks a permission).
func (e *env) approve(t *testing.T, consentURL, scope string) string {
	t.Helper()
	if scope != "" {
		consentURL = platformtest.WithQuery(t, consentURL, "scope", scope)
	}
	return platformtest.Approve(t, e.hc, consentURL, "")
}

// connect runs the whole PKCE flow and returns the one profile.
func (e *env) connect(t *testing.T, scope string) platform.Profile {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	code := e.approve(t, e.client.AuthCodeURL("state-1", verifier), scope)
	profiles, err := e.client.Exchange(context.Background(), code, verifier)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if len(profiles) != 1 {
		t.Fatalf("Exchange gave %d profiles, want 1", len(profiles))
	}
	return profiles[0]
}

// requests returns the recorded requests to host+path.
func (e *env) requests(method, host, p string) []sim.Request {
	var out []sim.Request
	for _, r := range e.sim.Requests() {
		if r.Method == method && r.Host == host && r.Path == p {
			out = append(out, r)
		}
	}
	return out
}

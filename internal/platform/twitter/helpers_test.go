package twitter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/media"
	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/social"
)

const redirectURL = "https://salesai.example/api/social/oauth/twitter/callback"

// clock is a settable test clock shared by the simulator and the client.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a simulator, a media server and a client wired through the endpoint
// rewrite, all on one clock.
type env struct {
	sim    *sim.Sim
	rw     *platform.Rewriter
	hc     *http.Client
	media  *httptest.Server
	clock  *clock
	client *Client
}

// setup starts the simulator with opts and a client with cfg (HTTPClient,
// Media and Now are filled in; ClientID/Secret default to the sandbox app).
func setup(t *testing.T, opts sim.Options, cfg Config) *env {
	t.Helper()
	e := &env{clock: &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}}
	opts.Now = e.clock.Now
	e.sim = sim.New(opts)
	srv := httptest.NewServer(e.sim)
	t.Cleanup(srv.Close)
	e.media = httptest.NewServer(http.HandlerFunc(serveImage))
	t.Cleanup(e.media.Close)
	rw, err := platform.NewRewriter(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	e.rw, e.hc = rw, platform.NewHTTPClient(platform.ClientConfig{Rewriter: rw})
	if cfg.ClientID == "" {
		cfg.ClientID, cfg.ClientSecret = sim.SandboxApps["twitter"].ID, sim.SandboxApps["twitter"].Secret
	}
	cfg.RedirectURL, cfg.HTTPClient, cfg.Now = redirectURL, e.hc, e.clock.Now
	cfg.Media = media.NewFetcher(media.FetcherConfig{AllowPrivate: true})
	e.client = New(cfg)
	return e
}

// serveImage answers /N.png with a small distinct PNG, /big.png with 21 MiB
// of unannounced length (past every image limit), anything else 404.
func serveImage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/big.png" {
		streamBig(w)
		return
	}
	if path.Ext(r.URL.Path) != ".png" {
		http.NotFound(w, r)
		return
	}
	img := image.NewRGBA(image.Rect(0, 0, 16, 9))
	img.Set(0, 0, color.RGBA{R: uint8(len(r.URL.Path)), A: 255})
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", fmt.Sprint(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}

func (e *env) imageURL(n int) string { return fmt.Sprintf("%s/%d.png", e.media.URL, n) }

// approve follows a consent URL with ?auto=1 and returns the code the
// simulator redirected to our callback with. scope, when set, replaces the
// requested scope (a user whose grant lacks a permission).
func (e *env) approve(t *testing.T, consentURL, scope string) string {
	t.Helper()
	u, err := url.Parse(e.rw.String(consentURL))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("auto", "1")
	if scope != "" {
		q.Set("scope", scope)
	}
	u.RawQuery = q.Encode()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
		t.Fatalf("consent answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := loc.Query().Get("state"); got != "state-1" {
		t.Fatalf("state = %q, want state-1", got)
	}
	return loc.Query().Get("code")
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

// account turns a connected profile into the account the worker would pass.
func account(p platform.Profile) platform.Account {
	return platform.Account{
		PlatformAccountID: p.PlatformAccountID, Name: p.Name, Meta: p.Meta,
		Credentials: social.Credentials{AccessToken: social.Secret(p.Token.AccessToken), RefreshToken: social.Secret(p.Token.RefreshToken)},
	}
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

// mustPlatformError asserts err is a *platform.Error of kind and code.
func mustPlatformError(t *testing.T, err error, kind platform.ErrorKind, code string) *platform.Error {
	t.Helper()
	var pe *platform.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T), want *platform.Error", err, err)
	}
	if pe.Kind != kind || pe.Code != code {
		t.Fatalf("error kind %d code %q (%s), want kind %d code %q", pe.Kind, pe.Code, pe.Message, kind, code)
	}
	return pe
}

// streamBig sends a PNG signature and then zeros, chunked, so only reading
// finds out how large it is.
func streamBig(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write([]byte("\x89PNG\r\n\x1a\n"))
	w.(http.Flusher).Flush()
	chunk := make([]byte, 1<<20)
	for range 21 {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

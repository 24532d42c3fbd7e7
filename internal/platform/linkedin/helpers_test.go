package linkedin

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

	"github.com/salesai/social/internal/media"
	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/social"
)

const redirectURL = "https://salesai.example/api/social/oauth/linkedin/callback"

// clock is a settable test clock shared by the simulator and the client.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a simulator, a media server and clients wired through the endpoint
// rewrite, all on one clock. app has the sandbox app's credentials (OAuth
// connect); manual has none, as when LINKEDIN_CLIENT_ID is not configured.
type env struct {
	sim    *sim.Sim
	rw     *platform.Rewriter
	media  *httptest.Server
	clock  *clock
	app    *Client
	manual *Client
}

func setup(t *testing.T, opts sim.Options) *env {
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
	e.rw = rw
	cfg := Config{RedirectURL: redirectURL, HTTPClient: platform.NewHTTPClient(platform.ClientConfig{Rewriter: rw}),
		Media: media.NewFetcher(media.FetcherConfig{AllowPrivate: true}), Now: e.clock.Now}
	e.manual = New(cfg)
	cfg.ClientID, cfg.ClientSecret = sim.SandboxApps["linkedin"].ID, sim.SandboxApps["linkedin"].Secret
	e.app = New(cfg)
	return e
}

// serveImage answers /N.png with a small PNG, /big.png with 21 MiB of
// unannounced length (past every image limit), anything else 404.
func serveImage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/big.png" {
		streamBig(w)
		return
	}
	if path.Ext(r.URL.Path) != ".png" {
		http.NotFound(w, r)
		return
	}
	img := image.NewRGBA(image.Rect(0, 0, 12, 12))
	img.Set(1, 1, color.RGBA{G: uint8(len(r.URL.Path)), A: 255})
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", fmt.Sprint(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}

func (e *env) imageURL(n int) string { return fmt.Sprintf("%s/%d.png", e.media.URL, n) }

// connect approves the consent page with ?auto=1 and exchanges the code.
func (e *env) connect(t *testing.T) platform.Profile {
	t.Helper()
	u, err := url.Parse(e.rw.String(e.app.AuthCodeURL("state-1", "")))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("auto", "1")
	u.RawQuery = q.Encode()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != "state-1" {
		t.Fatalf("consent answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	profiles, err := e.app.Exchange(context.Background(), loc.Query().Get("code"), "")
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

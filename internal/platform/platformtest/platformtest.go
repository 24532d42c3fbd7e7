// Package platformtest is the simulator harness the platform clients' tests
// share: the simulator behind httptest reached through the endpoint rewrite,
// a settable clock, a real image server, the OAuth consent round trip and
// *platform.Error assertions. Only tests import it (by convention: it calls
// testing.TB and starts servers); production code never does.
package platformtest

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/social"
)

// Clock is a settable clock the simulator and a client share, so expiries and
// "since" times are exact.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a Clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now is the clock's time; pass it as the simulator's and the client's Now.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// NewSim starts the simulator with opts behind an httptest server that closes
// with the test, and returns it with the shared client production code would
// use (real platform URLs, rewritten to the simulator) and its rewriter.
func NewSim(t testing.TB, opts sim.Options) (*sim.Sim, *http.Client, *platform.Rewriter) {
	t.Helper()
	s := sim.New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	rw, err := platform.NewRewriter(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return s, platform.NewHTTPClient(platform.ClientConfig{Rewriter: rw}), rw
}

// UnreachableClient is the shared client with every platform URL rewritten
// to a server that has gone away: each request fails to connect.
func UnreachableClient(t testing.TB) *http.Client {
	t.Helper()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	rw, err := platform.NewRewriter(dead.URL)
	if err != nil {
		t.Fatal(err)
	}
	return platform.NewHTTPClient(platform.ClientConfig{Rewriter: rw})
}

// Approve opens consentURL (a real platform URL; hc rewrites it) as simUser
// ("" = the simulator's default user) with ?auto=1, as if the user clicked
// Approve. It asserts the redirect to the callback carries a code and the
// state the consent URL was asked with, and returns the code.
func Approve(t testing.TB, hc *http.Client, consentURL, simUser string) string {
	t.Helper()
	u, err := url.Parse(consentURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("auto", "1")
	if simUser != "" {
		q.Set("sim_user", simUser)
	}
	u.RawQuery = q.Encode()
	noFollow := *hc
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
		t.Fatalf("consent answered %d, Location %q: want a redirect with a code", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got, want := loc.Query().Get("state"), q.Get("state"); got != want {
		t.Fatalf("callback state = %q, want %q", got, want)
	}
	return loc.Query().Get("code")
}

// WithQuery returns rawURL with key set to value, e.g. a consent URL whose
// scope the user narrowed on the consent screen.
func WithQuery(t testing.TB, rawURL, key, value string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// Account is the account the worker would pass for a connected profile.
func Account(p platform.Profile) platform.Account {
	return platform.Account{PlatformAccountID: p.PlatformAccountID, Name: p.Name, Meta: p.Meta,
		Credentials: social.Credentials{AccessToken: social.Secret(p.Token.AccessToken), RefreshToken: social.Secret(p.Token.RefreshToken)}}
}

// RequireError asserts err is a *platform.Error of kind and code whose message
// is a sentence, not raw JSON, and returns it.
func RequireError(t testing.TB, err error, kind platform.ErrorKind, code string) *platform.Error {
	t.Helper()
	var pe *platform.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T), want *platform.Error", err, err)
	}
	if pe.Kind != kind || pe.Code != code {
		t.Fatalf("error kind %d code %q (%q), want kind %d code %q", pe.Kind, pe.Code, pe.Message, kind, code)
	}
	if strings.Contains(pe.Message, "{") {
		t.Errorf("message shows raw JSON: %q", pe.Message)
	}
	return pe
}

// Params are a recorded request's query and form body together.
func Params(t testing.TB, r sim.Request) url.Values {
	t.Helper()
	v, err := url.ParseQuery(r.Query)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Body) > 0 {
		b, err := url.ParseQuery(string(r.Body))
		if err != nil {
			t.Fatalf("body is not a form: %q", r.Body)
		}
		for k, vs := range b {
			v[k] = vs
		}
	}
	return v
}

// RequirePlainError asserts err is a failure but no *platform.Error: a
// request that may have reached the platform has an unknown outcome, which
// the worker reconciles with FindPublished instead of failing or retrying.
func RequirePlainError(t testing.TB, err error) {
	t.Helper()
	var pe *platform.Error
	if err == nil || errors.As(err, &pe) {
		t.Fatalf("error %v, want a plain (network) error", err)
	}
}

// ErrReset is what ResetTransport fails with.
var ErrReset = errors.New("connection reset by peer")

// ResetTransport fails every request with ErrReset after reading its body, as
// a connection that broke once the request may have reached the platform.
type ResetTransport struct{}

// RoundTrip implements http.RoundTripper.
func (ResetTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return nil, ErrReset
}

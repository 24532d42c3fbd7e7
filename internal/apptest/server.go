package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/salesai/social/internal/app"
	"github.com/salesai/social/internal/config"
	"github.com/salesai/social/internal/platform/sim"
)

// Server is the whole program, wired as in production, serving on an
// httptest server, with every platform call going to its own simulator.
type Server struct {
	*app.App
	URL    string
	Sim    *sim.Sim
	SimURL string
	Logs   *SyncBuffer // everything the program logged
}

// ServerOptions adjusts MustServer.
type ServerOptions struct {
	Postgres bool              // run on a fresh PostgreSQL schema (skips without SALESAI_TEST_DATABASE_URL)
	Sim      sim.Options       // simulator options (FetchMedia etc.)
	Env      map[string]string // extra environment, e.g. INSTAGRAM_ENABLE_FB_LOGIN=1
	NoWorker bool              // an API-only process: jobs are inserted, never worked
	// Sandbox runs the program as `salesai serve --sandbox`: its own simulator
	// under /sandbox/, its own sandbox app credentials, no outside endpoint.
	Sandbox bool
}

// SyncBuffer is a goroutine-safe log sink.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// MustServer starts the program with the simulator's app credentials for every
// platform and SALESAI_ALLOW_PRIVATE_MEDIA=1 (test media servers run on
// loopback). It stops when the test ends.
func MustServer(tb testing.TB, opts ServerOptions) *Server {
	tb.Helper()
	sm := sim.New(opts.Sim)
	simSrv := httptest.NewServer(sm)
	tb.Cleanup(simSrv.Close)
	srv := httptest.NewUnstartedServer(nil)
	env := map[string]string{
		"SALESAI_DATA_DIR":            tb.TempDir(),
		"SALESAI_PUBLIC_URL":          "http://" + srv.Listener.Addr().String(),
		"SALESAI_PLATFORM_ENDPOINT":   simSrv.URL,
		"SALESAI_ALLOW_PRIVATE_MEDIA": "1",
		"SALESAI_WORKERS":             "10",
	}
	if opts.Sandbox {
		delete(env, "SALESAI_PLATFORM_ENDPOINT")
		env["SALESAI_SANDBOX"] = "1"
	}
	for p, a := range sim.SandboxApps {
		if opts.Sandbox {
			break // the sandbox supplies them itself
		}
		prefix := strings.ToUpper(p) + "_APP_"
		if p == "twitter" || p == "youtube" || p == "linkedin" {
			prefix = strings.ToUpper(p) + "_CLIENT_"
		}
		env[prefix+"ID"], env[prefix+"SECRET"] = a.ID, a.Secret
	}
	if opts.Postgres {
		base := os.Getenv(PostgresEnv)
		if base == "" {
			tb.Skipf("PostgreSQL test skipped: set %s", PostgresEnv)
		}
		dsn, drop := FreshSchema(tb, base)
		tb.Cleanup(drop)
		env["DATABASE_URL"] = dsn
	}
	for k, v := range opts.Env {
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		tb.Fatal(err)
	}
	logs := &SyncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.Open(context.Background(), cfg, log, !opts.NoWorker)
	if err != nil {
		tb.Fatal(err)
	}
	h, err := a.Handler()
	if err != nil {
		tb.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	ctx, cancel := context.WithCancel(context.Background())
	if !opts.NoWorker {
		if err := a.Queue.Start(ctx); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Cleanup(func() {
		stopCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		if !opts.NoWorker {
			_ = a.Queue.StopAndCancel(stopCtx)
		}
		cancel()
		srv.Close()
		_ = a.Close()
	})
	if opts.Sandbox {
		sm, simSrv.URL = a.Sim, srv.URL+"/sandbox"
	}
	return &Server{App: a, URL: srv.URL, Sim: sm, SimURL: simSrv.URL, Logs: logs}
}

var userSeq atomic.Int64

// Client is a signed-in browser-like API client: cookie jar and CSRF token.
type Client struct {
	TB    testing.TB
	Base  string
	HTTP  *http.Client
	CSRF  string
	Email string
	// Bearer, when set, authenticates with an API key instead of the cookie.
	Bearer string
}

// MustSignup creates a fresh user and returns their signed-in client.
func (s *Server) MustSignup(tb testing.TB) *Client {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	c := &Client{TB: tb, Base: s.URL, Email: fmt.Sprintf("user%d@example.com", userSeq.Add(1)),
		HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	c.MustJSON("POST", "/api/auth/signup", map[string]string{"email": c.Email, "password": "correct horse battery"}, http.StatusCreated, &out)
	c.CSRF = out.CSRF
	return c
}

// Do sends a request with a JSON body (nil for none) and returns the response
// with its body read.
func (c *Client) Do(method, path string, body any) (*http.Response, []byte) {
	c.TB.Helper()
	var rd io.Reader
	if body != nil {
		if raw, ok := body.(string); ok {
			rd = strings.NewReader(raw)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				c.TB.Fatal(err)
			}
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequest(method, c.Base+path, rd)
	if err != nil {
		c.TB.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	} else if c.CSRF != "" {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.TB.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// MustJSON sends a request, requires the status, and decodes the answer into
// out (when not nil).
func (c *Client) MustJSON(method, path string, body any, status int, out any) {
	c.TB.Helper()
	resp, b := c.Do(method, path, body)
	if resp.StatusCode != status {
		c.TB.Fatalf("%s %s: status %d, want %d; body %s", method, path, resp.StatusCode, status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.TB.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

// Eventually polls cond every 20 ms until it holds or the timeout passes.
func Eventually(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Package bench measures SalesAI against its limits: dispatch of due targets
// beside bare River, API throughput, streaming memory, a chaos run with a
// worker killed by SIGKILL, and start-up time. Every run wires the real
// program (internal/app) to the platform simulator; nothing is mocked.
package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver for fresh schemas

	"github.com/salesai/social/internal/app"
	"github.com/salesai/social/internal/config"
	"github.com/salesai/social/internal/platform/sim"
)

// EnvOptions says how to start the program for a measurement.
type EnvOptions struct {
	// DatabaseURL selects PostgreSQL (a fresh schema is made in it and dropped
	// on Close); empty means SQLite in a temp data dir.
	DatabaseURL string
	Sim         sim.Options
	// Workers starts the in-process River client (false: insert-only, as an
	// API process of a scale-out deployment, while a subprocess works jobs).
	Workers bool
	// Env adds or overrides program environment (e.g. SALESAI_WORKERS).
	Env map[string]string
	Log io.Writer // program logs (default discarded)
}

// Env is the whole program serving on loopback, with the simulator and a
// media server beside it.
type Env struct {
	App     *app.App
	URL     string // the program's base URL
	Sim     *sim.Sim
	SimURL  string
	Media   *MediaServer
	DataDir string
	// Environ is the program's environment, for subprocesses on the same
	// database (data dir, key file, endpoint, app credentials).
	Environ map[string]string
	cancel  context.CancelFunc
	closers []func()
}

// Start wires the program as cmd/salesai does, with every platform call going
// to a fresh simulator.
func Start(ctx context.Context, opts EnvOptions) (_ *Env, err error) {
	e := &Env{}
	defer func() {
		if err != nil {
			e.Close()
		}
	}()
	if e.DataDir, err = os.MkdirTemp("", "salesai-bench-"); err != nil {
		return nil, err
	}
	e.closers = append(e.closers, func() { _ = os.RemoveAll(e.DataDir) })
	e.Sim = sim.New(opts.Sim)
	if e.SimURL, err = e.serve(e.Sim); err != nil {
		return nil, err
	}
	e.Media = NewMediaServer()
	if e.Media.URL, err = e.serve(e.Media); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	e.URL = "http://" + ln.Addr().String()
	if e.Environ, err = e.environ(opts); err != nil {
		_ = ln.Close()
		return nil, err
	}
	return e, e.open(ctx, opts, ln)
}

// environ is the program's environment, as MustServer builds it in tests.
func (e *Env) environ(opts EnvOptions) (map[string]string, error) {
	env := map[string]string{
		"SALESAI_DATA_DIR":            e.DataDir,
		"SALESAI_PUBLIC_URL":          e.URL,
		"SALESAI_PLATFORM_ENDPOINT":   e.SimURL,
		"SALESAI_ALLOW_PRIVATE_MEDIA": "1",
	}
	for p, a := range sim.SandboxApps {
		prefix := strings.ToUpper(p) + "_APP_"
		if p == "twitter" || p == "youtube" || p == "linkedin" {
			prefix = strings.ToUpper(p) + "_CLIENT_"
		}
		env[prefix+"ID"], env[prefix+"SECRET"] = a.ID, a.Secret
	}
	if opts.DatabaseURL != "" {
		dsn, drop, err := freshSchema(opts.DatabaseURL)
		if err != nil {
			return nil, err
		}
		e.closers = append(e.closers, drop)
		env["DATABASE_URL"] = dsn
	}
	for k, v := range opts.Env {
		env[k] = v
	}
	return env, nil
}

func (e *Env) open(ctx context.Context, opts EnvOptions, ln net.Listener) error {
	cfg, err := config.Load(func(k string) string { return e.Environ[k] })
	if err != nil {
		_ = ln.Close()
		return err
	}
	w := opts.Log
	if w == nil {
		w = io.Discard
	}
	log := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Open(ctx, cfg, log, opts.Workers)
	if err != nil {
		_ = ln.Close()
		return err
	}
	e.App = a
	e.closers = append(e.closers, func() { _ = a.Close() })
	h, err := a.Handler()
	if err != nil {
		_ = ln.Close()
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	e.closers = append(e.closers, func() { _ = srv.Close() })
	if opts.Workers {
		qctx, cancel := context.WithCancel(context.Background())
		e.cancel = cancel
		if err := a.Queue.Start(qctx); err != nil {
			return err
		}
	}
	return nil
}

// StopWorkers stops the in-process River client, cancelling running jobs.
func (e *Env) StopWorkers() {
	if e.cancel == nil {
		return
	}
	sctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	_ = e.App.Queue.StopAndCancel(sctx)
	e.cancel()
	e.cancel = nil
}

// serve serves h on a loopback port and returns its URL.
func (e *Env) serve(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	e.closers = append(e.closers, func() { _ = srv.Close() })
	return "http://" + ln.Addr().String(), nil
}

// Close stops everything Start started, last first.
func (e *Env) Close() {
	e.StopWorkers()
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
}

// Environment returns the program's environment as KEY=VALUE lines.
func (e *Env) Environment() []string {
	out := make([]string, 0, len(e.Environ))
	for k, v := range e.Environ {
		out = append(out, k+"="+v)
	}
	return out
}

// freshSchema makes an empty schema in the database at base and returns a
// DSN whose search_path is it, and a func that drops it.
func freshSchema(base string) (string, func(), error) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "bench_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		_ = admin.Close()
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		_ = admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		_ = admin.Close()
	}, nil
}

// TargetCounts counts the targets by status, straight from the database.
func (e *Env) TargetCounts(ctx context.Context) (map[string]int, error) {
	rows, err := e.App.Store.DB().QueryContext(ctx, `SELECT status, COUNT(*) FROM post_targets GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count targets: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// WaitSettled polls until total targets are published or failed (or ctx
// ends); cancelled targets are not counted.
func (e *Env) WaitSettled(ctx context.Context, total int, every time.Duration) (map[string]int, error) {
	for {
		c, err := e.TargetCounts(ctx)
		if err == nil && c["published"]+c["failed"] >= total {
			return c, nil
		}
		select {
		case <-ctx.Done():
			if c == nil {
				c = map[string]int{}
			}
			return c, errors.Join(ctx.Err(), err)
		case <-time.After(every):
		}
	}
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/salesai/social/internal/app"
	"github.com/salesai/social/internal/config"
	"github.com/salesai/social/internal/httpapi"
)

var errHelp = errors.New("help shown")

// usage prints the commands and every environment variable.
func usage(w io.Writer) {
	fmt.Fprint(w, `SalesAI Social: connect social accounts, compose once, publish now or later.

Usage:
  salesai [serve] [--addr :8080] [--data-dir ./data] [--sandbox]
                           API, web UI and publishing workers in one process
  salesai worker           publishing workers only (several hosts, with DATABASE_URL)
  salesai migrate          bring the database up to date, then exit
  salesai user create --email E --password P
                           add a user from the command line
  salesai rotate-key       re-seal stored credentials under SALESAI_SECRET_KEY
                           (set SALESAI_SECRET_KEY_OLD to the previous key)

Environment:
`)
	for _, v := range config.Vars {
		def := v.Default
		if def == "" {
			def = "unset"
		}
		fmt.Fprintf(w, "  %s\n      %s (default: %s)\n", v.Name, v.Help, def)
	}
}

// loadConfig reads the environment, then lets flags override it. extra adds
// a command's own flags (nil for none).
func loadConfig(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (config.Config, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return cfg, fmt.Errorf("configuration: %w", err)
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(stderr) }
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (SALESAI_ADDR)")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data directory (SALESAI_DATA_DIR)")
	fs.BoolVar(&cfg.Sandbox, "sandbox", cfg.Sandbox, "mount the platform simulator and publish there (SALESAI_SANDBOX=1)")
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, errHelp
		}
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (see salesai --help)", fs.Arg(0))
	}
	if getenv("SALESAI_PUBLIC_URL") == "" {
		cfg.PublicURL = config.DefaultPublicURL(cfg.Addr) // --addr moves it too
	}
	return cfg, nil
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, workers bool) error {
	cfg, err := loadConfig("serve", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	log := newLogger(stderr)
	a, err := app.Open(ctx, cfg, log, workers)
	if err != nil {
		return err
	}
	defer a.Close()
	h, err := a.Handler()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set SALESAI_ADDR or --addr to another port)", cfg.Addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 3 * time.Minute, IdleTimeout: 2 * time.Minute}
	if err := startQueue(ctx, a); err != nil {
		return err
	}
	log.Info("SalesAI Social is ready", "url", displayURL(cfg, ln.Addr()), "database", a.Store.Dialect(),
		"data_dir", cfg.DataDir, "sandbox", cfg.Sandbox, "workers", workers)
	fmt.Fprintf(stdout, "SalesAI Social listening on %s\n", displayURL(cfg, ln.Addr()))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	return shutdown(srv, a, log)
}

// startQueue starts working jobs. River cancels running jobs when the
// context given to Start ends, and ctx ends at SIGTERM: the queue gets a
// context that outlives it, so shutdown can let running jobs finish.
func startQueue(ctx context.Context, a *app.App) error {
	return a.Queue.Start(context.WithoutCancel(ctx))
}

// shutdown stops accepting requests, then lets running jobs finish for up to
// 30 s before cancelling them (they resume elsewhere or at the next start).
func shutdown(srv *http.Server, a *app.App, log *slog.Logger) error {
	log.Info("shutting down: finishing requests and running jobs (up to 30 s)")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	if srv != nil {
		errs = append(errs, srv.Shutdown(sctx))
	}
	if err := a.Queue.Stop(sctx); err != nil {
		log.Warn("jobs still running after 30 s; cancelling them", "error", err)
		errs = append(errs, a.Queue.StopAndCancel(context.Background()))
	}
	return errors.Join(errs...)
}

// displayURL is where a newcomer should point the browser: the public URL,
// unless that is the default localhost one and we listen elsewhere.
func displayURL(cfg config.Config, addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if ok && cfg.PublicURL.Hostname() == "localhost" && cfg.PublicURL.Port() != strconv.Itoa(tcp.Port) {
		host := "localhost"
		if !tcp.IP.IsUnspecified() && !tcp.IP.IsLoopback() {
			host = tcp.IP.String()
		}
		return fmt.Sprintf("http://%s:%d", host, tcp.Port)
	}
	return cfg.PublicURL.String()
}

func runWorker(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("worker", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	log := newLogger(stderr)
	a, err := app.Open(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := startQueue(ctx, a); err != nil {
		return err
	}
	log.Info("SalesAI worker is running", "database", a.Store.Dialect(), "workers", cfg.Workers)
	<-ctx.Done()
	return shutdown(nil, a, log)
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("migrate", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, newLogger(stderr), false)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(stdout, "database is up to date (%s)\n", a.Store.Dialect())
	return nil
}

func runUser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: salesai user create --email name@company.com --password '<at least 10 characters>'")
	}
	var email, password string
	cfg, err := loadConfig("user create", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the user's email")
		fs.StringVar(&password, "password", "", "the user's password (at least 10 characters)")
	})
	if err != nil {
		return err
	}
	if err := httpapi.CheckCredentials(email, password); err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, newLogger(io.Discard), false)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Store.CreateUser(ctx, email, httpapi.HashPassword(password))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %d <%s>\n", u.ID, u.Email)
	return nil
}

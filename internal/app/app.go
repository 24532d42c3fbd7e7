// Package app wires SalesAI together from its configuration: vault, store,
// queue, platform clients, publishing service, API, web UI and sandbox. The
// command and the end-to-end tests both start the program through it.
package app

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/salesai/social/internal/config"
	"github.com/salesai/social/internal/httpapi"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/publish"
	"github.com/salesai/social/internal/queue"
	"github.com/salesai/social/internal/store"
	"github.com/salesai/social/internal/vault"
	"github.com/salesai/social/internal/web"
)

// App is the wired program.
type App struct {
	Config  config.Config
	Log     *slog.Logger
	Store   *store.Store
	Vault   *vault.Vault
	Queue   *queue.Client
	Publish *publish.Service
	Sim     *sim.Sim        // sandbox only
	API     *httpapi.Server // set by Handler
	// Registry holds the process's Prometheus metrics, served on /metrics.
	Registry *prometheus.Registry
	plats    *platforms
}

// Open opens the database (migrating it) and wires the services. With
// workers, its River client runs jobs once started; without, it only
// inserts them (an API-only process).
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, workers bool) (*App, error) {
	key, err := vault.LoadKey(cfg.SecretKey.Reveal(), cfg.DataDir, log)
	if err != nil {
		return nil, err
	}
	old, err := vault.LoadOldKey(cfg.SecretKeyOld.Reveal())
	if err != nil {
		return nil, err
	}
	v, err := vault.New(key, old)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, store.Config{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, Sealer: v})
	if err != nil {
		return nil, err
	}
	if err := Migrate(ctx, st); err != nil {
		_ = st.Close()
		return nil, err
	}
	if err := st.CheckKey(ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	a := &App{Config: cfg, Log: log, Store: st, Vault: v}
	if cfg.Sandbox {
		a.Sim = sim.New(sim.Options{MaxRecorded: 500})
	}
	if a.plats, err = buildPlatforms(cfg, log); err != nil {
		_ = st.Close()
		return nil, err
	}
	a.Registry = prometheus.NewRegistry()
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	pc := publish.Config{Store: st, Platforms: a.plats.clients, Logger: log, Metrics: a.Registry}
	if !cfg.Sandbox {
		// The sandbox usually has no internet, so its media links cannot be
		// checked; the simulator accepts any well-formed link instead.
		pc.Media = a.plats.media
	}
	a.Publish = publish.New(pc)
	qc := queue.Config{Logger: log, MaxWorkers: cfg.Workers, JobTimeout: cfg.JobTimeout}
	if workers {
		qc.Workers, qc.PeriodicJobs = a.Publish.Workers(), a.Publish.PeriodicJobs()
	}
	if a.Queue, err = queue.New(st, qc); err != nil {
		_ = st.Close()
		return nil, err
	}
	a.Publish.SetQueue(a.Queue)
	return a, nil
}

// Migrate brings River's tables and ours up to date.
func Migrate(ctx context.Context, st *store.Store) error {
	if err := queue.Migrate(ctx, st); err != nil {
		return err
	}
	return st.Migrate(ctx)
}

// Handler builds the HTTP handler: API, web UI, and the sandbox simulator.
func (a *App) Handler() (http.Handler, error) {
	plats := a.plats
	api := httpapi.New(httpapi.Config{
		Store: a.Store, Publish: a.Publish, Connectors: plats.connectors, NotConfigured: plats.missing,
		MetaSecrets: plats.metaSecrets, RewriteConsent: plats.rewriteConsent,
		PublicURL: a.Config.PublicURL.String(), SecureCookies: a.Config.SecureCookies(), Logger: a.Log, Registry: a.Registry,
		MetricsToken: a.Config.MetricsToken.Reveal(),
	})
	a.API = api
	mux := api.Mux()
	if err := web.Mount(mux, web.Config{API: api, Store: a.Store, Sandbox: a.Config.Sandbox, Platforms: plats.status(), Logger: a.Log}); err != nil {
		return nil, err
	}
	if a.Sim != nil {
		mux.Handle("/sandbox/", http.StripPrefix("/sandbox", a.Sim))
		// The simulator's control API (recorded requests, faults, revocation)
		// is for people trying the sandbox, not for anyone on the network.
		mux.Handle("/sandbox/_sim/", signedIn(api, http.StripPrefix("/sandbox", a.Sim)))
	}
	return api, nil
}

// signedIn lets only SalesAI users (session or API key) through.
func signedIn(api *httpapi.Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if who, err := api.Authenticate(r); err != nil || who == nil {
			http.Error(w, "Sign in to SalesAI to use the sandbox's control API.", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Close closes the database.
func (a *App) Close() error { return a.Store.Close() }

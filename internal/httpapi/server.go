// Package httpapi is the JSON API of DESIGN §4: auth, API keys, accounts,
// OAuth connect flows, Meta callbacks, posts, health and metrics.
package httpapi

import (
	"context"
	"crypto/subtle"
	_ "embed"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/publish"
	"github.com/salesai/social/internal/social"
	"github.com/salesai/social/internal/store"
)

// Config wires a Server.
type Config struct {
	Store   *store.Store
	Publish *publish.Service
	// Connectors are the OAuth flows of the configured platforms.
	Connectors map[social.Platform]platform.Connector
	// NotConfigured says, per platform without app credentials, which
	// variables are missing ("FACEBOOK_APP_ID, FACEBOOK_APP_SECRET").
	NotConfigured map[social.Platform]string
	// MetaSecrets verify Meta's signed requests: the Instagram app secret for
	// /instagram/ callbacks, the Facebook app secret for /facebook/ ones.
	MetaSecrets map[social.Platform]string
	// RewriteConsent applies the endpoint rewrite (DESIGN §5) to consent-page
	// redirects; nil leaves them as the platform's real URLs.
	RewriteConsent func(string) string
	PublicURL      string
	SecureCookies  bool
	Logger         *slog.Logger
	Registry       *prometheus.Registry // nil: a new one
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	Now          func() time.Time
}

// Server serves the API.
type Server struct {
	cfg   Config
	store *store.Store
	pub   *publish.Service
	log   *slog.Logger
	now   func() time.Time
	mux   *http.ServeMux
	reg   *prometheus.Registry

	requests  *prometheus.CounterVec
	apiRoutes []string
	logins    *loginThrottle
	signups   *loginThrottle
}

// New returns a Server with every route registered.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
		cfg.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	s := &Server{cfg: cfg, store: cfg.Store, pub: cfg.Publish, log: cfg.Logger, now: cfg.Now, mux: http.NewServeMux(), reg: cfg.Registry,
		logins: newLoginThrottle(), signups: newLoginThrottle()}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "salesai_http_requests_total", Help: "HTTP requests by route pattern and status.",
	}, []string{"route", "status"})
	s.reg.MustRegister(s.requests)
	s.routes()
	return s
}

// PublicURL is the configured public base URL (SALESAI_PUBLIC_URL).
func (s *Server) PublicURL() string { return s.cfg.PublicURL }

// Mux is the router, so the web UI and the sandbox can add their routes.
func (s *Server) Mux() *http.ServeMux { return s.mux }

// APIRoutes lists every /api/ route pattern, for the OpenAPI check.
func (s *Server) APIRoutes() []string { return s.apiRoutes }

func (s *Server) route(pattern string, h http.HandlerFunc) {
	s.apiRoutes = append(s.apiRoutes, pattern)
	s.mux.HandleFunc(pattern, h)
}

func (s *Server) routes() {
	s.route("POST /api/auth/signup", s.handleSignup)
	s.route("POST /api/auth/login", s.handleLogin)
	s.route("POST /api/auth/logout", s.requireUser(s.handleLogout)) // CSRF-checked: no logout from other sites
	s.route("POST /api/keys", s.requireUser(s.handleKeyCreate))
	s.route("GET /api/keys", s.requireUser(s.handleKeyList))
	s.route("DELETE /api/keys/{id}", s.requireUser(s.handleKeyDelete))

	s.route("GET /api/social/accounts", s.requireUser(s.handleAccountList))
	s.route("POST /api/social/accounts", s.requireUser(s.handleAccountCreate))
	s.route("GET /api/social/accounts/{id}", s.requireUser(s.handleAccountGet))
	s.route("PATCH /api/social/accounts/{id}", s.requireUser(s.handleAccountPatch))
	s.route("DELETE /api/social/accounts/{id}", s.requireUser(s.handleAccountDelete))
	s.route("GET /api/social/oauth/{platform}/start", s.handleOAuthStart)
	s.route("GET /api/social/oauth/{platform}/callback", s.handleOAuthCallback)

	s.route("POST /api/social/posts/validate", s.requireUser(s.handlePostValidate))
	s.route("POST /api/social/posts", s.requireUser(s.handlePostCreate))
	s.route("GET /api/social/posts", s.requireUser(s.handlePostList))
	s.route("GET /api/social/posts/{id}", s.requireUser(s.handlePostGet))
	s.route("PATCH /api/social/posts/{id}", s.requireUser(s.handlePostPatch))
	s.route("POST /api/social/posts/{id}/cancel", s.requireUser(s.handlePostCancel))
	s.route("POST /api/social/posts/{id}/retry", s.requireUser(s.handlePostRetry))

	s.metaRoutes()
	s.route("GET /api/openapi.json", s.handleOpenAPI)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("GET /readyz", s.handleReady)
	s.mux.Handle("GET /metrics", s.metricsGuard(promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})))
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, social.Errorf(social.NotFound, "not_found", "There is no API endpoint %s %s.", r.Method, r.URL.Path))
	})
}

// metricsGuard requires the metrics token when one is configured.
func (s *Server) metricsGuard(next http.Handler) http.Handler {
	if s.cfg.MetricsToken == "" {
		return next
	}
	want := []byte("Bearer " + s.cfg.MetricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			s.writeError(w, r, social.Errorf(social.Unauthorized, "unauthenticated", "Send the metrics token as Authorization: Bearer <SALESAI_METRICS_TOKEN>."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("not ready: database unreachable", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "error": errorBody{
			Code: "database_unreachable", Message: "The database does not answer."}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}

// ServeHTTP logs each request (method, route, status, duration; never
// headers or bodies, which may carry secrets), counts it, and recovers panics.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", p)
			if !rec.wrote {
				s.writeError(rec, r, social.Errorf(social.Internal, "internal", "internal error"))
			}
		}
		_, pattern := s.mux.Handler(r)
		s.requests.WithLabelValues(pattern, strconv.Itoa(rec.status)).Inc()
		s.log.Info("http", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration_ms", time.Since(start).Milliseconds())
	}()
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	s.mux.ServeHTTP(rec, r)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

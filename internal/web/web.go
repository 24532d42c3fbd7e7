// Package web is the SalesAI page: server-rendered html/template pages with
// embedded static assets, on the same routes and session as the JSON API.
package web

import (
	"html/template"
	"log/slog"
	"net/http"

	"github.com/salesai/social/internal/httpapi"
	"github.com/salesai/social/internal/social"
	"github.com/salesai/social/internal/store"
)

// PlatformStatus says whether a platform's Connect button works, and if not,
// which variables the admin must set.
type PlatformStatus struct {
	Platform   social.Platform
	CanConnect bool
	Missing    string
}

// Config wires the pages.
type Config struct {
	API       *httpapi.Server
	Store     *store.Store
	Sandbox   bool
	Platforms []PlatformStatus
	Logger    *slog.Logger
}

// Mount adds the pages to mux.
func Mount(mux *http.ServeMux, cfg Config) error {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/signup", http.StatusFound)
	})
	mux.HandleFunc("GET /signup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = signupPage.Execute(w, cfg)
	})
	return nil
}

var signupPage = template.Must(template.New("signup").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Sign up — SalesAI Social</title></head><body>
{{if .Sandbox}}<p role="status">Sandbox: posts go to the built-in simulator, not to real platforms.</p>{{end}}
<h1>Create your SalesAI Social account</h1>
<form method="post" action="/api/auth/signup"><label>Email <input name="email" type="email" required></label>
<label>Password <input name="password" type="password" minlength="10" required></label><button>Sign up</button></form>
</body></html>`))

// Package web is the SalesAI page: server-rendered html/template pages with
// embedded static assets, on the same routes and session as the JSON API.
// Pages are shells the browser enhances with static/app.js, which calls the
// JSON API with the session's CSRF token.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

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

//go:embed templates/*.html static/*
var files embed.FS

// asset is one static file, served under a URL that changes with its content
// so browsers may cache it forever.
type asset struct {
	name, hash, ctype string
	body              []byte
}

// site holds the parsed pages and assets.
type site struct {
	cfg    Config
	log    *slog.Logger
	pages  map[string]*template.Template
	assets map[string]*asset // by name
}

// Mount adds the pages to mux.
func Mount(mux *http.ServeMux, cfg Config) error {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &site{cfg: cfg, log: cfg.Logger}
	if err := s.loadAssets(); err != nil {
		return fmt.Errorf("web: load assets: %w", err)
	}
	if err := s.parsePages(); err != nil {
		return fmt.Errorf("web: parse templates: %w", err)
	}
	s.routes(mux)
	return nil
}

func (s *site) loadAssets() error {
	s.assets = map[string]*asset{}
	entries, err := fs.ReadDir(files, "static")
	if err != nil {
		return err
	}
	types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
	for _, e := range entries {
		b, err := files.ReadFile("static/" + e.Name())
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		s.assets[e.Name()] = &asset{name: e.Name(), hash: hex.EncodeToString(sum[:6]), ctype: types[path.Ext(e.Name())], body: b}
	}
	return nil
}

// assetURL is the content-hashed URL of a static file.
func (s *site) assetURL(name string) (string, error) {
	a, ok := s.assets[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + a.hash + "/" + a.name, nil
}

func (s *site) handleStatic(w http.ResponseWriter, r *http.Request) {
	a, ok := s.assets[r.PathValue("name")]
	if !ok || a.hash != r.PathValue("hash") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("ETag", `"`+a.hash+`"`)
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(a.body))
}

func (s *site) parsePages() error {
	funcs := template.FuncMap{
		"asset":    s.assetURL,
		"title":    func(p social.Platform) string { return p.Title() },
		"initial":  platformInitial,
		"lower":    strings.ToLower,
		"limit":    social.CharLimit,
		"credList": credentialFields,
	}
	base, err := template.New("base").Funcs(funcs).ParseFS(files, "templates/layout.html")
	if err != nil {
		return err
	}
	s.pages = map[string]*template.Template{}
	for _, name := range []string{"signup", "login", "accounts", "keys", "compose", "posts", "help"} {
		t, err := template.Must(base.Clone()).ParseFS(files, "templates/"+name+".html")
		if err != nil {
			return err
		}
		s.pages[name] = t
	}
	return nil
}

// platformInitial is the letter badge of a platform's icon.
func platformInitial(p social.Platform) string {
	switch p {
	case social.Facebook:
		return "f"
	case social.LinkedIn:
		return "in"
	case social.Instagram:
		return "IG"
	case social.Twitter:
		return "X"
	case social.YouTube:
		return "▶"
	}
	return "?"
}

// contentSecurityPolicy allows only our own scripts and styles; images may
// come from anywhere, since compose previews the user's image URLs.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// render writes a page; a template failure is logged and shown as a plain
// sentence, never with its cause.
func (s *site) render(w http.ResponseWriter, r *http.Request, status int, name string, data *pageData) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "base", data); err != nil {
		s.log.ErrorContext(r.Context(), "render page", "page", name, "error", err)
		http.Error(w, "Something went wrong showing this page. Reload it; if it keeps happening, contact your admin.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

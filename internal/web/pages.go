package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/salesai/social/internal/httpapi"
	"github.com/salesai/social/internal/social"
	"github.com/salesai/social/internal/store"
)

// pageData is what every page template sees.
type pageData struct {
	Title   string
	Nav     string // the active menu item
	Sandbox bool
	CSRF    string
	Email   string
	// Page-specific data.
	Accounts   []httpapi.AccountJSON
	Platforms  []platformView
	Keys       []store.APIKey
	Connect    *connectResult
	CanConnect map[social.Platform]bool
	Errors     []guideError
	FormError  string
	FormEmail  string
}

// platformView is one platform's entry in the Connect dialog.
type platformView struct {
	PlatformStatus
	Title      string
	StartURL   string
	OAuthOnly  bool // no manual form (all but LinkedIn)
	CanConnect bool
}

// connectResult is the banner after an OAuth connect came back.
type connectResult struct {
	OK      bool
	Message string
}

func (s *site) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /static/{hash}/{name}", s.handleStatic)
	mux.HandleFunc("GET /{$}", s.handleRoot)
	mux.HandleFunc("GET /signup", s.handleAuthPage("signup", "Create your account"))
	mux.HandleFunc("GET /login", s.handleAuthPage("login", "Sign in"))
	mux.HandleFunc("POST /signup", s.sameOrigin(s.handleSignupForm))
	mux.HandleFunc("POST /login", s.sameOrigin(s.handleLoginForm))
	mux.HandleFunc("POST /logout", s.handleLogout)
	mux.HandleFunc("GET /accounts", s.signedIn("accounts", "Accounts", s.accountsData))
	mux.HandleFunc("GET /keys", s.signedIn("keys", "API keys", s.keysData))
	mux.HandleFunc("GET /compose", s.signedIn("compose", "Compose", s.composeData))
	mux.HandleFunc("GET /posts", s.signedIn("posts", "Posts", s.postsData))
	mux.HandleFunc("GET /help", s.signedIn("help", "Help", func(_ context.Context, _ *http.Request, _ int64, d *pageData) error {
		d.Errors = guideErrors
		return nil
	}))
	mux.HandleFunc("POST /compose/count", s.handleCount)
}

// user returns the signed-in browser's session, or nil. API keys do not sign
// a browser in: pages need the cookie.
func (s *site) user(r *http.Request) (*httpapi.Auth, error) {
	a, err := s.cfg.API.Authenticate(r)
	if err != nil || a == nil || a.Session == nil {
		return nil, err
	}
	return a, nil
}

func (s *site) handleRoot(w http.ResponseWriter, r *http.Request) {
	if a, _ := s.user(r); a != nil {
		http.Redirect(w, r, "/accounts", http.StatusFound)
		return
	}
	http.Redirect(w, r, "/login", http.StatusFound)
}

func (s *site) base(title, nav string) *pageData {
	return &pageData{Title: title, Nav: nav, Sandbox: s.cfg.Sandbox}
}

// signedIn serves a page that needs a user, sending others to /login (and
// back here after signing in).
func (s *site) signedIn(name, title string, load func(context.Context, *http.Request, int64, *pageData) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, err := s.user(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if a == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.Path), http.StatusFound)
			return
		}
		d := s.base(title, name)
		d.CSRF = a.Session.CSRFToken
		if u, err := s.cfg.Store.UserByID(r.Context(), a.UserID); err == nil {
			d.Email = u.Email
		}
		if err := load(r.Context(), r, a.UserID, d); err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, name, d)
	}
}

func (s *site) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "page failed", "path", r.URL.Path, "error", err)
	http.Error(w, "Something went wrong loading this page. Reload it; if it keeps happening, contact your admin.", http.StatusInternalServerError)
}

func (s *site) loadAccounts(ctx context.Context, userID int64, d *pageData) error {
	accts, err := s.cfg.Store.Accounts(ctx, userID)
	if err != nil {
		return err
	}
	d.Accounts = make([]httpapi.AccountJSON, len(accts))
	for i, a := range accts {
		d.Accounts[i] = httpapi.AccountView(a)
	}
	return nil
}

func (s *site) accountsData(ctx context.Context, r *http.Request, userID int64, d *pageData) error {
	if err := s.loadAccounts(ctx, userID, d); err != nil {
		return err
	}
	d.Platforms = s.platformViews()
	d.CanConnect = map[social.Platform]bool{}
	for _, p := range d.Platforms {
		d.CanConnect[p.Platform] = p.CanConnect
	}
	d.Connect = connectFromQuery(r.URL.Query())
	return nil
}

// platformViews lists every platform for the Connect dialog, in display order.
func (s *site) platformViews() []platformView {
	status := map[social.Platform]PlatformStatus{}
	for _, st := range s.cfg.Platforms {
		status[st.Platform] = st
	}
	var out []platformView
	for _, p := range social.Platforms {
		st, ok := status[p]
		if !ok {
			st = PlatformStatus{Platform: p}
		}
		if !st.CanConnect && st.Missing == "" {
			st.Missing = "the platform's app credentials"
		}
		out = append(out, platformView{PlatformStatus: st, Title: p.Title(), StartURL: "/api/social/oauth/" + string(p) + "/start",
			OAuthOnly: p != social.LinkedIn, CanConnect: st.CanConnect})
	}
	return out
}

// connectFromQuery turns the OAuth callback's redirect query into a banner.
// The message comes from our own table, never from the query's text.
func connectFromQuery(q url.Values) *connectResult {
	p, err := social.ParsePlatform(q.Get("platform"))
	if err != nil {
		return nil
	}
	switch q.Get("connect") {
	case "ok":
		n, _ := strconv.Atoi(q.Get("count"))
		if n < 1 {
			n = 1
		}
		noun, them := "account", "it"
		if n > 1 {
			noun, them = "accounts", "them"
		}
		return &connectResult{OK: true, Message: "Connected " + strconv.Itoa(n) + " " + p.Title() + " " + noun + ". You can post to " + them + " from Compose."}
	case "error":
		return &connectResult{Message: httpapi.ConnectMessage(p, q.Get("reason"))}
	}
	return nil
}

func (s *site) keysData(ctx context.Context, _ *http.Request, userID int64, d *pageData) error {
	keys, err := s.cfg.Store.APIKeys(ctx, userID)
	if err != nil {
		return err
	}
	d.Keys = keys
	return nil
}

func (s *site) composeData(ctx context.Context, _ *http.Request, userID int64, d *pageData) error {
	return s.loadAccounts(ctx, userID, d)
}

func (s *site) postsData(ctx context.Context, _ *http.Request, userID int64, d *pageData) error {
	return s.loadAccounts(ctx, userID, d)
}

// handleAuthPage shows the signup or login form; a signed-in browser goes
// straight to its accounts.
func (s *site) handleAuthPage(name, title string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a, _ := s.user(r); a != nil {
			http.Redirect(w, r, "/accounts", http.StatusFound)
			return
		}
		s.render(w, r, http.StatusOK, name, s.base(title, name))
	}
}

// handleSignupForm is the no-JavaScript path of the signup form.
func (s *site) handleSignupForm(w http.ResponseWriter, r *http.Request) {
	email, pw := r.PostFormValue("email"), r.PostFormValue("password")
	err := httpapi.CheckCredentials(email, pw)
	var u *store.User
	if err == nil {
		u, err = s.cfg.Store.CreateUser(r.Context(), email, httpapi.HashPassword(pw))
	}
	s.finishAuthForm(w, r, "signup", "Create your account", u, err)
}

// sameOrigin refuses form posts that come from another site. The sign-in
// forms set a session cookie, so they carry no session CSRF token; without
// this check another site could sign a visitor into the attacker's account
// (login CSRF) and collect the tokens of the accounts they then connect.
func (s *site) sameOrigin(next http.HandlerFunc) http.HandlerFunc {
	public := ""
	if u, err := url.Parse(s.cfg.API.PublicURL()); err == nil {
		public = u.Host // behind a proxy that rewrites Host, the public host is ours too
	}
	return func(w http.ResponseWriter, r *http.Request) {
		site := r.Header.Get("Sec-Fetch-Site")
		origin := r.Header.Get("Origin")
		crossSite := (site != "" && site != "same-origin" && site != "none") ||
			(origin != "" && origin != "null" && !sameHost(origin, r.Host) && !sameHost(origin, public))
		if crossSite || origin == "null" {
			http.Error(w, "This form must be sent from the SalesAI page itself. Open SalesAI and sign in there.", http.StatusForbidden)
			return
		}
		next(w, r)
	}
}

func sameHost(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, host)
}

// handleLoginForm is the no-JavaScript path of the login form.
func (s *site) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	u, err := s.cfg.API.Login(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"))
	s.finishAuthForm(w, r, "login", "Sign in", u, err)
}

func (s *site) finishAuthForm(w http.ResponseWriter, r *http.Request, name, title string, u *store.User, err error) {
	if err == nil {
		_, err = s.cfg.API.NewSession(w, r, u.ID)
	}
	if err != nil {
		var e *social.Error
		if !errors.As(err, &e) || e.Kind == social.Internal {
			s.fail(w, r, err)
			return
		}
		d := s.base(title, name)
		d.FormError, d.FormEmail = e.Message, r.PostFormValue("email")
		s.render(w, r, http.StatusBadRequest, name, d)
		return
	}
	http.Redirect(w, r, "/accounts", http.StatusSeeOther)
}

// handleLogout signs out from the menu's form (CSRF-checked).
func (s *site) handleLogout(w http.ResponseWriter, r *http.Request) {
	if a, _ := s.user(r); a != nil && httpapi.ValidCSRF(r, a.Session) {
		s.cfg.API.EndSession(w, r)
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

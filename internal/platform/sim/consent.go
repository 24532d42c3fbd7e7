package sim

import (
	"html/template"
	"net/http"
	"net/url"
	"time"
)

// ConsentSpec describes one platform's consent page: who may ask, how long its
// codes live, and what the platform appends to the redirect when the user
// denies (platforms.md: FB/IG error=access_denied&error_reason=user_denied…,
// LinkedIn error=user_cancelled_authorize, X and Google error=access_denied).
type ConsentSpec struct {
	Platform string        // key of Options.Apps: "facebook", "instagram", "twitter", "linkedin", "youtube"
	Title    string        // shown on the page, e.g. "Facebook"
	CodeTTL  time.Duration // lifetime of an issued code
	Deny     url.Values    // parameters added to the redirect on Deny (state is added for you)
	// PKCE requires code_challenge (+ code_challenge_method S256|plain), as X does.
	PKCE bool
}

// authCode is an authorization code a consent page issued.
type authCode struct {
	Platform        string
	ClientID        string
	RedirectURI     string
	Scope           string
	Subject         string // the fixture user who approved ("sim_user", default "default")
	Challenge       string
	ChallengeMethod string
	ExpiresAt       time.Time
	Used            bool
}

// consent serves a platform's OAuth consent page. GET renders a real HTML page
// with Approve and Deny buttons; the buttons (and ?auto=1, for tests) redirect
// to redirect_uri with ?code=…&state=… or with the spec's Deny parameters.
// ?sim_user=NAME picks which fixture user approves (default "default"), so tests
// can connect, say, a Google user without a YouTube channel.
func (s *Sim) consent(w http.ResponseWriter, r *http.Request, spec ConsentSpec) {
	q := r.URL.Query()
	app, ok := s.opts.Apps[spec.Platform]
	clientID := q.Get("client_id")
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case !ok || clientID == "" || clientID != app.ID:
		consentError(w, spec.Title, "Invalid client_id: this app is not registered.")
		return
	case err != nil || !redirect.IsAbs():
		consentError(w, spec.Title, "Invalid redirect_uri: it must be an absolute URL.")
		return
	case spec.PKCE && q.Get("code_challenge") == "":
		consentError(w, spec.Title, "Missing code_challenge: PKCE is required.")
		return
	case spec.PKCE && q.Get("code_challenge_method") != "S256" && q.Get("code_challenge_method") != "plain":
		consentError(w, spec.Title, "code_challenge_method must be S256 or plain.")
		return
	}
	switch q.Get("decision") {
	case "", "show":
		if q.Get("auto") != "1" {
			s.renderConsent(w, r, spec)
			return
		}
	case "deny":
		out := redirect.Query()
		for k, vs := range spec.Deny {
			out[k] = vs
		}
		if st := q.Get("state"); st != "" {
			out.Set("state", st)
		}
		redirect.RawQuery = out.Encode()
		http.Redirect(w, r, redirect.String(), http.StatusFound)
		return
	}
	subject := q.Get("sim_user")
	if subject == "" {
		subject = "default"
	}
	code := newID("code-")
	s.mu.Lock()
	s.codes[code] = &authCode{
		Platform: spec.Platform, ClientID: clientID, RedirectURI: q.Get("redirect_uri"),
		Scope: q.Get("scope"), Subject: subject,
		Challenge: q.Get("code_challenge"), ChallengeMethod: q.Get("code_challenge_method"),
		ExpiresAt: s.opts.Now().Add(spec.CodeTTL),
	}
	s.mu.Unlock()
	out := redirect.Query()
	out.Set("code", code)
	if st := q.Get("state"); st != "" {
		out.Set("state", st)
	}
	redirect.RawQuery = out.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// takeCode consumes an authorization code of platform. It fails when the code
// is unknown, already used, expired, or issued to another client or redirect
// URI (redirectURI "" skips that check, for platforms that do not send it).
func (s *Sim) takeCode(platform, code, clientID, redirectURI string) (*authCode, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes[code]
	if !ok || c.Platform != platform || c.Used || !s.opts.Now().Before(c.ExpiresAt) {
		return nil, false
	}
	if clientID != "" && c.ClientID != clientID {
		return nil, false
	}
	if redirectURI != "" && c.RedirectURI != redirectURI {
		return nil, false
	}
	c.Used = true
	cp := *c
	return &cp, true
}

var consentPage = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} — sign in (SalesAI sandbox)</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}
a.btn{display:inline-block;padding:.6rem 1.2rem;margin-right:.5rem;border-radius:.4rem;text-decoration:none;border:1px solid #888;color:#222}
a.approve{background:#1a73e8;color:#fff;border-color:#1a73e8}</style></head>
<body><h1>{{.Title}}</h1>
<p>This is the <strong>simulated</strong> {{.Title}} consent page of the SalesAI sandbox. No real account is involved.</p>
<p>The app <code>{{.ClientID}}</code> asks for: <code>{{.Scope}}</code></p>
<p><a class="btn approve" id="approve" href="{{.Approve}}">Approve</a>
<a class="btn deny" id="deny" href="{{.Deny}}">Deny</a></p>
</body></html>`))

func (s *Sim) renderConsent(w http.ResponseWriter, r *http.Request, spec ConsentSpec) {
	aq, dq := r.URL.Query(), r.URL.Query()
	aq.Set("decision", "approve")
	dq.Set("decision", "deny")
	// Query-only links resolve against the page's own URL, whatever prefix it
	// is served under (/sandbox/ or a test server).
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = consentPage.Execute(w, map[string]string{
		"Title": spec.Title, "ClientID": r.URL.Query().Get("client_id"), "Scope": r.URL.Query().Get("scope"),
		"Approve": "?" + aq.Encode(), "Deny": "?" + dq.Encode(),
	})
}

func consentError(w http.ResponseWriter, title, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	_ = template.Must(template.New("e").Parse(`<!doctype html><title>{{.T}} — error</title><h1>{{.T}}</h1><p id="error">{{.M}}</p>`)).
		Execute(w, map[string]string{"T": title, "M": msg})
}

package sim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/unicode/norm"
)

// X (Twitter) API v2 and its OAuth 2.0 + PKCE flow (platforms.md §3). Both
// api.x.com and the historical api.twitter.com serve the same routes.

// XOAuth1Cred is an X app's OAuth 1.0a consumer secret and the user access
// tokens issued to it (access token → its secret and fixture user).
type XOAuth1Cred struct {
	ConsumerSecret string
	Tokens         map[string]XOAuth1Token
}

// XOAuth1Token is one OAuth 1.0a user access token's secret and the xUsers
// fixture name it acts for ("default", "second").
type XOAuth1Token struct {
	Secret string
	User   string
}

// SandboxXOAuth1 is the OAuth 1.0a consumer the simulator accepts when
// Options.XOAuth1 is nil: consumer key "sandbox-x-consumer-key".
var SandboxXOAuth1 = map[string]XOAuth1Cred{
	"sandbox-x-consumer-key": {ConsumerSecret: "sandbox-x-consumer-secret", Tokens: map[string]XOAuth1Token{
		"2244994945-sandboxAccessToken": {Secret: "sandbox-x-token-secret", User: "default"},
		"2244994946-sandboxAccessToken": {Secret: "sandbox-x-token-secret-2", User: "second"},
	}},
}

const (
	xCodeTTL     = 30 * time.Second // "The auth code expires 30 seconds after issue" (§3.1)
	xAccessTTL   = 2 * time.Hour    // §3.1
	xRateWindow  = 15 * time.Minute // §3.4 per-user windows
	xMaxWeighted = 280
	xFirstID     = 1880028106020515840 // a plausible snowflake to count up from
)

// xAPI is the X simulator's state beyond tokens and posts.
type xAPI struct {
	s      *Sim
	oauth1 map[string]XOAuth1Cred

	mu      sync.Mutex
	seq     uint64
	media   map[string]*xMedia
	windows map[string]*xWindow // "user|endpoint" → fixed 15-minute window
}

// xWindow is one per-user rate-limit window.
type xWindow struct {
	start time.Time
	used  int
}

func init() {
	register(func(s *Sim) { newXAPI(s).routes() })
}

func newXAPI(s *Sim) *xAPI {
	creds := s.opts.XOAuth1
	if creds == nil {
		creds = SandboxXOAuth1
	}
	return &xAPI{s: s, oauth1: creds, seq: xFirstID, media: map[string]*xMedia{}, windows: map[string]*xWindow{}}
}

func (x *xAPI) routes() {
	spec := ConsentSpec{Platform: "twitter", Title: "X", CodeTTL: xCodeTTL, PKCE: true,
		Deny: url.Values{"error": {"access_denied"}}}
	for _, host := range []string{"x.com", "twitter.com"} {
		x.s.handle("GET /"+host+"/i/oauth2/authorize", func(w http.ResponseWriter, r *http.Request) { x.s.consent(w, r, spec) })
	}
	for _, host := range []string{"upload.twitter.com", "upload.x.com"} {
		x.s.handle("POST /"+host+"/1.1/media/upload.json", x.handleUploadV1)
	}
	for _, h := range []string{"/api.x.com", "/api.twitter.com"} {
		x.s.handle("POST "+h+"/2/oauth2/token", x.handleToken)
		x.s.handle("POST "+h+"/2/oauth2/revoke", x.handleRevoke)
		x.s.handle("GET "+h+"/2/users/me", x.handleMe)
		x.s.handle("GET "+h+"/2/users/{id}/tweets", x.handleUserTweets)
		x.s.handle("POST "+h+"/2/tweets", x.handleCreateTweet)
		x.s.handle("DELETE "+h+"/2/tweets/{id}", x.handleDeleteTweet)
		x.s.handle("POST "+h+"/2/media/upload", x.handleUploadV2)
		x.s.handle("GET "+h+"/2/media/upload", x.handleUploadStatus)
		x.s.handle("POST "+h+"/2/media/upload/initialize", x.handleUploadInit)
		x.s.handle("POST "+h+"/2/media/upload/{id}/append", x.handleUploadAppend)
		x.s.handle("POST "+h+"/2/media/upload/{id}/finalize", x.handleUploadFinalize)
	}
}

// nextID returns a fresh numeric id for a tweet or media item.
func (x *xAPI) nextID() string {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.seq++
	return strconv.FormatUint(x.seq, 10)
}

// xProblem writes X's v2 problem JSON (§3.7).
func xProblem(w http.ResponseWriter, status int, title, detail, typ string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"title": title, "detail": detail, "type": typ, "status": status})
}

func xUnauthorized(w http.ResponseWriter) {
	xProblem(w, http.StatusUnauthorized, "Unauthorized", "Unauthorized", "about:blank")
}

func xForbidden(w http.ResponseWriter, detail string) {
	xProblem(w, http.StatusForbidden, "Forbidden", detail, "about:blank")
}

func xInvalid(w http.ResponseWriter, detail string) {
	xProblem(w, http.StatusBadRequest, "Invalid Request", detail, "https://api.x.com/2/problems/invalid-request")
}

// xUserByID finds a fixture X user by id.
func xUserByID(id string) (xUser, bool) {
	for _, u := range xUsers {
		if u.ID == id {
			return u, true
		}
	}
	return xUser{}, false
}

// xyScopeAny reports whether the space-separated scope list holds any of want.
func xyScopeAny(scope string, want ...string) bool {
	for _, have := range strings.Fields(scope) {
		if slices.Contains(want, have) {
			return true
		}
	}
	return false
}

// xCaller is who made an API request: an OAuth 2.0 user token (with scopes) or
// an OAuth 1.0a user context (which carries every permission).
type xCaller struct {
	User   xUser
	Scope  string
	OAuth1 bool
}

// may reports whether the caller holds scope.
func (c xCaller) may(scope string) bool { return c.OAuth1 || xyScopeAny(c.Scope, scope) }

// authenticate identifies the caller by Bearer token or OAuth 1.0a header; false
// when it answered 401 (with rate-limit headers from the anonymous window).
func (x *xAPI) authenticate(w http.ResponseWriter, r *http.Request, endpoint string) (xCaller, bool) {
	h := r.Header.Get("Authorization")
	if strings.HasPrefix(h, "OAuth ") {
		if u, ok := x.verifyOAuth1(r); ok {
			return xCaller{User: u, OAuth1: true}, true
		}
	} else if v, ok := strings.CutPrefix(h, "Bearer "); ok {
		if t, st := x.s.checkToken("twitter", strings.TrimSpace(v)); st == tokenValid {
			if u, ok := xUserByID(t.Subject); ok {
				return xCaller{User: u, Scope: t.Scope}, true
			}
		}
	}
	x.rateHeaders(w, "anonymous", endpoint, 0)
	xUnauthorized(w)
	return xCaller{}, false
}

// verifyOAuth1 checks an OAuth 1.0a user-context request against the
// registered consumers. The signed URL is the platform URL the client called,
// https://HOST/PATH, which the endpoint rewrite turned into /HOST/PATH.
func (x *xAPI) verifyOAuth1(r *http.Request) (xUser, bool) {
	p, err := ParseOAuth1Header(r.Header.Get("Authorization"))
	if err != nil {
		return xUser{}, false
	}
	cred, ok := x.oauth1[p["oauth_consumer_key"]]
	tok, tokOK := cred.Tokens[p["oauth_token"]]
	u, userOK := xUsers[tok.User]
	if !ok || !tokOK || !userOK {
		return xUser{}, false
	}
	host, path := splitHost(r.URL.Path)
	signed := *r
	signed.URL = &url.URL{Scheme: "https", Host: host, Path: path, RawQuery: r.URL.RawQuery}
	if err := VerifyOAuth1(&signed, cred.ConsumerSecret, tok.Secret); err != nil {
		return xUser{}, false
	}
	r.Form, r.PostForm = signed.Form, signed.PostForm // the body was consumed parsing them
	return u, true
}

// xLimits are the per-user 15-minute limits of §3.4.
var xLimits = map[string]int{
	"tweets": 100, "users/me": 75, "users/tweets": 900, "media/upload": 500,
	"media/upload/status": 1000, "media/upload/chunked": 1875, "1.1/media/upload": 500,
}

// allow counts one request of user against endpoint's window, sets the
// x-rate-limit-* headers every X response carries (§3.7), and answers 429
// when the window is spent.
func (x *xAPI) allow(w http.ResponseWriter, user, endpoint string) bool {
	if x.rateHeaders(w, user, endpoint, 1) {
		return true
	}
	xProblem(w, http.StatusTooManyRequests, "Too Many Requests", "Too Many Requests", "about:blank")
	return false
}

// rateHeaders spends n requests of the window and writes its headers; false
// when the window was already spent.
func (x *xAPI) rateHeaders(w http.ResponseWriter, user, endpoint string, n int) bool {
	limit := xLimits[endpoint]
	now := x.s.opts.Now()
	x.mu.Lock()
	key := user + "|" + endpoint
	win := x.windows[key]
	if win == nil || !now.Before(win.start.Add(xRateWindow)) {
		win = &xWindow{start: now}
		x.windows[key] = win
	}
	ok := win.used < limit
	if ok {
		win.used += n
	}
	remaining, reset := limit-win.used, win.start.Add(xRateWindow).Unix()
	x.mu.Unlock()
	h := w.Header()
	h.Set("x-rate-limit-limit", strconv.Itoa(limit))
	h.Set("x-rate-limit-remaining", strconv.Itoa(max(remaining, 0)))
	h.Set("x-rate-limit-reset", strconv.FormatInt(reset, 10))
	return ok
}

func (x *xAPI) handleMe(w http.ResponseWriter, r *http.Request) {
	c, ok := x.authenticate(w, r, "users/me")
	if !ok || !x.allow(w, c.User.ID, "users/me") {
		return
	}
	if !c.may("users.read") {
		xForbidden(w, "Missing the users.read scope.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]string{
		"id": c.User.ID, "name": c.User.Name, "username": c.User.Username}})
}

// xURL matches the links X's counter weighs as 23 (t.co length).
var xURL = regexp.MustCompile(`https?://[^\s]+`)

// XWeightedLength counts text the way X's twitter-text v3 config does: after
// NFC, each URL weighs 23 and each code point 1 when in U+0000–U+10FF,
// U+2000–U+200D, U+2010–U+201F or U+2032–U+2037, else 2. Simplification: only
// http(s):// links are recognised as URLs.
func XWeightedLength(text string) int {
	text = norm.NFC.String(text)
	n := 23 * len(xURL.FindAllStringIndex(text, -1))
	for _, c := range xURL.ReplaceAllString(text, "") {
		switch {
		case c <= 0x10FF, 0x2000 <= c && c <= 0x200D, 0x2010 <= c && c <= 0x201F, 0x2032 <= c && c <= 0x2037:
			n++
		default:
			n += 2
		}
	}
	return n
}

// clientAuth authenticates the OAuth client at the token and revoke endpoints
// (§3.1): Basic for confidential clients (client_secret in the form is also
// taken), client_id alone for public ones (an app registered without secret).
func (x *xAPI) clientAuth(w http.ResponseWriter, r *http.Request) bool {
	app := x.s.opts.Apps["twitter"]
	if id, secret, ok := r.BasicAuth(); ok {
		id, _ = url.QueryUnescape(id) // RFC 6749 §2.3.1 form-encodes both
		secret, _ = url.QueryUnescape(secret)
		if id == app.ID && app.Secret != "" && secret == app.Secret {
			return true
		}
	} else if r.PostForm.Get("client_id") == app.ID && r.PostForm.Get("client_secret") == app.Secret {
		return true
	}
	oauthError(w, http.StatusUnauthorized, "unauthorized_client", "Missing valid authorization header")
	return false
}

const (
	xBadCode    = "Value passed for the authorization code was invalid."
	xBadRefresh = "Value passed for the token was invalid."
)

func (x *xAPI) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Malformed form body.")
		return
	}
	if !x.clientAuth(w, r) {
		return
	}
	f := r.PostForm
	switch f.Get("grant_type") {
	case "authorization_code":
		x.exchangeCode(w, f)
	case "refresh_token":
		t, st := x.s.useRefreshToken("twitter", f.Get("refresh_token"), true)
		if st != tokenValid {
			oauthError(w, http.StatusBadRequest, "invalid_request", xBadRefresh)
			return
		}
		x.writeTokens(w, t.Subject, t.Scope)
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Value passed for the grant type was invalid.")
	}
}

// exchangeCode redeems an authorization code: the verifier must answer the
// PKCE challenge and redirect_uri must equal the one authorized (§3.1).
func (x *xAPI) exchangeCode(w http.ResponseWriter, f url.Values) {
	for _, p := range []string{"code", "redirect_uri", "code_verifier"} {
		if f.Get(p) == "" {
			oauthError(w, http.StatusBadRequest, "invalid_request", "Missing required parameter ["+p+"].")
			return
		}
	}
	c, ok := x.s.takeCode("twitter", f.Get("code"), x.s.opts.Apps["twitter"].ID, f.Get("redirect_uri"))
	if !ok || !pkceMatches(c.ChallengeMethod, c.Challenge, f.Get("code_verifier")) {
		oauthError(w, http.StatusBadRequest, "invalid_request", xBadCode)
		return
	}
	u, ok := xUsers[c.Subject]
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_request", xBadCode)
		return
	}
	x.writeTokens(w, u.ID, c.Scope)
}

// writeTokens issues a 2-hour access token and, with offline.access, a
// rotating refresh token.
func (x *xAPI) writeTokens(w http.ResponseWriter, userID, scope string) {
	ttl := xAccessTTL
	if x.s.opts.TokenTTL != 0 {
		ttl = x.s.opts.TokenTTL
	}
	access := x.s.issueToken("twitter", userID, scope, xAccessTTL, false)
	out := map[string]any{"token_type": "bearer", "expires_in": int(ttl.Seconds()), "access_token": access, "scope": scope}
	if xyScopeAny(scope, "offline.access") {
		refresh := x.s.issueToken("twitter", userID, scope, 0, true)
		xyPairTokens(x.s, access, refresh)
		out["refresh_token"] = refresh
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// handleRevoke revokes an access or refresh token and its pair (§3.1). As RFC
// 7009 says, an unknown token is not an error.
func (x *xAPI) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Malformed form body.")
		return
	}
	if !x.clientAuth(w, r) {
		return
	}
	xyRevokePair(x.s, "twitter", r.PostForm.Get("token"))
	writeJSON(w, http.StatusOK, map[string]bool{"revoked": true})
}

// xyPairTokens links an access token and its refresh token, so revoking one
// revokes the other (X and Google both do).
func xyPairTokens(s *Sim, access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, r := s.tokens[access], s.tokens[refresh]; a != nil && r != nil {
		a.Pair, r.Pair = refresh, access
	}
}

// xyRevokePair revokes token v of platform and its pair; false when unknown.
func xyRevokePair(s *Sim, platform, v string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[v]
	if !ok || t.Platform != platform {
		return false
	}
	t.Revoked = true
	if p := s.tokens[t.Pair]; p != nil {
		p.Revoked = true
	}
	return true
}

package sim

// Instagram (platforms.md §2): Instagram Login on www/api.instagram.com and
// graph.instagram.com, and the Facebook Login variant, whose publishing calls
// go to graph.facebook.com with Facebook user or Page tokens. Publishing
// (containers, media_publish, limits) lives in instagram_media.go.

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	igCodeTTL  = time.Hour // platforms.md §2.2: the code is valid 1 hour
	igShortTTL = time.Hour // short-lived token
	// igLongExpiresIn is the documented expires_in of a long-lived token
	// (platforms.md §2.2); the token lives exactly that long.
	igLongExpiresIn = 5183944
	igRefreshMinAge = 24 * time.Hour
)

// igState holds Instagram containers, published media and token issue times.
type igState struct {
	mu         sync.Mutex
	containers map[string]*igContainer
	media      map[string]*igMedia
	order      []string             // media ids, oldest first
	issued     map[string]time.Time // IG token → issue time (refresh needs ≥ 24 h)
	nextID     int64
}

func init() {
	register(func(s *Sim) {
		s.ig = &igState{containers: map[string]*igContainer{}, media: map[string]*igMedia{},
			issued: map[string]time.Time{}, nextID: 17900000000000000}
		spec := ConsentSpec{Platform: "instagram", Title: "Instagram", CodeTTL: igCodeTTL, Deny: url.Values{
			"error": {"access_denied"}, "error_reason": {"user_denied"},
			"error_description": {"The user denied your request"},
		}}
		consent := func(w http.ResponseWriter, r *http.Request) { s.consent(w, r, spec) }
		s.handle("GET /www.instagram.com/oauth/authorize", consent)
		s.handle("GET /api.instagram.com/oauth/authorize", consent)
		s.handle("POST /api.instagram.com/oauth/access_token", s.igCodeExchange)
		s.handle("/graph.instagram.com/{path...}", s.igGraphInstagram)
		s.registerIGOnFacebook()
	})
}

// igOAuthError is api.instagram.com's own error shape (platforms.md §2.2).
func igOAuthError(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"error_type": "OAuthException", "code": 400, "error_message": msg})
}

// igCodeExchange serves POST api.instagram.com/oauth/access_token. Client
// credentials go in the body only, so a Basic-auth attempt fails before the
// code is spent (golang.org/x/oauth2's auto-detect then retries in the body).
func (s *Sim) igCodeExchange(w http.ResponseWriter, r *http.Request) {
	f, err := formParams(r)
	if err != nil {
		igOAuthError(w, "Invalid request body")
		return
	}
	app := s.opts.Apps["instagram"]
	for _, k := range []string{"client_id", "client_secret", "grant_type", "redirect_uri", "code"} {
		if f.Get(k) == "" {
			igOAuthError(w, "Missing required field "+k)
			return
		}
	}
	switch {
	case f.Get("client_id") != app.ID:
		igOAuthError(w, "Invalid platform app")
		return
	case f.Get("client_secret") != app.Secret:
		igOAuthError(w, "Error validating client secret.")
		return
	case f.Get("grant_type") != "authorization_code":
		igOAuthError(w, "Unsupported grant_type")
		return
	}
	code, ok := s.takeCode("instagram", f.Get("code"), app.ID, f.Get("redirect_uri"))
	user, known := igUsers[codeSubject(code)]
	if !ok || !known {
		igOAuthError(w, "Matching code was not found or was already used")
		return
	}
	perms := splitScopes(code.Scope)
	tok := s.issueToken("instagram", user.UserID, strings.Join(perms, ","), igShortTTL, false)
	s.igNoteIssued(tok)
	s.writeIGToken(w, tok, user.UserID, perms)
}

func codeSubject(c *authCode) string {
	if c == nil {
		return ""
	}
	return c.Subject
}

// writeIGToken answers in the documented wrapped shape, or the observed flat
// one when Options.InstagramFlatToken is set (platforms.md §2.2, §7 item 7).
func (s *Sim) writeIGToken(w http.ResponseWriter, tok, userID string, perms []string) {
	if s.opts.InstagramFlatToken {
		id, _ := strconv.ParseInt(userID, 10, 64)
		if perms == nil {
			perms = []string{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "user_id": id, "permissions": perms})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": []map[string]any{{
		"access_token": tok, "user_id": userID, "permissions": strings.Join(perms, ","),
	}}})
}

func (s *Sim) igNoteIssued(tok string) {
	s.ig.mu.Lock()
	s.ig.issued[tok] = s.opts.Now()
	s.ig.mu.Unlock()
}

// splitScopes splits a comma- or space-separated scope list.
func splitScopes(scope string) []string {
	return strings.FieldsFunc(scope, func(r rune) bool { return r == ',' || r == ' ' })
}

func hasScope(scope, want string) bool {
	for _, s := range splitScopes(scope) {
		if s == want {
			return true
		}
	}
	return false
}

var graphVersion = regexp.MustCompile(`^v\d+\.\d+$`)

// igGraphInstagram dispatches every graph.instagram.com path, with or without
// a version segment, the way Graph does.
func (s *Sim) igGraphInstagram(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.Trim(r.PathValue("path"), "/"), "/")
	if len(segs) > 1 && graphVersion.MatchString(segs[0]) {
		segs = segs[1:]
	}
	get := r.Method == http.MethodGet
	switch {
	case get && len(segs) == 1 && segs[0] == "access_token":
		s.igExchangeLong(w, r)
	case get && len(segs) == 1 && segs[0] == "refresh_access_token":
		s.igRefreshLong(w, r)
	case get && len(segs) == 1:
		s.igServe(w, r, "instagram", segs[0], s.igObject)
	case len(segs) == 2:
		h := map[string]func(*igCall){
			"POST media": s.igCreateContainer, "GET media": s.igListMedia,
			"POST media_publish": s.igPublish, "GET content_publishing_limit": s.igPublishingLimit,
		}[r.Method+" "+segs[1]]
		if h == nil {
			igUnsupported(w, r)
			return
		}
		s.igServe(w, r, "instagram", segs[0], h)
	default:
		igUnsupported(w, r)
	}
}

// igUnsupported is graph.instagram.com's answer to an unknown path or method
// (the guide's "Unsupported request - method type: post", item I.7).
func igUnsupported(w http.ResponseWriter, r *http.Request) {
	graphError(w, http.StatusBadRequest, 100, 0, "IGApiException",
		"Unsupported request - method type: "+strings.ToLower(r.Method))
}

// igCall is one authenticated Graph request about an Instagram object.
type igCall struct {
	w        http.ResponseWriter
	r        *http.Request
	platform string // token platform: "instagram" (graph.instagram.com) or "facebook"
	params   url.Values
	tok      *token
	id       string // path object id, "me" resolved
}

// igServe parses parameters, checks the token and runs h.
func (s *Sim) igServe(w http.ResponseWriter, r *http.Request, platform, id string, h func(*igCall)) {
	params, err := graphParams(r)
	if err != nil {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) "+err.Error())
		return
	}
	v := bearerOrParam(r)
	if v == "" {
		v = params.Get("access_token")
	}
	tok, ok := s.graphToken(w, platform, v)
	if !ok {
		return
	}
	if id == "me" && platform == "instagram" {
		id = tok.Subject
	}
	h(&igCall{w: w, r: r, platform: platform, params: params, tok: tok, id: id})
}

// graphToken checks a Graph access token and writes the code 190 envelope
// (platforms.md §1.12, §2.7) when it is not valid.
func (s *Sim) graphToken(w http.ResponseWriter, platform, v string) (*token, bool) {
	tok, st := s.checkToken(platform, v)
	switch st {
	case tokenValid:
		return tok, true
	case tokenExpired:
		graphError(w, http.StatusBadRequest, 190, 463, "OAuthException", fmt.Sprintf(
			"Error validating access token: Session has expired on %s. The current time is %s.",
			tok.ExpiresAt.UTC().Format(time.RFC1123), s.opts.Now().UTC().Format(time.RFC1123)))
	case tokenRevoked:
		graphError(w, http.StatusBadRequest, 190, 458, "OAuthException",
			"Error validating access token: The user has not authorized application.")
	default:
		graphError(w, http.StatusBadRequest, 190, 0, "OAuthException",
			"Invalid OAuth access token - Cannot parse access token")
	}
	return nil, false
}

// igExchangeLong serves GET graph.instagram.com/access_token
// (grant_type=ig_exchange_token): short-lived → long-lived, 60 days.
func (s *Sim) igExchangeLong(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("grant_type") != "ig_exchange_token" {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Unsupported grant_type")
		return
	}
	if q.Get("client_secret") != s.opts.Apps["instagram"].Secret {
		graphError(w, http.StatusBadRequest, 101, 0, "OAuthException", "Error validating client secret.")
		return
	}
	tok, ok := s.graphToken(w, "instagram", q.Get("access_token"))
	if !ok {
		return
	}
	s.writeIGLongToken(w, tok)
}

// igRefreshLong serves GET graph.instagram.com/refresh_access_token: the token
// must be at least 24 h old, unexpired, and carry instagram_business_basic
// (platforms.md §2.2).
func (s *Sim) igRefreshLong(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("grant_type") != "ig_refresh_token" {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Unsupported grant_type")
		return
	}
	v := q.Get("access_token")
	tok, ok := s.graphToken(w, "instagram", v)
	if !ok {
		return
	}
	s.ig.mu.Lock()
	issued := s.ig.issued[v]
	s.ig.mu.Unlock()
	if s.opts.Now().Sub(issued) < igRefreshMinAge {
		// Meta does not document this message; the rule is documented.
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException",
			"(#100) The access token can only be refreshed when it is at least 24 hours old")
		return
	}
	if !hasScope(tok.Scope, "instagram_business_basic") {
		graphError(w, http.StatusBadRequest, 10, 0, "OAuthException", "Application does not have permission for this action")
		return
	}
	s.writeIGLongToken(w, tok)
}

func (s *Sim) writeIGLongToken(w http.ResponseWriter, from *token) {
	ttl := igLongExpiresIn * time.Second
	long := s.issueToken("instagram", from.Subject, from.Scope, ttl, false)
	s.igNoteIssued(long)
	expiresIn := igLongExpiresIn
	if s.opts.TokenTTL != 0 {
		expiresIn = int(s.opts.TokenTTL.Seconds())
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": long, "token_type": "bearer", "expires_in": expiresIn})
}

// igUserByID finds a fixture Instagram account by its IG user id.
func igUserByID(id string) (igUser, bool) {
	for _, u := range igUsers {
		if u.UserID == id {
			return u, true
		}
	}
	return igUser{}, false
}

// actsFor reports whether tok may act for the IG user: an Instagram token of
// that user, or (Facebook Login) a Page token of the Page linked to it or a
// user token of someone managing that Page.
func actsFor(tok *token, igUserID string) bool {
	if tok.Platform == "instagram" {
		return tok.Subject == igUserID
	}
	if p, ok := fbPageByID(tok.Subject); ok {
		return p.IGUserID == igUserID
	}
	for _, u := range fbUsers {
		if u.ID != tok.Subject {
			continue
		}
		for _, p := range u.Pages {
			if p.IGUserID == igUserID {
				return true
			}
		}
	}
	return false
}

// unsupportedObject is Graph's answer for an id the token cannot see.
func unsupportedObject(w http.ResponseWriter, r *http.Request, id string) {
	graphError(w, http.StatusBadRequest, 100, 33, "GraphMethodException", fmt.Sprintf(
		"Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, "+
			"or does not support this operation. Please read the Graph API documentation at "+
			"https://developers.facebook.com/docs/graph-api", strings.ToLower(r.Method), id))
}

// igUserFields answers GET /me or /{ig-user-id} with the requested fields.
func (s *Sim) igUserFields(c *igCall, u igUser) {
	all := map[string]any{
		"id": u.UserID, "user_id": u.UserID, "username": u.Username, "name": u.Name,
		"account_type": u.AccountType, "profile_picture_url": "https://scontent.cdninstagram.com/" + u.Username + ".jpg",
		"media_count": s.igMediaCount(u.UserID),
	}
	writeFields(c, "User", all)
}

// writeFields answers with id plus the requested fields of all, or Graph's
// error for a field the node does not have.
func writeFields(c *igCall, node string, all map[string]any) {
	out, bad := pickFields(all, c.params.Get("fields"))
	if bad != "" {
		graphError(c.w, http.StatusBadRequest, 100, 0, "OAuthException",
			fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (%s)", bad, node))
		return
	}
	writeJSON(c.w, http.StatusOK, out)
}

// pickFields selects id plus the fields listed (comma-separated) from all;
// bad names the first field all does not have. Nil values are left out, as
// Graph omits unset fields.
func pickFields(all map[string]any, fields string) (out map[string]any, bad string) {
	out = map[string]any{"id": all["id"]}
	for _, f := range splitFields(fields) {
		v, ok := all[f]
		if !ok {
			return nil, f
		}
		if v != nil {
			out[f] = v
		}
	}
	return out, ""
}

func splitFields(fields string) []string {
	var out []string
	for _, f := range strings.Split(fields, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// formParams reads a form or multipart body (and the query).
func formParams(r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return nil, fmt.Errorf("parse form: %w", err)
	}
	return r.Form, nil
}

// graphParams merges the query with a form, multipart or JSON body, as Graph
// accepts all three; JSON arrays become comma lists (children).
func graphParams(r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" || r.Body == nil {
		if r.Method == http.MethodGet {
			return r.URL.Query(), nil
		}
		return formParams(r)
	}
	v := r.URL.Query()
	var m map[string]any
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil && err != io.EOF {
		return nil, fmt.Errorf("invalid JSON body: %w", err)
	}
	for k, x := range m {
		v.Set(k, jsonParam(x))
	}
	return v, nil
}

func jsonParam(x any) string {
	switch x := x.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = jsonParam(e)
		}
		return strings.Join(parts, ",")
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

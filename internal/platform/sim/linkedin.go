package sim

// LinkedIn (platforms.md §4): the 3-legged OAuth flow on www.linkedin.com,
// OIDC userinfo, and (linkedin_share.go) UGC posts with the Assets API.

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

const (
	liCodeTTL          = 30 * time.Minute // platforms.md §4.1: code lifespan 30 minutes
	liAccessExpiresIn  = 5184000          // 60 days
	liRefreshExpiresIn = 31536000         // 365 days; does not reset on refresh
	liRefreshRefused   = "The provided authorization grant or refresh token is invalid, expired or revoked"
)

// liState holds LinkedIn assets and shares.
type liState struct {
	mu        sync.Mutex
	assets    map[string]*liAsset // by asset id (the part after urn:li:digitalmediaAsset:)
	shares    []*liShare          // oldest first
	nextShare int64
}

func init() {
	register(func(s *Sim) {
		s.li = &liState{assets: map[string]*liAsset{}, nextShare: 7100000000000000000}
		spec := ConsentSpec{Platform: "linkedin", Title: "LinkedIn", CodeTTL: liCodeTTL, Deny: url.Values{
			"error": {"user_cancelled_authorize"}, "error_description": {"The user cancelled the authorization"},
		}}
		s.handle("GET /www.linkedin.com/oauth/v2/authorization", func(w http.ResponseWriter, r *http.Request) {
			s.consent(w, r, spec)
		})
		s.handle("POST /www.linkedin.com/oauth/v2/accessToken", s.liToken)
		s.handle("GET /api.linkedin.com/v2/userinfo", s.liUserinfo)
		s.handle("POST /api.linkedin.com/v2/ugcPosts", s.liCreateUGC)
		s.handle("GET /api.linkedin.com/v2/ugcPosts", s.liFindUGC)
		s.handle("POST /api.linkedin.com/v2/assets", s.liRegisterUpload)
		s.handle("PUT /api.linkedin.com/mediaUpload/{asset}/{artifact}/{n}", s.liUpload)
		s.handle("POST /api.linkedin.com/mediaUpload/{asset}/{artifact}/{n}", s.liUpload)
	})
}

// liToken serves POST www.linkedin.com/oauth/v2/accessToken. Client
// credentials are read from the form only, as LinkedIn documents; a Basic-auth
// attempt fails before a code is spent.
func (s *Sim) liToken(w http.ResponseWriter, r *http.Request) {
	f, err := formParams(r)
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Unable to parse the request body")
		return
	}
	switch f.Get("grant_type") {
	case "":
		liMissing(w, f, "grant_type")
	case "authorization_code":
		s.liCodeGrant(w, f)
	case "refresh_token":
		s.liRefreshGrant(w, f)
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "The passed in grant_type is not supported")
	}
}

// liMissing writes platforms.md §4.1's missing-parameter error for the first
// of keys that is empty; false when all are present.
func liMissing(w http.ResponseWriter, f url.Values, keys ...string) bool {
	for _, k := range keys {
		if f.Get(k) == "" {
			oauthError(w, http.StatusBadRequest, "invalid_request", `A required parameter "`+k+`" is missing`)
			return true
		}
	}
	return false
}

// liClient checks the app credentials. LinkedIn's error for a wrong secret is
// not in platforms.md; this is RFC 6749's invalid_client with 401.
func (s *Sim) liClient(w http.ResponseWriter, f url.Values) bool {
	app := s.opts.Apps["linkedin"]
	if f.Get("client_id") != app.ID || f.Get("client_secret") != app.Secret {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return false
	}
	return true
}

func (s *Sim) liCodeGrant(w http.ResponseWriter, f url.Values) {
	if liMissing(w, f, "code", "redirect_uri", "client_id", "client_secret") || !s.liClient(w, f) {
		return
	}
	pending := s.codePending("linkedin", f.Get("code"))
	c, ok := s.takeCode("linkedin", f.Get("code"), f.Get("client_id"), f.Get("redirect_uri"))
	var m linkedInMember
	if ok {
		m, ok = linkedInMembers[c.Subject]
	}
	switch {
	case !ok && pending:
		oauthError(w, http.StatusBadRequest, "invalid_redirect_uri", "Unable to retrieve access token: appid/redirect uri/code "+
			"verifier does not match authorization code. Or authorization code expired. Or external member binding exists")
		return
	case !ok:
		oauthError(w, http.StatusUnauthorized, "invalid_request", "Unable to retrieve access token: authorization code not found")
		return
	}
	access := s.issueToken("linkedin", m.Sub, c.Scope, liAccessExpiresIn*time.Second, false)
	refresh := s.issueToken("linkedin", m.Sub, c.Scope, liRefreshExpiresIn*time.Second, true)
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access, "expires_in": s.expiresIn(liAccessExpiresIn), "scope": liScope(c.Scope),
		"refresh_token": refresh, "refresh_token_expires_in": liRefreshExpiresIn,
	})
}

// liRefreshGrant returns a new access token and the same refresh token with
// its remaining lifetime (platforms.md §4.1: the refresh TTL does not reset).
func (s *Sim) liRefreshGrant(w http.ResponseWriter, f url.Values) {
	if liMissing(w, f, "refresh_token", "client_id", "client_secret") || !s.liClient(w, f) {
		return
	}
	rt := f.Get("refresh_token")
	t, st := s.useRefreshToken("linkedin", rt, false)
	if st != tokenValid {
		code := s.opts.LinkedInRefreshErrorCode
		if code == "" {
			code = "invalid_grant"
		}
		oauthError(w, http.StatusBadRequest, code, liRefreshRefused)
		return
	}
	access := s.issueToken("linkedin", t.Subject, t.Scope, liAccessExpiresIn*time.Second, false)
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access, "expires_in": s.expiresIn(liAccessExpiresIn), "scope": liScope(t.Scope),
		"refresh_token": rt, "refresh_token_expires_in": int(t.ExpiresAt.Sub(s.opts.Now()).Seconds()),
	})
}

// liScope reports granted scopes comma-separated, the form LinkedIn's token
// introspection uses (platforms.md §4.1).
func liScope(scope string) string { return strings.Join(splitScopes(scope), ",") }

// expiresIn is a documented lifetime, or Options.TokenTTL when tests set it.
func (s *Sim) expiresIn(documented int) int {
	if s.opts.TokenTTL != 0 {
		return int(s.opts.TokenTTL.Seconds())
	}
	return documented
}

// codePending reports whether code is a live, unused code of platform, so a
// refused exchange can say "does not match" rather than "not found".
func (s *Sim) codePending(platform, code string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes[code]
	return ok && c.Platform == platform && !c.Used
}

// liError writes LinkedIn's API error body (platforms.md §4.6).
func liError(w http.ResponseWriter, status int, msg string, serviceCode int) {
	body := map[string]any{"message": msg, "status": status}
	if serviceCode != 0 {
		body["serviceErrorCode"] = serviceCode
	}
	if status == http.StatusForbidden {
		body["code"] = "ACCESS_DENIED"
	}
	writeJSON(w, status, body)
}

// liAuth checks the Bearer token of an api.linkedin.com call and returns the
// member it acts for, or writes the 401 variant of platforms.md §4.6.
func (s *Sim) liAuth(w http.ResponseWriter, r *http.Request) (*token, linkedInMember, bool) {
	h := r.Header.Get("Authorization")
	scheme, v, _ := strings.Cut(h, " ")
	if h == "" {
		liError(w, http.StatusUnauthorized, "Empty oauth2_access_token", 401)
		return nil, linkedInMember{}, false
	}
	if !strings.EqualFold(scheme, "Bearer") {
		liError(w, http.StatusUnauthorized, "Unknown authentication schema", 401)
		return nil, linkedInMember{}, false
	}
	tok, st := s.checkToken("linkedin", strings.TrimSpace(v))
	switch st {
	case tokenValid:
		if m, ok := liMemberBySub(tok.Subject); ok {
			return tok, m, true
		}
		liError(w, http.StatusUnauthorized, "Invalid access token", 65600)
	case tokenExpired:
		liError(w, http.StatusUnauthorized, "Expired access token", 65601)
	case tokenRevoked:
		liError(w, http.StatusUnauthorized, "The token has been revoked", 65602)
	default:
		liError(w, http.StatusUnauthorized, "Invalid access token", 65600)
	}
	return nil, linkedInMember{}, false
}

func liMemberBySub(sub string) (linkedInMember, bool) {
	for _, m := range linkedInMembers {
		if m.Sub == sub {
			return m, true
		}
	}
	return linkedInMember{}, false
}

// liUserinfo serves GET api.linkedin.com/v2/userinfo (platforms.md §4.3):
// profile claims with the profile scope, email claims with email.
func (s *Sim) liUserinfo(w http.ResponseWriter, r *http.Request) {
	tok, m, ok := s.liAuth(w, r)
	if !ok {
		return
	}
	if !hasScope(tok.Scope, "openid") {
		liError(w, http.StatusForbidden, "Not enough permissions to access: userinfo.GET.NO_VERSION", 100)
		return
	}
	out := map[string]any{"sub": m.Sub}
	if hasScope(tok.Scope, "profile") {
		out["name"], out["given_name"], out["family_name"] = m.Name, m.GivenName, m.FamilyName
		out["picture"] = "https://media.licdn.com/dms/image/sim/profile-displayphoto-shrink_100_100/0/" + m.Sub
		out["locale"] = "en-US"
	}
	if hasScope(tok.Scope, "email") {
		out["email"], out["email_verified"] = m.Email, true
	}
	writeJSON(w, http.StatusOK, out)
}

// liMayAuthor reports whether the member may act as author (a person or an
// organization URN): themselves with w_member_social, or an organization they
// administer with w_organization_social (platforms.md §4.2).
func liMayAuthor(tok *token, m linkedInMember, author string) bool {
	if author == "urn:li:person:"+m.Sub {
		return hasScope(tok.Scope, "w_member_social")
	}
	org, ok := strings.CutPrefix(author, "urn:li:organization:")
	if !ok || !hasScope(tok.Scope, "w_organization_social") {
		return false
	}
	for _, id := range m.Organizations {
		if id == org {
			return true
		}
	}
	return false
}

package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Google OAuth 2.0 and the YouTube Data API v3 (platforms.md §5). The API is
// served on www.googleapis.com and youtube.googleapis.com alike.

const (
	ytCodeTTL   = 10 * time.Minute
	ytAccessTTL = 3599 * time.Second // §5.1: expires_in 3599
	ytScope     = "https://www.googleapis.com/auth/"
)

// ytReadScopes may read channels, videos and playlist items (§5.2);
// youtube.upload alone may not.
var ytReadScopes = []string{ytScope + "youtube.readonly", ytScope + "youtube", ytScope + "youtube.force-ssl"}

// ytUploadScopes may call videos.insert.
var ytUploadScopes = []string{ytScope + "youtube.upload", ytScope + "youtube", ytScope + "youtube.force-ssl"}

// ytAPI is the Google/YouTube simulator's state beyond tokens and posts.
type ytAPI struct {
	s         *Sim
	perDay    int
	pacific   *time.Location
	mu        sync.Mutex
	offline   map[string]ytGrant    // authorization code → what the consent URL asked for
	granted   map[string]bool       // Google sub → has had a refresh token issued
	sessions  map[string]*ytSession // upload_id → resumable session
	videos    []*ytVideo            // oldest first
	quotaDay  string                // Pacific date of the quota counter
	quotaUsed int                   // videos.insert calls on quotaDay
}

// ytGrant records access_type=offline and prompt=consent of a consent request.
type ytGrant struct{ Offline, Consent bool }

func init() {
	register(func(s *Sim) { newYTAPI(s).routes() })
}

func newYTAPI(s *Sim) *ytAPI {
	perDay := s.opts.YouTubeUploadsPerDay
	if perDay == 0 {
		perDay = 100
	}
	// Quotas reset at midnight Pacific Time (§5.6).
	pacific, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		pacific = time.FixedZone("PST", -8*3600)
	}
	return &ytAPI{s: s, perDay: perDay, pacific: pacific, offline: map[string]ytGrant{},
		granted: map[string]bool{}, sessions: map[string]*ytSession{}}
}

func (y *ytAPI) routes() {
	y.s.handle("GET /accounts.google.com/o/oauth2/v2/auth", y.handleConsent)
	y.s.handle("POST /oauth2.googleapis.com/token", y.handleToken)
	y.s.handle("POST /oauth2.googleapis.com/revoke", y.handleRevoke)
	for _, h := range []string{"/www.googleapis.com", "/youtube.googleapis.com"} {
		y.s.handle("GET "+h+"/youtube/v3/channels", y.handleChannels)
		y.s.handle("GET "+h+"/youtube/v3/videos", y.handleVideos)
		y.s.handle("GET "+h+"/youtube/v3/playlistItems", y.handlePlaylistItems)
		y.s.handle("POST "+h+"/upload/youtube/v3/videos", y.handleUploadPost)
		y.s.handle("PUT "+h+"/upload/youtube/v3/videos", y.handleUploadChunk)
	}
}

// handleConsent serves the shared consent page and remembers, for the code it
// issues, whether the app asked for offline access and forced the consent
// screen: Google returns a refresh token only for offline access, and only on
// a user's first grant unless prompt=consent (§5.1).
func (y *ytAPI) handleConsent(w http.ResponseWriter, r *http.Request) {
	spec := ConsentSpec{Platform: "youtube", Title: "Google", CodeTTL: ytCodeTTL,
		Deny: url.Values{"error": {"access_denied"}}}
	y.s.consent(w, r, spec)
	loc, err := url.Parse(w.Header().Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		return // the page was shown, or the user denied
	}
	q := r.URL.Query()
	y.mu.Lock()
	y.offline[loc.Query().Get("code")] = ytGrant{Offline: q.Get("access_type") == "offline",
		Consent: xyScopeAny(q.Get("prompt"), "consent")}
	y.mu.Unlock()
}

// clientAuth accepts client_secret_post or HTTP Basic.
func (y *ytAPI) clientAuth(w http.ResponseWriter, r *http.Request) bool {
	app := y.s.opts.Apps["youtube"]
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != app.ID || secret != app.Secret {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Unauthorized")
		return false
	}
	return true
}

func (y *ytAPI) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Malformed form body.")
		return
	}
	if !y.clientAuth(w, r) {
		return
	}
	f := r.PostForm
	switch f.Get("grant_type") {
	case "authorization_code":
		y.exchangeCode(w, f)
	case "refresh_token":
		// Google refresh tokens do not rotate.
		t, st := y.s.useRefreshToken("youtube", f.Get("refresh_token"), false)
		if st != tokenValid {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.")
			return
		}
		access := y.s.issueToken("youtube", t.Subject, t.Scope, ytAccessTTL, false)
		writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "expires_in": y.accessSeconds(),
			"scope": t.Scope, "token_type": "Bearer"})
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+f.Get("grant_type"))
	}
}

func (y *ytAPI) accessSeconds() int {
	if y.s.opts.TokenTTL != 0 {
		return int(y.s.opts.TokenTTL.Seconds())
	}
	return int(ytAccessTTL.Seconds())
}

// exchangeCode redeems a code; redirect_uri must equal the authorized one,
// and a code_verifier must answer a PKCE challenge when one was sent.
func (y *ytAPI) exchangeCode(w http.ResponseWriter, f url.Values) {
	if f.Get("redirect_uri") == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Missing required parameter: redirect_uri")
		return
	}
	c, ok := y.s.takeCode("youtube", f.Get("code"), y.s.opts.Apps["youtube"].ID, f.Get("redirect_uri"))
	u, known := googleUsers[c.safeSubject()]
	if !ok || !known || (c.Challenge != "" && !pkceMatches(c.ChallengeMethod, c.Challenge, f.Get("code_verifier"))) {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "Bad Request")
		return
	}
	access := y.s.issueToken("youtube", u.Sub, c.Scope, ytAccessTTL, false)
	out := map[string]any{"access_token": access, "expires_in": y.accessSeconds(), "scope": c.Scope, "token_type": "Bearer"}
	y.mu.Lock()
	g := y.offline[f.Get("code")]
	delete(y.offline, f.Get("code"))
	first := !y.granted[u.Sub]
	if g.Offline && (first || g.Consent) {
		y.granted[u.Sub] = true
		y.mu.Unlock()
		refresh := y.s.issueToken("youtube", u.Sub, c.Scope, 0, true)
		xyPairTokens(y.s, access, refresh)
		out["refresh_token"] = refresh
	} else {
		y.mu.Unlock()
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// safeSubject is the approving fixture user, "" for a nil code.
func (c *authCode) safeSubject() string {
	if c == nil {
		return ""
	}
	return c.Subject
}

// handleRevoke revokes a token; revoking either an access or a refresh token
// revokes its pair, as Google documents.
func (y *ytAPI) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Malformed form body.")
		return
	}
	if !xyRevokePair(y.s, "youtube", r.Form.Get("token")) {
		oauthError(w, http.StatusBadRequest, "invalid_token", "Token expired or revoked")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

// googleStatus is the "status" Google's newer frontends add to errors.
var googleStatus = map[int]string{400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
	404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}

// googleError writes Google's error envelope (§5.7):
// {"error":{"code","message","errors":[{"message","domain","reason",…}],"status"}}.
func googleError(w http.ResponseWriter, status int, domain, reason, msg string, extra ...string) {
	item := map[string]string{"message": msg, "domain": domain, "reason": reason}
	for i := 0; i+1 < len(extra); i += 2 {
		item[extra[i]] = extra[i+1]
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"code": status, "message": msg, "errors": []any{item}, "status": googleStatus[status]}})
}

// ytCaller authenticates a YouTube API request by its Bearer token and checks
// it holds one of scopes; ok false when it answered 401 or 403.
func (y *ytAPI) ytCaller(w http.ResponseWriter, r *http.Request, scopes []string) (googleUser, bool) {
	v, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	t, st := y.s.checkToken("youtube", strings.TrimSpace(v))
	u, known := googleUserBySub(subjectOf(t))
	if st != tokenValid || !known {
		w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
		googleError(w, http.StatusUnauthorized, "global", "authError",
			"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
			"location", "Authorization", "locationType", "header")
		return googleUser{}, false
	}
	if !xyScopeAny(t.Scope, scopes...) {
		googleError(w, http.StatusForbidden, "global", "insufficientPermissions", "Request had insufficient authentication scopes.")
		return googleUser{}, false
	}
	return u, true
}

func subjectOf(t *token) string {
	if t == nil {
		return ""
	}
	return t.Subject
}

func googleUserBySub(sub string) (googleUser, bool) {
	for _, u := range googleUsers {
		if u.Sub == sub && sub != "" {
			return u, true
		}
	}
	return googleUser{}, false
}

// ytETag is a stable etag for a resource id.
func ytETag(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:12])
}

// ytParts is the set of part= values (comma-separated and/or repeated).
func ytParts(q url.Values) map[string]bool {
	out := map[string]bool{}
	for _, v := range q["part"] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out[p] = true
			}
		}
	}
	return out
}

// ytList writes a *ListResponse.
func ytList(w http.ResponseWriter, kind string, items []map[string]any, perPage int) {
	if items == nil {
		items = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": "youtube#" + kind, "etag": ytETag(kind + strconv.Itoa(len(items))),
		"pageInfo": map[string]int{"totalResults": len(items), "resultsPerPage": perPage}, "items": items})
}

// handleChannels is channels.list with exactly one filter: mine=true or id=.
// For a Google account without a channel, mine=true answers items: [] (§5.3
// leaves empty items vs an error UNCONFIRMED; clients must handle both).
func (y *ytAPI) handleChannels(w http.ResponseWriter, r *http.Request) {
	u, ok := y.ytCaller(w, r, ytReadScopes)
	if !ok {
		return
	}
	q, parts := r.URL.Query(), ytParts(r.URL.Query())
	filters := 0
	for _, f := range []string{"mine", "id", "forHandle", "forUsername", "managedByMe", "categoryId"} {
		if q.Has(f) {
			filters++
		}
	}
	switch {
	case len(parts) == 0:
		googleError(w, http.StatusBadRequest, "global", "required", "Required parameter: part", "location", "part", "locationType", "parameter")
		return
	case filters != 1:
		googleError(w, http.StatusBadRequest, "youtube.parameter", "invalidCriteria",
			"Exactly one of the filter parameters (mine, id, forHandle, forUsername, managedByMe) must be specified.")
		return
	}
	var items []map[string]any
	for _, g := range googleUsers {
		mine := q.Get("mine") == "true" && g.Sub == u.Sub
		byID := q.Has("id") && slices.Contains(strings.Split(q.Get("id"), ","), g.ChannelID)
		if g.ChannelID != "" && (mine || byID) {
			items = append(items, ytChannel(g, parts))
		}
	}
	ytList(w, "channelListResponse", items, 5)
}

// ytChannel is a channel resource with the requested parts.
func ytChannel(g googleUser, parts map[string]bool) map[string]any {
	c := map[string]any{"kind": "youtube#channel", "etag": ytETag(g.ChannelID), "id": g.ChannelID}
	if parts["snippet"] {
		c["snippet"] = map[string]any{"title": g.ChannelTitle, "description": "", "customUrl": g.CustomURL,
			"publishedAt": "2015-06-01T12:00:00Z",
			"thumbnails": map[string]any{"default": map[string]any{
				"url": "https://yt3.ggpht.com/sim/" + g.ChannelID + "=s88", "width": 88, "height": 88}},
			"localized": map[string]string{"title": g.ChannelTitle, "description": ""}}
	}
	if parts["contentDetails"] {
		c["contentDetails"] = map[string]any{"relatedPlaylists": map[string]string{"likes": "", "uploads": ytUploadsPlaylist(g.ChannelID)}}
	}
	return c
}

// ytUploadsPlaylist is a channel's uploads playlist: "UU" + the id after "UC".
func ytUploadsPlaylist(channelID string) string { return "UU" + strings.TrimPrefix(channelID, "UC") }

package sim

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Facebook Login and the Pages part of the Graph API (platforms.md §1). Paths
// accept any {version}, e.g. v25.0. Errors use the Graph envelope with HTTP 400
// for 4xx-class codes, as platforms.md §1.12 recommends for fakes.

const (
	fbShortTTL  = time.Hour           // short-lived user token, §1.4
	fbLongTTL   = 60 * 24 * time.Hour // long-lived user token, §1.4
	fbMinAhead  = 10 * time.Minute    // scheduling window, §1.7
	fbMaxAhead  = 75 * 24 * time.Hour
	fbDupWindow = 24 * time.Hour // same message again within it → 506
	fbTimeFmt   = "2006-01-02T15:04:05-0700"
)

// fbState is Facebook state that Post does not carry. Posts themselves live in
// Sim.posts (Platform "facebook", AccountID the page id).
type fbState struct {
	mu     sync.Mutex
	next   int64                  // last numeric object id handed out
	tokens map[string]fbTokenKind // token value → what it is
	photos map[string]*fbPhoto    // photo id → photo
	links  map[string]string      // post id → link
}

type fbTokenKind int

const (
	fbShortUser fbTokenKind = iota
	fbLongUser
	fbPageToken
)

// fbPhoto is an uploaded photo; PostID is set when it became (or will become,
// when scheduled) a post of its own, Attached when a feed post used it.
type fbPhoto struct {
	PageID, URL, Caption, PostID string
	Attached                     bool
	Created                      time.Time
}

func init() {
	register(func(s *Sim) {
		s.fb = &fbState{next: 122168909288960000, tokens: map[string]fbTokenKind{},
			photos: map[string]*fbPhoto{}, links: map[string]string{}}
		s.handle("GET /www.facebook.com/{version}/dialog/oauth", s.fbDialog)
		s.handle("GET /graph.facebook.com/{version}/oauth/access_token", s.fbAccessToken)
		s.handle("POST /graph.facebook.com/{version}/oauth/access_token", s.fbAccessToken)
		s.handle("GET /graph.facebook.com/{version}/{id}/accounts", s.fbAccounts)
		s.handle("GET /graph.facebook.com/{version}/{id}", s.fbObjectGet)
		s.handle("POST /graph.facebook.com/{version}/{id}", s.fbObjectPost)
		s.handle("DELETE /graph.facebook.com/{version}/{id}", s.fbObjectDelete)
		s.handle("POST /graph.facebook.com/{version}/{id}/feed", s.fbFeedCreate)
		s.handle("GET /graph.facebook.com/{version}/{id}/feed", s.fbFeedList)
		s.handle("GET /graph.facebook.com/{version}/{id}/scheduled_posts", s.fbScheduledList)
		s.handle("POST /graph.facebook.com/{version}/{id}/photos", s.fbPhotoCreate)
	})
}

// fbDialog is the Login dialog (§1.2).
func (s *Sim) fbDialog(w http.ResponseWriter, r *http.Request) {
	s.consent(w, r, ConsentSpec{Platform: "facebook", Title: "Facebook", CodeTTL: 10 * time.Minute,
		Deny: url.Values{"error": {"access_denied"}, "error_reason": {"user_denied"},
			"error_description": {"Permissions error"}}})
}

// fbAccessToken exchanges a code (§1.3) or a short-lived token for a
// long-lived one (§1.4). Parameters come from the query or a form body.
func (s *Sim) fbAccessToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Invalid parameters")
		return
	}
	f, app := r.Form, s.opts.Apps["facebook"]
	switch {
	case f.Get("client_id") != app.ID:
		graphError(w, http.StatusBadRequest, 101, 0, "OAuthException", "Error validating application. Invalid application ID.")
	case subtle.ConstantTimeCompare([]byte(f.Get("client_secret")), []byte(app.Secret)) != 1:
		graphError(w, http.StatusBadRequest, 1, 0, "OAuthException", "Error validating client secret.")
	case f.Get("grant_type") == "fb_exchange_token":
		s.fbExchangeLong(w, f.Get("fb_exchange_token"))
	case f.Get("grant_type") == "" || f.Get("grant_type") == "authorization_code":
		s.fbExchangeCode(w, f.Get("code"), f.Get("redirect_uri"))
	default:
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Unsupported grant_type")
	}
}

func (s *Sim) fbExchangeCode(w http.ResponseWriter, code, redirectURI string) {
	if msg, sub := s.fbCodeProblem(code, redirectURI); msg != "" {
		graphError(w, http.StatusBadRequest, 100, sub, "OAuthException", msg)
		return
	}
	c, ok := s.takeCode("facebook", code, s.opts.Apps["facebook"].ID, redirectURI)
	if !ok {
		graphError(w, http.StatusBadRequest, 100, 36009, "OAuthException", "This authorization code has been used.")
		return
	}
	user, ok := fbUsers[c.Subject]
	if !ok {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "Invalid verification code format.")
		return
	}
	s.fbTokenResponse(w, s.fbIssue(user.ID, fbShortUser, fbShortTTL))
}

// fbCodeProblem says why a code cannot be exchanged, in Facebook's words.
func (s *Sim) fbCodeProblem(code, redirectURI string) (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes[code]
	switch {
	case !ok || c.Platform != "facebook":
		return "Invalid verification code format.", 0
	case c.Used:
		return "This authorization code has been used.", 36009
	case !s.opts.Now().Before(c.ExpiresAt):
		return "This authorization code has expired.", 36007
	case c.RedirectURI != redirectURI:
		return "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request", 36008
	}
	return "", 0
}

func (s *Sim) fbExchangeLong(w http.ResponseWriter, short string) {
	t, st := s.checkToken("facebook", short)
	if st != tokenValid {
		s.fbTokenError(w, short, st)
		return
	}
	if s.fbKind(short) == fbPageToken {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) fb_exchange_token must be a user access token")
		return
	}
	s.fbTokenResponse(w, s.fbIssue(t.Subject, fbLongUser, fbLongTTL))
}

// fbTokenResponse answers {"access_token","token_type":"bearer","expires_in"}.
func (s *Sim) fbTokenResponse(w http.ResponseWriter, v string) {
	out := map[string]any{"access_token": v, "token_type": "bearer"}
	s.mu.Lock()
	if exp := s.tokens[v].ExpiresAt; !exp.IsZero() {
		out["expires_in"] = int64(exp.Sub(s.opts.Now()) / time.Second)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// fbIssue mints a Facebook token and remembers its kind.
func (s *Sim) fbIssue(subject string, kind fbTokenKind, ttl time.Duration) string {
	v := s.issueToken("facebook", subject, "", ttl, false)
	s.fb.mu.Lock()
	s.fb.tokens[v] = kind
	s.fb.mu.Unlock()
	return v
}

func (s *Sim) fbKind(v string) fbTokenKind {
	s.fb.mu.Lock()
	defer s.fb.mu.Unlock()
	return s.fb.tokens[v]
}

// fbAuth is the caller of a Graph request.
type fbAuth struct {
	Subject string // user id or page id
	Kind    fbTokenKind
}

// fbAuthenticate checks the request's token (and appsecret_proof when sent);
// false after it answered with Graph's error.
func (s *Sim) fbAuthenticate(w http.ResponseWriter, r *http.Request, args url.Values) (fbAuth, bool) {
	v := bearerOrParam(r)
	if v == "" {
		v = args.Get("access_token")
	}
	if v == "" {
		graphError(w, http.StatusBadRequest, 104, 0, "OAuthException", "An access token is required to request this resource.")
		return fbAuth{}, false
	}
	t, st := s.checkToken("facebook", v)
	if st != tokenValid {
		s.fbTokenError(w, v, st)
		return fbAuth{}, false
	}
	proof := args.Get("appsecret_proof")
	if proof != "" && subtle.ConstantTimeCompare([]byte(proof), []byte(AppSecretProof(s.opts.Apps["facebook"].Secret, v))) != 1 {
		graphError(w, http.StatusBadRequest, 100, 0, "GraphMethodException", "Invalid appsecret_proof provided in the API argument")
		return fbAuth{}, false
	}
	return fbAuth{Subject: t.Subject, Kind: s.fbKind(v)}, true
}

// fbTokenError writes the 190 error of an unusable token (§1.12 subcodes).
func (s *Sim) fbTokenError(w http.ResponseWriter, v string, st tokenState) {
	s.mu.Lock()
	var exp time.Time
	if t := s.tokens[v]; t != nil {
		exp = t.ExpiresAt
	}
	now := s.opts.Now()
	s.mu.Unlock()
	const layout = "Monday, 02-Jan-06 15:04:05 MST"
	switch st {
	case tokenExpired:
		graphError(w, http.StatusBadRequest, 190, 463, "OAuthException", fmt.Sprintf(
			"Error validating access token: Session has expired on %s. The current time is %s.",
			exp.UTC().Format(layout), now.UTC().Format(layout)))
	case tokenRevoked:
		graphError(w, http.StatusBadRequest, 190, 458, "OAuthException", fmt.Sprintf(
			"Error validating access token: The user has not authorized application %s.", s.opts.Apps["facebook"].ID))
	default:
		graphError(w, http.StatusBadRequest, 190, 0, "OAuthException", "Invalid OAuth access token.")
	}
}

func fbUserByID(id string) (fbUser, bool) {
	for _, u := range fbUsers {
		if u.ID == id {
			return u, true
		}
	}
	return fbUser{}, false
}

// fbCanRead: the page's own token, or a user token of someone who manages it.
func fbCanRead(a fbAuth, pageID string) bool {
	if a.Kind == fbPageToken {
		return a.Subject == pageID
	}
	u, _ := fbUserByID(a.Subject)
	for _, p := range u.Pages {
		if p.ID == pageID {
			return true
		}
	}
	return false
}

func fbUnsupported(w http.ResponseWriter, verb, id string) {
	graphError(w, http.StatusBadRequest, 100, 33, "GraphMethodException", fmt.Sprintf("Unsupported %s request. "+
		"Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation. "+
		"Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api", verb, id))
}

// fbRequirePage lets only the page's own token act on it (§1.6); false after
// it answered.
func fbRequirePage(w http.ResponseWriter, a fbAuth, pageID, verb string, read bool) bool {
	switch {
	case a.Kind == fbPageToken && a.Subject == pageID, read && fbCanRead(a, pageID):
		return true
	case !fbKnownPage(pageID):
		fbUnsupported(w, verb, pageID)
	case read:
		graphError(w, http.StatusBadRequest, 10, 0, "OAuthException", "(#10) This endpoint requires the "+
			"'pages_read_engagement' permission or the 'Page Public Content Access' feature.")
	default:
		graphError(w, http.StatusBadRequest, 200, 0, "OAuthException", "(#200) If posting to a page, requires both "+
			"pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission")
	}
	return false
}

func fbKnownPage(id string) bool { _, ok := fbPageByID(id); return ok }

// fbAccounts lists the user's Pages with page tokens (§1.5): never-expiring
// from a long-lived user token, 1 h from a short-lived one.
func (s *Sim) fbAccounts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a, ok := s.fbAuthenticate(w, r, q)
	if !ok {
		return
	}
	user, isUser := fbUserByID(a.Subject)
	if id := r.PathValue("id"); a.Kind == fbPageToken || !isUser || (id != "me" && id != user.ID) {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Tried accessing nonexisting field (accounts)")
		return
	}
	ids := make([]string, len(user.Pages))
	for i, p := range user.Pages {
		ids[i] = p.ID
	}
	start, end, paging, ok := graphPaging(w, r, ids)
	if !ok {
		return
	}
	fields := fieldOr(q.Get("fields"), "access_token,category,category_list,name,id,tasks")
	data := []map[string]any{}
	for _, p := range user.Pages[start:end] {
		obj := s.fbPageObject(p, a, fields)
		data = append(data, selectFields(obj, fields))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "paging": paging})
}

// fbPageObject is a Page's fields; a page token is minted only when asked for.
func (s *Sim) fbPageObject(p fbPage, a fbAuth, fields string) map[string]any {
	obj := map[string]any{"id": p.ID, "name": p.Name, "category": "Local business",
		"category_list": []any{map[string]string{"id": "2500", "name": "Local business"}},
		"tasks":         []string{"ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"},
		"link":          "https://www.facebook.com/" + p.ID}
	if p.IGUserID != "" {
		obj["instagram_business_account"] = map[string]string{"id": p.IGUserID}
	}
	if a.Kind != fbPageToken && hasField(fields, "access_token") {
		ttl := fbShortTTL
		if a.Kind == fbLongUser {
			ttl = 0
		}
		obj["access_token"] = s.fbIssue(p.ID, fbPageToken, ttl)
	}
	return obj
}

// graphPaging slices ids by ?limit= (default 25) and ?after=/?before= cursors
// (base64 of an id) and builds Graph's paging object, whose next/previous URLs
// are real graph.facebook.com URLs (the client's rewrite maps them back here).
func graphPaging(w http.ResponseWriter, r *http.Request, ids []string) (start, end int, paging map[string]any, ok bool) {
	q := r.URL.Query()
	limit := 25
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) The parameter limit must be a positive integer")
			return 0, 0, nil, false
		}
		limit = min(n, 100)
	}
	end = len(ids)
	if c := q.Get("after"); c != "" {
		start = cursorIndex(ids, c) + 1
	} else if c := q.Get("before"); c != "" {
		end = max(cursorIndex(ids, c), 0)
		start = max(end-limit, 0)
	}
	end = min(start+limit, end)
	paging = map[string]any{}
	if start < end {
		paging["cursors"] = map[string]string{"before": cursorOf(ids[start]), "after": cursorOf(ids[end-1])}
	}
	link := func(key, cursor string) string {
		u := url.Values{}
		for k, v := range q {
			u[k] = v
		}
		u.Del("after")
		u.Del("before")
		u.Set("limit", strconv.Itoa(limit))
		u.Set(key, cursor)
		return "https:/" + r.URL.Path + "?" + u.Encode()
	}
	if end < len(ids) && start < end {
		paging["next"] = link("after", cursorOf(ids[end-1]))
	}
	if start > 0 && start < end {
		paging["previous"] = link("before", cursorOf(ids[start]))
	}
	return start, end, paging, true
}

func cursorOf(id string) string { return base64.StdEncoding.EncodeToString([]byte(id)) }

// cursorIndex finds a cursor's id; an unknown cursor counts as past the end.
func cursorIndex(ids []string, c string) int {
	b, _ := base64.StdEncoding.DecodeString(c)
	for i, id := range ids {
		if id == string(b) {
			return i
		}
	}
	return len(ids)
}

// fbObjectGet reads a node: me, a Page, a post, a photo, else another
// platform's id (object handlers), else Graph's "does not exist".
func (s *Sim) fbObjectGet(w http.ResponseWriter, r *http.Request) {
	id, q := r.PathValue("id"), r.URL.Query()
	post, isPost := s.fbFindPost(id)
	photo, isPhoto := s.fbFindPhoto(id)
	page, isPage := fbPageByID(id)
	if !isPost && !isPhoto && !isPage && id != "me" && s.serveObject(w, r, id) {
		return
	}
	a, ok := s.fbAuthenticate(w, r, q)
	if !ok {
		return
	}
	fields := q.Get("fields")
	switch {
	case id == "me" && a.Kind == fbPageToken:
		p, _ := fbPageByID(a.Subject)
		writeJSON(w, http.StatusOK, selectFields(s.fbPageObject(p, a, fields), fieldOr(fields, "name,id")))
	case id == "me":
		u, _ := fbUserByID(a.Subject)
		writeJSON(w, http.StatusOK, selectFields(map[string]any{"id": u.ID, "name": u.Name}, fieldOr(fields, "name,id")))
	case isPage && fbCanRead(a, page.ID):
		writeJSON(w, http.StatusOK, selectFields(s.fbPageObject(page, a, fields), fieldOr(fields, "name,id")))
	case isPhoto && fbCanRead(a, photo.PageID):
		writeJSON(w, http.StatusOK, selectFields(map[string]any{"id": id, "name": photo.Caption,
			"created_time": photo.Created.UTC().Format(fbTimeFmt), "images": []any{map[string]string{"source": photo.URL}}},
			fieldOr(fields, "created_time,name,id")))
	case isPost && fbCanRead(a, post.AccountID):
		writeJSON(w, http.StatusOK, selectFields(s.fbPostObject(post), fieldOr(fields, "created_time,message,id")))
	default:
		fbUnsupported(w, "get", id)
	}
}

// fbPostObject is a post's fields (§1.6).
func (s *Sim) fbPostObject(p Post) map[string]any {
	page, num, _ := strings.Cut(p.ID, "_")
	obj := map[string]any{"id": p.ID, "is_published": p.Published, "created_time": p.CreatedAt.UTC().Format(fbTimeFmt),
		"permalink_url": "https://www.facebook.com/" + page + "/posts/" + num}
	if p.Text != "" {
		obj["message"] = p.Text
	}
	if p.ScheduledAt != nil && !p.Published {
		obj["scheduled_publish_time"] = p.ScheduledAt.Unix()
	}
	s.fb.mu.Lock()
	if l := s.fb.links[p.ID]; l != "" {
		obj["link"] = l
	}
	s.fb.mu.Unlock()
	return obj
}

// fbFindPost finds a live Facebook post by its id, or by the id of the photo
// that made it (a scheduled photo answers only its photo id, §1.8).
func (s *Sim) fbFindPost(id string) (Post, bool) {
	s.fb.mu.Lock()
	if ph := s.fb.photos[id]; ph != nil && ph.PostID != "" {
		id = ph.PostID
	}
	s.fb.mu.Unlock()
	for _, p := range s.Posts("facebook") {
		if p.ID == id && !p.Deleted {
			return p, true
		}
	}
	return Post{}, false
}

func (s *Sim) fbFindPhoto(id string) (fbPhoto, bool) {
	s.fb.mu.Lock()
	defer s.fb.mu.Unlock()
	if ph := s.fb.photos[id]; ph != nil {
		return *ph, true
	}
	return fbPhoto{}, false
}

// fbObjectPost updates a post: reschedule (same window rule), publish now
// (is_published=true), or edit its message.
func (s *Sim) fbObjectPost(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	post, isPost := s.fbFindPost(id)
	if !isPost && s.serveObject(w, r, id) {
		return
	}
	args, _, err := fbArgs(w, r)
	if err != nil {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) "+err.Error())
		return
	}
	a, ok := s.fbAuthenticate(w, r, args)
	if !ok {
		return
	}
	if !isPost {
		fbUnsupported(w, "post", id)
		return
	}
	if !fbRequirePage(w, a, post.AccountID, "post", false) {
		return
	}
	if msg := s.fbUpdatePost(post, args); msg != "" {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", msg)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// fbUpdatePost applies an update; it returns Graph's message when refused.
func (s *Sim) fbUpdatePost(post Post, args url.Values) string {
	var at *time.Time
	if v := args.Get("scheduled_publish_time"); v != "" {
		if post.Published {
			return "(#100) Cannot reschedule a published post"
		}
		t, ok := s.fbScheduleTime(v)
		if !ok {
			return "(#100) The specified scheduled publish time is invalid."
		}
		at = &t
	}
	publish, err := parseOptBool(args.Get("is_published"))
	if err != nil {
		return "(#100) param is_published must be a boolean"
	}
	msg, setMsg := args["message"]
	s.updatePost("facebook", post.ID, func(p *Post) {
		if at != nil {
			p.ScheduledAt = at
		}
		if publish != nil && *publish {
			p.Published, p.ScheduledAt = true, nil
		}
		if setMsg {
			p.Text = msg[0]
		}
	})
	return ""
}

// fbObjectDelete deletes a post, or a photo and the post it made.
func (s *Sim) fbObjectDelete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	post, isPost := s.fbFindPost(id)
	photo, isPhoto := s.fbFindPhoto(id)
	if !isPost && !isPhoto && s.serveObject(w, r, id) {
		return
	}
	a, ok := s.fbAuthenticate(w, r, r.URL.Query())
	if !ok {
		return
	}
	pageID := post.AccountID
	if isPhoto {
		pageID = photo.PageID
	}
	switch {
	case !isPost && !isPhoto:
		fbUnsupported(w, "delete", id)
		return
	case !fbRequirePage(w, a, pageID, "delete", false):
		return
	}
	if isPost {
		s.updatePost("facebook", post.ID, func(p *Post) { p.Deleted = true })
	}
	if isPhoto {
		s.fb.mu.Lock()
		delete(s.fb.photos, id)
		s.fb.mu.Unlock()
	}
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// Package sim simulates the HTTP APIs of Facebook, Instagram, X, LinkedIn and
// Google/YouTube, written from shared/docs/platforms.md (never from our clients,
// so a client bug is not mirrored). Requests arrive as /HOST/PATH?Q, the shape
// the endpoint rewrite (DESIGN §5) produces. Tests wrap a Sim in httptest; the
// sandbox mounts it under /sandbox/. It records every request, and takes fault
// injection through its control API under /_sim/.
package sim

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// App is an OAuth client registered with a simulated platform.
type App struct {
	ID     string
	Secret string
}

// Options configures a simulator. Zero values take the documented defaults.
type Options struct {
	// Now is the simulator's clock (default time.Now).
	Now func() time.Time
	// Apps are the registered OAuth clients per platform ("facebook", "instagram",
	// "twitter", "linkedin", "youtube"). Default: SandboxApps.
	Apps map[string]App
	// TokenTTL overrides each platform's documented access-token lifetime when
	// non-zero, so tests can make tokens expire.
	TokenTTL time.Duration
	// XOAuth1 are the X OAuth 1.0a consumers by consumer key, with their user
	// access tokens (default SandboxXOAuth1).
	XOAuth1 map[string]XOAuth1Cred
	// YouTubeUploadsPerDay is the videos.insert quota bucket per Pacific day
	// (default 100, platforms.md §5.6).
	YouTubeUploadsPerDay int
	// ContainerPolls is how many status polls an Instagram container stays
	// IN_PROGRESS before FINISHED (default 1).
	ContainerPolls int
	// Latency is added to every platform request (control API can change it).
	Latency time.Duration
	// FetchMedia makes the simulator download media URLs it is given (Instagram
	// image_url, Facebook photo url) the way Meta does, failing the container
	// or call when the URL does not answer 2xx with an image. Off (the sandbox,
	// which has no internet), URLs are only checked to be absolute http(s).
	FetchMedia bool
	// MaxRecorded bounds the request log to the newest N requests (0: keep
	// all, as tests want; the sandbox sets a bound).
	MaxRecorded int
	// MediaClient fetches media when FetchMedia is set (default: 10 s timeout).
	MediaClient *http.Client
	// InstagramFlatToken makes api.instagram.com/oauth/access_token answer with
	// the observed flat shape {"access_token","user_id":<number>,"permissions":[…]}
	// instead of the documented {"data":[{…}]} (platforms.md §2.2, §7 item 7).
	InstagramFlatToken bool
	// InstagramPublishLimit is the media_publish quota per moving 24 h
	// (default 100, platforms.md §2.5).
	InstagramPublishLimit int
	// LinkedInRefreshErrorCode is the "error" of a refused LinkedIn refresh
	// (default "invalid_grant"; LinkedIn's table says "invalid_request",
	// platforms.md §4.1).
	LinkedInRefreshErrorCode string
}

// SandboxApps are the app credentials the sandbox uses and the simulator accepts
// by default.
var SandboxApps = map[string]App{
	"facebook":  {ID: "sandbox-facebook-app", Secret: "sandbox-facebook-secret"},
	"instagram": {ID: "sandbox-instagram-app", Secret: "sandbox-instagram-secret"},
	"twitter":   {ID: "sandbox-twitter-client", Secret: "sandbox-twitter-secret"},
	"linkedin":  {ID: "sandbox-linkedin-client", Secret: "sandbox-linkedin-secret"},
	"youtube":   {ID: "sandbox-youtube-client.apps.googleusercontent.com", Secret: "sandbox-youtube-secret"},
}

// Request is one recorded request.
type Request struct {
	Time       time.Time   `json:"time"`
	Method     string      `json:"method"`
	Host       string      `json:"host"`
	Path       string      `json:"path"`
	Query      string      `json:"query"`
	Header     http.Header `json:"header"`
	BodyDigest string      `json:"body_sha256"`
	BodySize   int64       `json:"body_size"`
	// Body holds the first 64 KiB of the body, for assertions on small requests.
	Body []byte `json:"-"`
}

const recordBodyMax = 64 << 10

// Sim is the simulator, an http.Handler.
type Sim struct {
	opts Options
	mux  *http.ServeMux

	mu       sync.Mutex
	requests []Request
	reqBase  int               // requests cleared by ClearRequests; record indexes past it
	tokens   map[string]*token // access and refresh tokens by value
	codes    map[string]*authCode
	posts    []Post
	faults   faultSet

	// objectHandlers serve Graph ids that facebook.go does not own (Instagram
	// containers and media on graph.facebook.com); see addObjectHandler.
	objectHandlers []objectHandler
	fb             *fbState // Facebook links and unpublished photos (facebook.go)

	ig *igState // Instagram containers and media (instagram.go)
	li *liState // LinkedIn assets and shares (linkedin.go)
}

// objectHandler answers GET/POST/DELETE /graph.facebook.com/{version}/{id} for
// an id it owns and reports true; false lets the next handler (and finally the
// Graph "does not exist" error) answer.
type objectHandler func(w http.ResponseWriter, r *http.Request, id string) bool

// addObjectHandler lets a platform file serve its own ids on the generic Graph
// object routes, which facebook.go registers once (a ServeMux pattern can only
// be registered once). Call it from a register func.
func (s *Sim) addObjectHandler(f objectHandler) { s.objectHandlers = append(s.objectHandlers, f) }

// serveObject offers id to the registered object handlers; true when one answered.
func (s *Sim) serveObject(w http.ResponseWriter, r *http.Request, id string) bool {
	for _, f := range s.objectHandlers {
		if f(w, r, id) {
			return true
		}
	}
	return false
}

// New returns a simulator with its fixture accounts.
func New(opts Options) *Sim {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Apps == nil {
		opts.Apps = SandboxApps
	}
	if opts.MediaClient == nil {
		opts.MediaClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.ContainerPolls == 0 {
		opts.ContainerPolls = 1
	}
	s := &Sim{opts: opts, mux: http.NewServeMux(), tokens: map[string]*token{}, codes: map[string]*authCode{}}
	s.routes()
	return s
}

// routes registers every platform's handlers and the control API. Each platform
// file adds its own routes function.
func (s *Sim) routes() {
	for _, register := range routeRegistrars {
		register(s)
	}
}

// routeRegistrars is filled by each platform file's init, so the files stay
// independent of each other.
var routeRegistrars []func(*Sim)

func register(f func(*Sim)) { routeRegistrars = append(routeRegistrars, f) }

// handle registers a pattern such as "POST /graph.facebook.com/{version}/{page}/feed".
func (s *Sim) handle(pattern string, h http.HandlerFunc) { s.mux.HandleFunc(pattern, h) }

// ServeHTTP records the request, applies injected faults and latency, then
// serves it.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/_sim/") {
		s.record(r)
		if s.injectFault(w, r) {
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Sim) record(r *http.Request) {
	host, path := splitHost(r.URL.Path)
	rec := Request{
		Time: s.opts.Now(), Method: r.Method, Host: host, Path: path,
		Query: r.URL.RawQuery, Header: r.Header.Clone(),
	}
	s.mu.Lock()
	i := s.reqBase + len(s.requests)
	s.requests = append(s.requests, rec)
	if over := len(s.requests) - s.opts.MaxRecorded; s.opts.MaxRecorded > 0 && over > 0 {
		// A bounded log: the sandbox is reachable by anyone, and its memory
		// must not grow with every request it ever received.
		s.requests = append(s.requests[:0:0], s.requests[over:]...)
		s.reqBase += over
	}
	s.mu.Unlock()
	if r.Body == nil {
		return
	}
	h := sha256.New()
	head := &limitedBuffer{max: recordBodyMax}
	// The body is teed so handlers still read all of it; the digest covers what
	// the handler consumed, which is the whole body for every route.
	r.Body = &teeBody{r: r.Body, w: io.MultiWriter(h, head), done: func(n int64) {
		s.mu.Lock()
		defer s.mu.Unlock()
		j := i - s.reqBase
		if j < 0 { // the log was cleared while the body was read
			return
		}
		s.requests[j].BodyDigest = hex.EncodeToString(h.Sum(nil))
		s.requests[j].BodySize = n
		s.requests[j].Body = head.b
	}}
}

// Requests returns a copy of every recorded request, oldest first.
func (s *Sim) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// splitHost turns "/graph.facebook.com/v25.0/me" into ("graph.facebook.com", "/v25.0/me").
func splitHost(p string) (host, rest string) {
	p = strings.TrimPrefix(p, "/")
	host, rest, _ = strings.Cut(p, "/")
	return host, "/" + rest
}

type limitedBuffer struct {
	b   []byte
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - len(l.b); room > 0 {
		if len(p) < room {
			room = len(p)
		}
		l.b = append(l.b, p[:room]...)
	}
	return len(p), nil
}

type teeBody struct {
	r    io.ReadCloser
	w    io.Writer
	n    int64
	done func(int64)
	once sync.Once
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.n += int64(n)
		_, _ = t.w.Write(p[:n])
	}
	if err == io.EOF {
		t.once.Do(func() { t.done(t.n) })
	}
	return n, err
}

func (t *teeBody) Close() error {
	t.once.Do(func() { t.done(t.n) })
	return t.r.Close()
}

// newID returns a random token-like string with a prefix.
func newID(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// token is an issued access or refresh token.
type token struct {
	Platform  string
	Subject   string // the platform user/page/channel id the token acts for
	Refresh   bool
	Scope     string
	ExpiresAt time.Time // zero: never
	Revoked   bool
	Used      bool // refresh tokens rotate: a used one is refused
	// Pair links an access token to its refresh token and back.
	Pair string
}

// issueToken mints a token for subject on platform. ttl 0 means it never expires;
// Options.TokenTTL, when set, overrides ttl for access tokens.
func (s *Sim) issueToken(platform, subject, scope string, ttl time.Duration, refresh bool) string {
	if !refresh && s.opts.TokenTTL != 0 {
		ttl = s.opts.TokenTTL
	}
	v := newID(platform[:2] + "-")
	if refresh {
		v = newID(platform[:2] + "r-")
	}
	t := &token{Platform: platform, Subject: subject, Refresh: refresh, Scope: scope}
	if ttl > 0 {
		t.ExpiresAt = s.opts.Now().Add(ttl)
	}
	s.mu.Lock()
	s.tokens[v] = t
	s.mu.Unlock()
	return v
}

// tokenState is what checkToken found.
type tokenState int

const (
	tokenUnknown tokenState = iota
	tokenValid
	tokenExpired
	tokenRevoked
)

// checkToken looks an access token up.
func (s *Sim) checkToken(platform, v string) (*token, tokenState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[v]
	switch {
	case !ok || t.Platform != platform || t.Refresh:
		return nil, tokenUnknown
	case t.Revoked:
		return t, tokenRevoked
	case !t.ExpiresAt.IsZero() && !s.opts.Now().Before(t.ExpiresAt):
		return t, tokenExpired
	}
	cp := *t
	return &cp, tokenValid
}

// useRefreshToken consumes a refresh token (they rotate) and reports its subject.
func (s *Sim) useRefreshToken(platform, v string, rotate bool) (*token, tokenState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[v]
	switch {
	case !ok || t.Platform != platform || !t.Refresh:
		return nil, tokenUnknown
	case t.Revoked || t.Used:
		return t, tokenRevoked
	case !t.ExpiresAt.IsZero() && !s.opts.Now().Before(t.ExpiresAt):
		return t, tokenExpired
	}
	if rotate {
		t.Used = true
	}
	cp := *t
	return &cp, tokenValid
}

// RevokeRefreshTokens revokes every refresh token of platform (subject "" = all),
// as a user removing the app would. The control API exposes it.
func (s *Sim) RevokeRefreshTokens(platform, subject string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.tokens {
		if t.Platform == platform && t.Refresh && (subject == "" || t.Subject == subject) && !t.Revoked {
			t.Revoked = true
			n++
		}
	}
	return n
}

// ExpireAccessTokens makes every access token of platform expire now.
func (s *Sim) ExpireAccessTokens(platform string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	now := s.opts.Now()
	for _, t := range s.tokens {
		if t.Platform == platform && !t.Refresh {
			t.ExpiresAt = now
			n++
		}
	}
	return n
}

// Post is one piece of content a simulated platform published or scheduled.
type Post struct {
	Platform  string   `json:"platform"`
	AccountID string   `json:"account_id"` // page id, IG user id, X user id, author URN, channel id
	ID        string   `json:"id"`
	Text      string   `json:"text"`
	Media     []string `json:"media,omitempty"` // media ids or URLs, as the platform saw them
	Published bool     `json:"published"`
	// ScheduledAt is set for natively scheduled (not yet published) posts.
	ScheduledAt *time.Time `json:"scheduled_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	Deleted     bool       `json:"deleted,omitempty"`
}

// addPost records a published or scheduled post.
func (s *Sim) addPost(p Post) {
	p.CreatedAt = s.opts.Now()
	s.mu.Lock()
	s.posts = append(s.posts, p)
	s.mu.Unlock()
}

// updatePost applies f to the post with id on platform; false when none.
func (s *Sim) updatePost(platform, id string, f func(*Post)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.posts {
		if s.posts[i].Platform == platform && s.posts[i].ID == id {
			f(&s.posts[i])
			return true
		}
	}
	return false
}

// Posts returns every post of platform ("" = all), oldest first. Scheduled
// Facebook posts whose time has come are reported as published.
func (s *Sim) Posts(platform string) []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Post
	now := s.opts.Now()
	for _, p := range s.posts {
		if p.ScheduledAt != nil && !p.Published && !now.Before(*p.ScheduledAt) {
			p.Published = true
		}
		if platform == "" || p.Platform == platform {
			out = append(out, p)
		}
	}
	return out
}

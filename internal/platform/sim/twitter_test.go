package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dghubble/oauth1"
	"golang.org/x/oauth2"
)

// xyClock is a settable clock shared by the X and YouTube tests.
type xyClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *xyClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *xyClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// xyRewrite sends https://HOST/PATH to the simulator as /HOST/PATH, as the
// endpoint rewrite (DESIGN §5) does, so clients call the real URLs.
type xyRewrite struct{ base *url.URL }

func (rw xyRewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Path = "/" + r.URL.Host + r.URL.Path
	r.URL.RawPath = ""
	r.URL.Scheme, r.URL.Host, r.Host = rw.base.Scheme, rw.base.Host, rw.base.Host
	return http.DefaultTransport.RoundTrip(r)
}

// xyEnv is a simulator behind httptest with a client that reaches it through
// platform URLs and does not follow redirects.
type xyEnv struct {
	sim    *Sim
	srv    *httptest.Server
	clock  *xyClock
	client *http.Client
	ctx    context.Context // carries client for oauth2 and oauth1
}

func newXYEnv(t *testing.T, opts Options) *xyEnv {
	t.Helper()
	clock := &xyClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	opts.Now = clock.Now
	s := New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	base, _ := url.Parse(srv.URL)
	c := &http.Client{Transport: xyRewrite{base}, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, c)
	ctx = context.WithValue(ctx, oauth1.HTTPClient, c)
	return &xyEnv{sim: s, srv: srv, clock: clock, client: c, ctx: ctx}
}

// approve opens an authorize URL with ?auto=1 as a user approving the
// consent page would, and returns the redirect's query.
func (e *xyEnv) approve(t *testing.T, authURL string, extra url.Values) url.Values {
	t.Helper()
	u, _ := url.Parse(authURL)
	q := u.Query()
	q.Set("auto", "1")
	for k, vs := range extra {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	resp, err := e.client.Get(u.String())
	if err != nil {
		t.Fatalf("GET consent: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent status = %d, want 302", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return loc.Query()
}

// do sends a request and decodes a JSON reply into out (when not nil).
func (e *xyEnv) do(t *testing.T, c *http.Client, req *http.Request, out any) *http.Response {
	t.Helper()
	if c == nil {
		c = e.client
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if out != nil && len(body) > 0 {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("decode %s: %v", body, err)
		}
	}
	return resp
}

const xRedirect = "https://app.example/oauth/x/callback"

func xConfig(app App, style oauth2.AuthStyle, scopes ...string) *oauth2.Config {
	return &oauth2.Config{ClientID: app.ID, ClientSecret: app.Secret, RedirectURL: xRedirect, Scopes: scopes,
		Endpoint: oauth2.Endpoint{AuthURL: "https://x.com/i/oauth2/authorize", TokenURL: "https://api.x.com/2/oauth2/token", AuthStyle: style}}
}

var xAllScopes = []string{"tweet.read", "tweet.write", "users.read", "offline.access", "media.write"}

// xConnect runs the whole PKCE flow for fixture user and returns the token.
func xConnect(t *testing.T, e *xyEnv, user string, scopes ...string) *oauth2.Token {
	t.Helper()
	cfg := xConfig(SandboxApps["twitter"], oauth2.AuthStyleInHeader, scopes...)
	verifier := oauth2.GenerateVerifier()
	q := e.approve(t, cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)), url.Values{"sim_user": {user}})
	tok, err := cfg.Exchange(e.ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return tok
}

// xAPIClient is an OAuth 2.0 client for tok that reaches the simulator.
func (e *xyEnv) xAPIClient(tok *oauth2.Token) *http.Client {
	return oauth2.NewClient(e.ctx, oauth2.StaticTokenSource(tok))
}

func TestX_ConfidentialClientPKCE(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	cfg := xConfig(SandboxApps["twitter"], oauth2.AuthStyleInHeader, xAllScopes...)
	verifier := oauth2.GenerateVerifier()
	q := e.approve(t, cfg.AuthCodeURL("state-1", oauth2.S256ChallengeOption(verifier)), nil)
	if q.Get("state") != "state-1" || q.Get("code") == "" {
		t.Fatalf("redirect query = %v, want code and state-1", q)
	}
	tok, err := cfg.Exchange(e.ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if tok.RefreshToken == "" || tok.Extra("scope") != strings.Join(xAllScopes, " ") || tok.TokenType != "bearer" {
		t.Errorf("token = %+v scope %v, want refresh token, all scopes, type bearer", tok, tok.Extra("scope"))
	}
	if got := tok.Expiry.Sub(time.Now()); got < 119*time.Minute || got > 121*time.Minute {
		t.Errorf("expires in %v, want 2h", got)
	}
	for _, r := range e.sim.Requests() {
		if r.Path == "/2/oauth2/token" && (!strings.HasPrefix(r.Header.Get("Authorization"), "Basic ") ||
			!strings.Contains(string(r.Body), "code_verifier="+verifier)) {
			t.Errorf("token request %s %q, want Basic auth and the verifier", r.Header.Get("Authorization"), r.Body)
		}
	}
	var me struct{ Data map[string]string }
	req, _ := http.NewRequest("GET", "https://api.x.com/2/users/me", nil)
	resp := e.do(t, e.xAPIClient(tok), req, &me)
	if resp.StatusCode != 200 || me.Data["id"] != "2244994945" || me.Data["username"] != "acmecoffee" {
		t.Errorf("users/me = %d %v", resp.StatusCode, me.Data)
	}
	if resp.Header.Get("x-rate-limit-limit") != "75" || resp.Header.Get("x-rate-limit-remaining") != "74" {
		t.Errorf("rate headers = %v", resp.Header)
	}
}

func TestX_PublicClientRotatingRefresh(t *testing.T) {
	t.Parallel()
	app := App{ID: "public-x-client"}
	e := newXYEnv(t, Options{Apps: map[string]App{"twitter": app}})
	cfg := xConfig(app, oauth2.AuthStyleInParams, xAllScopes...)
	verifier := oauth2.GenerateVerifier()
	q := e.approve(t, cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), url.Values{"sim_user": {"second"}})
	tok, err := cfg.Exchange(e.ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	expired := &oauth2.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Hour)}
	fresh, err := cfg.TokenSource(e.ctx, expired).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.RefreshToken == "" || fresh.RefreshToken == tok.RefreshToken || fresh.AccessToken == tok.AccessToken {
		t.Errorf("refresh did not rotate: old %q new %q", tok.RefreshToken, fresh.RefreshToken)
	}
	_, err = cfg.TokenSource(e.ctx, expired).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response.StatusCode != 400 || re.ErrorCode != "invalid_request" ||
		re.ErrorDescription != "Value passed for the token was invalid." {
		t.Fatalf("reused refresh token err = %v, want 400 invalid_request", err)
	}
	var me struct{ Data map[string]string }
	req, _ := http.NewRequest("GET", "https://api.twitter.com/2/users/me", nil)
	if e.do(t, e.xAPIClient(fresh), req, &me); me.Data["username"] != "acmebakery" {
		t.Errorf("users/me on api.twitter.com = %v, want acmebakery", me.Data)
	}
}

func TestX_TokenErrors(t *testing.T) {
	t.Parallel()
	app := SandboxApps["twitter"]
	tests := []struct {
		name       string
		cfg        func() *oauth2.Config
		verifier   func(v string) string
		before     func(e *xyEnv)
		status     int
		code, desc string
	}{
		{name: "wrong verifier", verifier: func(string) string { return oauth2.GenerateVerifier() },
			status: 400, code: "invalid_request", desc: xBadCode},
		{name: "code older than 30 s", before: func(e *xyEnv) { e.clock.Advance(31 * time.Second) },
			status: 400, code: "invalid_request", desc: xBadCode},
		{name: "other redirect_uri", cfg: func() *oauth2.Config {
			c := xConfig(app, oauth2.AuthStyleInHeader, "tweet.read")
			c.RedirectURL = "https://app.example/elsewhere"
			return c
		}, status: 400, code: "invalid_request", desc: xBadCode},
		{name: "wrong secret", cfg: func() *oauth2.Config {
			return xConfig(App{ID: app.ID, Secret: "wrong"}, oauth2.AuthStyleInHeader, "tweet.read")
		}, status: 401, code: "unauthorized_client"},
		{name: "confidential client without Basic", cfg: func() *oauth2.Config {
			return xConfig(App{ID: app.ID}, oauth2.AuthStyleInParams, "tweet.read")
		}, status: 401, code: "unauthorized_client", desc: "Missing valid authorization header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newXYEnv(t, Options{})
			verifier := oauth2.GenerateVerifier()
			q := e.approve(t, xConfig(app, oauth2.AuthStyleInHeader, "tweet.read").AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), nil)
			cfg := xConfig(app, oauth2.AuthStyleInHeader, "tweet.read")
			if tt.cfg != nil {
				cfg = tt.cfg()
			}
			if tt.verifier != nil {
				verifier = tt.verifier(verifier)
			}
			if tt.before != nil {
				tt.before(e)
			}
			_, err := cfg.Exchange(e.ctx, q.Get("code"), oauth2.VerifierOption(verifier))
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) || re.Response.StatusCode != tt.status || re.ErrorCode != tt.code ||
				(tt.desc != "" && re.ErrorDescription != tt.desc) {
				t.Fatalf("exchange err = %v, want %d %s %q", err, tt.status, tt.code, tt.desc)
			}
		})
	}
}

func TestX_CodeIsSingleUse(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	cfg := xConfig(SandboxApps["twitter"], oauth2.AuthStyleInHeader, "tweet.read")
	verifier := oauth2.GenerateVerifier()
	q := e.approve(t, cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), nil)
	tok, err := cfg.Exchange(e.ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("first exchange: %v", err)
	}
	if tok.RefreshToken != "" {
		t.Error("a refresh token without offline.access")
	}
	var re *oauth2.RetrieveError
	if _, err := cfg.Exchange(e.ctx, q.Get("code"), oauth2.VerifierOption(verifier)); !errors.As(err, &re) || re.ErrorDescription != xBadCode {
		t.Fatalf("second exchange err = %v, want invalid authorization code", err)
	}
}

func TestX_ConsentPage(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	cfg := xConfig(SandboxApps["twitter"], oauth2.AuthStyleInHeader, "tweet.read")
	verifier := oauth2.GenerateVerifier()
	denied := e.approve(t, cfg.AuthCodeURL("s9", oauth2.S256ChallengeOption(verifier)), url.Values{"decision": {"deny"}})
	if denied.Get("error") != "access_denied" || denied.Get("state") != "s9" || denied.Get("code") != "" {
		t.Errorf("denied redirect = %v, want error=access_denied&state=s9", denied)
	}
	for name, u := range map[string]string{
		"x.com":       cfg.AuthCodeURL("s"),
		"twitter.com": strings.Replace(cfg.AuthCodeURL("s"), "x.com", "twitter.com", 1),
	} {
		resp, err := e.client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(body), "PKCE is required") {
			t.Errorf("%s without PKCE: consent = %d %s, want 400 PKCE is required", name, resp.StatusCode, body)
		}
	}
	page := strings.Replace(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "x.com", "twitter.com", 1)
	resp, err := e.client.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `id="approve"`) || !strings.Contains(string(body), `id="deny"`) {
		t.Errorf("consent page = %d, want an Approve and a Deny button", resp.StatusCode)
	}
}

func TestX_RevokeAndExpiry(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	me := func(tok *oauth2.Token) *http.Response {
		req, _ := http.NewRequest("GET", "https://api.x.com/2/users/me", nil)
		return e.do(t, e.xAPIClient(tok), req, nil)
	}
	tok := xConnect(t, e, "default", xAllScopes...)
	e.clock.Advance(2*time.Hour + time.Second)
	if resp := me(tok); resp.StatusCode != 401 || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("expired token: users/me = %d %s, want 401 problem", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	tok = xConnect(t, e, "default", xAllScopes...)
	form := url.Values{"token": {tok.RefreshToken}, "token_type_hint": {"refresh_token"}}
	req, _ := http.NewRequest("POST", "https://api.x.com/2/oauth2/revoke", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(SandboxApps["twitter"].ID, SandboxApps["twitter"].Secret)
	var out map[string]bool
	if resp := e.do(t, nil, req, &out); resp.StatusCode != 200 || !out["revoked"] {
		t.Fatalf("revoke = %d %v", resp.StatusCode, out)
	}
	if resp := me(tok); resp.StatusCode != 401 {
		t.Errorf("after revoking its refresh token, the access token gave %d, want 401", resp.StatusCode)
	}
	cfg := xConfig(SandboxApps["twitter"], oauth2.AuthStyleInHeader)
	tok.Expiry = time.Now().Add(-time.Minute)
	if _, err := cfg.TokenSource(e.ctx, tok).Token(); err == nil {
		t.Error("refresh with a revoked token succeeded")
	}
}

// xTweet posts body as JSON with c and decodes the reply.
func xTweet(t *testing.T, e *xyEnv, c *http.Client, body any) (*http.Response, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", "https://api.x.com/2/tweets", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	var out map[string]any
	return e.do(t, c, req, &out), out
}

func TestX_CreateTweet(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	c := e.xAPIClient(xConnect(t, e, "default", xAllScopes...))
	resp, out := xTweet(t, e, c, map[string]any{"text": "Hello from the X API!"})
	data, _ := out["data"].(map[string]any)
	if resp.StatusCode != 201 || data["text"] != "Hello from the X API!" || data["id"] == "" ||
		fmt.Sprint(data["edit_history_post_ids"]) != fmt.Sprintf("[%s]", data["id"]) {
		t.Fatalf("create = %d %v", resp.StatusCode, out)
	}
	for _, h := range []string{"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
	posts := e.sim.Posts("twitter")
	if len(posts) != 1 || posts[0].AccountID != "2244994945" || posts[0].ID != data["id"] {
		t.Errorf("recorded posts = %+v", posts)
	}
	resp, out = xTweet(t, e, c, map[string]any{"text": "Hello from the X API!"})
	if resp.StatusCode != 403 || out["detail"] != xDuplicate || out["title"] != "Forbidden" {
		t.Errorf("duplicate = %d %v, want 403 duplicate content", resp.StatusCode, out)
	}
	if resp, out = xTweet(t, e, c, map[string]any{"text": strings.Repeat("é", 281)}); resp.StatusCode != 403 {
		t.Errorf("281 characters = %d %v, want 403", resp.StatusCode, out)
	}
	if resp, _ = xTweet(t, e, c, map[string]any{"text": ""}); resp.StatusCode != 400 {
		t.Errorf("empty tweet = %d, want 400", resp.StatusCode)
	}
	readOnly := e.xAPIClient(xConnect(t, e, "default", "tweet.read", "users.read"))
	if resp, _ = xTweet(t, e, readOnly, map[string]any{"text": "no scope"}); resp.StatusCode != 403 {
		t.Errorf("without tweet.write = %d, want 403", resp.StatusCode)
	}
	if resp, out = xTweet(t, e, e.client, map[string]any{"text": "x"}); resp.StatusCode != 401 {
		t.Errorf("no token = %d %v, want 401", resp.StatusCode, out)
	}
}

func TestXWeightedLength(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want int
	}{
		{"hello", 5},
		{strings.Repeat("a", 280), 280},
		{"日本", 4},
		{"😀", 2},
		{"“quoted”", 8},
		{"see https://example.com/a/very/long/path/that/is/longer/than/23 now", 4 + 23 + 4},
		{"e\u0301", 1}, // NFC folds e + combining acute into é
	}
	for _, tt := range tests {
		if got := XWeightedLength(tt.text); got != tt.want {
			t.Errorf("XWeightedLength(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestX_RateLimit429(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	c := e.xAPIClient(xConnect(t, e, "default", xAllScopes...))
	start := e.clock.Now()
	for i := range 100 {
		if resp, out := xTweet(t, e, c, map[string]any{"text": fmt.Sprintf("post %d", i)}); resp.StatusCode != 201 {
			t.Fatalf("post %d = %d %v", i, resp.StatusCode, out)
		}
	}
	resp, out := xTweet(t, e, c, map[string]any{"text": "one too many"})
	reset := fmt.Sprint(start.Add(15 * time.Minute).Unix())
	if resp.StatusCode != 429 || resp.Header.Get("x-rate-limit-remaining") != "0" ||
		resp.Header.Get("x-rate-limit-reset") != reset || out["title"] != "Too Many Requests" {
		t.Fatalf("101st post = %d %v %v, want 429 resetting at %s", resp.StatusCode, resp.Header, out, reset)
	}
	e.clock.Advance(15 * time.Minute)
	if resp, _ := xTweet(t, e, c, map[string]any{"text": "after the window"}); resp.StatusCode != 201 {
		t.Errorf("after reset = %d, want 201", resp.StatusCode)
	}
}

func xPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// xMultipart builds a multipart body with a media file part and fields.
func xMultipart(media []byte, fields map[string]string) (io.Reader, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("media", "image.png")
	_, _ = fw.Write(media)
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}

// xUploadV2 uploads an image with the one-shot v2 endpoint.
func xUploadV2(t *testing.T, e *xyEnv, c *http.Client, media []byte, category string) (*http.Response, map[string]any) {
	t.Helper()
	body, ct := xMultipart(media, map[string]string{"media_category": category})
	req, _ := http.NewRequest("POST", "https://api.x.com/2/media/upload", body)
	req.Header.Set("Content-Type", ct)
	var out map[string]any
	resp := e.do(t, c, req, &out)
	data, _ := out["data"].(map[string]any)
	return resp, data
}

func TestX_ImageTweetV2(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	c := e.xAPIClient(xConnect(t, e, "default", xAllScopes...))
	resp, data := xUploadV2(t, e, c, xPNG(t, 800, 320), "tweet_image")
	img, _ := data["image"].(map[string]any)
	if resp.StatusCode != 200 || img["w"] != 800.0 || img["h"] != 320.0 || img["image_type"] != "image/png" ||
		data["media_key"] != "3_"+data["id"].(string) {
		t.Fatalf("upload = %d %v", resp.StatusCode, data)
	}
	id := data["id"].(string)
	resp, out := xTweet(t, e, c, map[string]any{"text": "with a picture", "media": map[string]any{"media_ids": []string{id}}})
	if resp.StatusCode != 201 {
		t.Fatalf("tweet with media = %d %v", resp.StatusCode, out)
	}
	if p := e.sim.Posts("twitter"); len(p) != 1 || fmt.Sprint(p[0].Media) != "["+id+"]" {
		t.Errorf("recorded = %+v", p)
	}
	other := e.xAPIClient(xConnect(t, e, "second", xAllScopes...))
	tests := []struct {
		name   string
		c      *http.Client
		ids    []string
		status int
	}{
		{"someone else's media", other, []string{id}, 400},
		{"unknown media", c, []string{"123"}, 400},
		{"five media", c, []string{id, id, id, id, id}, 400},
	}
	for _, tt := range tests {
		resp, out := xTweet(t, e, tt.c, map[string]any{"text": tt.name, "media": map[string]any{"media_ids": tt.ids}})
		if resp.StatusCode != tt.status {
			t.Errorf("%s: %d %v, want %d", tt.name, resp.StatusCode, out, tt.status)
		}
	}
	noMedia := e.xAPIClient(xConnect(t, e, "default", "tweet.read", "tweet.write", "users.read"))
	if resp, _ := xUploadV2(t, e, noMedia, xPNG(t, 2, 2), "tweet_image"); resp.StatusCode != 403 {
		t.Errorf("upload without media.write = %d, want 403", resp.StatusCode)
	}
	if resp, _ := xUploadV2(t, e, c, []byte("not an image"), "tweet_image"); resp.StatusCode != 400 {
		t.Errorf("upload of text = %d, want 400", resp.StatusCode)
	}
	if resp, _ := xUploadV2(t, e, c, make([]byte, 5<<20+1), "tweet_image"); resp.StatusCode != 400 {
		t.Errorf("upload over 5 MB = %d, want 400", resp.StatusCode)
	}
}

// xOAuth1Client signs with the sandbox consumer and the token of user.
func (e *xyEnv) xOAuth1Client(token, secret string) *http.Client {
	return oauth1.NewConfig("sandbox-x-consumer-key", "sandbox-x-consumer-secret").Client(e.ctx, oauth1.NewToken(token, secret))
}

func TestX_ImageTweetV1Upload(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	signed := e.xOAuth1Client("2244994945-sandboxAccessToken", "sandbox-x-token-secret")
	type v1Reply struct {
		MediaID       int64  `json:"media_id"`
		MediaIDString string `json:"media_id_string"`
		Image         *xImageInfo
		Errors        []struct {
			Code    int
			Message string
		}
	}
	upload := func(c *http.Client, host string) (*http.Response, v1Reply) {
		body, ct := xMultipart(xPNG(t, 40, 30), nil)
		req, _ := http.NewRequest("POST", "https://"+host+"/1.1/media/upload.json", body)
		req.Header.Set("Content-Type", ct)
		var out v1Reply
		return e.do(t, c, req, &out), out
	}
	resp, out := upload(signed, "upload.twitter.com")
	id := out.MediaIDString
	if resp.StatusCode != 200 || id == "" || fmt.Sprint(out.MediaID) != id ||
		out.Image == nil || *out.Image != (xImageInfo{ImageType: "image/png", W: 40, H: 30}) {
		t.Fatalf("v1.1 upload = %d %+v", resp.StatusCode, out)
	}
	// The usual mix: media via v1.1, the post via OAuth 2.0.
	c := e.xAPIClient(xConnect(t, e, "default", xAllScopes...))
	if resp, out := xTweet(t, e, c, map[string]any{"text": "v1.1 image", "media": map[string]any{"media_ids": []string{id}}}); resp.StatusCode != 201 {
		t.Errorf("tweet with v1.1 media = %d %v", resp.StatusCode, out)
	}
	// OAuth 1.0a user context works for the post too.
	if resp, out := xTweet(t, e, signed, map[string]any{"text": "signed with OAuth 1.0a"}); resp.StatusCode != 201 {
		t.Errorf("OAuth 1.0a tweet = %d %v", resp.StatusCode, out)
	}
	// A form-encoded media_data body is part of the signature.
	form := url.Values{"media_data": {"iVBORw0KGgo="}}
	req, _ := http.NewRequest("POST", "https://upload.x.com/1.1/media/upload.json", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp := e.do(t, signed, req, nil); resp.StatusCode != 400 {
		t.Errorf("signed truncated PNG = %d, want 400 (authenticated, media unrecognized)", resp.StatusCode)
	}
	bad := e.xOAuth1Client("2244994945-sandboxAccessToken", "wrong-secret")
	resp, out = upload(bad, "upload.twitter.com")
	if resp.StatusCode != 401 || len(out.Errors) != 1 || out.Errors[0].Code != 32 || out.Errors[0].Message != "Could not authenticate you." {
		t.Errorf("bad signature = %d %v, want 401 code 32", resp.StatusCode, out)
	}
}

func TestX_ChunkedVideoUpload(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	c := e.xAPIClient(xConnect(t, e, "default", xAllScopes...))
	post := func(path, ct string, body io.Reader) (*http.Response, map[string]any) {
		req, _ := http.NewRequest("POST", "https://api.x.com/2/media/upload"+path, body)
		req.Header.Set("Content-Type", ct)
		var out map[string]any
		resp := e.do(t, c, req, &out)
		data, _ := out["data"].(map[string]any)
		return resp, data
	}
	resp, data := post("/initialize", "application/json", strings.NewReader(`{"media_type":"video/mp4","total_bytes":300000,"media_category":"tweet_video"}`))
	id, _ := data["id"].(string)
	if resp.StatusCode != 200 || data["media_key"] != "7_"+id {
		t.Fatalf("initialize = %d %v", resp.StatusCode, data)
	}
	for i, n := range []int{200000, 100000} {
		body, ct := xMultipart(make([]byte, n), map[string]string{"segment_index": fmt.Sprint(i)})
		if resp, data := post("/"+id+"/append", ct, body); resp.StatusCode != 200 || data["expires_at"] == nil {
			t.Fatalf("append %d = %d %v", i, resp.StatusCode, data)
		}
	}
	if resp, out := xTweet(t, e, c, map[string]any{"text": "too early", "media": map[string]any{"media_ids": []string{id}}}); resp.StatusCode != 400 {
		t.Errorf("tweet before finalize = %d %v, want 400", resp.StatusCode, out)
	}
	resp, data = post("/"+id+"/finalize", "application/json", nil)
	if resp.StatusCode != 200 || fmt.Sprint(data["processing_info"]) != "map[check_after_secs:1 state:pending]" || data["size"] != 300000.0 {
		t.Fatalf("finalize = %d %v", resp.StatusCode, data)
	}
	var states []string
	for range 2 {
		req, _ := http.NewRequest("GET", "https://api.x.com/2/media/upload?command=STATUS&media_id="+id, nil)
		var out struct{ Data map[string]any }
		e.do(t, c, req, &out)
		states = append(states, fmt.Sprint(out.Data["processing_info"].(map[string]any)["state"]))
	}
	if fmt.Sprint(states) != "[in_progress succeeded]" {
		t.Errorf("STATUS states = %v", states)
	}
	if resp, out := xTweet(t, e, c, map[string]any{"text": "video", "media": map[string]any{"media_ids": []string{id}}}); resp.StatusCode != 201 {
		t.Errorf("tweet with video = %d %v", resp.StatusCode, out)
	}
}

func TestX_ChunkedRejectsShortUpload(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	c := e.xAPIClient(xConnect(t, e, "default", xAllScopes...))
	req, _ := http.NewRequest("POST", "https://api.x.com/2/media/upload/initialize", strings.NewReader(`{"media_type":"image/png","total_bytes":1000,"media_category":"tweet_image"}`))
	var init struct{ Data map[string]any }
	e.do(t, c, req, &init)
	id := init.Data["id"].(string)
	req, _ = http.NewRequest("POST", "https://api.x.com/2/media/upload/"+id+"/append", strings.NewReader(`{"media":"iVBORw0KGgo=","segment_index":0}`))
	if resp := e.do(t, c, req, nil); resp.StatusCode != 200 {
		t.Fatalf("append = %d", resp.StatusCode)
	}
	req, _ = http.NewRequest("POST", "https://api.x.com/2/media/upload/"+id+"/finalize", nil)
	if resp := e.do(t, c, req, nil); resp.StatusCode != 400 {
		t.Errorf("finalize of 8 of 1000 bytes = %d, want 400", resp.StatusCode)
	}
	req, _ = http.NewRequest("POST", "https://api.x.com/2/media/upload/initialize", strings.NewReader(`{"media_type":"image/png","total_bytes":6000000,"media_category":"tweet_image"}`))
	if resp := e.do(t, c, req, nil); resp.StatusCode != 400 {
		t.Errorf("initialize of a 6 MB image = %d, want 400", resp.StatusCode)
	}
}

func TestX_UserTweetsAndDelete(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	c := e.xAPIClient(xConnect(t, e, "default", xAllScopes...))
	var ids []string
	for _, text := range []string{"first", "second"} {
		_, out := xTweet(t, e, c, map[string]any{"text": text})
		ids = append(ids, out["data"].(map[string]any)["id"].(string))
		e.clock.Advance(time.Minute)
	}
	list := func(q string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest("GET", "https://api.x.com/2/users/2244994945/tweets"+q, nil)
		var out map[string]any
		return e.do(t, c, req, &out), out
	}
	resp, out := list("?max_results=5")
	data, _ := out["data"].([]any)
	if resp.StatusCode != 200 || len(data) != 2 || data[0].(map[string]any)["text"] != "second" ||
		data[1].(map[string]any)["created_at"] != "2026-03-02T10:00:00.000Z" {
		t.Fatalf("timeline = %d %v", resp.StatusCode, out)
	}
	if resp, _ := list("?max_results=3"); resp.StatusCode != 400 {
		t.Errorf("max_results=3 = %d, want 400", resp.StatusCode)
	}
	del := func(c *http.Client, id string) int {
		req, _ := http.NewRequest("DELETE", "https://api.x.com/2/tweets/"+id, nil)
		return e.do(t, c, req, nil).StatusCode
	}
	if got := del(e.xAPIClient(xConnect(t, e, "second", xAllScopes...)), ids[0]); got != 403 {
		t.Errorf("deleting someone else's post = %d, want 403", got)
	}
	if got := del(c, ids[0]); got != 200 {
		t.Errorf("delete = %d, want 200", got)
	}
	if _, out := list(""); len(out["data"].([]any)) != 1 {
		t.Errorf("after delete, timeline = %v", out)
	}
}

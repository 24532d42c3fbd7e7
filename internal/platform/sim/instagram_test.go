package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// Shared by instagram_test.go and linkedin_test.go (prefix igli).

type igliClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *igliClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *igliClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// igliRewrite is the endpoint rewrite of DESIGN §5 in miniature: requests to
// platform hosts go to the simulator as /HOST/PATH; others (media servers)
// pass through.
type igliRewrite struct{ base *url.URL }

func (rw igliRewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	h := r.URL.Hostname()
	if strings.HasSuffix(h, "instagram.com") || strings.HasSuffix(h, "facebook.com") || strings.HasSuffix(h, "linkedin.com") {
		r = r.Clone(r.Context())
		r.URL.Path = "/" + h + r.URL.Path
		r.URL.RawPath = ""
		r.URL.Scheme, r.URL.Host, r.Host = rw.base.Scheme, rw.base.Host, ""
	}
	return http.DefaultTransport.RoundTrip(r)
}

type igliEnv struct {
	sim   *Sim
	clock *igliClock
	hc    *http.Client // rewrites platform hosts; does not follow redirects
	ctx   context.Context
}

func newIGLIEnv(t *testing.T, opts Options) *igliEnv {
	t.Helper()
	clock := &igliClock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	opts.Now = clock.Now
	s := New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	base, _ := url.Parse(srv.URL)
	hc := &http.Client{Transport: igliRewrite{base: base},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &igliEnv{sim: s, clock: clock, hc: hc, ctx: context.WithValue(context.Background(), oauth2.HTTPClient, hc)}
}

// approve opens a consent URL with ?auto=1 (or the given decision) and
// returns the query of the redirect back to the app.
func (e *igliEnv) approve(t *testing.T, authURL string, extra ...string) url.Values {
	t.Helper()
	u := authURL + "&auto=1"
	for _, x := range extra {
		u += "&" + x
	}
	resp, err := e.hc.Get(u)
	if err != nil {
		t.Fatalf("consent: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent status = %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("Location: %v", err)
	}
	return loc.Query()
}

// call sends a request and decodes a JSON answer (nil when the body is empty).
func (e *igliEnv) call(t *testing.T, method, rawURL string, body io.Reader, header map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: body %q is not JSON: %v", method, rawURL, raw, err)
		}
	}
	return resp, out
}

func igliForm(kv ...string) (io.Reader, map[string]string) {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return strings.NewReader(v.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
}

// graphErr returns error.code and error.error_subcode of a Graph error body.
func graphErr(t *testing.T, body map[string]any) (code, subcode int, msg string) {
	t.Helper()
	e, ok := body["error"].(map[string]any)
	if !ok {
		t.Fatalf("not a Graph error: %v", body)
	}
	c, _ := e["code"].(float64)
	sc, _ := e["error_subcode"].(float64)
	m, _ := e["message"].(string)
	return int(c), int(sc), m
}

const igGraph = "https://graph.instagram.com/v25.0"

func igConfig(scopes ...string) *oauth2.Config {
	app := SandboxApps["instagram"]
	return &oauth2.Config{ClientID: app.ID, ClientSecret: app.Secret, RedirectURL: "https://app.example/cb/instagram",
		Scopes: scopes, Endpoint: oauth2.Endpoint{AuthURL: "https://www.instagram.com/oauth/authorize",
			TokenURL: "https://api.instagram.com/oauth/access_token", AuthStyle: oauth2.AuthStyleInParams}}
}

var igPublishScopes = []string{"instagram_business_basic", "instagram_business_content_publish"}

// igCode runs Instagram's consent page for a fixture user.
func (e *igliEnv) igCode(t *testing.T, user string, scopes ...string) string {
	t.Helper()
	q := e.approve(t, strings.Replace(igConfig(scopes...).AuthCodeURL("st"), "https://", e.base()+"/", 1), "sim_user="+user)
	if q.Get("state") != "st" || q.Get("code") == "" {
		t.Fatalf("redirect query = %v", q)
	}
	return q.Get("code")
}

func (e *igliEnv) base() string {
	return "http://" + e.hc.Transport.(igliRewrite).base.Host
}

// igLogin connects a fixture user with the flat token shape and returns the
// short-lived token.
func (e *igliEnv) igLogin(t *testing.T, user string, scopes ...string) string {
	t.Helper()
	if !e.sim.opts.InstagramFlatToken {
		body, hdr := igliForm("client_id", SandboxApps["instagram"].ID, "client_secret", SandboxApps["instagram"].Secret,
			"grant_type", "authorization_code", "redirect_uri", "https://app.example/cb/instagram", "code", e.igCode(t, user, scopes...))
		_, out := e.call(t, "POST", "https://api.instagram.com/oauth/access_token", body, hdr)
		return out["data"].([]any)[0].(map[string]any)["access_token"].(string)
	}
	tok, err := igConfig(scopes...).Exchange(e.ctx, e.igCode(t, user, scopes...))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return tok.AccessToken
}

func TestInstagram_ConsentPage(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{})
	auth := strings.Replace(igConfig(igPublishScopes...).AuthCodeURL("s1"), "https://", e.base()+"/", 1)
	for _, host := range []string{"www.instagram.com", "api.instagram.com"} {
		u := strings.Replace(auth, "www.instagram.com", host, 1)
		resp, _ := e.hc.Get(u)
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(page), `id="approve"`) || !strings.Contains(string(page), `id="deny"`) {
			t.Fatalf("%s consent page: %d %s", host, resp.StatusCode, page)
		}
	}
	q := e.approve(t, auth, "decision=deny")
	want := url.Values{"error": {"access_denied"}, "error_reason": {"user_denied"},
		"error_description": {"The user denied your request"}, "state": {"s1"}}
	if q.Encode() != want.Encode() {
		t.Errorf("deny redirect = %v, want %v", q, want)
	}
	if q := e.approve(t, auth); q.Get("code") == "" || q.Get("state") != "s1" {
		t.Errorf("approve redirect = %v", q)
	}
}

func TestInstagram_CodeExchangeDocumentedShape(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{})
	app := SandboxApps["instagram"]
	code := e.igCode(t, "default", "instagram_business_basic", "instagram_business_content_publish")
	exchange := func(secret, code string) (*http.Response, map[string]any) {
		body, hdr := igliForm("client_id", app.ID, "client_secret", secret, "grant_type", "authorization_code",
			"redirect_uri", "https://app.example/cb/instagram", "code", code)
		return e.call(t, "POST", "https://api.instagram.com/oauth/access_token", body, hdr)
	}
	if resp, out := exchange("wrong", code); resp.StatusCode != 400 || out["error_type"] != "OAuthException" {
		t.Fatalf("wrong secret: %d %v", resp.StatusCode, out)
	}
	resp, out := exchange(app.Secret, code)
	if resp.StatusCode != 200 {
		t.Fatalf("exchange: %d %v", resp.StatusCode, out)
	}
	d := out["data"].([]any)[0].(map[string]any)
	if d["user_id"] != "17841400000000001" || d["permissions"] != "instagram_business_basic,instagram_business_content_publish" || d["access_token"] == "" {
		t.Errorf("data[0] = %v", d)
	}
	resp, out = exchange(app.Secret, code)
	want := map[string]any{"error_type": "OAuthException", "code": float64(400), "error_message": "Matching code was not found or was already used"}
	if resp.StatusCode != 400 || fmt.Sprint(out) != fmt.Sprint(want) {
		t.Errorf("reused code: %d %v, want 400 %v", resp.StatusCode, out, want)
	}
}

func TestInstagram_CodeExchangeFlatShapeWithOAuth2(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{InstagramFlatToken: true})
	cfg := igConfig(igPublishScopes...)
	tok, err := cfg.Exchange(e.ctx, e.igCode(t, "creator", igPublishScopes...))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if _, isNum := tok.Extra("user_id").(float64); !isNum || tok.AccessToken == "" {
		t.Errorf("user_id = %#v (want a JSON number), token %q", tok.Extra("user_id"), tok.AccessToken)
	}
	if p, _ := tok.Extra("permissions").([]any); len(p) != 2 || p[1] != "instagram_business_content_publish" {
		t.Errorf("permissions = %#v", tok.Extra("permissions"))
	}
	_, me := e.call(t, "GET", igGraph+"/me?fields=user_id,username&access_token="+tok.AccessToken, nil, nil)
	if me["user_id"] != "17841400000000002" || me["username"] != "alex.creates" {
		t.Errorf("me = %v", me)
	}
}

func TestInstagram_LongLivedExchangeAndRefresh(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{})
	short := e.igLogin(t, "default", igPublishScopes...)
	secret := SandboxApps["instagram"].Secret
	resp, out := e.call(t, "GET", "https://graph.instagram.com/access_token?grant_type=ig_exchange_token&client_secret=wrong&access_token="+short, nil, nil)
	if resp.StatusCode != 400 || out["error"] == nil {
		t.Fatalf("wrong secret: %d %v", resp.StatusCode, out)
	}
	_, out = e.call(t, "GET", "https://graph.instagram.com/access_token?grant_type=ig_exchange_token&client_secret="+secret+"&access_token="+short, nil, nil)
	long, _ := out["access_token"].(string)
	if long == "" || out["token_type"] != "bearer" || out["expires_in"] != float64(5183944) {
		t.Fatalf("long-lived = %v", out)
	}
	refresh := "https://graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token&access_token="
	if resp, _ := e.call(t, "GET", refresh+long, nil, nil); resp.StatusCode != 400 {
		t.Errorf("refresh of a fresh token: %d, want 400 (must be ≥ 24 h old)", resp.StatusCode)
	}
	e.clock.Advance(25 * time.Hour)
	_, out = e.call(t, "GET", refresh+long, nil, nil)
	renewed, _ := out["access_token"].(string)
	if renewed == "" || renewed == long || out["expires_in"] != float64(5183944) {
		t.Fatalf("refresh = %v", out)
	}
	e.clock.Advance(60 * 24 * time.Hour)
	resp, out = e.call(t, "GET", refresh+long, nil, nil)
	if code, sub, _ := graphErr(t, out); resp.StatusCode != 400 || code != 190 || sub != 463 {
		t.Errorf("refresh of an expired token: %d %v, want 190/463", resp.StatusCode, out)
	}
}

func TestInstagram_Me(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{})
	tok := e.igLogin(t, "default", igPublishScopes...)
	for _, u := range []string{igGraph + "/me", "https://graph.instagram.com/me"} {
		_, out := e.call(t, "GET", u+"?fields=user_id,username,name,account_type", nil, map[string]string{"Authorization": "Bearer " + tok})
		want := map[string]any{"id": "17841400000000001", "user_id": "17841400000000001", "username": "acme.coffee", "name": "Acme Coffee", "account_type": "BUSINESS"}
		if fmt.Sprint(out) != fmt.Sprint(want) {
			t.Errorf("GET %s = %v, want %v", u, out, want)
		}
	}
	if _, out := e.call(t, "GET", igGraph+"/me?fields=nope&access_token="+tok, nil, nil); out["error"] == nil {
		t.Errorf("unknown field: %v", out)
	}
	for name, tc := range map[string]struct {
		token   string
		expire  bool
		subcode int
	}{"unknown": {token: "garbage"}, "expired": {token: tok, expire: true, subcode: 463}} {
		if tc.expire {
			e.sim.ExpireAccessTokens("instagram")
		}
		resp, out := e.call(t, "GET", igGraph+"/me?access_token="+tc.token, nil, nil)
		if code, sub, _ := graphErr(t, out); resp.StatusCode != 400 || code != 190 || sub != tc.subcode {
			t.Errorf("%s token: %d %v, want 400 code 190 subcode %d", name, resp.StatusCode, out, tc.subcode)
		}
	}
}

// igPoll reads a container's status_code.
func (e *igliEnv) igPoll(t *testing.T, graph, id, tok string) (code, status string) {
	t.Helper()
	_, out := e.call(t, "GET", graph+"/"+id+"?fields=status_code,status&access_token="+tok, nil, nil)
	code, _ = out["status_code"].(string)
	status, _ = out["status"].(string)
	if code == "" {
		t.Fatalf("container %s: %v", id, out)
	}
	return code, status
}

// igCreate creates a container from form fields and returns its id, or the
// error body.
func (e *igliEnv) igCreate(t *testing.T, graph, user, tok string, kv ...string) (string, map[string]any) {
	t.Helper()
	body, hdr := igliForm(append(kv, "access_token", tok)...)
	_, out := e.call(t, "POST", graph+"/"+user+"/media", body, hdr)
	id, _ := out["id"].(string)
	return id, out
}

func (e *igliEnv) igPublish(t *testing.T, graph, user, tok, container string) (string, map[string]any) {
	t.Helper()
	body, hdr := igliForm("creation_id", container, "access_token", tok)
	_, out := e.call(t, "POST", graph+"/"+user+"/media_publish", body, hdr)
	id, _ := out["id"].(string)
	return id, out
}

const igUID = "17841400000000001"

func TestInstagram_PublishImage(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{ContainerPolls: 2})
	tok := e.igLogin(t, "default", igPublishScopes...)
	js, _ := json.Marshal(map[string]string{"image_url": "https://cdn.example/a.jpg", "caption": "Fresh roast"})
	_, out := e.call(t, "POST", igGraph+"/"+igUID+"/media", bytes.NewReader(js),
		map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + tok})
	cid, _ := out["id"].(string)
	if cid == "" {
		t.Fatalf("create container: %v", out)
	}
	if _, out := e.igPublish(t, igGraph, igUID, tok, cid); fmt.Sprint(graphErrList(t, out)) != "[9007 2207027 Media ID is not available]" {
		t.Errorf("publish before FINISHED: %v", out)
	}
	for i, want := range []string{"IN_PROGRESS", "IN_PROGRESS", "FINISHED"} {
		if got, _ := e.igPoll(t, igGraph, cid, tok); got != want {
			t.Fatalf("poll %d = %s, want %s", i+1, got, want)
		}
	}
	mid, out := e.igPublish(t, igGraph, igUID, tok, cid)
	if mid == "" {
		t.Fatalf("publish: %v", out)
	}
	if got, _ := e.igPoll(t, igGraph, cid, tok); got != "PUBLISHED" {
		t.Errorf("container after publish = %s", got)
	}
	_, m := e.call(t, "GET", igGraph+"/"+mid+"?fields=permalink,caption,media_type&access_token="+tok, nil, nil)
	if p, _ := m["permalink"].(string); !strings.HasPrefix(p, "https://www.instagram.com/p/") || m["caption"] != "Fresh roast" || m["media_type"] != "IMAGE" {
		t.Errorf("media = %v", m)
	}
	_, list := e.call(t, "GET", igGraph+"/me/media?fields=id,caption,timestamp,permalink&access_token="+tok, nil, nil)
	if d, _ := list["data"].([]any); len(d) != 1 || d[0].(map[string]any)["id"] != mid || d[0].(map[string]any)["timestamp"] != "2026-05-01T12:00:00+0000" {
		t.Errorf("media list = %v", list)
	}
	posts := e.sim.Posts("instagram")
	if len(posts) != 1 || posts[0].ID != mid || posts[0].AccountID != igUID || posts[0].Text != "Fresh roast" ||
		fmt.Sprint(posts[0].Media) != "[https://cdn.example/a.jpg]" {
		t.Errorf("recorded posts = %+v", posts)
	}
	_, lim := e.call(t, "GET", igGraph+"/"+igUID+"/content_publishing_limit?fields=quota_usage,config&access_token="+tok, nil, nil)
	if fmt.Sprint(lim) != "map[data:[map[config:map[quota_duration:86400 quota_total:100] quota_usage:1]]]" {
		t.Errorf("content_publishing_limit = %v", lim)
	}
}

func graphErrList(t *testing.T, body map[string]any) []any {
	c, s, m := graphErr(t, body)
	return []any{c, s, m}
}

func TestInstagram_Carousel(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{})
	tok := e.igLogin(t, "default", igPublishScopes...)
	var kids []string
	for i := range 3 {
		id, out := e.igCreate(t, igGraph, igUID, tok, "image_url", fmt.Sprintf("https://cdn.example/%d.jpg", i), "is_carousel_item", "true")
		if id == "" {
			t.Fatalf("child: %v", out)
		}
		kids = append(kids, id)
	}
	single, _ := e.igCreate(t, igGraph, igUID, tok, "image_url", "https://cdn.example/x.jpg")
	for name, children := range map[string]string{
		"one child":        kids[0],
		"eleven children":  strings.Repeat(kids[0]+",", 10) + kids[0],
		"not a child":      kids[0] + "," + single,
		"unknown children": kids[0] + ",123",
	} {
		if _, out := e.igCreate(t, igGraph, igUID, tok, "media_type", "CAROUSEL", "children", children); out["error"] == nil {
			t.Errorf("%s: %v, want an error", name, out)
		}
	}
	parent, out := e.igCreate(t, igGraph, igUID, tok, "media_type", "CAROUSEL", "children", strings.Join(kids, ","), "caption", "Three roasts")
	if parent == "" {
		t.Fatalf("parent: %v", out)
	}
	e.igPoll(t, igGraph, parent, tok)
	if got, _ := e.igPoll(t, igGraph, parent, tok); got != "FINISHED" {
		t.Fatalf("parent status = %s", got)
	}
	mid, out := e.igPublish(t, igGraph, igUID, tok, parent)
	if mid == "" {
		t.Fatalf("publish: %v", out)
	}
	_, m := e.call(t, "GET", igGraph+"/"+mid+"?fields=media_type&access_token="+tok, nil, nil)
	p := e.sim.Posts("instagram")
	if m["media_type"] != "CAROUSEL_ALBUM" || len(p) != 1 || len(p[0].Media) != 3 {
		t.Errorf("carousel media = %v, posts = %+v", m, p)
	}
	_, lim := e.call(t, "GET", igGraph+"/"+igUID+"/content_publishing_limit?access_token="+tok, nil, nil)
	if fmt.Sprint(lim) != "map[data:[map[quota_usage:1]]]" {
		t.Errorf("a carousel counts as one post: %v", lim)
	}
}

func TestInstagram_ContainerRefusals(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{})
	tok := e.igLogin(t, "default", igPublishScopes...)
	personal := e.igLogin(t, "personal", igPublishScopes...)
	basicOnly := e.igLogin(t, "creator", "instagram_business_basic")
	for _, tc := range []struct {
		name, user, tok string
		kv              []string
		code, subcode   int
		msg             string
	}{
		{"missing image_url", igUID, tok, []string{"caption", "hi"}, 9004, 2207052, "Only photo or video can be accepted as media type."},
		{"relative image_url", igUID, tok, []string{"image_url", "/a.jpg"}, 9004, 2207052, "Only photo or video can be accepted as media type."},
		{"reel without video_url", igUID, tok, []string{"media_type", "REELS"}, 9004, 2207052, "Only photo or video can be accepted as media type."},
		{"unknown media_type", igUID, tok, []string{"media_type", "GIF", "image_url", "https://cdn.example/a.jpg"}, 100, 0, ""},
		{"personal account", "17841400000000009", personal, []string{"image_url", "https://cdn.example/a.jpg"}, 100, 0, "Unsupported request - method type: post"},
		{"no content_publish permission", "17841400000000002", basicOnly, []string{"image_url", "https://cdn.example/a.jpg"}, 10, 0, "Application does not have permission for this action"},
		{"another account", "17841400000000002", tok, []string{"image_url", "https://cdn.example/a.jpg"}, 100, 33, ""},
	} {
		id, out := e.igCreate(t, igGraph, tc.user, tc.tok, tc.kv...)
		if id != "" {
			t.Errorf("%s: created %s", tc.name, id)
			continue
		}
		code, sub, msg := graphErr(t, out)
		if code != tc.code || sub != tc.subcode || (tc.msg != "" && msg != tc.msg) {
			t.Errorf("%s: error %d/%d %q, want %d/%d %q", tc.name, code, sub, msg, tc.code, tc.subcode, tc.msg)
		}
	}
}

func igJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestInstagram_FetchMediaFailsContainer(t *testing.T) {
	t.Parallel()
	square, wide := igJPEG(t, 100, 100), igJPEG(t, 400, 100)
	media := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(square)
		case "/wide.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(wide)
		case "/pic.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(square)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(media.Close)
	e := newIGLIEnv(t, Options{FetchMedia: true})
	tok := e.igLogin(t, "default", igPublishScopes...)
	for _, tc := range []struct{ path, want, statusHas string }{
		{"/ok.jpg", "FINISHED", "Finished"},
		{"/missing.jpg", "ERROR", "HTTP 404"},
		{"/pic.png", "ERROR", "JPEG"},
		{"/wide.jpg", "ERROR", "aspect ratio"},
	} {
		cid, out := e.igCreate(t, igGraph, igUID, tok, "image_url", media.URL+tc.path)
		if cid == "" {
			t.Fatalf("%s: create: %v", tc.path, out)
		}
		if got, _ := e.igPoll(t, igGraph, cid, tok); got != "IN_PROGRESS" {
			t.Errorf("%s: first poll = %s, want IN_PROGRESS", tc.path, got)
		}
		got, status := e.igPoll(t, igGraph, cid, tok)
		if got != tc.want || !strings.Contains(status, tc.statusHas) {
			t.Errorf("%s: status = %s %q, want %s containing %q", tc.path, got, status, tc.want, tc.statusHas)
		}
		if _, out := e.igPublish(t, igGraph, igUID, tok, cid); tc.want == "ERROR" && out["error"] == nil {
			t.Errorf("%s: publishing an ERROR container succeeded", tc.path)
		}
	}
}

func TestInstagram_ContainerExpires(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{TokenTTL: 72 * time.Hour})
	tok := e.igLogin(t, "default", igPublishScopes...)
	cid, _ := e.igCreate(t, igGraph, igUID, tok, "image_url", "https://cdn.example/a.jpg")
	e.igPoll(t, igGraph, cid, tok)
	e.clock.Advance(24 * time.Hour)
	if got, _ := e.igPoll(t, igGraph, cid, tok); got != "EXPIRED" {
		t.Errorf("status after 24 h = %s", got)
	}
	if _, out := e.igPublish(t, igGraph, igUID, tok, cid); fmt.Sprint(graphErrList(t, out)[:2]) != "[-2 2207020]" {
		t.Errorf("publish expired: %v", out)
	}
}

func TestInstagram_PublishLimit(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{InstagramPublishLimit: 2, ContainerPolls: 1, TokenTTL: 72 * time.Hour})
	tok := e.igLogin(t, "default", igPublishScopes...)
	publish := func(n int) (string, map[string]any) {
		cid, _ := e.igCreate(t, igGraph, igUID, tok, "image_url", fmt.Sprintf("https://cdn.example/%d.jpg", n))
		e.igPoll(t, igGraph, cid, tok)
		return e.igPublish(t, igGraph, igUID, tok, cid)
	}
	for n := range 2 {
		if id, out := publish(n); id == "" {
			t.Fatalf("publish %d: %v", n, out)
		}
	}
	if _, out := publish(2); fmt.Sprint(graphErrList(t, out)[:2]) != "[9 2207042]" {
		t.Errorf("third publish: %v, want 9/2207042", out)
	}
	_, lim := e.call(t, "GET", igGraph+"/"+igUID+"/content_publishing_limit?fields=quota_usage,config&access_token="+tok, nil, nil)
	if fmt.Sprint(lim) != "map[data:[map[config:map[quota_duration:86400 quota_total:2] quota_usage:2]]]" {
		t.Errorf("limit = %v", lim)
	}
	e.clock.Advance(23 * time.Hour)
	if _, out := publish(3); out["error"] == nil {
		t.Errorf("publish inside the 24 h window succeeded")
	}
	e.clock.Advance(time.Hour)
	if id, out := publish(4); id == "" {
		t.Errorf("publish once the window moved on: %v", out)
	}
}

// TestInstagram_FacebookLoginVariant publishes on graph.facebook.com with a
// Page token and a user token of the Page's manager. The tokens are minted
// directly: the Facebook login flow belongs to facebook.go.
func TestInstagram_FacebookLoginVariant(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{})
	const fbGraph = "https://graph.facebook.com/v25.0"
	page := e.sim.issueToken("facebook", "1000000000000001", "instagram_basic,instagram_content_publish", 0, false)
	user := e.sim.issueToken("facebook", "10150000000000001", "instagram_basic,instagram_content_publish", 0, false)
	otherPage := e.sim.issueToken("facebook", "1000000000000002", "", 0, false)
	if id, out := e.igCreate(t, fbGraph, igUID, otherPage, "image_url", "https://cdn.example/a.jpg"); id != "" {
		t.Errorf("a Page without this IG account created a container: %v", out)
	}
	for _, tc := range []struct{ name, tok string }{{"page token", page}, {"user token", user}} {
		name, tok := tc.name, tc.tok
		cid, out := e.igCreate(t, fbGraph, igUID, tok, "image_url", "https://cdn.example/a.jpg", "caption", name)
		if cid == "" {
			t.Fatalf("%s: create: %v", name, out)
		}
		e.igPoll(t, fbGraph, cid, tok)
		if got, _ := e.igPoll(t, fbGraph, cid, tok); got != "FINISHED" {
			t.Fatalf("%s: status = %s", name, got)
		}
		if mid, out := e.igPublish(t, fbGraph, igUID, tok, cid); mid == "" {
			t.Fatalf("%s: publish: %v", name, out)
		}
	}
	_, list := e.call(t, "GET", fbGraph+"/"+igUID+"/media?fields=caption&access_token="+page, nil, nil)
	if d, _ := list["data"].([]any); len(d) != 2 || d[0].(map[string]any)["caption"] != "user token" {
		t.Errorf("media list = %v", list)
	}
}

package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform/sim"
)

const (
	fbRedirect = "https://app.example/oauth/facebook/callback"
	fbCoffee   = "1000000000000001" // "default" user's page with an IG account
	fbBakery   = "1000000000000002"
)

// fbClock is the simulator's injected clock.
type fbClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fbClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fbClock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// fbEnv is a simulator behind httptest, reached the way the endpoint rewrite
// sends platform traffic: SERVER/HOST/PATH.
type fbEnv struct {
	t     *testing.T
	sim   *sim.Sim
	srv   *httptest.Server
	clock *fbClock
}

func newFBEnv(t *testing.T, mod func(*sim.Options)) *fbEnv {
	t.Helper()
	clock := &fbClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	opts := sim.Options{Now: clock.Now}
	if mod != nil {
		mod(&opts)
	}
	s := sim.New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &fbEnv{t: t, sim: s, srv: srv, clock: clock}
}

// do sends req and decodes a JSON answer.
func (e *fbEnv) do(req *http.Request) (int, http.Header, map[string]any) {
	e.t.Helper()
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	var body map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if len(raw) > 0 && json.Unmarshal(raw, &body) != nil {
		e.t.Fatalf("%s %s: not JSON: %s", req.Method, req.URL, raw)
	}
	return resp.StatusCode, resp.Header, body
}

// graph calls https://graph.facebook.com/v25.0{path}: params in the query for
// GET/DELETE, as a form body for POST.
func (e *fbEnv) graph(method, path string, params url.Values) (int, map[string]any) {
	e.t.Helper()
	u := e.srv.URL + "/graph.facebook.com/v25.0" + path
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(params.Encode())
	} else if len(params) > 0 {
		u += "?" + params.Encode()
	}
	req, _ := http.NewRequest(method, u, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	status, _, out := e.do(req)
	return status, out
}

// graphJSON POSTs a JSON body with the token in Authorization: Bearer.
func (e *fbEnv) graphJSON(path, tok string, v any) (int, map[string]any) {
	e.t.Helper()
	b, _ := json.Marshal(v)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/graph.facebook.com/v25.0"+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	status, _, out := e.do(req)
	return status, out
}

// graphErr returns error.code and error.error_subcode of a Graph error body.
func graphErr(body map[string]any) (code, subcode int) {
	e, _ := body["error"].(map[string]any)
	c, _ := e["code"].(float64)
	sc, _ := e["error_subcode"].(float64)
	return int(c), int(sc)
}

func graphMsg(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

func (e *fbEnv) oauthConfig() *oauth2.Config {
	app := sim.SandboxApps["facebook"]
	return &oauth2.Config{
		ClientID: app.ID, ClientSecret: app.Secret, RedirectURL: fbRedirect,
		Scopes: []string{"pages_show_list", "pages_manage_posts", "pages_read_engagement"},
		Endpoint: oauth2.Endpoint{
			AuthURL:   e.srv.URL + "/www.facebook.com/v25.0/dialog/oauth",
			TokenURL:  e.srv.URL + "/graph.facebook.com/v25.0/oauth/access_token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// redirectOf GETs u without following redirects and parses the Location.
func (e *fbEnv) redirectOf(u string) url.Values {
	e.t.Helper()
	c := *e.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(u)
	if err != nil {
		e.t.Fatalf("GET %s: %v", u, err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), fbRedirect) {
		e.t.Fatalf("GET %s: status %d, Location %q", u, resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query()
}

func (e *fbEnv) ctx() context.Context {
	return context.WithValue(e.t.Context(), oauth2.HTTPClient, e.srv.Client())
}

// userToken connects simUser through the dialog (?auto=1) and the code exchange.
func (e *fbEnv) userToken(simUser string) string {
	e.t.Helper()
	cfg := e.oauthConfig()
	q := e.redirectOf(cfg.AuthCodeURL("st", oauth2.SetAuthURLParam("sim_user", simUser)) + "&auto=1")
	tok, err := cfg.Exchange(e.ctx(), q.Get("code"))
	if err != nil {
		e.t.Fatalf("exchange: %v", err)
	}
	return tok.AccessToken
}

// longToken exchanges a short-lived user token for a long-lived one (§1.4).
func (e *fbEnv) longToken(short string) string {
	e.t.Helper()
	app := sim.SandboxApps["facebook"]
	status, body := e.graph(http.MethodGet, "/oauth/access_token", url.Values{"grant_type": {"fb_exchange_token"},
		"client_id": {app.ID}, "client_secret": {app.Secret}, "fb_exchange_token": {short}})
	if status != http.StatusOK || body["expires_in"] != float64(60*24*3600) || body["token_type"] != "bearer" {
		e.t.Fatalf("fb_exchange_token: %d %v", status, body)
	}
	return body["access_token"].(string)
}

// pageToken reads pageID's token from /me/accounts.
func (e *fbEnv) pageToken(userTok, pageID string) string {
	e.t.Helper()
	status, body := e.graph(http.MethodGet, "/me/accounts", url.Values{"access_token": {userTok}, "limit": {"100"}})
	if status != http.StatusOK {
		e.t.Fatalf("me/accounts: %d %v", status, body)
	}
	for _, p := range body["data"].([]any) {
		if p := p.(map[string]any); p["id"] == pageID {
			return p["access_token"].(string)
		}
	}
	e.t.Fatalf("page %s not in %v", pageID, body)
	return ""
}

// coffee connects the default user with a long-lived token and returns the
// Acme Coffee page token.
func (e *fbEnv) coffee() string {
	e.t.Helper()
	return e.pageToken(e.longToken(e.userToken("default")), fbCoffee)
}

func TestFacebookLogin_AutoApproveAndExchange(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	cfg := e.oauthConfig()
	q := e.redirectOf(cfg.AuthCodeURL("state-1") + "&auto=1")
	if q.Get("state") != "state-1" || q.Get("code") == "" {
		t.Fatalf("redirect query = %v", q)
	}
	tok, err := cfg.Exchange(e.ctx(), q.Get("code"))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if tok.TokenType != "bearer" || tok.Extra("expires_in") != float64(3600) {
		t.Errorf("token type %q, expires_in %v; want bearer, 3600", tok.TokenType, tok.Extra("expires_in"))
	}
	status, me := e.graph(http.MethodGet, "/me", url.Values{"access_token": {tok.AccessToken}})
	if status != http.StatusOK || me["name"] != "Alex Marketer" || me["id"] != "10150000000000001" {
		t.Errorf("/me = %d %v", status, me)
	}
	// Codes are single-use.
	_, err = cfg.Exchange(e.ctx(), q.Get("code"))
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || !strings.Contains(string(re.Body), `"error_subcode":36009`) {
		t.Errorf("second exchange: %v, want 100/36009", err)
	}
	// The token request was a form POST carrying the redirect_uri.
	reqs := e.sim.RequestsTo("graph.facebook.com", "/v25.0/oauth/access_token")
	if len(reqs) != 2 || reqs[0].Method != http.MethodPost || !bytes.Contains(reqs[0].Body, []byte("redirect_uri=")) {
		t.Errorf("recorded token requests = %+v", reqs)
	}
}

var fbLinkRE = regexp.MustCompile(`id="(approve|deny)" href="([^"]+)"`)

// consentLinks fetches the HTML consent page and returns its Approve and Deny URLs.
func (e *fbEnv) consentLinks(authURL string) map[string]string {
	e.t.Helper()
	resp, err := e.srv.Client().Get(authURL)
	if err != nil {
		e.t.Fatalf("GET consent: %v", err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !bytes.Contains(page, []byte("Facebook")) {
		e.t.Fatalf("consent page: %s %s", ct, page)
	}
	base, _ := url.Parse(authURL)
	links := map[string]string{}
	for _, m := range fbLinkRE.FindAllStringSubmatch(string(page), -1) {
		ref, _ := url.Parse(html.UnescapeString(m[2]))
		links[m[1]] = base.ResolveReference(ref).String()
	}
	if len(links) != 2 {
		e.t.Fatalf("consent page links = %v in %s", links, page)
	}
	return links
}

func TestFacebookLogin_ConsentPageButtons(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	cfg := e.oauthConfig()
	links := e.consentLinks(cfg.AuthCodeURL("s-approve"))
	q := e.redirectOf(links["approve"])
	if _, err := cfg.Exchange(e.ctx(), q.Get("code")); err != nil || q.Get("state") != "s-approve" {
		t.Errorf("approve: state %q, exchange %v", q.Get("state"), err)
	}
	deny := e.redirectOf(e.consentLinks(cfg.AuthCodeURL("s-deny"))["deny"])
	want := url.Values{"error": {"access_denied"}, "error_reason": {"user_denied"},
		"error_description": {"Permissions error"}, "state": {"s-deny"}}
	if deny.Encode() != want.Encode() {
		t.Errorf("deny redirect = %v, want %v", deny, want)
	}
}

func TestFacebookTokenExchange_Errors(t *testing.T) {
	t.Parallel()
	app := sim.SandboxApps["facebook"]
	tests := []struct {
		name          string
		mod           func(url.Values)
		advance       time.Duration
		code, subcode int
	}{
		{"wrong secret", func(v url.Values) { v.Set("client_secret", "nope") }, 0, 1, 0},
		{"wrong client", func(v url.Values) { v.Set("client_id", "other-app") }, 0, 101, 0},
		{"other redirect_uri", func(v url.Values) { v.Set("redirect_uri", "https://evil.example/cb") }, 0, 100, 36008},
		{"unknown code", func(v url.Values) { v.Set("code", "made-up") }, 0, 100, 0},
		{"expired code", func(url.Values) {}, 10*time.Minute + time.Second, 100, 36007},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newFBEnv(t, nil)
			q := e.redirectOf(e.oauthConfig().AuthCodeURL("s") + "&auto=1")
			e.clock.Advance(tt.advance)
			params := url.Values{"client_id": {app.ID}, "client_secret": {app.Secret},
				"redirect_uri": {fbRedirect}, "code": {q.Get("code")}}
			tt.mod(params)
			status, body := e.graph(http.MethodGet, "/oauth/access_token", params)
			if code, sub := graphErr(body); status != http.StatusBadRequest || code != tt.code || sub != tt.subcode {
				t.Errorf("= %d %v; want 400 code %d subcode %d", status, body, tt.code, tt.subcode)
			}
		})
	}
}

func TestFacebookLongLived_AndExpiry(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	short := e.userToken("default")
	long := e.longToken(short)
	shortPage := e.pageToken(short, fbCoffee)
	longPage := e.pageToken(long, fbCoffee)

	e.clock.Advance(time.Hour)
	app := sim.SandboxApps["facebook"]
	status, body := e.graph(http.MethodGet, "/oauth/access_token", url.Values{"grant_type": {"fb_exchange_token"},
		"client_id": {app.ID}, "client_secret": {app.Secret}, "fb_exchange_token": {short}})
	if code, sub := graphErr(body); status != http.StatusBadRequest || code != 190 || sub != 463 {
		t.Errorf("exchanging an expired token = %d %v, want 190/463", status, body)
	}
	if !strings.HasPrefix(graphMsg(body), "Error validating access token: Session has expired") {
		t.Errorf("message = %q", graphMsg(body))
	}
	// A page token from a short-lived user token lives 1 h, one from a
	// long-lived token does not expire, even after the user token did.
	e.clock.Advance(61 * 24 * time.Hour)
	if status, body := e.graph(http.MethodPost, "/"+fbCoffee+"/feed", url.Values{"access_token": {shortPage}, "message": {"a"}}); status != 400 {
		t.Errorf("post with expired page token = %d %v", status, body)
	}
	if status, body := e.graph(http.MethodPost, "/"+fbCoffee+"/feed", url.Values{"access_token": {longPage}, "message": {"b"}}); status != 200 {
		t.Errorf("post with long-lived page token = %d %v", status, body)
	}
	if status, body := e.graph(http.MethodGet, "/me", url.Values{"access_token": {long}}); status != 400 {
		t.Errorf("/me with a 61-day-old long-lived token = %d %v", status, body)
	}
}

func TestFacebookAccounts_PagingAndFields(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	tok := e.longToken(e.userToken("many"))
	next := e.srv.URL + "/graph.facebook.com/v25.0/me/accounts?fields=id,name,access_token,tasks,category"
	var ids []string
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		req, _ := http.NewRequest(http.MethodGet, next, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		status, _, body := e.do(req)
		if status != http.StatusOK {
			t.Fatalf("GET %s = %d %v", next, status, body)
		}
		data := body["data"].([]any)
		if pages == 0 && len(data) != 25 {
			t.Errorf("first page has %d pages, want the default limit 25", len(data))
		}
		for _, d := range data {
			p := d.(map[string]any)
			if p["access_token"] == "" || p["category"] == nil || len(p["tasks"].([]any)) != 5 {
				t.Errorf("page = %v", p)
			}
			ids = append(ids, p["id"].(string))
		}
		paging := body["paging"].(map[string]any)
		next, _ = paging["next"].(string)
		if next != "" { // a real graph.facebook.com URL; the rewrite maps it here
			if !strings.HasPrefix(next, "https://graph.facebook.com/v25.0/me/accounts?") {
				t.Fatalf("next = %q", next)
			}
			next = e.srv.URL + "/" + strings.TrimPrefix(next, "https://")
		}
	}
	if len(ids) != 30 || ids[0] != "2000000000000001" || ids[29] != "2000000000000030" {
		t.Errorf("ids = %v", ids)
	}

	def := e.userToken("default")
	_, body := e.graph(http.MethodGet, "/me/accounts", url.Values{"access_token": {def}, "fields": {"id,name,instagram_business_account"}})
	data := body["data"].([]any)
	coffee, bakery := data[0].(map[string]any), data[1].(map[string]any)
	if ig, _ := coffee["instagram_business_account"].(map[string]any); ig["id"] != "17841400000000001" || coffee["access_token"] != nil {
		t.Errorf("coffee = %v", coffee)
	}
	if _, ok := bakery["instagram_business_account"]; ok {
		t.Errorf("bakery has no IG account: %v", bakery)
	}
	_, page := e.graph(http.MethodGet, "/"+fbCoffee, url.Values{"access_token": {def}, "fields": {"instagram_business_account,name"}})
	if ig, _ := page["instagram_business_account"].(map[string]any); ig["id"] != "17841400000000001" || page["name"] != "Acme Coffee" || page["id"] != fbCoffee {
		t.Errorf("GET page = %v", page)
	}
}

func TestFacebookFeed_TextAndLink(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	tok := e.coffee()
	status, body := e.graph(http.MethodPost, "/"+fbCoffee+"/feed", url.Values{"access_token": {tok}, "message": {"Fresh roast today"}})
	id, _ := body["id"].(string)
	if status != http.StatusOK || !strings.HasPrefix(id, fbCoffee+"_") {
		t.Fatalf("feed = %d %v", status, body)
	}
	status, post := e.graph(http.MethodGet, "/"+id, url.Values{"access_token": {tok},
		"fields": {"id,message,is_published,permalink_url,created_time"}})
	_, num, _ := strings.Cut(id, "_")
	if status != 200 || post["message"] != "Fresh roast today" || post["is_published"] != true ||
		post["permalink_url"] != "https://www.facebook.com/"+fbCoffee+"/posts/"+num || post["created_time"] != "2026-03-02T09:00:00+0000" {
		t.Errorf("GET post = %d %v", status, post)
	}
	// JSON body with a bearer token, link only.
	status, body = e.graphJSON("/"+fbCoffee+"/feed", tok, map[string]any{"link": "https://acme.example/menu"})
	if status != http.StatusOK {
		t.Errorf("link post = %d %v", status, body)
	}
	status, body = e.graph(http.MethodPost, "/"+fbCoffee+"/feed", url.Values{"access_token": {tok}, "published": {"true"}})
	if code, _ := graphErr(body); status != 400 || code != 100 {
		t.Errorf("no message or link = %d %v", status, body)
	}
	posts := e.sim.Posts("facebook")
	if len(posts) != 2 || posts[0].Text != "Fresh roast today" || !posts[0].Published || posts[0].AccountID != fbCoffee {
		t.Errorf("Posts = %+v", posts)
	}
	// The recorded request is what the client sent, token included.
	reqs := e.sim.RequestsTo("graph.facebook.com", "/v25.0/"+fbCoffee+"/feed")
	if len(reqs) != 3 || reqs[1].Header.Get("Authorization") != "Bearer "+tok || reqs[1].Header.Get("Content-Type") != "application/json" ||
		!bytes.Contains(reqs[0].Body, []byte("message=Fresh+roast+today")) || reqs[0].BodyDigest == "" {
		t.Errorf("recorded = %+v", reqs)
	}
}

func TestFacebookFeed_ScheduleWindow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		ahead time.Duration
		iso   bool
		ok    bool
	}{
		{"9m59s", 10*time.Minute - time.Second, false, false},
		{"10m", 10 * time.Minute, false, true},
		{"75d", 75 * 24 * time.Hour, false, true},
		{"75d+1s", 75*24*time.Hour + time.Second, false, false},
		{"ISO 8601 10m", 10 * time.Minute, true, true},
		{"past", -time.Hour, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newFBEnv(t, nil)
			tok := e.coffee()
			at := e.clock.Now().Add(tt.ahead)
			when := strconv.FormatInt(at.Unix(), 10)
			if tt.iso {
				when = at.In(time.FixedZone("", 3600)).Format(time.RFC3339)
			}
			status, body := e.graph(http.MethodPost, "/"+fbCoffee+"/feed", url.Values{"access_token": {tok},
				"message": {"Spring menu"}, "published": {"false"}, "scheduled_publish_time": {when},
				"unpublished_content_type": {"SCHEDULED"}})
			if !tt.ok {
				if code, _ := graphErr(body); status != 400 || code != 100 || graphMsg(body) != "(#100) The specified scheduled publish time is invalid." {
					t.Errorf("= %d %v, want 400 code 100", status, body)
				}
				return
			}
			if status != http.StatusOK {
				t.Fatalf("= %d %v", status, body)
			}
			posts := e.sim.Posts("facebook")
			if len(posts) != 1 || posts[0].ScheduledAt == nil || !posts[0].ScheduledAt.Equal(at) || posts[0].Published {
				t.Errorf("Posts = %+v", posts)
			}
		})
	}
}

func TestFacebookFeed_ScheduledLifecycle(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	tok := e.coffee()
	post := func(params url.Values) (int, map[string]any) {
		params.Set("access_token", tok)
		return e.graph(http.MethodPost, "/"+fbCoffee+"/feed", params)
	}
	in := func(d time.Duration) string { return strconv.FormatInt(e.clock.Now().Add(d).Unix(), 10) }
	status, body := post(url.Values{"message": {"later"}, "scheduled_publish_time": {in(time.Hour)}})
	if code, _ := graphErr(body); status != 400 || code != 100 {
		t.Errorf("schedule without published=false = %d %v", status, body)
	}
	_, body = post(url.Values{"message": {"later"}, "published": {"false"}, "scheduled_publish_time": {in(time.Hour)}})
	id := body["id"].(string)
	list := func(edge string) []string {
		_, body := e.graph(http.MethodGet, "/"+fbCoffee+"/"+edge, url.Values{"access_token": {tok}, "fields": {"id,message,scheduled_publish_time"}})
		var ids []string
		for _, d := range body["data"].([]any) {
			ids = append(ids, d.(map[string]any)["id"].(string))
		}
		return ids
	}
	if s, f := list("scheduled_posts"), list("feed"); len(s) != 1 || s[0] != id || len(f) != 0 {
		t.Errorf("scheduled_posts %v, feed %v", s, f)
	}
	// Reschedule: the window rule applies again.
	if status, body := e.graph(http.MethodPost, "/"+id, url.Values{"access_token": {tok}, "scheduled_publish_time": {in(5 * time.Minute)}}); status != 400 {
		t.Errorf("reschedule to 5 min = %d %v", status, body)
	}
	if status, body := e.graph(http.MethodPost, "/"+id, url.Values{"access_token": {tok}, "scheduled_publish_time": {in(2 * time.Hour)}}); status != 200 || body["success"] != true {
		t.Errorf("reschedule to 2 h = %d %v", status, body)
	}
	_, got := e.graph(http.MethodGet, "/"+id, url.Values{"access_token": {tok}, "fields": {"scheduled_publish_time,is_published"}})
	if got["scheduled_publish_time"] != float64(e.clock.Now().Add(2*time.Hour).Unix()) || got["is_published"] != false {
		t.Errorf("after reschedule = %v", got)
	}
	// Its time comes: it is on the feed, no longer scheduled.
	e.clock.Advance(2 * time.Hour)
	if s, f := list("scheduled_posts"), list("feed"); len(s) != 0 || len(f) != 1 {
		t.Errorf("after publish time: scheduled_posts %v, feed %v", s, f)
	}
	// Publish another one now with is_published=true; then delete it.
	_, body = post(url.Values{"message": {"soon"}, "published": {"false"}, "scheduled_publish_time": {in(time.Hour)}})
	id2 := body["id"].(string)
	if status, _ := e.graph(http.MethodPost, "/"+id2, url.Values{"access_token": {tok}, "is_published": {"true"}}); status != 200 {
		t.Errorf("is_published=true = %d", status)
	}
	if f := list("feed"); len(f) != 2 || f[0] != id2 {
		t.Errorf("feed newest first = %v, want %s first", f, id2)
	}
	req, _ := http.NewRequest(http.MethodDelete, e.srv.URL+"/graph.facebook.com/v25.0/"+id2, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if status, _, body := e.do(req); status != 200 || body["success"] != true {
		t.Errorf("DELETE = %d %v", status, body)
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		status, body := e.graph(m, "/"+id2, url.Values{"access_token": {tok}})
		if code, sub := graphErr(body); status != 400 || code != 100 || sub != 33 || !strings.Contains(graphMsg(body), "'"+id2+"' does not exist") {
			t.Errorf("%s deleted post = %d %v, want 100/33", m, status, body)
		}
	}
}

func TestFacebookFeed_Duplicate506(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	tok := e.coffee()
	post := func(msg string) (int, int) {
		status, body := e.graph(http.MethodPost, "/"+fbCoffee+"/feed", url.Values{"access_token": {tok}, "message": {msg}})
		code, _ := graphErr(body)
		return status, code
	}
	if s, _ := post("Same words"); s != 200 {
		t.Fatalf("first post = %d", s)
	}
	if s, code := post("Same words"); s != 400 || code != 506 {
		t.Errorf("duplicate = %d code %d, want 400 code 506", s, code)
	}
	e.clock.Advance(24 * time.Hour)
	if s, _ := post("Same words"); s != 200 {
		t.Errorf("same words a day later = %d, want 200", s)
	}
}

func TestFacebookPhotos(t *testing.T) {
	t.Parallel()
	images := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cup.png" {
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write([]byte("\x89PNG\r\n\x1a\n"))
			return
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>not an image</html>"))
	}))
	t.Cleanup(images.Close)
	e := newFBEnv(t, func(o *sim.Options) { o.FetchMedia = true })
	tok := e.coffee()
	photo := func(params url.Values) (int, map[string]any) {
		params.Set("access_token", tok)
		return e.graph(http.MethodPost, "/"+fbCoffee+"/photos", params)
	}
	status, body := photo(url.Values{"url": {images.URL + "/cup.png"}, "caption": {"Latte art"}})
	if status != 200 || body["id"] == nil || !strings.HasPrefix(fmt.Sprint(body["post_id"]), fbCoffee+"_") {
		t.Errorf("published photo = %d %v", status, body)
	}
	for name, params := range map[string]url.Values{
		"not an image": {"url": {images.URL + "/page.html"}},
		"no url":       {"caption": {"x"}},
	} {
		if status, body := photo(params); status != 400 || graphMsg(body) == "" {
			t.Errorf("%s = %d %v", name, status, body)
		} else if code, _ := graphErr(body); code != 324 {
			t.Errorf("%s: code %d, want 324", name, code)
		}
	}
	// Multi-photo: unpublished photos, then attached_media as form fields and as JSON.
	var ids []string
	for range 4 {
		status, body := photo(url.Values{"url": {images.URL + "/cup.png"}, "published": {"false"}, "temporary": {"true"}})
		if status != 200 || body["post_id"] != nil {
			t.Fatalf("unpublished photo = %d %v", status, body)
		}
		ids = append(ids, body["id"].(string))
	}
	form := url.Values{"access_token": {tok}, "message": {"Our cups"}}
	for i, id := range ids[:2] {
		form.Set(fmt.Sprintf("attached_media[%d]", i), `{"media_fbid":"`+id+`"}`)
	}
	if status, body := e.graph(http.MethodPost, "/"+fbCoffee+"/feed", form); status != 200 {
		t.Errorf("attached_media form = %d %v", status, body)
	}
	status, body = e.graphJSON("/"+fbCoffee+"/feed", tok, map[string]any{"message": "More cups",
		"attached_media": []map[string]string{{"media_fbid": ids[2]}, {"media_fbid": ids[3]}}})
	if status != 200 {
		t.Errorf("attached_media JSON = %d %v", status, body)
	}
	posts := e.sim.Posts("facebook")
	if got := posts[len(posts)-1].Media; len(got) != 2 || got[0] != ids[2] || got[1] != ids[3] {
		t.Errorf("recorded media = %v", got)
	}
	// A photo can be attached once only.
	status, body = e.graphJSON("/"+fbCoffee+"/feed", tok, map[string]any{"message": "Again",
		"attached_media": []map[string]string{{"media_fbid": ids[0]}}})
	if code, _ := graphErr(body); status != 400 || code != 100 {
		t.Errorf("reused photo = %d %v", status, body)
	}
}

func TestFacebookPhotos_MultipartSourceAndSchedule(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	tok := e.coffee()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("access_token", tok)
	_ = mw.WriteField("caption", "From disk")
	_ = mw.WriteField("published", "false")
	_ = mw.WriteField("scheduled_publish_time", strconv.FormatInt(e.clock.Now().Add(time.Hour).Unix(), 10))
	fw, _ := mw.CreateFormFile("source", "cup.gif")
	_, _ = fw.Write([]byte("GIF89a\x01\x00\x01\x00"))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/graph.facebook.com/v25.0/"+fbCoffee+"/photos", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	status, _, body := e.do(req)
	if status != 200 || body["post_id"] != nil {
		t.Fatalf("scheduled photo = %d %v", status, body)
	}
	posts := e.sim.Posts("facebook")
	if len(posts) != 1 || posts[0].ScheduledAt == nil || posts[0].Text != "From disk" {
		t.Errorf("Posts = %+v", posts)
	}
	// The photo id cancels the scheduled photo post.
	status, body = e.graph(http.MethodDelete, "/"+body["id"].(string), url.Values{"access_token": {tok}})
	if status != 200 || !e.sim.Posts("facebook")[0].Deleted {
		t.Errorf("DELETE photo = %d %v", status, body)
	}
}

func TestFacebookAuthErrors(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	user := e.userToken("default")
	coffee := e.pageToken(user, fbCoffee)
	bakery := e.pageToken(user, fbBakery)
	app := sim.SandboxApps["facebook"]
	tests := []struct {
		name          string
		params        url.Values
		code, subcode int
	}{
		{"no token", url.Values{}, 104, 0},
		{"unknown token", url.Values{"access_token": {"EAAmadeup"}}, 190, 0},
		{"user token", url.Values{"access_token": {user}}, 200, 0},
		{"other page's token", url.Values{"access_token": {bakery}}, 200, 0},
		{"bad appsecret_proof", url.Values{"access_token": {coffee}, "appsecret_proof": {"00"}}, 100, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.params.Set("message", tt.name)
			status, body := e.graph(http.MethodPost, "/"+fbCoffee+"/feed", tt.params)
			if code, sub := graphErr(body); status != 400 || code != tt.code || sub != tt.subcode {
				t.Errorf("= %d %v; want 400 %d/%d", status, body, tt.code, tt.subcode)
			}
		})
	}
	t.Run("good appsecret_proof", func(t *testing.T) {
		t.Parallel()
		status, body := e.graph(http.MethodPost, "/"+fbCoffee+"/feed", url.Values{"access_token": {coffee},
			"appsecret_proof": {sim.AppSecretProof(app.Secret, coffee)}, "message": {"proof"}})
		if status != 200 {
			t.Errorf("= %d %v", status, body)
		}
	})
	t.Run("unknown object", func(t *testing.T) {
		t.Parallel()
		status, body := e.graph(http.MethodGet, "/999999999", url.Values{"access_token": {coffee}})
		if code, sub := graphErr(body); status != 400 || code != 100 || sub != 33 {
			t.Errorf("= %d %v", status, body)
		}
	})
}

func TestFacebookExpiredAndRevokedTokens(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	tok := e.coffee()
	feed := func() (int, int, int) {
		status, body := e.graph(http.MethodPost, "/"+fbCoffee+"/feed", url.Values{"access_token": {tok}, "message": {"hi"}})
		code, sub := graphErr(body)
		return status, code, sub
	}
	if n := e.sim.ExpireAccessTokens("facebook"); n == 0 {
		t.Fatal("ExpireAccessTokens expired nothing")
	}
	if status, code, sub := feed(); status != 400 || code != 190 || sub != 463 {
		t.Errorf("expired = %d %d/%d, want 400 190/463", status, code, sub)
	}
	tok = e.coffee()
	e.sim.RevokeAccessTokens("facebook", fbCoffee)
	if status, code, sub := feed(); status != 400 || code != 190 || sub != 458 {
		t.Errorf("revoked = %d %d/%d, want 400 190/458", status, code, sub)
	}
}

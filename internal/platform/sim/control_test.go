package sim_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform/sim"
)

// ctl calls the control API with a JSON body ("" = none).
func (e *fbEnv) ctl(method, path, body string) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	status, _, out := e.do(req)
	return status, out
}

// hit sends an empty request to /HOST/PATH and returns status, headers and body.
func (e *fbEnv) hit(method, hostPath string) (int, http.Header, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+hostPath, nil)
	return e.do(req)
}

func TestControl_OneOffErrorThenSuccess(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	tok := e.coffee()
	status, _ := e.ctl(http.MethodPost, "/_sim/faults",
		`{"path":"/graph.facebook.com/v25.0/`+fbCoffee+`/feed","method":"POST","kind":"error","times":1}`)
	if status != http.StatusCreated {
		t.Fatalf("POST /_sim/faults = %d", status)
	}
	post := func() (int, map[string]any) {
		return e.graph(http.MethodPost, "/"+fbCoffee+"/feed", url.Values{"access_token": {tok}, "message": {"retry me"}})
	}
	status, body := post()
	errBody, _ := body["error"].(map[string]any)
	if code, _ := graphErr(body); status != 500 || code != 2 || errBody["is_transient"] != true ||
		errBody["message"] != "An unexpected error has occurred. Please retry your request later." {
		t.Errorf("first call = %d %v, want 500 code 2 transient", status, body)
	}
	if status, body := post(); status != 200 {
		t.Errorf("second call = %d %v, want 200", status, body)
	}
	if n := len(e.sim.Posts("facebook")); n != 1 {
		t.Errorf("posts = %d, want 1 (the failed call made none)", n)
	}
}

func TestControl_RateLimitWithRetryAfter(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	e.ctl(http.MethodPost, "/_sim/faults", `{"path":"/api.x.com/2/tweets","kind":"rate_limit","times":1,"retry_after_ms":30000}`)
	status, h, body := e.hit(http.MethodPost, "/api.x.com/2/tweets")
	want := map[string]any{"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": float64(429)}
	if status != 429 || !reflect.DeepEqual(body, want) {
		t.Errorf("= %d %v, want 429 %v", status, body, want)
	}
	reset := strconv.FormatInt(e.clock.Now().Add(30*time.Second).Unix(), 10)
	if h.Get("Retry-After") != "30" || h.Get("x-rate-limit-reset") != reset || h.Get("x-rate-limit-remaining") != "0" ||
		h.Get("x-rate-limit-limit") == "" || h.Get("Content-Type") != "application/problem+json" {
		t.Errorf("headers = %v, want Retry-After 30, reset %s", h, reset)
	}
	if status, _, _ := e.hit(http.MethodPost, "/api.x.com/2/tweets"); status == 429 {
		t.Error("the one-off 429 fired twice")
	}
}

// Each platform's fault, set through the control API, answers in that
// platform's own error shape.
func TestFault_PlatformShapes(t *testing.T) {
	t.Parallel()
	errOf := func(b map[string]any) map[string]any { m, _ := b["error"].(map[string]any); return m }
	tests := []struct {
		name   string
		path   string
		kind   string
		status int // Fault.Status override
		code   int
		want   int
		check  func(h http.Header, b map[string]any) bool
	}{
		{"graph expired", "/graph.facebook.com/v25.0/me", sim.FaultExpiredToken, 0, 0, 400, func(_ http.Header, b map[string]any) bool {
			c, s := graphErr(b)
			return c == 190 && s == 463 && errOf(b)["type"] == "OAuthException"
		}},
		{"graph rate limit", "/graph.facebook.com/v25.0/me", sim.FaultRateLimit, 0, 0, 400, func(h http.Header, b map[string]any) bool {
			c, _ := graphErr(b)
			return c == 4 && graphMsg(b) == "(#4) Application request limit reached" && h.Get("X-App-Usage") != ""
		}},
		{"graph page limit 32", "/graph.facebook.com/v25.0/me", sim.FaultRateLimit, 0, 32, 400, func(_ http.Header, b map[string]any) bool {
			c, _ := graphErr(b)
			return c == 32
		}},
		{"graph duplicate", "/graph.facebook.com/v25.0/1/feed", sim.FaultDuplicate, 0, 0, 400, func(_ http.Header, b map[string]any) bool {
			c, _ := graphErr(b)
			return c == 506
		}},
		{"instagram error", "/graph.instagram.com/v25.0/me", sim.FaultError, 0, 0, 500, func(_ http.Header, b map[string]any) bool {
			c, _ := graphErr(b)
			return c == 2 && errOf(b)["is_transient"] == true
		}},
		{"x expired", "/api.x.com/2/users/me", sim.FaultExpiredToken, 0, 0, 401, func(_ http.Header, b map[string]any) bool {
			return reflect.DeepEqual(b, map[string]any{"title": "Unauthorized", "type": "about:blank", "status": float64(401), "detail": "Unauthorized"})
		}},
		{"x duplicate", "/api.x.com/2/tweets", sim.FaultDuplicate, 0, 0, 403, func(_ http.Header, b map[string]any) bool {
			return b["detail"] == "You are not allowed to create a Tweet with duplicate content."
		}},
		{"linkedin expired", "/api.linkedin.com/v2/userinfo", sim.FaultExpiredToken, 0, 0, 401, func(_ http.Header, b map[string]any) bool {
			return b["message"] == "Expired access token" && b["status"] == float64(401) && b["serviceErrorCode"] != nil
		}},
		{"linkedin throttle", "/api.linkedin.com/v2/ugcPosts", sim.FaultRateLimit, 0, 0, 429, func(_ http.Header, b map[string]any) bool {
			return b["status"] == float64(429) && strings.Contains(b["message"].(string), "throttle")
		}},
		{"google expired", "/www.googleapis.com/youtube/v3/channels", sim.FaultExpiredToken, 0, 0, 401, func(_ http.Header, b map[string]any) bool {
			e := errOf(b)
			item := e["errors"].([]any)[0].(map[string]any)
			return e["code"] == float64(401) && e["status"] == "UNAUTHENTICATED" && item["reason"] == "authError"
		}},
		{"google rate 403", "/www.googleapis.com/youtube/v3/videos", sim.FaultRateLimit, 403, 0, 403, func(_ http.Header, b map[string]any) bool {
			item := errOf(b)["errors"].([]any)[0].(map[string]any)
			return item["reason"] == "rateLimitExceeded" && errOf(b)["code"] == float64(403)
		}},
		{"youtube backend", "/youtube.googleapis.com/upload/youtube/v3/videos", sim.FaultError, 0, 0, 503, func(_ http.Header, b map[string]any) bool {
			return errOf(b)["errors"].([]any)[0].(map[string]any)["reason"] == "backendError"
		}},
		{"google token endpoint", "/oauth2.googleapis.com/token", sim.FaultRateLimit, 0, 0, 429, func(_ http.Header, b map[string]any) bool {
			return b["error"] == "rate_limit_exceeded" && b["error_description"] != ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newFBEnv(t, nil)
			fault := fmt.Sprintf(`{"path":%q,"kind":%q,"status":%d,"code":%d,"times":1}`, tt.path, tt.kind, tt.status, tt.code)
			if status, body := e.ctl(http.MethodPost, "/_sim/faults", fault); status != http.StatusCreated {
				t.Fatalf("POST /_sim/faults %s = %d %v", fault, status, body)
			}
			status, h, body := e.hit(http.MethodPost, tt.path)
			if status != tt.want || !tt.check(h, body) {
				t.Errorf("= %d %v %v; want %d", status, h, body, tt.want)
			}
		})
	}
}

func TestFault_MatchingTimesAndClear(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	const me = "/graph.facebook.com/v25.0/me" // without a token: 400 code 104 when no fault fires
	faulted := func(method string) bool {
		status, _, _ := e.hit(method, me)
		return status == http.StatusInternalServerError
	}
	e.sim.InjectFault(sim.Fault{Path: "/graph.facebook.com/", Method: http.MethodPost, Kind: sim.FaultError})
	if faulted(http.MethodGet) {
		t.Error("a POST fault fired on GET")
	}
	e.sim.ClearFaults()
	e.sim.InjectFault(sim.Fault{Path: me, Kind: sim.FaultError, Times: 2})
	got := []bool{faulted(http.MethodGet), faulted(http.MethodGet), faulted(http.MethodGet)}
	if !reflect.DeepEqual(got, []bool{true, true, false}) {
		t.Errorf("Times 2: %v", got)
	}
	e.sim.InjectFault(sim.Fault{Path: "/graph.facebook.com/v25.0/m", Kind: sim.FaultError, Rate: 1})
	if !faulted(http.MethodGet) || !faulted(http.MethodGet) {
		t.Error("rate 1 fault did not fire on every call")
	}
	if status, _ := e.ctl(http.MethodDelete, "/_sim/faults", ""); status != 200 || faulted(http.MethodGet) {
		t.Errorf("DELETE /_sim/faults = %d, fault still fires", status)
	}
}

func TestFault_Rate(t *testing.T) {
	t.Parallel()
	s := sim.New(sim.Options{})
	s.InjectFault(sim.Fault{Path: "/api.x.com/", Kind: sim.FaultError, Rate: 0.5})
	failed := 0
	for range 400 {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api.x.com/2/users/me", nil))
		if w.Code == http.StatusServiceUnavailable {
			failed++
		}
	}
	if failed < 120 || failed > 280 { // p = 0.5, n = 400: ±8 standard deviations
		t.Errorf("%d of 400 calls failed at rate 0.5", failed)
	}
}

func TestControl_Latency(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	const me = "/graph.facebook.com/v25.0/me"
	timed := func() time.Duration {
		start := time.Now()
		e.hit(http.MethodGet, me)
		return time.Since(start)
	}
	if status, _ := e.ctl(http.MethodPost, "/_sim/latency", `{"ms":40}`); status != 200 {
		t.Fatalf("POST /_sim/latency = %d", status)
	}
	if d := timed(); d < 40*time.Millisecond {
		t.Errorf("call took %v with 40 ms latency", d)
	}
	// Latency honours the request context: a client that gives up is let go.
	e.sim.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+me, nil)
	if _, err := e.srv.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the client's deadline", err)
	}
	e.sim.SetLatency(0)
	// A fault without a kind only slows its path down, then serves it.
	e.ctl(http.MethodPost, "/_sim/faults", `{"path":"`+me+`","latency_ms":40,"times":1}`)
	start := time.Now()
	status, _, body := e.hit(http.MethodGet, me)
	if code, _ := graphErr(body); time.Since(start) < 40*time.Millisecond || status != 400 || code != 104 {
		t.Errorf("latency fault: %v, %d %v", time.Since(start), status, body)
	}
}

func TestControl_BadRequests(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	tests := []struct{ name, path, body, want string }{
		{"broken JSON", "/_sim/faults", `{"path":`, "bad JSON body"},
		{"empty body", "/_sim/faults", ``, "empty body"},
		{"unknown field", "/_sim/faults", `{"path":"/api.x.com/","kind":"error","retry_after":5}`, "unknown field"},
		{"unknown kind", "/_sim/faults", `{"path":"/api.x.com/","kind":"boom"}`, "kind"},
		{"path without slash", "/_sim/faults", `{"path":"api.x.com","kind":"error"}`, "path"},
		{"rate above 1", "/_sim/faults", `{"path":"/api.x.com/","kind":"error","rate":2}`, "rate"},
		{"latency without ms", "/_sim/latency", `{}`, "ms"},
		{"negative latency", "/_sim/latency", `{"ms":-1}`, "ms"},
		{"unknown platform", "/_sim/revoke", `{"platform":"myspace"}`, "platform"},
		{"expire without platform", "/_sim/expire", `{}`, "platform"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := e.ctl(http.MethodPost, tt.path, tt.body)
			if msg, _ := body["error"].(string); status != 400 || !strings.Contains(msg, tt.want) {
				t.Errorf("= %d %v, want 400 mentioning %q", status, body, tt.want)
			}
		})
	}
}

func TestControl_RequestLogAndPosts(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	tok := e.coffee()
	e.graph(http.MethodPost, "/"+fbCoffee+"/feed", url.Values{"access_token": {tok}, "message": {"logged"}})
	e.ctl(http.MethodGet, "/_sim/posts", "") // control calls are not recorded
	_, body := e.ctl(http.MethodGet, "/_sim/requests?host=graph.facebook.com&path_prefix=/v25.0/"+fbCoffee+"/feed", "")
	reqs, _ := body["requests"].([]any)
	if len(reqs) != 1 {
		t.Fatalf("requests = %v", body)
	}
	r := reqs[0].(map[string]any)
	ct, _ := r["header"].(map[string]any)["Content-Type"].([]any)
	if r["method"] != "POST" || r["host"] != "graph.facebook.com" || r["body_sha256"] == "" || len(ct) != 1 {
		t.Errorf("request = %v", r)
	}
	for _, rec := range e.sim.Requests() {
		if strings.HasPrefix(rec.Host, "_sim") {
			t.Errorf("control call recorded: %+v", rec)
		}
	}
	_, body = e.ctl(http.MethodGet, "/_sim/posts?platform=facebook", "")
	if posts, _ := body["posts"].([]any); len(posts) != 1 || posts[0].(map[string]any)["text"] != "logged" {
		t.Errorf("posts = %v", body)
	}
	if _, body = e.ctl(http.MethodGet, "/_sim/posts?platform=twitter", ""); len(body["posts"].([]any)) != 0 {
		t.Errorf("twitter posts = %v", body)
	}
	if status, body := e.ctl(http.MethodDelete, "/_sim/requests", ""); status != 200 || body["cleared"].(float64) < 1 {
		t.Errorf("DELETE /_sim/requests = %d %v", status, body)
	}
	if _, body = e.ctl(http.MethodGet, "/_sim/requests", ""); len(body["requests"].([]any)) != 0 {
		t.Errorf("after clear: %v", body)
	}
}

func TestControl_ExpireAndRevoke(t *testing.T) {
	t.Parallel()
	e := newFBEnv(t, nil)
	tok := e.coffee()
	feed := func() (int, int) {
		_, body := e.graph(http.MethodPost, "/"+fbCoffee+"/feed", url.Values{"access_token": {tok}, "message": {"x" + tok}})
		return graphErr(body)
	}
	if status, body := e.ctl(http.MethodPost, "/_sim/expire", `{"platform":"facebook"}`); status != 200 || body["expired"].(float64) < 1 {
		t.Errorf("expire = %d %v", status, body)
	}
	if code, sub := feed(); code != 190 || sub != 463 {
		t.Errorf("after expire: %d/%d, want 190/463", code, sub)
	}
	tok = e.coffee()
	status, body := e.ctl(http.MethodPost, "/_sim/revoke", `{"platform":"facebook","access_tokens":true}`)
	if status != 200 || body["access_tokens"].(float64) < 1 || body["refresh_tokens"] != float64(0) {
		t.Errorf("revoke = %d %v", status, body)
	}
	if code, sub := feed(); code != 190 || sub != 458 {
		t.Errorf("after revoke: %d/%d, want 190/458", code, sub)
	}
}

// The control API hides credentials; the request log stays bounded.
func TestControlRedactsAndBounds(t *testing.T) {
	t.Parallel()
	s := sim.New(sim.Options{MaxRecorded: 3})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	for i := range 5 {
		req, _ := http.NewRequest("GET", srv.URL+"/graph.facebook.com/v25.0/me?access_token=SECRET-"+strconv.Itoa(i)+"&fields=id", nil)
		req.Header.Set("Authorization", "Bearer SECRET-HEADER")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if n := len(s.Requests()); n != 3 {
		t.Fatalf("%d requests kept, want the newest 3", n)
	}
	resp, err := http.Get(srv.URL + "/_sim/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(b), "SECRET") || !strings.Contains(string(b), "fields=id") {
		t.Fatalf("control API shows credentials or lost the rest: %s", b)
	}
}

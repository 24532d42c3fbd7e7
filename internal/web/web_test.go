package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
	"github.com/salesai/social/internal/social"
)

// pages are every page that needs a signed-in user.
var pages = []string{"/accounts", "/keys", "/compose", "/posts", "/help"}

// anon is a browser without a session that does not follow redirects.
func anon(t *testing.T, s *apptest.Server) *apptest.Client {
	jar, _ := cookiejar.New(nil)
	return &apptest.Client{TB: t, Base: s.URL, HTTP: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get fetches a page as a browser would (no JSON Accept header).
func get(t *testing.T, c *apptest.Client, path string) (*http.Response, string) {
	t.Helper()
	resp, err := c.HTTP.Get(c.Base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func mustPage(t *testing.T, c *apptest.Client, path string) string {
	t.Helper()
	resp, body := get(t, c, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200; body %.300s", path, resp.StatusCode, body)
	}
	return body
}

func TestPagesRedirectToLoginWhenSignedOut(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := anon(t, s)
	for _, p := range pages {
		resp, _ := get(t, c, p)
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/login?next="+url.QueryEscape(p) {
			t.Errorf("GET %s signed out: %d to %q, want 302 to /login?next=…", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp, _ := get(t, c, "/"); resp.Header.Get("Location") != "/login" {
		t.Errorf("GET / signed out goes to %q, want /login", resp.Header.Get("Location"))
	}
	for _, p := range []string{"/login", "/signup"} {
		mustPage(t, c, p)
	}
}

func TestSignedInPagesRender(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	for _, p := range pages {
		body := mustPage(t, c, p)
		for _, want := range []string{`<meta name="csrf-token" content="` + c.CSRF + `">`, c.Email, `action="/logout"`, `aria-current="page"`} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s lacks %q", p, want)
			}
		}
		if strings.Contains(body, "Sandbox") {
			t.Errorf("GET %s shows the sandbox banner outside sandbox mode", p)
		}
	}
	for _, p := range []string{"/", "/login", "/signup"} {
		if resp, _ := get(t, c, p); resp.Header.Get("Location") != "/accounts" {
			t.Errorf("GET %s signed in goes to %q, want /accounts", p, resp.Header.Get("Location"))
		}
	}
	help := mustPage(t, c, "/help")
	for _, msg := range []string{social.MsgAccessTokenMissing, social.MsgNoConnectedAccount, social.MsgInstagramNeedsImage,
		social.MsgScheduledPostFailed, social.MsgYouTubeNeedsVideo, social.MsgInstagramMediaFailed, "offline_access"} {
		if !strings.Contains(help, msg) {
			t.Errorf("help page lacks the guide's %q", msg)
		}
	}
}

func TestAccountsPageSaysWhatTheGuideSays(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	body := mustPage(t, s.MustSignup(t), "/accounts")
	for _, want := range []string{
		"Continue with Facebook", "Continue with Instagram", "Continue with Twitter/X", "Continue with YouTube",
		// LinkedIn form fields (guide §B, §D).
		">Account Name<", ">Access Token<", ">Refresh Token<", ">Client ID<", ">Client Secret<", "Platform Account ID (Author URN)",
		"Reconnect with scope offline_access to get refresh token",
		// Instagram checklist (guide §E).
		"Professional", "tester/developer", "Do not refresh or go back on callback page during connect",
		"Instagram feed posts require an image",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("accounts page lacks %q", want)
		}
	}
	// Configured platforms link to their OAuth start.
	for _, p := range []string{"twitter", "facebook"} {
		if !strings.Contains(body, `href="/api/social/oauth/`+p+`/start" id="continue-`+p+`"`) {
			t.Errorf("accounts page has no working Continue button for %s", p)
		}
	}
}

func TestDisabledConnectButtonNamesMissingVariables(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true, Env: map[string]string{"FACEBOOK_APP_ID": "", "TWITTER_CLIENT_ID": ""}})
	body := mustPage(t, s.MustSignup(t), "/accounts")
	for _, tc := range []struct{ platform, title, vars string }{
		{"facebook", "Facebook", "FACEBOOK_APP_ID and FACEBOOK_APP_SECRET"},
		{"twitter", "Twitter/X", "TWITTER_CLIENT_ID (and TWITTER_CLIENT_SECRET)"},
	} {
		button := regexp.MustCompile(`<button[^>]*disabled id="continue-` + tc.platform + `"[^>]*>Continue with ` + regexp.QuoteMeta(tc.title) + `</button>`)
		if !button.MatchString(body) {
			t.Errorf("%s: no disabled Continue button", tc.platform)
		}
		if !strings.Contains(body, tc.title+" connect is not set up on this server yet: your admin needs to set "+tc.vars) {
			t.Errorf("%s: the page does not name the missing variables %s", tc.platform, tc.vars)
		}
		if strings.Contains(body, `href="/api/social/oauth/`+tc.platform+`/start"`) {
			t.Errorf("%s: a start link is shown although connect is not configured", tc.platform)
		}
	}
}

func TestNoSecretEverRendered(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	secrets := map[string]string{
		"access_token": "AQV-secret-access-4417", "refresh_token": "AQX-secret-refresh-9921",
		"client_id": "li-client-id-5550", "client_secret": "li-client-secret-7781",
	}
	in := map[string]any{"platform": "linkedin", "account_name": "Acme <b>Corp</b>", "platform_account_id": "urn:li:organization:5515715"}
	for k, v := range secrets {
		in[k] = v
	}
	var acc httpapi.AccountJSON
	c.MustJSON("POST", "/api/social/accounts", in, http.StatusCreated, &acc)
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{acc.ID}, "caption": "hello",
		"scheduled_at": "2099-01-01T10:00:00Z"}, http.StatusCreated, nil)
	for _, p := range pages {
		body := mustPage(t, c, p)
		for k, v := range secrets {
			if strings.Contains(body, v) {
				t.Errorf("GET %s renders the %s", p, k)
			}
		}
		if strings.Contains(body, "<b>Corp</b>") {
			t.Errorf("GET %s renders the account name unescaped", p)
		}
	}
	body := mustPage(t, c, "/accounts")
	for _, want := range []string{"Acme &lt;b&gt;Corp&lt;/b&gt;", "urn:li:organization:5515715", "Advanced credentials", `is-set">set<`} {
		if !strings.Contains(body, want) {
			t.Errorf("accounts page lacks %q", want)
		}
	}
	if n := strings.Count(body, `is-set">set<`); n != 4 {
		t.Errorf("accounts page marks %d LinkedIn credentials as set, want 4", n)
	}
}

func TestConnectResultBanner(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	for _, tc := range []struct{ query, want string }{
		{"connect=error&platform=twitter&reason=access_denied", httpapi.ConnectMessage(social.Twitter, "access_denied")},
		{"connect=error&platform=instagram&reason=<script>alert(1)</script>", httpapi.ConnectMessage(social.Instagram, "exchange_failed")},
		{"connect=ok&platform=facebook&count=2", "Connected 2 Facebook accounts. You can post to them from Compose."},
		{"connect=ok&platform=twitter&count=1", "Connected 1 Twitter/X account. You can post to it from Compose."},
	} {
		body := mustPage(t, c, "/accounts?"+tc.query)
		want := strings.ReplaceAll(tc.want, "'", "&#39;")
		if !strings.Contains(body, want) {
			t.Errorf("?%s: page lacks %q", tc.query, want)
		}
		if strings.Contains(body, "<script>alert") {
			t.Errorf("?%s: the query's text reached the page", tc.query)
		}
	}
	if body := mustPage(t, c, "/accounts?connect=ok&platform=myspace"); strings.Contains(body, `id="connect-result"`) {
		t.Error("an unknown platform in the query shows a banner")
	}
}

func TestStaticAssetsHaveHashedURLs(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := anon(t, s)
	body := mustPage(t, c, "/login")
	for _, tc := range []struct{ name, ctype, contains string }{
		{"app.js", "text/javascript; charset=utf-8", "X-CSRF-Token"},
		{"app.css", "text/css; charset=utf-8", ".badge"},
	} {
		m := regexp.MustCompile(`"(/static/([0-9a-f]{12})/` + regexp.QuoteMeta(tc.name) + `)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("login page does not link %s under a hashed URL", tc.name)
		}
		resp, got := get(t, c, m[1])
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != tc.ctype ||
			!strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.Contains(got, tc.contains) {
			t.Errorf("GET %s: %d %q %q", m[1], resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
		}
		if resp, _ := get(t, c, "/static/000000000000/"+tc.name); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a stale hash for %s answers %d, want 404", tc.name, resp.StatusCode)
		}
	}
	resp, _ := get(t, c, "/login")
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("pages have CSP %q, want script-src 'self'", csp)
	}
}

func TestCountAgreesWithServerRules(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	for _, caption := range []string{"Hello world", "Read https://example.com/a/very/long/path?q=1 now", "café 🎉👍🏽", "日本語のテキスト", ""} {
		var out struct {
			Counts map[social.Platform]int `json:"counts"`
			Limits map[social.Platform]int `json:"limits"`
		}
		c.MustJSON("POST", "/compose/count", map[string]string{"caption": caption}, http.StatusOK, &out)
		for _, p := range social.Platforms {
			if out.Counts[p] != social.CountChars(p, caption) || out.Limits[p] != social.CharLimit(p) {
				t.Errorf("%q on %s: %d/%d, want %d/%d", caption, p, out.Counts[p], out.Limits[p], social.CountChars(p, caption), social.CharLimit(p))
			}
		}
	}
	c.CSRF = ""
	if resp, _ := c.Do("POST", "/compose/count", map[string]string{"caption": "x"}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("count without CSRF token: %d, want 401", resp.StatusCode)
	}
}

func TestFormsWorkWithoutJavaScript(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := anon(t, s)
	post := func(path string, form url.Values) (*http.Response, string) {
		resp, err := c.HTTP.PostForm(s.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := post("/signup", url.Values{"email": {"nojs@example.com"}, "password": {"short"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "at least 10 characters") || !strings.Contains(body, `value="nojs@example.com"`) {
		t.Fatalf("short password: %d, page lacks the reason or the email", resp.StatusCode)
	}
	if resp, _ = post("/signup", url.Values{"email": {"nojs@example.com"}, "password": {"long enough password"}}); resp.Header.Get("Location") != "/accounts" {
		t.Fatalf("signup goes to %q, want /accounts", resp.Header.Get("Location"))
	}
	page := mustPage(t, c, "/accounts")
	csrf := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page)
	if csrf == nil {
		t.Fatal("no sign-out form with a CSRF token")
	}
	if resp, _ = post("/logout", url.Values{"csrf_token": {"forged"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	mustPage(t, c, "/accounts") // a forged token does not sign out
	post("/logout", url.Values{"csrf_token": {csrf[1]}})
	if resp, _ := get(t, c, "/accounts"); resp.StatusCode != http.StatusFound {
		t.Fatalf("after sign out /accounts answers %d, want a redirect to /login", resp.StatusCode)
	}
	if resp, body = post("/login", url.Values{"email": {"nojs@example.com"}, "password": {"wrong password!"}}); !strings.Contains(body, "not right") {
		t.Fatalf("bad login: %d, page lacks the reason", resp.StatusCode)
	}
	if resp, _ = post("/login", url.Values{"email": {"nojs@example.com"}, "password": {"long enough password"}}); resp.Header.Get("Location") != "/accounts" {
		t.Fatalf("login goes to %q, want /accounts", resp.Header.Get("Location"))
	}
	mustPage(t, c, "/accounts")
}

func TestSandboxBanner(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true, Env: map[string]string{"SALESAI_SANDBOX": "1"}})
	c := s.MustSignup(t)
	for _, p := range append([]string{"/login"}, pages...) {
		cl := c
		if p == "/login" {
			cl = anon(t, s)
		}
		if body := mustPage(t, cl, p); !strings.Contains(body, "posts go to the built-in simulator") {
			t.Errorf("GET %s in sandbox mode has no sandbox banner", p)
		}
	}
}

// accountsJSON is the accounts list the posts page embeds for its script.
func TestPostsPageEmbedsAccountsWithoutSecrets(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	c.MustJSON("POST", "/api/social/accounts", map[string]any{"platform": "linkedin", "account_name": "</script><b>x",
		"platform_account_id": "urn:li:person:abc", "access_token": "tok-999-secret"}, http.StatusCreated, nil)
	body := mustPage(t, c, "/posts")
	m := regexp.MustCompile(`(?s)<script type="application/json" id="accounts-data">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("posts page does not embed the accounts")
	}
	var accts []httpapi.AccountJSON
	if err := json.Unmarshal([]byte(m[1]), &accts); err != nil {
		t.Fatalf("embedded accounts are not JSON: %v", err)
	}
	if len(accts) != 1 || accts[0].AccountName != "</script><b>x" || strings.Contains(body, "tok-999-secret") {
		t.Fatalf("embedded accounts = %+v", accts)
	}
}

package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/salesai/social/internal/apptest"
)

func TestSignupLoginLogout(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)

	jar, _ := cookiejar.New(nil)
	other := &apptest.Client{Base: s.URL, HTTP: &http.Client{Jar: jar}}
	resp, body := withTB(other, t).Do("POST", "/api/auth/signup", map[string]string{"email": c.Email, "password": "another long password"})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(string(body), "email_taken") {
		t.Fatalf("duplicate signup: %d %s", resp.StatusCode, body)
	}
	resp, body = withTB(other, t).Do("POST", "/api/auth/signup", map[string]string{"email": "new@example.com", "password": "short"})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "at least 10 characters") {
		t.Fatalf("short password: %d %s", resp.StatusCode, body)
	}
	resp, _ = withTB(other, t).Do("POST", "/api/auth/login", map[string]string{"email": c.Email, "password": "wrong password!"})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}

	resp, body = withTB(other, t).Do("POST", "/api/auth/login", map[string]string{"email": c.Email, "password": "correct horse battery"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "salesai_session" {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
		t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Lax, not Secure on http", cookie)
	}
	var login struct {
		CSRF string `json:"csrf_token"`
	}
	_ = json.Unmarshal(body, &login)
	other.CSRF = login.CSRF
	withTB(other, t).MustJSON("GET", "/api/social/accounts", nil, http.StatusOK, nil)

	// Logging in again rotates the session: the old cookie stops working.
	_ = mustURL(t, s.URL)
	stale := &apptest.Client{Base: s.URL, HTTP: &http.Client{}}
	req, _ := http.NewRequest("GET", s.URL+"/api/social/accounts", nil)
	req.AddCookie(cookie)
	withTB(other, t).MustJSON("POST", "/api/auth/login", map[string]string{"email": c.Email, "password": "correct horse battery"}, http.StatusOK, nil)
	r, err := stale.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("old session after re-login: %d, want 401", r.StatusCode)
	}

	c.MustJSON("POST", "/api/auth/logout", nil, http.StatusOK, nil)
	if resp, _ := c.Do("GET", "/api/social/accounts", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after logout: %d", resp.StatusCode)
	}
}

func TestCSRFAndAPIKeys(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	csrf := c.CSRF
	c.CSRF = ""
	resp, body := c.Do("POST", "/api/keys", map[string]string{"name": "ci"})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "csrf_failed") {
		t.Fatalf("cookie POST without CSRF token: %d %s", resp.StatusCode, body)
	}
	c.CSRF = "forged"
	if resp, _ := c.Do("POST", "/api/keys", map[string]string{"name": "ci"}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("forged CSRF token: %d", resp.StatusCode)
	}
	c.CSRF = csrf
	var key struct {
		ID  int64  `json:"id"`
		Key string `json:"key"`
	}
	c.MustJSON("POST", "/api/keys", map[string]string{"name": "ci"}, http.StatusCreated, &key)
	if !strings.HasPrefix(key.Key, "sk_") {
		t.Fatalf("key = %q", key.Key)
	}
	_, list := c.Do("GET", "/api/keys", nil)
	if strings.Contains(string(list), key.Key) {
		t.Fatal("the key list shows the key itself")
	}
	bot := &apptest.Client{Base: s.URL, HTTP: http.DefaultClient, Bearer: key.Key}
	withTB(bot, t).MustJSON("POST", "/api/social/accounts", map[string]any{
		"platform": "linkedin", "account_name": "Bot", "access_token": "tok", "platform_account_id": "urn:li:person:bot1"},
		http.StatusCreated, nil) // bearer requests need no CSRF token
	c.MustJSON("DELETE", "/api/keys/"+itoa(key.ID), nil, http.StatusNoContent, nil)
	if resp, _ := withTB(bot, t).Do("GET", "/api/social/accounts", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("revoked key still works: %d", resp.StatusCode)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	cases := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"malformed JSON", `{"platform": "linkedin",`, 400, "bad_json"},
		{"unknown field", map[string]any{"platform": "linkedin", "access_token": "t", "nope": 1}, 400, "bad_json"},
		{"two values", `{"platform":"linkedin"} {}`, 400, "bad_json"},
		{"huge body", `{"account_name":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "body_too_large"},
		{"unknown platform", map[string]any{"platform": "myspace", "access_token": "t"}, 400, "unknown_platform"},
		{"bad urn", map[string]any{"platform": "linkedin", "account_name": "A", "access_token": "t", "platform_account_id": "me"}, 422, "invalid_account"},
		{"no token", map[string]any{"platform": "linkedin", "account_name": "A", "platform_account_id": "urn:li:person:x"}, 422, "invalid_account"},
		{"instagram manual", map[string]any{"platform": "instagram", "account_name": "A", "access_token": "t"}, 403, "instagram_manual_disabled"},
	}
	for _, tc := range cases {
		resp, body := c.Do("POST", "/api/social/accounts", tc.body)
		if resp.StatusCode != tc.status || !strings.Contains(string(body), `"code":"`+tc.code+`"`) {
			t.Errorf("%s: %d %s, want %d %s", tc.name, resp.StatusCode, truncate(body), tc.status, tc.code)
		}
	}
	var list struct {
		Accounts []json.RawMessage `json:"accounts"`
	}
	c.MustJSON("GET", "/api/social/accounts", nil, http.StatusOK, &list)
	if len(list.Accounts) != 0 {
		t.Fatalf("bad input stored %d accounts", len(list.Accounts))
	}
}

func TestAccountsNeverShowSecretsAndStayPrivate(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	ann, bob := s.MustSignup(t), s.MustSignup(t)
	var a map[string]any
	ann.MustJSON("POST", "/api/social/accounts", map[string]any{
		"platform": "linkedin", "account_name": "Acme", "access_token": "li-access-tok-7731", "refresh_token": "li-refresh-tok-7732",
		"client_id": "cid", "platform_account_id": "urn:li:organization:5515715"}, http.StatusCreated, &a)
	id := itoa(int64(a["id"].(float64)))
	_, got := ann.Do("GET", "/api/social/accounts/"+id, nil)
	if strings.Contains(string(got), "tok-773") {
		t.Fatalf("account answer contains a secret: %s", got)
	}
	creds := a["credentials"].(map[string]any)
	if creds["access_token"] != true || creds["client_secret"] != false {
		t.Fatalf("credentials presence = %v", creds)
	}
	if w, _ := a["warnings"].([]any); len(w) == 0 {
		t.Fatalf("partial refresh credentials gave no warning: %v", a)
	}
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		resp, _ := bob.Do(m, "/api/social/accounts/"+id, map[string]any{"enabled": false})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s another user's account: %d, want 404", m, resp.StatusCode)
		}
	}
	ann.MustJSON("PATCH", "/api/social/accounts/"+id, map[string]any{"enabled": false}, http.StatusOK, &a)
	if a["status"] != "disabled" || a["enabled"] != false {
		t.Fatalf("after switching off: %v", a)
	}
	if logs := s.Logs.String(); strings.Contains(logs, "tok-773") {
		t.Fatalf("a secret reached the logs:\n%s", logs)
	}
	ann.MustJSON("DELETE", "/api/social/accounts/"+id, nil, http.StatusNoContent, nil)
	ann.MustJSON("GET", "/api/social/accounts/"+id, nil, http.StatusNotFound, nil)
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	c.MustJSON("GET", "/api/openapi.json", nil, http.StatusOK, &doc)
	var documented []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	routed := s.API.APIRoutes()
	for _, r := range routed {
		if !slices.Contains(documented, r) {
			t.Errorf("route %q is not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routed, d) {
			t.Errorf("openapi.json documents %q, which is not routed", d)
		}
	}
}

func withTB(c *apptest.Client, t *testing.T) *apptest.Client {
	c.TB = t
	return c
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func mustURL(t *testing.T, raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestLoginIsThrottledPerEmail(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	anon := &apptest.Client{TB: t, Base: s.URL, HTTP: http.DefaultClient}
	var last int
	for range 12 {
		resp, _ := anon.Do("POST", "/api/auth/login", map[string]string{"email": c.Email, "password": "guess guess guess"})
		last = resp.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("12th wrong password: %d, want 429", last)
	}
	// Another email is not affected.
	other := s.MustSignup(t)
	if resp, _ := anon.Do("POST", "/api/auth/login", map[string]string{"email": other.Email, "password": "correct horse battery"}); resp.StatusCode != http.StatusOK {
		t.Fatalf("other user's login: %d", resp.StatusCode)
	}
}

func TestPostInputBounds(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	ids := make([]int64, 51)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	resp, body := c.Do("POST", "/api/social/posts", map[string]any{"account_ids": ids, "caption": "x"})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "too_many_accounts") {
		t.Fatalf("51 accounts: %d %s", resp.StatusCode, truncate(body))
	}
	resp, body = c.Do("GET", "/api/social/posts?status=bogus", nil)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "invalid_query") {
		t.Fatalf("unknown status filter: %d %s", resp.StatusCode, body)
	}
	for _, q := range []string{"?limit=0", "?limit=x", "?cursor=x", "?from=yesterday", "?account_id=me"} {
		if resp, _ := c.Do("GET", "/api/social/posts"+q, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET /api/social/posts%s: %d, want 400", q, resp.StatusCode)
		}
	}
}

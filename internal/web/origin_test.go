package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/salesai/social/internal/apptest"
)

// Login CSRF: another site cannot post the sign-in forms.
func TestSignInFormsRefuseOtherSites(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	form := url.Values{"email": {c.Email}, "password": {"correct horse battery"}}.Encode()
	post := func(path string, hdr map[string]string) int {
		req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, path := range []string{"/login", "/signup"} {
		if code := post(path, map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}); code != http.StatusForbidden {
			t.Errorf("%s from another site: %d, want 403", path, code)
		}
		if code := post(path, map[string]string{"Origin": "https://evil.example"}); code != http.StatusForbidden {
			t.Errorf("%s with a foreign Origin: %d, want 403", path, code)
		}
	}
	if code := post("/login", map[string]string{"Origin": s.URL, "Sec-Fetch-Site": "same-origin"}); code != http.StatusSeeOther && code != http.StatusFound {
		t.Errorf("/login from our own page: %d, want a redirect", code)
	}
}

package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/social"
)

// The published vectors of platforms.md §0 (V1 padded, V2 unpadded).
func TestParseSignedRequestVectors(t *testing.T) {
	t.Parallel()
	v1 := "U0_O1MqqNKUt32633zAkdd2Ce-jGVgRgJeRauyx_zC8=.eyJvYXV0aF90b2tlbiI6ImZvb190b2tlbiIsImFsZ29yaXRobSI6IkhNQUMtU0hBMjU2IiwiaXNzdWVkX2F0IjozMjEsImNvZGUiOiJmb29fY29kZSIsInN0YXRlIjoiZm9vX3N0YXRlIiwidXNlcl9pZCI6MTIzLCJmb28iOiJiYXIifQ=="
	p, err := httpapi.ParseSignedRequest("foo_app_secret", v1)
	if err != nil || p["foo"] != "bar" || p["state"] != "foo_state" {
		t.Fatalf("V1: %v %v", p, err)
	}
	v2 := "vlXgu64BQGFSQrY0ZcJBZASMvYvTHu9GQ0YM9rjPSso.eyJhbGdvcml0aG0iOiJITUFDLVNIQTI1NiIsIjAiOiJwYXlsb2FkIn0"
	if p, err := httpapi.ParseSignedRequest("secret", v2); err != nil || p["0"] != "payload" {
		t.Fatalf("V2: %v %v", p, err)
	}
	bad := []struct{ name, secret, sr string }{
		{"wrong secret", "other", v2},
		{"tampered payload", "secret", v2[:len(v2)-2] + "fQ"},
		{"no dot", "secret", "abc"},
		{"garbage", "secret", "!!!.???"},
		{"padding stripped from V1 payload", "foo_app_secret", strings.TrimRight(v1, "=")},
		{"wrong algorithm", "secret", sim.SignedRequest("secret", map[string]any{"algorithm": "HMAC-SHA1", "user_id": "1"})},
	}
	for _, b := range bad {
		if _, err := httpapi.ParseSignedRequest(b.secret, b.sr); err == nil {
			t.Errorf("%s: accepted", b.name)
		}
	}
}

func TestInstagramDataDeletionAndDeauthorize(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	u, err := s.Store.UserByEmail(context.Background(), c.Email)
	if err != nil {
		t.Fatal(err)
	}
	for _, pid := range []string{"17841400000000001", "17841400000000002"} {
		a := &social.Account{UserID: u.ID, Platform: social.Instagram, Name: "ig" + pid, PlatformAccountID: pid, Auth: social.AuthOAuth,
			Credentials: social.Credentials{AccessToken: "ig-token-" + social.Secret(pid)}}
		if _, err := s.Store.ConnectAccount(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	secret := sim.SandboxApps["instagram"].Secret
	post := func(path, signed string) (*http.Response, string) {
		resp, err := http.PostForm(s.URL+path, url.Values{"signed_request": {signed}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	now := time.Now().Unix()
	// Forged, stale and malformed requests change nothing.
	for name, sr := range map[string]string{
		"forged":    sim.SignedRequest("not-the-secret", map[string]any{"algorithm": "HMAC-SHA256", "user_id": "17841400000000001", "issued_at": now}),
		"stale":     sim.SignedRequest(secret, map[string]any{"algorithm": "HMAC-SHA256", "user_id": "17841400000000001", "issued_at": now - 3*86400}),
		"malformed": "x.y",
		"empty":     "",
	} {
		if resp, body := post("/api/social/instagram/data-deletion", sr); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, resp.StatusCode, body)
		}
	}
	if resp, _ := post("/api/social/instagram/data-deletion", strings.Repeat("a", 100<<10)); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized: %d", resp.StatusCode)
	}
	var list struct{ Accounts []httpapi.AccountJSON }
	c.MustJSON("GET", "/api/social/accounts", nil, http.StatusOK, &list)
	if len(list.Accounts) != 2 {
		t.Fatalf("bad callbacks changed accounts: %d left", len(list.Accounts))
	}

	resp, body := post("/api/social/instagram/deauthorize",
		sim.SignedRequest(secret, map[string]any{"algorithm": "HMAC-SHA256", "user_id": "17841400000000002", "issued_at": now}))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("deauthorize: %d %s", resp.StatusCode, body)
	}
	c.MustJSON("GET", "/api/social/accounts", nil, http.StatusOK, &list)
	for _, a := range list.Accounts {
		if a.PlatformAccountID == "17841400000000002" && (a.Enabled || a.Credentials.AccessToken) {
			t.Fatalf("deauthorized account still usable: %+v", a)
		}
	}

	resp, body = post("/api/social/instagram/data-deletion",
		sim.SignedRequest(secret, map[string]any{"algorithm": "HMAC-SHA256", "user_id": "17841400000000001", "issued_at": now}))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"confirmation_code"`) {
		t.Fatalf("data deletion: %d %s", resp.StatusCode, body)
	}
	c.MustJSON("GET", "/api/social/accounts", nil, http.StatusOK, &list)
	if len(list.Accounts) != 1 || list.Accounts[0].PlatformAccountID != "17841400000000002" {
		t.Fatalf("after deletion: %+v", list.Accounts)
	}
	var receipt struct{ URL, ConfirmationCode string }
	receipt.URL = between(body, `"url":"`, `"`)
	code := between(body, `"confirmation_code":"`, `"`)
	if !strings.HasSuffix(receipt.URL, "/api/social/instagram/data-deletion/"+code) {
		t.Fatalf("status url %q for code %q", receipt.URL, code)
	}
	var status map[string]any
	c.MustJSON("GET", "/api/social/instagram/data-deletion/"+code, nil, http.StatusOK, &status)
	if status["status"] != "completed" || status["accounts_deleted"] != float64(1) {
		t.Fatalf("status = %v", status)
	}
}

func between(s, a, b string) string {
	_, rest, _ := strings.Cut(s, a)
	v, _, _ := strings.Cut(rest, b)
	return v
}

// Facebook names the user who connected Pages; every Page (and Instagram
// account) that user connected is erased.
func TestFacebookDataDeletionErasesTheUsersPages(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	if got := c.MustConnect("facebook", ""); len(got) != 2 {
		t.Fatalf("connected %d pages", len(got))
	}
	signed := sim.SignedRequest(sim.SandboxApps["facebook"].Secret, map[string]any{
		"algorithm": "HMAC-SHA256", "user_id": "10150000000000001", "issued_at": time.Now().Unix()})
	resp, err := http.PostForm(s.URL+"/api/social/facebook/data-deletion", url.Values{"signed_request": {signed}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "/api/social/facebook/data-deletion/") {
		t.Fatalf("facebook data deletion: %d %s", resp.StatusCode, body)
	}
	var list struct{ Accounts []httpapi.AccountJSON }
	c.MustJSON("GET", "/api/social/accounts", nil, http.StatusOK, &list)
	if len(list.Accounts) != 0 {
		t.Fatalf("%d accounts left after the user's data deletion", len(list.Accounts))
	}
}

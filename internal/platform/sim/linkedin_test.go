package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func liConfig(scopes ...string) *oauth2.Config {
	app := SandboxApps["linkedin"]
	return &oauth2.Config{ClientID: app.ID, ClientSecret: app.Secret, RedirectURL: "https://app.example/cb/linkedin",
		Scopes: scopes, Endpoint: oauth2.Endpoint{AuthURL: "https://www.linkedin.com/oauth/v2/authorization",
			TokenURL: "https://www.linkedin.com/oauth/v2/accessToken", AuthStyle: oauth2.AuthStyleInParams}}
}

var liScopes = []string{"openid", "profile", "email", "w_member_social"}

func (e *igliEnv) liCode(t *testing.T, cfg *oauth2.Config) string {
	t.Helper()
	q := e.approve(t, strings.Replace(cfg.AuthCodeURL("st"), "https://", e.base()+"/", 1))
	if q.Get("code") == "" || q.Get("state") != "st" {
		t.Fatalf("redirect query = %v", q)
	}
	return q.Get("code")
}

func (e *igliEnv) liLogin(t *testing.T, scopes ...string) *oauth2.Token {
	t.Helper()
	cfg := liConfig(scopes...)
	tok, err := cfg.Exchange(e.ctx, e.liCode(t, cfg))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return tok
}

func retrieveErr(t *testing.T, err error) *oauth2.RetrieveError {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("error %v is not a RetrieveError", err)
	}
	return re
}

func TestLinkedIn_ConsentAndCodeExchange(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{})
	cfg := liConfig(liScopes...)
	auth := strings.Replace(cfg.AuthCodeURL("st"), "https://", e.base()+"/", 1)
	if q := e.approve(t, auth, "decision=deny"); q.Get("error") != "user_cancelled_authorize" || q.Get("error_description") == "" || q.Get("state") != "st" {
		t.Errorf("deny redirect = %v", q)
	}
	code := e.liCode(t, cfg)
	tok, err := cfg.Exchange(e.ctx, code)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if tok.RefreshToken == "" || tok.Extra("expires_in") != float64(5184000) ||
		tok.Extra("refresh_token_expires_in") != float64(31536000) || tok.Extra("scope") != "openid,profile,email,w_member_social" {
		t.Errorf("token = %+v, extra expires_in=%v refresh_token_expires_in=%v scope=%v", tok, tok.Extra("expires_in"),
			tok.Extra("refresh_token_expires_in"), tok.Extra("scope"))
	}
	re := retrieveErr(t, func() error { _, err := cfg.Exchange(e.ctx, code); return err }())
	if re.Response.StatusCode != 401 || re.ErrorCode != "invalid_request" {
		t.Errorf("reused code: %d %s %s", re.Response.StatusCode, re.ErrorCode, re.ErrorDescription)
	}
	other := *cfg
	other.RedirectURL = "https://app.example/elsewhere"
	re = retrieveErr(t, func() error { _, err := other.Exchange(e.ctx, e.liCode(t, cfg)); return err }())
	if re.Response.StatusCode != 400 || re.ErrorCode != "invalid_redirect_uri" {
		t.Errorf("redirect mismatch: %d %s", re.Response.StatusCode, re.ErrorCode)
	}
	_, out := e.call(t, "POST", "https://www.linkedin.com/oauth/v2/accessToken",
		strings.NewReader("grant_type=authorization_code&code=x&client_id=a&client_secret=b"),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if out["error"] != "invalid_request" || out["error_description"] != `A required parameter "redirect_uri" is missing` {
		t.Errorf("missing redirect_uri: %v", out)
	}
}

func TestLinkedIn_RefreshKeepsRefreshTokenLifetime(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{})
	tok := e.liLogin(t, liScopes...)
	e.clock.Advance(59 * 24 * time.Hour)
	stale := *tok
	stale.Expiry = time.Now().Add(-time.Minute) // oauth2 judges expiry on the real clock
	fresh, err := liConfig(liScopes...).TokenSource(e.ctx, &stale).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.AccessToken == tok.AccessToken || fresh.RefreshToken != tok.RefreshToken ||
		fresh.Extra("refresh_token_expires_in") != float64(306*24*3600) {
		t.Errorf("refreshed = %+v, refresh_token_expires_in %v, want the same refresh token with 306 days left",
			fresh, fresh.Extra("refresh_token_expires_in"))
	}
	resp, _ := e.call(t, "GET", "https://api.linkedin.com/v2/userinfo", nil, map[string]string{"Authorization": "Bearer " + fresh.AccessToken})
	if resp.StatusCode != 200 {
		t.Errorf("userinfo with the refreshed token: %d", resp.StatusCode)
	}
}

func TestLinkedIn_RevokedRefreshToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ configured, want string }{{"", "invalid_grant"}, {"invalid_request", "invalid_request"}} {
		e := newIGLIEnv(t, Options{LinkedInRefreshErrorCode: tc.configured})
		tok := e.liLogin(t, liScopes...)
		if n := e.sim.RevokeRefreshTokens("linkedin", ""); n != 1 {
			t.Fatalf("revoked %d refresh tokens", n)
		}
		stale := *tok
		stale.Expiry = time.Now().Add(-time.Minute)
		_, err := liConfig(liScopes...).TokenSource(e.ctx, &stale).Token()
		re := retrieveErr(t, err)
		if re.Response.StatusCode != 400 || re.ErrorCode != tc.want ||
			re.ErrorDescription != "The provided authorization grant or refresh token is invalid, expired or revoked" {
			t.Errorf("configured %q: %d %s %q", tc.configured, re.Response.StatusCode, re.ErrorCode, re.ErrorDescription)
		}
	}
}

func TestLinkedIn_Userinfo(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{})
	full := e.liLogin(t, liScopes...).AccessToken
	noEmail := e.liLogin(t, "openid", "profile").AccessToken
	get := func(tok string) (*http.Response, map[string]any) {
		h := map[string]string{}
		if tok != "" {
			h["Authorization"] = "Bearer " + tok
		}
		return e.call(t, "GET", "https://api.linkedin.com/v2/userinfo", nil, h)
	}
	_, out := get(full)
	if out["sub"] != "782bbtaQ" || out["name"] != "Alex Marketer" || out["given_name"] != "Alex" ||
		out["email"] != "alex@acme.example" || out["email_verified"] != true {
		t.Errorf("userinfo = %v", out)
	}
	if _, out := get(noEmail); out["email"] != nil || out["name"] != "Alex Marketer" {
		t.Errorf("userinfo without email scope = %v", out)
	}
	want := map[string]string{"": "Empty oauth2_access_token", "garbage": "Invalid access token"}
	for tok, msg := range want {
		if resp, out := get(tok); resp.StatusCode != 401 || out["message"] != msg || out["status"] != float64(401) {
			t.Errorf("token %q: %d %v", tok, resp.StatusCode, out)
		}
	}
	e.sim.ExpireAccessTokens("linkedin")
	resp, out := get(full)
	if resp.StatusCode != 401 || fmt.Sprint(out) != "map[message:Expired access token serviceErrorCode:65601 status:401]" {
		t.Errorf("expired: %d %v", resp.StatusCode, out)
	}
}

const liMe = "urn:li:person:782bbtaQ"

func ugcBody(author, text, category string, media ...map[string]any) map[string]any {
	sc := map[string]any{"shareCommentary": map[string]any{"text": text}, "shareMediaCategory": category}
	if len(media) > 0 {
		sc["media"] = media
	}
	return map[string]any{"author": author, "lifecycleState": "PUBLISHED",
		"specificContent": map[string]any{"com.linkedin.ugc.ShareContent": sc},
		"visibility":      map[string]any{"com.linkedin.ugc.MemberNetworkVisibility": "PUBLIC"}}
}

func (e *igliEnv) liPost(t *testing.T, tok string, body any, restli bool) (*http.Response, map[string]any) {
	t.Helper()
	js, _ := json.Marshal(body)
	h := map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json"}
	if restli {
		h["X-Restli-Protocol-Version"] = "2.0.0"
	}
	return e.call(t, "POST", "https://api.linkedin.com/v2/ugcPosts", bytes.NewReader(js), h)
}

// liAsset registers an image upload and, when upload is set, sends the bytes
// with method; it returns the asset URN.
func (e *igliEnv) liAsset(t *testing.T, tok, owner, method string) string {
	t.Helper()
	js := fmt.Sprintf(`{"registerUploadRequest":{"recipes":["urn:li:digitalmediaRecipe:feedshare-image"],"owner":%q,
		"serviceRelationships":[{"relationshipType":"OWNER","identifier":"urn:li:userGeneratedContent"}]}}`, owner)
	auth := map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json", "X-Restli-Protocol-Version": "2.0.0"}
	_, out := e.call(t, "POST", "https://api.linkedin.com/v2/assets?action=registerUpload", strings.NewReader(js), auth)
	v, _ := out["value"].(map[string]any)
	mech, _ := v["uploadMechanism"].(map[string]any)["com.linkedin.digitalmedia.uploading.MediaUploadHttpRequest"].(map[string]any)
	upload, _ := mech["uploadUrl"].(string)
	asset, _ := v["asset"].(string)
	if !strings.HasPrefix(upload, "https://api.linkedin.com/mediaUpload/") || !strings.HasPrefix(asset, "urn:li:digitalmediaAsset:") {
		t.Fatalf("registerUpload = %v", out)
	}
	if method != "" {
		resp, _ := e.call(t, method, upload, bytes.NewReader([]byte("\xff\xd8jpeg bytes")), map[string]string{"Authorization": "Bearer " + tok})
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("%s upload: %d", method, resp.StatusCode)
		}
	}
	return asset
}

func TestLinkedIn_UGCPosts(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{})
	tok := e.liLogin(t, append(liScopes, "w_organization_social")...).AccessToken
	uploadedPUT, uploadedPOST := e.liAsset(t, tok, liMe, "PUT"), e.liAsset(t, tok, liMe, "POST")
	notUploaded := e.liAsset(t, tok, liMe, "")
	article := map[string]any{"status": "READY", "originalUrl": "https://acme.example/blog", "title": map[string]any{"text": "Blog"}}
	image := func(asset string) map[string]any { return map[string]any{"status": "READY", "media": asset} }
	for _, tc := range []struct {
		name   string
		body   map[string]any
		restli bool
		status int
	}{
		{"text", ugcBody(liMe, "Hello LinkedIn", "NONE"), true, 201},
		{"missing Restli header", ugcBody(liMe, "No header", "NONE"), false, 400},
		{"duplicate of the previous post", ugcBody(liMe, "Hello LinkedIn", "NONE"), true, 422},
		{"article", ugcBody(liMe, "Read this", "ARTICLE", article), true, 201},
		{"image uploaded by PUT", ugcBody(liMe, "Look", "IMAGE", image(uploadedPUT)), true, 201},
		{"image uploaded by POST", ugcBody(liMe, "Look again", "IMAGE", image(uploadedPOST)), true, 201},
		{"image never uploaded", ugcBody(liMe, "Where", "IMAGE", image(notUploaded)), true, 422},
		{"unknown asset", ugcBody(liMe, "Where", "IMAGE", image("urn:li:digitalmediaAsset:NOPE")), true, 422},
		{"administered organization", ugcBody("urn:li:organization:5515715", "From the org", "NONE"), true, 201},
		{"other organization", ugcBody("urn:li:organization:1", "Not mine", "NONE"), true, 403},
		{"other member", ugcBody("urn:li:person:someone", "Not me", "NONE"), true, 403},
		{"3000 characters", ugcBody(liMe, strings.Repeat("é", 3000), "NONE"), true, 201},
		{"3001 characters", ugcBody(liMe, strings.Repeat("a", 3001), "NONE"), true, 422},
		{"NONE with media", ugcBody(liMe, "x", "NONE", article), true, 422},
		{"unknown category", ugcBody(liMe, "x", "CAROUSEL"), true, 422},
	} {
		resp, out := e.liPost(t, tok, tc.body, tc.restli)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %v, want %d", tc.name, resp.StatusCode, out, tc.status)
			continue
		}
		switch resp.StatusCode {
		case 201:
			if id := resp.Header.Get("X-RestLi-Id"); !strings.HasPrefix(id, "urn:li:share:") || out["id"] != id {
				t.Errorf("%s: X-RestLi-Id %q, body %v", tc.name, id, out)
			}
		case 403:
			if out["code"] != "ACCESS_DENIED" || out["status"] != float64(403) {
				t.Errorf("%s: body %v", tc.name, out)
			}
		default:
			if out["message"] == nil || out["status"] != float64(tc.status) {
				t.Errorf("%s: body %v", tc.name, out)
			}
		}
	}
	posts := e.sim.Posts("linkedin")
	if len(posts) != 6 || posts[0].Text != "Hello LinkedIn" || posts[0].AccountID != liMe || posts[2].Media[0] != uploadedPUT {
		t.Errorf("recorded posts = %+v", posts)
	}
}

func TestLinkedIn_DuplicateNamesTheEarlierShare(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{})
	tok := e.liLogin(t, liScopes...).AccessToken
	first, _ := e.liPost(t, tok, ugcBody(liMe, "Same words", "NONE"), true)
	resp, out := e.liPost(t, tok, ugcBody(liMe, "Same words", "NONE"), true)
	want := "Content is a duplicate of " + first.Header.Get("X-RestLi-Id")
	if resp.StatusCode != 422 || out["message"] != want {
		t.Errorf("duplicate: %d %v, want 422 %q", resp.StatusCode, out, want)
	}
	if resp, _ := e.liPost(t, tok, ugcBody(liMe, "Other words", "NONE"), true); resp.StatusCode != 201 {
		t.Errorf("different text: %d", resp.StatusCode)
	}
}

func TestLinkedIn_ExpiredTokenOnUGC(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{TokenTTL: time.Hour})
	tok := e.liLogin(t, liScopes...).AccessToken
	e.clock.Advance(time.Hour)
	resp, out := e.liPost(t, tok, ugcBody(liMe, "Too late", "NONE"), true)
	if resp.StatusCode != 401 || out["message"] != "Expired access token" || out["serviceErrorCode"] != float64(65601) {
		t.Errorf("expired: %d %v", resp.StatusCode, out)
	}
	if n := len(e.sim.Posts("linkedin")); n != 0 {
		t.Errorf("%d posts recorded", n)
	}
}

func TestLinkedIn_FindUGCPostsByAuthor(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{})
	tok := e.liLogin(t, liScopes...).AccessToken
	var ids []string
	for _, text := range []string{"one", "two", "three"} {
		resp, _ := e.liPost(t, tok, ugcBody(liMe, text, "NONE"), true)
		ids = append(ids, resp.Header.Get("X-RestLi-Id"))
	}
	h := map[string]string{"Authorization": "Bearer " + tok, "X-Restli-Protocol-Version": "2.0.0"}
	find := "https://api.linkedin.com/v2/ugcPosts?q=authors&count=2&authors=List(" + url.QueryEscape(liMe) + ")"
	_, out := e.call(t, "GET", find, nil, h)
	els, _ := out["elements"].([]any)
	if len(els) != 2 || els[0].(map[string]any)["id"] != ids[2] || els[1].(map[string]any)["id"] != ids[1] {
		t.Fatalf("elements = %v", out)
	}
	sc := els[0].(map[string]any)["specificContent"].(map[string]any)["com.linkedin.ugc.ShareContent"].(map[string]any)
	if sc["shareCommentary"].(map[string]any)["text"] != "three" {
		t.Errorf("newest element content = %v", sc)
	}
	if p := out["paging"].(map[string]any); p["total"] != float64(3) {
		t.Errorf("paging = %v", p)
	}
	resp, _ := e.call(t, "GET", strings.Replace(find, url.QueryEscape(liMe), url.QueryEscape("urn:li:person:other"), 1), nil, h)
	if resp.StatusCode != 403 {
		t.Errorf("another member's posts: %d, want 403", resp.StatusCode)
	}
}

func TestLinkedIn_PostsAPI(t *testing.T) {
	t.Parallel()
	e := newIGLIEnv(t, Options{}) // clock: 2026-05
	tok := e.liLogin(t, liScopes...).AccessToken
	post := func(version, text string, content map[string]any) (*http.Response, map[string]any) {
		body := map[string]any{"author": liMe, "commentary": text, "visibility": "PUBLIC", "lifecycleState": "PUBLISHED",
			"distribution":              map[string]any{"feedDistribution": "MAIN_FEED", "targetEntities": []any{}, "thirdPartyDistributionChannels": []any{}},
			"isReshareDisabledByAuthor": false}
		if content != nil {
			body["content"] = content
		}
		js, _ := json.Marshal(body)
		h := map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json", "X-Restli-Protocol-Version": "2.0.0"}
		if version != "" {
			h["LinkedIn-Version"] = version
		}
		return e.call(t, "POST", "https://api.linkedin.com/rest/posts", bytes.NewReader(js), h)
	}
	for _, tc := range []struct {
		name, version, text string
		content             map[string]any
		status              int
		code                string
	}{
		{"no version", "", "a", nil, 400, "VERSION_MISSING"},
		{"sunset version", "202409", "a", nil, 426, "NONEXISTENT_VERSION"},
		{"text", "202604", "Posts API text", nil, 201, ""},
		{"duplicate", "202604", "Posts API text", nil, 422, ""},
		{"article", "202605", "Read", map[string]any{"article": map[string]any{"source": "https://acme.example/a", "title": "A"}}, 201, ""},
		{"unknown image", "202605", "Look", map[string]any{"media": map[string]any{"id": "urn:li:image:X"}}, 422, ""},
		{"too long", "202605", strings.Repeat("a", 3001), nil, 422, ""},
	} {
		resp, out := post(tc.version, tc.text, tc.content)
		if resp.StatusCode != tc.status || (tc.code != "" && out["code"] != tc.code) {
			t.Errorf("%s: %d %v, want %d %s", tc.name, resp.StatusCode, out, tc.status, tc.code)
		}
		if tc.status == 201 && !strings.HasPrefix(resp.Header.Get("X-RestLi-Id"), "urn:li:share:") {
			t.Errorf("%s: x-restli-id %q", tc.name, resp.Header.Get("X-RestLi-Id"))
		}
	}
	if p := e.sim.Posts("linkedin"); len(p) != 2 || p[1].Media[0] != "https://acme.example/a" {
		t.Errorf("recorded posts = %+v", p)
	}
}

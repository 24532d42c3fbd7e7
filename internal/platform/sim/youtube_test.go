package sim

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

const ytRedirect = "https://app.example/oauth/youtube/callback"

var ytTestScopes = []string{ytScope + "youtube.upload", ytScope + "youtube.readonly"}

func ytConfig(app App, scopes ...string) *oauth2.Config {
	return &oauth2.Config{ClientID: app.ID, ClientSecret: app.Secret, RedirectURL: ytRedirect, Scopes: scopes,
		Endpoint: oauth2.Endpoint{AuthURL: "https://accounts.google.com/o/oauth2/v2/auth",
			TokenURL: "https://oauth2.googleapis.com/token", AuthStyle: oauth2.AuthStyleInParams}}
}

// ytConnect runs Google's consent flow for fixture user with offline access
// and prompt=consent, as the product asks.
func ytConnect(t *testing.T, e *xyEnv, user string, scopes ...string) *oauth2.Token {
	t.Helper()
	cfg := ytConfig(SandboxApps["youtube"], scopes...)
	q := e.approve(t, cfg.AuthCodeURL("st", oauth2.AccessTypeOffline, oauth2.ApprovalForce), url.Values{"sim_user": {user}})
	tok, err := cfg.Exchange(e.ctx, q.Get("code"))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return tok
}

// ytErr is Google's error envelope.
type ytErr struct {
	Error struct {
		Code    int
		Status  string
		Message string
		Errors  []struct{ Domain, Reason string }
	}
}

func (e ytErr) reason() string {
	if len(e.Error.Errors) == 0 {
		return ""
	}
	return e.Error.Errors[0].Reason
}

func TestYouTube_RefreshTokenNeedsOfflineAccess(t *testing.T) {
	t.Parallel()
	type step struct {
		opts        []oauth2.AuthCodeOption
		wantRefresh bool
	}
	offline, force := oauth2.AccessTypeOffline, oauth2.ApprovalForce
	tests := []struct {
		name  string
		steps []step
	}{
		{"online access", []step{{nil, false}}},
		{"offline, first grant", []step{{[]oauth2.AuthCodeOption{offline}, true}}},
		{"offline again without prompt", []step{{[]oauth2.AuthCodeOption{offline}, true}, {[]oauth2.AuthCodeOption{offline}, false}}},
		{"offline again with prompt=consent", []step{{[]oauth2.AuthCodeOption{offline}, true}, {[]oauth2.AuthCodeOption{offline, force}, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newXYEnv(t, Options{})
			cfg := ytConfig(SandboxApps["youtube"], ytTestScopes...)
			for i, s := range tt.steps {
				q := e.approve(t, cfg.AuthCodeURL("st", s.opts...), nil)
				tok, err := cfg.Exchange(e.ctx, q.Get("code"))
				if err != nil {
					t.Fatalf("step %d: exchange: %v", i, err)
				}
				if (tok.RefreshToken != "") != s.wantRefresh || tok.TokenType != "Bearer" || tok.Extra("expires_in") != 3599.0 {
					t.Errorf("step %d: token %+v expires_in %v, want refresh %v", i, tok, tok.Extra("expires_in"), s.wantRefresh)
				}
			}
		})
	}
}

func TestYouTube_RefreshAndRevoke(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	cfg := ytConfig(SandboxApps["youtube"], ytTestScopes...)
	tok := ytConnect(t, e, "default", ytTestScopes...)
	expired := &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Minute)}
	for i := range 2 { // not rotating: the same refresh token works again
		fresh, err := cfg.TokenSource(e.ctx, expired).Token()
		if err != nil || fresh.AccessToken == "" || fresh.RefreshToken != tok.RefreshToken {
			t.Fatalf("refresh %d = %+v, %v", i, fresh, err)
		}
	}
	req, _ := http.NewRequest("POST", "https://oauth2.googleapis.com/revoke", strings.NewReader("token="+tok.RefreshToken))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp := e.do(t, nil, req, nil); resp.StatusCode != 200 {
		t.Fatalf("revoke = %d", resp.StatusCode)
	}
	_, err := cfg.TokenSource(e.ctx, expired).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response.StatusCode != 400 || re.ErrorCode != "invalid_grant" ||
		re.ErrorDescription != "Token has been expired or revoked." {
		t.Errorf("refresh after revoke err = %v, want 400 invalid_grant", err)
	}
	var out ytErr
	if resp := ytGet(t, e, tok, "/youtube/v3/channels?part=id&mine=true", &out); resp.StatusCode != 401 || out.reason() != "authError" {
		t.Errorf("revoked access token: channels = %d %+v, want 401 authError", resp.StatusCode, out)
	}
}

func TestYouTube_TokenErrors(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	app := SandboxApps["youtube"]
	denied := e.approve(t, ytConfig(app).AuthCodeURL("s7", oauth2.AccessTypeOffline), url.Values{"decision": {"deny"}})
	if denied.Get("error") != "access_denied" || denied.Get("state") != "s7" {
		t.Errorf("deny redirect = %v", denied)
	}
	q := e.approve(t, ytConfig(app).AuthCodeURL("s"), nil)
	wrong := ytConfig(App{ID: app.ID, Secret: "wrong"})
	var re *oauth2.RetrieveError
	if _, err := wrong.Exchange(e.ctx, q.Get("code")); !errors.As(err, &re) || re.Response.StatusCode != 401 || re.ErrorCode != "invalid_client" {
		t.Errorf("wrong secret err = %v, want 401 invalid_client", err)
	}
	other := ytConfig(app)
	other.RedirectURL = "https://app.example/other"
	if _, err := other.Exchange(e.ctx, q.Get("code")); !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("other redirect_uri err = %v, want invalid_grant", err)
	}
	e.clock.Advance(10*time.Minute + time.Second)
	if _, err := ytConfig(app).Exchange(e.ctx, q.Get("code")); !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("code after 10 min err = %v, want invalid_grant", err)
	}
}

// ytGet calls a YouTube Data API path on www.googleapis.com with tok.
func ytGet(t *testing.T, e *xyEnv, tok *oauth2.Token, path string, out any) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", "https://www.googleapis.com"+path, nil)
	return e.do(t, e.xAPIClient(tok), req, out)
}

func TestYouTube_Channels(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	tok := ytConnect(t, e, "default", ytTestScopes...)
	var list struct {
		Kind     string
		PageInfo struct{ TotalResults int }
		Items    []struct {
			ID      string
			Snippet struct{ Title, CustomURL string }
		}
	}
	resp := ytGet(t, e, tok, "/youtube/v3/channels?part=id,snippet&mine=true", &list)
	if resp.StatusCode != 200 || list.Kind != "youtube#channelListResponse" || len(list.Items) != 1 ||
		list.Items[0].ID != "UCacmeCoffee0000000000001" || list.Items[0].Snippet.Title != "Acme Coffee TV" {
		t.Fatalf("channels = %d %+v", resp.StatusCode, list)
	}
	none := ytConnect(t, e, "nochannel", ytTestScopes...)
	var raw map[string]any
	if resp := ytGet(t, e, none, "/youtube/v3/channels?part=snippet&mine=true", &raw); resp.StatusCode != 200 ||
		fmt.Sprint(raw["items"]) != "[]" {
		t.Errorf("channel-less user: %d %v, want 200 with items []", resp.StatusCode, raw)
	}
	tests := []struct {
		name   string
		tok    *oauth2.Token
		path   string
		status int
		reason string
	}{
		{"upload scope only", ytConnect(t, e, "default", ytScope+"youtube.upload"), "/youtube/v3/channels?part=id&mine=true", 403, "insufficientPermissions"},
		{"two filters", tok, "/youtube/v3/channels?part=id&mine=true&id=UCx", 400, "invalidCriteria"},
		{"unknown token", &oauth2.Token{AccessToken: "nope"}, "/youtube/v3/channels?part=id&mine=true", 401, "authError"},
	}
	for _, tt := range tests {
		var out ytErr
		if resp := ytGet(t, e, tt.tok, tt.path, &out); resp.StatusCode != tt.status || out.reason() != tt.reason || out.Error.Code != tt.status {
			t.Errorf("%s: %d %+v, want %d %s", tt.name, resp.StatusCode, out, tt.status, tt.reason)
		}
	}
	e.clock.Advance(time.Hour)
	var out ytErr
	if resp := ytGet(t, e, tok, "/youtube/v3/channels?part=id&mine=true", &out); resp.StatusCode != 401 ||
		out.reason() != "authError" || out.Error.Status != "UNAUTHENTICATED" {
		t.Errorf("expired token: %d %+v, want 401 authError", resp.StatusCode, out)
	}
}

// ytStart opens a resumable session and returns the response and its Location.
func ytStart(t *testing.T, e *xyEnv, tok *oauth2.Token, meta string, size int64) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&part=snippet%2Cstatus",
		strings.NewReader(meta))
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("X-Upload-Content-Type", "video/mp4")
	if size >= 0 {
		req.Header.Set("X-Upload-Content-Length", fmt.Sprint(size))
	}
	resp := e.do(t, e.xAPIClient(tok), req, nil)
	return resp, resp.Header.Get("Location")
}

const ytMetaOK = `{"snippet":{"title":"Latte art","description":"How we pour","tags":["coffee"],"categoryId":"22"},"status":{"privacyStatus":"unlisted"}}`

// ytPut sends body to the session with an optional Content-Range.
func ytPut(t *testing.T, e *xyEnv, session string, body io.Reader, n int64, contentRange string, out any) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("PUT", session, body)
	req.ContentLength = n
	if n == 0 {
		req.Body = http.NoBody
	}
	if contentRange != "" {
		req.Header.Set("Content-Range", contentRange)
	}
	return e.do(t, nil, req, out)
}

// ytVideoReply is the part of a video resource the tests read.
type ytVideoReply struct {
	ID      string
	Snippet struct{ Title, ChannelID string }
	Status  struct{ UploadStatus, PrivacyStatus string }
}

func TestYouTube_WholeUpload(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	tok := ytConnect(t, e, "default", ytTestScopes...)
	data := bytes.Repeat([]byte("frame"), 100000)
	resp, session := ytStart(t, e, tok, ytMetaOK, int64(len(data)))
	if resp.StatusCode != 200 || !strings.HasPrefix(session, "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&upload_id=") {
		t.Fatalf("start = %d, Location %q", resp.StatusCode, session)
	}
	var v ytVideoReply
	resp = ytPut(t, e, session, bytes.NewReader(data), int64(len(data)), "", &v)
	if resp.StatusCode != 201 || v.ID == "" || v.Snippet.Title != "Latte art" || v.Snippet.ChannelID != "UCacmeCoffee0000000000001" ||
		v.Status.UploadStatus != "uploaded" || v.Status.PrivacyStatus != "unlisted" {
		t.Fatalf("PUT = %d %+v", resp.StatusCode, v)
	}
	sum := sha256.Sum256(data)
	posts := e.sim.Posts("youtube")
	want := fmt.Sprintf("[bytes:%d sha256:%s]", len(data), hex.EncodeToString(sum[:]))
	if len(posts) != 1 || posts[0].ID != v.ID || posts[0].Text != "Latte art\nHow we pour" || fmt.Sprint(posts[0].Media) != want {
		t.Errorf("posts = %+v, want media %s", posts, want)
	}
	var again ytVideoReply
	if resp := ytPut(t, e, session, nil, 0, fmt.Sprintf("bytes */%d", len(data)), &again); resp.StatusCode != 201 || again.ID != v.ID {
		t.Errorf("status query after completion = %d %+v, want the 201 again", resp.StatusCode, again)
	}
	// The documented way to find recent uploads: the channel's uploads playlist.
	var ch struct {
		Items []struct {
			ContentDetails struct{ RelatedPlaylists struct{ Uploads string } }
		}
	}
	ytGet(t, e, tok, "/youtube/v3/channels?part=contentDetails&mine=true", &ch)
	var items struct {
		Items []struct {
			Snippet        struct{ Title string }
			ContentDetails struct{ VideoID string }
		}
	}
	uploads := ch.Items[0].ContentDetails.RelatedPlaylists.Uploads
	resp = ytGet(t, e, tok, "/youtube/v3/playlistItems?part=snippet,contentDetails&maxResults=5&playlistId="+uploads, &items)
	if resp.StatusCode != 200 || len(items.Items) != 1 || items.Items[0].ContentDetails.VideoID != v.ID || items.Items[0].Snippet.Title != "Latte art" {
		t.Errorf("playlistItems(%s) = %d %+v", uploads, resp.StatusCode, items)
	}
	var vids struct{ Items []ytVideoReply }
	if ytGet(t, e, tok, "/youtube/v3/videos?part=snippet,status&id="+v.ID, &vids); len(vids.Items) != 1 || vids.Items[0].Status.PrivacyStatus != "unlisted" {
		t.Errorf("videos.list = %+v", vids)
	}
}

func TestYouTube_MetadataRules(t *testing.T) {
	t.Parallel()
	meta := func(title, desc, privacy, publishAt string) string {
		b, _ := json.Marshal(map[string]any{"snippet": map[string]any{"title": title, "description": desc},
			"status": map[string]any{"privacyStatus": privacy, "publishAt": publishAt}})
		return string(b)
	}
	tests := []struct {
		name, meta string
		reason     string // "" = accepted
	}{
		{"100 characters", meta(strings.Repeat("é", 100), "", "private", ""), ""},
		{"5000-byte description", meta("t", strings.Repeat("a", 5000), "public", ""), ""},
		{"scheduled private", meta("t", "", "private", "2026-04-01T10:00:00Z"), ""},
		{"empty title", meta(" ", "", "public", ""), "invalidTitle"},
		{"101 characters", meta(strings.Repeat("a", 101), "", "public", ""), "invalidTitle"},
		{"angle bracket in title", meta("a <b>", "", "public", ""), "invalidTitle"},
		{"5002 bytes in 2501 characters", meta("t", strings.Repeat("é", 2501), "public", ""), "invalidDescription"},
		{"angle bracket in description", meta("t", "1 > 0", "public", ""), "invalidDescription"},
		{"unknown privacy", meta("t", "", "friends", ""), "invalidVideoMetadata"},
		{"publishAt on public", meta("t", "", "public", "2026-04-01T10:00:00Z"), "invalidPublishAt"},
		{"publishAt not a time", meta("t", "", "private", "tomorrow"), "invalidPublishAt"},
		{"numeric categoryId", `{"snippet":{"title":"t","categoryId":22},"status":{"privacyStatus":"private"}}`, ""},
		{"bad categoryId", `{"snippet":{"title":"t","categoryId":"music"},"status":{"privacyStatus":"private"}}`, "invalidCategoryId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newXYEnv(t, Options{})
			tok := ytConnect(t, e, "default", ytTestScopes...)
			req, _ := http.NewRequest("POST", "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status",
				strings.NewReader(tt.meta))
			var out ytErr
			resp := e.do(t, e.xAPIClient(tok), req, &out)
			if tt.reason == "" && resp.StatusCode != 200 || tt.reason != "" && (resp.StatusCode != 400 || out.reason() != tt.reason) {
				t.Errorf("start = %d %+v, want reason %q", resp.StatusCode, out, tt.reason)
			}
		})
	}
}

// ytPattern generates n deterministic bytes and hashes what it hands out.
type ytPattern struct {
	n, off int64
	h      hash.Hash
}

func (p *ytPattern) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), p.n-p.off)]
	for i := range b {
		b[i] = byte((p.off + int64(i)) % 251)
	}
	p.off += int64(len(b))
	p.h.Write(b)
	return len(b), nil
}

func ytPatternBytes(from, to int64) []byte {
	p := &ytPattern{n: to, off: from, h: sha256.New()}
	b, _ := io.ReadAll(p)
	return b
}

func TestYouTube_ChunkedUploadInterruptedAndResumed(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	tok := ytConnect(t, e, "default", ytTestScopes...)
	const unit, total = 256 << 10, 3*(256<<10) + 1000
	_, session := ytStart(t, e, tok, ytMetaOK, total)
	steps := []struct {
		name, contentRange string
		from, to           int64 // body bytes
		status             int
		wantRange          string
	}{
		{"query before any byte", "bytes */" + fmt.Sprint(total), 0, 0, 308, ""},
		{"first chunk", fmt.Sprintf("bytes 0-%d/%d", unit-1, total), 0, unit, 308, fmt.Sprintf("bytes=0-%d", unit-1)},
		{"chunk not a multiple of 256 KiB", fmt.Sprintf("bytes %d-%d/%d", unit, unit+999, total), unit, unit + 1000, 400, ""},
		{"chunk past the received bytes", fmt.Sprintf("bytes %d-%d/%d", 2*unit, 3*unit-1, total), 2 * unit, 3 * unit, 400, ""},
	}
	for _, s := range steps {
		body := ytPatternBytes(s.from, s.to)
		resp := ytPut(t, e, session, bytes.NewReader(body), int64(len(body)), s.contentRange, nil)
		if resp.StatusCode != s.status || resp.Header.Get("Range") != s.wantRange {
			t.Fatalf("%s: %d Range %q, want %d %q", s.name, resp.StatusCode, resp.Header.Get("Range"), s.status, s.wantRange)
		}
	}
	// The rest is sent in one PUT whose connection drops after 300,000 bytes.
	const sent = 300000
	ytInterruptedPut(t, e, session, fmt.Sprintf("bytes %d-%d/%d", unit, total-1, total), total-unit, ytPatternBytes(unit, unit+sent))
	wantRange := fmt.Sprintf("bytes=0-%d", unit+sent-1)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp := ytPut(t, e, session, nil, 0, fmt.Sprintf("bytes */%d", total), nil)
		if resp.StatusCode == 308 && resp.Header.Get("Range") == wantRange {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status query = %d Range %q, want 308 %s", resp.StatusCode, resp.Header.Get("Range"), wantRange)
		}
	}
	rest := ytPatternBytes(unit+sent, total)
	var v ytVideoReply
	if resp := ytPut(t, e, session, bytes.NewReader(rest), int64(len(rest)), fmt.Sprintf("bytes %d-%d/%d", unit+sent, total-1, total), &v); resp.StatusCode != 201 || v.ID == "" {
		t.Fatalf("resume = %d %+v", resp.StatusCode, v)
	}
	sum := sha256.Sum256(ytPatternBytes(0, total))
	if p := e.sim.Posts("youtube"); len(p) != 1 || fmt.Sprint(p[0].Media) != fmt.Sprintf("[bytes:%d sha256:%x]", total, sum) {
		t.Errorf("recorded = %+v", p)
	}
}

// ytInterruptedPut writes a PUT that announces length bytes but sends only
// body, then closes the connection, as a client that lost its network would.
func ytInterruptedPut(t *testing.T, e *xyEnv, session, contentRange string, length int64, body []byte) {
	t.Helper()
	u, _ := url.Parse(session)
	conn, err := net.Dial("tcp", e.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	w := bufio.NewWriter(conn)
	fmt.Fprintf(w, "PUT /%s%s?%s HTTP/1.1\r\nHost: sim\r\nContent-Type: video/mp4\r\nContent-Length: %d\r\nContent-Range: %s\r\n\r\n",
		u.Host, u.Path, u.RawQuery, length, contentRange)
	w.Write(body)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

func TestYouTube_GoClientStyleChunks(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	tok := ytConnect(t, e, "default", ytTestScopes...)
	_, session := ytStart(t, e, tok, ytMetaOK, -1)
	post := func(body []byte, contentRange string) *http.Response {
		req, _ := http.NewRequest("POST", session, bytes.NewReader(body))
		req.Header.Set("Content-Range", contentRange)
		req.Header.Set("X-GUploader-No-308", "yes")
		return e.do(t, nil, req, nil)
	}
	resp := post(ytPatternBytes(0, 256<<10), "bytes 0-262143/*")
	if resp.StatusCode != 200 || resp.Header.Get("X-Http-Status-Code-Override") != "308" || resp.Header.Get("Range") != "bytes=0-262143" {
		t.Fatalf("chunk = %d %v", resp.StatusCode, resp.Header)
	}
	if resp := post(nil, "bytes */262144"); resp.StatusCode != 201 {
		t.Fatalf("final empty chunk = %d, want 201", resp.StatusCode)
	}
}

func TestYouTube_StreamedUploadIsNotBuffered(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	tok := ytConnect(t, e, "default", ytTestScopes...)
	const size = 64 << 20
	_, session := ytStart(t, e, tok, ytMetaOK, size)
	gen := &ytPattern{n: size, h: sha256.New()}
	// The body is produced while it is sent; nothing on either side holds it.
	req, _ := http.NewRequest("PUT", session, io.NopCloser(gen))
	req.ContentLength = size
	var v ytVideoReply
	if resp := e.do(t, nil, req, &v); resp.StatusCode != 201 {
		t.Fatalf("PUT = %d", resp.StatusCode)
	}
	want := fmt.Sprintf("[bytes:%d sha256:%x]", size, gen.h.Sum(nil))
	if p := e.sim.Posts("youtube"); len(p) != 1 || fmt.Sprint(p[0].Media) != want {
		t.Errorf("recorded %+v, want %s", p, want)
	}
}

func TestYouTube_QuotaAndChannelless(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{YouTubeUploadsPerDay: 2, TokenTTL: 48 * time.Hour})
	tok := ytConnect(t, e, "default", ytTestScopes...)
	for i := range 2 {
		if resp, _ := ytStart(t, e, tok, ytMetaOK, 10); resp.StatusCode != 200 {
			t.Fatalf("upload %d = %d", i, resp.StatusCode)
		}
	}
	start := func() (int, ytErr) {
		req, _ := http.NewRequest("POST", "https://youtube.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&part=snippet", strings.NewReader(ytMetaOK))
		var out ytErr
		return e.do(t, e.xAPIClient(tok), req, &out).StatusCode, out
	}
	if status, out := start(); status != 403 || out.reason() != "quotaExceeded" || out.Error.Errors[0].Domain != "youtube.quota" {
		t.Fatalf("third upload = %d %+v, want 403 quotaExceeded", status, out)
	}
	// 10:00 UTC on 2 March is 02:00 in Los Angeles; the bucket refills at the
	// next Pacific midnight, 08:00 UTC on 3 March.
	e.clock.Advance(21*time.Hour + 59*time.Minute)
	if status, _ := start(); status != 403 {
		t.Errorf("before Pacific midnight = %d, want 403", status)
	}
	e.clock.Advance(time.Minute)
	if status, out := start(); status != 200 {
		t.Errorf("after Pacific midnight = %d %+v, want 200", status, out)
	}
	none := ytConnect(t, e, "nochannel", ytTestScopes...)
	var out ytErr
	req, _ := http.NewRequest("POST", "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&part=snippet", strings.NewReader(ytMetaOK))
	if resp := e.do(t, e.xAPIClient(none), req, &out); resp.StatusCode != 401 || out.reason() != "youtubeSignupRequired" {
		t.Errorf("channel-less upload = %d %+v, want 401 youtubeSignupRequired", resp.StatusCode, out)
	}
}

func TestYouTube_SessionExpires(t *testing.T) {
	t.Parallel()
	e := newXYEnv(t, Options{})
	tok := ytConnect(t, e, "default", ytTestScopes...)
	_, session := ytStart(t, e, tok, ytMetaOK, 5)
	e.clock.Advance(8 * 24 * time.Hour)
	if resp := ytPut(t, e, session, strings.NewReader("abcde"), 5, "", nil); resp.StatusCode != 404 {
		t.Errorf("PUT to an expired session = %d, want 404", resp.StatusCode)
	}
}

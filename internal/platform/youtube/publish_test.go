package youtube

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/platformtest"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/social"
)

const kib = 1 << 10

func TestPublishSmallVideo(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	a := f.mustAccount(t)
	const size = 300_000
	res, err := f.client.Publish(context.Background(), a, platform.Draft{
		Caption: "Launch <day>\nWe ship today > yesterday.", VideoURL: f.media.url("sized", size)})
	if err != nil {
		t.Fatal(err)
	}
	if res.PostID == "" || res.Permalink != "https://www.youtube.com/watch?v="+res.PostID {
		t.Fatalf("result %+v, want the video id and its watch URL", res)
	}
	f.wantUploaded(t, res.PostID, size)

	posts := f.uploads(http.MethodPost)
	if len(posts) != 1 {
		t.Fatalf("%d session starts, want 1", len(posts))
	}
	start := posts[0]
	q, _ := url.ParseQuery(start.Query)
	wantHeaders := map[string]string{
		"Authorization": "Bearer " + a.Credentials.AccessToken.Reveal(), "Content-Type": "application/json; charset=UTF-8",
		"X-Upload-Content-Length": "300000", "X-Upload-Content-Type": "video/mp4",
	}
	for k, v := range wantHeaders {
		if start.Header.Get(k) != v {
			t.Errorf("session start %s = %q, want %q", k, start.Header.Get(k), v)
		}
	}
	if q.Get("uploadType") != "resumable" || q.Get("part") != "snippet,status" {
		t.Errorf("session start query %q, want uploadType=resumable&part=snippet,status", start.Query)
	}
	var meta struct {
		Snippet map[string]any `json:"snippet"`
		Status  map[string]any `json:"status"`
	}
	if err := json.Unmarshal(start.Body, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Snippet["title"] != "Launch day" || meta.Snippet["description"] != "We ship today  yesterday." || meta.Snippet["categoryId"] != "22" {
		t.Errorf("snippet %v, want the caption's first line as title, the rest as description, categoryId \"22\"", meta.Snippet)
	}
	if meta.Status["privacyStatus"] != "public" || meta.Status["selfDeclaredMadeForKids"] != false {
		t.Errorf("status %v, want public and not made for kids", meta.Status)
	}

	puts := f.uploads(http.MethodPut)
	if len(puts) != 1 || puts[0].Header.Get("Content-Range") != "bytes 0-299999/300000" ||
		puts[0].BodySize != size || puts[0].Header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("want one PUT of the whole video, got %d: %+v", len(puts), ranges(puts))
	}
}

func TestPublishPrivacySetting(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{cfg: func(c *Config) { c.Privacy = "unlisted" }})
	a := f.mustAccount(t)
	if _, err := f.client.Publish(context.Background(), a, platform.Draft{VideoURL: f.media.url("sized", 1000)}); err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Snippet struct{ Title string }
		Status  struct{ PrivacyStatus string }
	}
	_ = json.Unmarshal(f.uploads(http.MethodPost)[0].Body, &meta)
	if meta.Status.PrivacyStatus != "unlisted" || meta.Snippet.Title != "Untitled video" {
		t.Fatalf("sent %+v, want unlisted and the fallback title", meta)
	}
}

func TestPublishRequiresVideo(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	_, err := f.client.Publish(context.Background(), platform.Account{}, platform.Draft{Caption: "Hello"})
	if pe := platformtest.RequireError(t, err, platform.Permanent, "youtube_video_required"); pe.Message != social.MsgYouTubeNeedsVideo {
		t.Fatalf("message %q, want the guide's %q", pe.Message, social.MsgYouTubeNeedsVideo)
	}
	if n := len(f.sim.Requests()); n != 0 {
		t.Errorf("%d platform calls, want none", n)
	}
}

func TestPublishVideoNotFound(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	a := f.mustAccount(t)
	_, err := f.client.Publish(context.Background(), a, platform.Draft{VideoURL: f.media.URL + "/missing"})
	if pe := platformtest.RequireError(t, err, platform.Permanent, "media_rejected"); !strings.Contains(pe.Message, "404") {
		t.Fatalf("message %q, want the fetcher's reason", pe.Message)
	}
	if n := len(f.uploads(http.MethodPost)); n != 0 {
		t.Errorf("%d upload sessions started for a missing video, want none", n)
	}
}

func TestPublishVideoTooLarge(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sized", "unsized"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			f := setup(t, setupOpts{cfg: func(c *Config) { c.MaxVideoBytes = 512 * kib; c.ChunkSize = 256 * kib }})
			a := f.mustAccount(t)
			_, err := f.client.Publish(context.Background(), a, platform.Draft{VideoURL: f.media.url(kind, 2*512*kib)})
			if pe := platformtest.RequireError(t, err, platform.Permanent, "media_rejected"); !strings.Contains(pe.Message, "limit") {
				t.Fatalf("message %q, want the limit named", pe.Message)
			}
			if n := len(f.sim.Posts("youtube")); n != 0 {
				t.Errorf("%d videos published, want none", n)
			}
		})
	}
}

// TestPublishResumesAfterServerError: the first chunk answers 503; the client
// asks YouTube what it has (nothing) and sends it again.
func TestPublishResumesAfterServerError(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{cfg: func(c *Config) { c.ChunkSize = 256 * kib }})
	a := f.mustAccount(t)
	f.sim.InjectFault(sim.Fault{Path: "/www.googleapis.com/upload/youtube/v3/videos", Method: http.MethodPut, Kind: sim.FaultError, Times: 1})
	const size = 3*256*kib + 1000
	res, err := f.client.Publish(context.Background(), a, platform.Draft{Caption: "Chunks", VideoURL: f.media.url("sized", size)})
	if err != nil {
		t.Fatal(err)
	}
	f.wantUploaded(t, res.PostID, size)
	want := []string{
		"bytes 0-262143/787432 (0)", // 503 before the body was read
		"bytes */787432 (0)",        // status query: 308 without Range
		"bytes 0-262143/787432 (262144)",
		"bytes 262144-524287/787432 (262144)",
		"bytes 524288-786431/787432 (262144)",
		"bytes 786432-787431/787432 (1000)",
	}
	if got := ranges(f.uploads(http.MethodPut)); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("PUTs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPublishResumesMidChunk cuts the third chunk's connection part-way: the
// client resumes from the byte YouTube reports, which needs the rest of that
// chunk still in memory.
func TestPublishResumesMidChunk(t *testing.T) {
	t.Parallel()
	cut := &cutter{next: http.DefaultTransport, nth: 3, after: 100 * kib}
	f := setup(t, setupOpts{transport: cut, cfg: func(c *Config) { c.ChunkSize = 256 * kib }})
	a := f.mustAccount(t)
	const size = 5*256*kib + 12345
	res, err := f.client.Publish(context.Background(), a, platform.Draft{Caption: "Cut", VideoURL: f.media.url("sized", size)})
	if err != nil {
		t.Fatal(err)
	}
	f.wantUploaded(t, res.PostID, size)
	puts := ranges(f.uploads(http.MethodPut))
	if !cut.done.Load() || !contains(puts, "bytes */1323065 (0)") {
		t.Fatalf("want the third chunk cut and a status query, got:\n%s", strings.Join(puts, "\n"))
	}
	// After the query the upload goes on from what YouTube reports, inside the
	// cut chunk (mid-chunk when the cut bytes arrived), with full chunks.
	var from, to int64
	if _, err := fmt.Sscanf(puts[4], "bytes %d-%d/", &from, &to); err != nil || from < 2*256*kib || from >= 3*256*kib || to-from+1 != 256*kib {
		t.Fatalf("resumed with %q, want a full chunk starting inside the cut one", puts[4])
	}
}

func TestPublishUnknownSize(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{cfg: func(c *Config) { c.ChunkSize = 256 * kib }})
	a := f.mustAccount(t)
	const size = 2*256*kib + 777
	res, err := f.client.Publish(context.Background(), a, platform.Draft{Caption: "Live", VideoURL: f.media.url("unsized", size)})
	if err != nil {
		t.Fatal(err)
	}
	f.wantUploaded(t, res.PostID, size)
	if h := f.uploads(http.MethodPost)[0].Header; h.Get("X-Upload-Content-Length") != "" {
		t.Errorf("X-Upload-Content-Length %q sent for a download of unknown size", h.Get("X-Upload-Content-Length"))
	}
	want := []string{"bytes 0-262143/* (262144)", "bytes 262144-524287/* (262144)", "bytes 524288-525064/525065 (777)"}
	if got := ranges(f.uploads(http.MethodPut)); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("PUTs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPublishUnknownSizeExactChunks: a video of unknown size that ends on a
// chunk boundary still names its total in the last chunk.
func TestPublishUnknownSizeExactChunks(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{cfg: func(c *Config) { c.ChunkSize = 256 * kib }})
	a := f.mustAccount(t)
	const size = 2 * 256 * kib
	res, err := f.client.Publish(context.Background(), a, platform.Draft{VideoURL: f.media.url("unsized", size)})
	if err != nil {
		t.Fatal(err)
	}
	f.wantUploaded(t, res.PostID, size)
	want := []string{"bytes 0-262143/* (262144)", "bytes 262144-524287/524288 (262144)"}
	if got := ranges(f.uploads(http.MethodPut)); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("PUTs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPublishSmallUnknownSize: a download that fits the first chunk has its
// size known before the session starts, so it is announced.
func TestPublishSmallUnknownSize(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	a := f.mustAccount(t)
	res, err := f.client.Publish(context.Background(), a, platform.Draft{VideoURL: f.media.url("unsized", 5000)})
	if err != nil {
		t.Fatal(err)
	}
	f.wantUploaded(t, res.PostID, 5000)
	if got := f.uploads(http.MethodPost)[0].Header.Get("X-Upload-Content-Length"); got != "5000" {
		t.Errorf("X-Upload-Content-Length %q, want 5000", got)
	}
}

func TestPublishEmptyVideo(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	a := f.mustAccount(t)
	_, err := f.client.Publish(context.Background(), a, platform.Draft{VideoURL: f.media.url("unsized", 0)})
	platformtest.RequireError(t, err, platform.Permanent, "media_rejected")
	if n := len(f.uploads(http.MethodPost)); n != 0 {
		t.Errorf("%d sessions started for an empty video, want none (each costs quota)", n)
	}
}

func TestPublishSessionExpiredRestartsOnce(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{cfg: func(c *Config) { c.ChunkSize = 256 * kib }})
	a := f.mustAccount(t)
	f.sim.InjectFault(sim.Fault{Path: "/www.googleapis.com/upload/youtube/v3/videos", Method: http.MethodPut,
		Kind: sim.FaultError, Status: http.StatusNotFound, Times: 1})
	const size = 600 * kib
	res, err := f.client.Publish(context.Background(), a, platform.Draft{VideoURL: f.media.url("sized", size)})
	if err != nil {
		t.Fatal(err)
	}
	f.wantUploaded(t, res.PostID, size)
	if n := len(f.uploads(http.MethodPost)); n != 2 {
		t.Errorf("%d sessions, want a restart after the 404", n)
	}
	if n := f.media.fetches.Load(); n != 2 {
		t.Errorf("%d downloads, want the video fetched again for the new session", n)
	}
	if n := len(f.sim.Posts("youtube")); n != 1 {
		t.Errorf("%d videos, want 1", n)
	}
}

func TestPublishQuotaExceeded(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{sim: sim.Options{YouTubeUploadsPerDay: 1}})
	a := f.mustAccount(t)
	d := platform.Draft{Caption: "One", VideoURL: f.media.url("sized", 1000)}
	if _, err := f.client.Publish(context.Background(), a, d); err != nil {
		t.Fatal(err)
	}
	_, err := f.client.Publish(context.Background(), a, d)
	pe := platformtest.RequireError(t, err, platform.RateLimited, "rate_limited")
	if pe.RetryAfter != 11*time.Hour {
		t.Fatalf("RetryAfter %s, want until midnight Pacific (11 h)", pe.RetryAfter)
	}
	if !strings.Contains(pe.Message, "quota") || strings.Contains(pe.Message, "<a") {
		t.Errorf("message %q should name the quota, without HTML", pe.Message)
	}
}

func TestPublishTokenExpired(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	a := f.mustAccount(t)
	f.sim.ExpireAccessTokens("youtube")
	_, err := f.client.Publish(context.Background(), a, platform.Draft{VideoURL: f.media.url("sized", 1000)})
	if pe := platformtest.RequireError(t, err, platform.TokenExpired, "token_expired"); pe.Status != 401 {
		t.Fatalf("status %d, want 401", pe.Status)
	}
}

// TestPublishRefreshesMidUpload: a long upload outlives its access token; the
// session carries on with a refreshed one instead of starting over.
func TestPublishRefreshesMidUpload(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{cfg: func(c *Config) { c.ChunkSize = 256 * kib }})
	a := f.mustAccount(t)
	f.sim.InjectFault(sim.Fault{Path: "/www.googleapis.com/upload/youtube/v3/videos", Method: http.MethodPut,
		Kind: sim.FaultExpiredToken, Times: 1})
	const size = 600 * kib
	res, err := f.client.Publish(context.Background(), a, platform.Draft{VideoURL: f.media.url("sized", size)})
	if err != nil {
		t.Fatal(err)
	}
	f.wantUploaded(t, res.PostID, size)
	if n := len(f.sim.RequestsTo("oauth2.googleapis.com", "/token")); n != 2 {
		t.Errorf("%d token calls, want the exchange and one refresh", n)
	}
	if n := len(f.uploads(http.MethodPost)); n != 1 {
		t.Errorf("%d sessions, want the one carried on", n)
	}
}

func TestPublishGivesUpAfterRetries(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{cfg: func(c *Config) { c.ChunkSize = 256 * kib; c.MaxRetries = 2 }})
	a := f.mustAccount(t)
	f.sim.InjectFault(sim.Fault{Path: "/www.googleapis.com/upload/youtube/v3/videos", Method: http.MethodPut, Kind: sim.FaultError})
	_, err := f.client.Publish(context.Background(), a, platform.Draft{VideoURL: f.media.url("sized", 600*kib)})
	if pe := platformtest.RequireError(t, err, platform.Temporary, "platform_error"); pe.Status != 503 {
		t.Fatalf("status %d, want 503 after the retries", pe.Status)
	}
	if n := len(f.uploads(http.MethodPut)); n != 3 {
		t.Errorf("%d PUTs, want the chunk and 2 status queries", n)
	}
}

func TestFindPublished(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	a := f.mustAccount(t)
	d := platform.Draft{Caption: "Find me\nplease", VideoURL: f.media.url("sized", 2000)}
	other := platform.Draft{Caption: "Something else", VideoURL: f.media.url("sized", 2000)}
	if _, err := f.client.Publish(context.Background(), a, other); err != nil {
		t.Fatal(err)
	}
	res, err := f.client.Publish(context.Background(), a, d)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		draft platform.Draft
		since time.Time
		found bool
	}{
		{"same title since before", d, testNow.Add(-time.Hour), true},
		{"title only from the first line", platform.Draft{Caption: "Find me\nanother description"}, testNow.Add(-time.Hour), true},
		{"other title", platform.Draft{Caption: "Never posted"}, testNow.Add(-time.Hour), false},
		{"since after the upload", d, testNow.Add(time.Hour), false},
	}
	for _, tt := range tests {
		got, ok, err := f.client.FindPublished(context.Background(), a, tt.draft, tt.since)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if ok != tt.found || (ok && got != res) {
			t.Errorf("%s: got %+v, %v; want found=%v (%+v)", tt.name, got, ok, tt.found, res)
		}
	}
}

// ranges lists PUTs as "Content-Range (body bytes)".
func ranges(reqs []sim.Request) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, fmt.Sprintf("%s (%d)", r.Header.Get("Content-Range"), r.BodySize))
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// cutter breaks the body of the nth PUT with a body after `after` bytes, as a
// dropped connection would.
type cutter struct {
	next  http.RoundTripper
	nth   int
	after int64
	seen  atomic.Int64
	done  atomic.Bool
}

func (c *cutter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPut && req.ContentLength > 0 && c.seen.Add(1) == int64(c.nth) {
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(io.MultiReader(io.LimitReader(req.Body, c.after), failReader{}))
		req.GetBody = nil
		c.done.Store(true)
	}
	return c.next.RoundTrip(req)
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("connection reset (test)") }

// An in-doubt upload behind more than a page of newer uploads is still found
// (a chaos run found it uploaded twice when only 50 were read).
func TestFindPublishedPagesBack(t *testing.T) {
	t.Parallel()
	f := setup(t, setupOpts{})
	a := f.mustAccount(t)
	first, err := f.client.Publish(context.Background(), a, platform.Draft{Caption: "The early one", VideoURL: f.media.url("sized", 1000)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		d := platform.Draft{Caption: fmt.Sprintf("Later %d", i), VideoURL: f.media.url("sized", 1000)}
		if _, err := f.client.Publish(context.Background(), a, d); err != nil {
			t.Fatal(err)
		}
	}
	got, found, err := f.client.FindPublished(context.Background(), a, platform.Draft{Caption: "The early one"}, testNow.Add(-time.Hour))
	if err != nil || !found || got != first {
		t.Fatalf("got %+v, %v, %v; want %+v", got, found, err, first)
	}
}

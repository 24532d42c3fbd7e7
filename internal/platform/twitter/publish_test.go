package twitter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/platformtest"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/social"
)

// tweetBody decodes the recorded POST /2/tweets bodies.
func tweetBodies(t *testing.T, e *env) []tweetRequest {
	t.Helper()
	var out []tweetRequest
	for _, r := range e.requests(http.MethodPost, "api.x.com", "/2/tweets") {
		var b tweetRequest
		if err := json.Unmarshal(r.Body, &b); err != nil {
			t.Fatalf("tweet body %q: %v", r.Body, err)
		}
		out = append(out, b)
	}
	return out
}

// formParts reads a recorded multipart body: field name → content.
func formParts(t *testing.T, r sim.Request) map[string]string {
	t.Helper()
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("upload Content-Type %q: %v", r.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(strings.NewReader(string(r.Body)), params["boundary"])
	out := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("upload body: %v", err)
		}
		b, _ := io.ReadAll(p)
		out[p.FormName()] = string(b)
	}
}

func TestPublish_Text(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	a := platformtest.Account(e.connect(t, ""))
	res, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "Fresh roast today ☕"})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	posts := e.sim.Posts("twitter")
	if len(posts) != 1 || posts[0].ID != res.PostID || posts[0].Text != "Fresh roast today ☕" || posts[0].AccountID != "2244994945" {
		t.Fatalf("sim posts = %+v, result %+v", posts, res)
	}
	if want := "https://x.com/acmecoffee/status/" + res.PostID; res.Permalink != want {
		t.Errorf("Permalink = %q, want %q", res.Permalink, want)
	}
	bodies := tweetBodies(t, e)
	if len(bodies) != 1 || bodies[0].Media != nil || bodies[0].Text != "Fresh roast today ☕" {
		t.Errorf("tweet bodies = %+v, want one text-only body", bodies)
	}
	r := e.requests(http.MethodPost, "api.x.com", "/2/tweets")[0]
	if r.Header.Get("Authorization") != "Bearer "+a.Credentials.AccessToken.Reveal() {
		t.Error("tweet not sent with the OAuth 2.0 bearer token")
	}
}

func TestPublish_PermalinkWithoutUsername(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	a := platformtest.Account(e.connect(t, ""))
	a.Name, a.Meta = "Acme Corp", nil // a manual account named freely
	res, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "no handle known"})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if want := "https://x.com/i/web/status/" + res.PostID; res.Permalink != want {
		t.Errorf("Permalink = %q, want %q", res.Permalink, want)
	}
}

func TestPublish_ImagesV2(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	a := platformtest.Account(e.connect(t, ""))
	res, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "two pics", ImageURLs: []string{e.imageURL(1), e.imageURL(22)}})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	uploads := e.requests(http.MethodPost, "api.x.com", "/2/media/upload")
	if len(uploads) != 2 {
		t.Fatalf("%d v2 uploads, want 2", len(uploads))
	}
	var ids []string
	for _, u := range uploads {
		parts := formParts(t, u)
		if parts["media_category"] != "tweet_image" || len(parts["media"]) == 0 {
			t.Errorf("upload parts = media %d bytes, media_category %q", len(parts["media"]), parts["media_category"])
		}
		if u.Header.Get("Content-Length") == "" || u.Header.Get("Authorization") != "Bearer "+a.Credentials.AccessToken.Reveal() {
			t.Errorf("upload headers %v: want Content-Length and the bearer token", u.Header)
		}
	}
	ids = e.sim.Posts("twitter")[0].Media
	bodies := tweetBodies(t, e)
	if len(bodies) != 1 || bodies[0].Media == nil || !slices.Equal(bodies[0].Media.MediaIDs, ids) || len(ids) != 2 {
		t.Errorf("tweet bodies %+v, sim media %v", bodies, ids)
	}
	if e.sim.Posts("twitter")[0].ID != res.PostID {
		t.Error("result id is not the posted tweet")
	}
	if n := len(e.requests(http.MethodPost, "upload.twitter.com", "/1.1/media/upload.json")); n != 0 {
		t.Errorf("%d v1.1 uploads for an OAuth 2.0 account, want 0", n)
	}
}

// legacyCreds are the simulator's OAuth 1.0a consumer and the default user's token.
func legacyCreds(c social.Credentials) social.Credentials {
	c.ConsumerKey, c.ConsumerSecret = "sandbox-x-consumer-key", "sandbox-x-consumer-secret"
	c.OAuth1AccessToken, c.AccessTokenSecret = "2244994945-sandboxAccessToken", "sandbox-x-token-secret"
	return c
}

func TestPublish_ImagesV1OAuth1(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	a := platformtest.Account(e.connect(t, ""))
	a.Credentials = legacyCreds(a.Credentials)
	_, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "legacy media", ImageURLs: []string{e.imageURL(3)}})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	uploads := e.requests(http.MethodPost, "upload.twitter.com", "/1.1/media/upload.json")
	if len(uploads) != 1 {
		t.Fatalf("%d v1.1 uploads, want 1", len(uploads))
	}
	if h := uploads[0].Header.Get("Authorization"); !strings.HasPrefix(h, "OAuth ") || !strings.Contains(h, `oauth_signature_method="HMAC-SHA1"`) {
		t.Errorf("v1.1 upload Authorization = %q, want an OAuth 1.0a HMAC-SHA1 header", h)
	}
	if len(formParts(t, uploads[0])["media"]) == 0 {
		t.Error("v1.1 upload carries no media part")
	}
	if n := len(e.requests(http.MethodPost, "api.x.com", "/2/media/upload")); n != 0 {
		t.Errorf("%d v2 uploads for a legacy account, want 0", n)
	}
	tw := e.requests(http.MethodPost, "api.x.com", "/2/tweets")
	if len(tw) != 1 || !strings.HasPrefix(tw[0].Header.Get("Authorization"), "Bearer ") {
		t.Error("the tweet itself should still use the OAuth 2.0 token")
	}
	if posts := e.sim.Posts("twitter"); len(posts) != 1 || len(posts[0].Media) != 1 {
		t.Errorf("sim posts = %+v, want one post with one image", posts)
	}
}

// A manually entered legacy account: its access token is the OAuth1 token.
func TestPublish_LegacyOnlyAccount(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	creds := legacyCreds(social.Credentials{})
	creds.AccessToken, creds.OAuth1AccessToken = creds.OAuth1AccessToken, ""
	a := platform.Account{Name: "Acme Corp", Credentials: creds}
	res, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "all OAuth1", ImageURLs: []string{e.imageURL(4)}})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	tw := e.requests(http.MethodPost, "api.x.com", "/2/tweets")
	if len(tw) != 1 || !strings.HasPrefix(tw[0].Header.Get("Authorization"), "OAuth ") {
		t.Fatal("the tweet of a legacy-only account must be OAuth1-signed")
	}
	found, ok, err := e.client.FindPublished(context.Background(), a, platform.Draft{Caption: "all OAuth1"}, e.clock.Now().Add(-time.Minute))
	if err != nil || !ok || found.PostID != res.PostID {
		t.Errorf("FindPublished = %+v %v %v, want %s (user id looked up with users/me)", found, ok, err, res.PostID)
	}
}

func TestPublish_MissingMediaWrite(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	a := platformtest.Account(e.connect(t, "tweet.read tweet.write users.read offline.access"))
	_, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "pic", ImageURLs: []string{e.imageURL(1)}})
	pe := platformtest.RequireError(t, err, platform.Permanent, "twitter_media_credentials")
	for _, want := range []string{"media.write", "Access Token Secret", "Consumer Key", "Consumer Secret"} {
		if !strings.Contains(pe.Message, want) {
			t.Errorf("message %q does not name %q", pe.Message, want)
		}
	}
	if n := len(e.sim.Posts("twitter")); n != 0 {
		t.Errorf("%d posts made without their image, want 0", n)
	}
}

func TestPublish_BadLegacyCredentials(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	a := platformtest.Account(e.connect(t, ""))
	a.Credentials = legacyCreds(a.Credentials)
	a.Credentials.ConsumerSecret = "wrong"
	_, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "pic", ImageURLs: []string{e.imageURL(1)}})
	platformtest.RequireError(t, err, platform.Permanent, "twitter_media_credentials")
}

func TestPublish_Errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault sim.Fault
		kind  platform.ErrorKind
		code  string
		retry time.Duration
	}{
		{"429 with x-rate-limit-reset", sim.Fault{Kind: sim.FaultRateLimit, RetryAfter: 7 * time.Minute}, platform.RateLimited, "rate_limited", 7 * time.Minute},
		{"401", sim.Fault{Kind: sim.FaultExpiredToken}, platform.TokenExpired, "token_expired", 0},
		{"503", sim.Fault{Kind: sim.FaultError}, platform.Temporary, "platform_error", 0},
		{"403 duplicate", sim.Fault{Kind: sim.FaultDuplicate}, platform.Permanent, "duplicate_content", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, sim.Options{}, Config{})
			a := platformtest.Account(e.connect(t, ""))
			tt.fault.Path = "/api.x.com/2/tweets"
			e.sim.InjectFault(tt.fault)
			_, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "hello"})
			pe := platformtest.RequireError(t, err, tt.kind, tt.code)
			if pe.RetryAfter != tt.retry {
				t.Errorf("RetryAfter = %s, want %s", pe.RetryAfter, tt.retry)
			}
			if pe.Message == "" || strings.Contains(pe.Message, "{") {
				t.Errorf("message %q is not a sentence", pe.Message)
			}
		})
	}
}

func TestPublish_Duplicate(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	a := platformtest.Account(e.connect(t, ""))
	if _, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "same words"}); err != nil {
		t.Fatal(err)
	}
	_, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "same words"})
	pe := platformtest.RequireError(t, err, platform.Permanent, "duplicate_content")
	if pe.Status != http.StatusForbidden {
		t.Errorf("Status = %d, want 403", pe.Status)
	}
}

func TestPublish_ExpiredToken(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	a := platformtest.Account(e.connect(t, ""))
	e.sim.ExpireAccessTokens("twitter")
	_, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "late"})
	pe := platformtest.RequireError(t, err, platform.TokenExpired, "token_expired")
	if strings.Contains(pe.Message, a.Credentials.AccessToken.Reveal()) || strings.Contains(pe.Error(), a.Credentials.AccessToken.Reveal()) {
		t.Error("the error reveals the access token")
	}
}

func TestPublish_TooManyImages(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	a := platformtest.Account(e.connect(t, ""))
	urls := []string{e.imageURL(1), e.imageURL(2), e.imageURL(3), e.imageURL(4), e.imageURL(5)}
	_, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "five", ImageURLs: urls})
	platformtest.RequireError(t, err, platform.Permanent, "media_rejected")
	if n := len(e.requests(http.MethodPost, "api.x.com", "/2/media/upload")); n != 0 {
		t.Errorf("%d uploads for a post X would refuse, want 0", n)
	}
}

func TestPublish_MissingToken(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	_, err := e.client.Publish(context.Background(), platform.Account{}, platform.Draft{Caption: "x"})
	pe := platformtest.RequireError(t, err, platform.Permanent, "access_token_missing")
	if pe.Message != social.MsgAccessTokenMissing {
		t.Errorf("message %q, want the guide's %q", pe.Message, social.MsgAccessTokenMissing)
	}
}

// A request that may have reached X must not become a *platform.Error: the
// worker has to reconcile, not retry blindly.
func TestPublish_NetworkFailureIsNotAPlatformError(t *testing.T) {
	t.Parallel()
	hc := platform.NewHTTPClient(platform.ClientConfig{Transport: platformtest.ResetTransport{}})
	c := New(Config{ClientID: "cid", HTTPClient: hc})
	a := platform.Account{PlatformAccountID: "2244994945", Credentials: social.Credentials{AccessToken: "tok"}}
	_, err := c.Publish(context.Background(), a, platform.Draft{Caption: "lost"})
	platformtest.RequirePlainError(t, err)
	if !errors.Is(err, platformtest.ErrReset) {
		t.Fatalf("error %v, want the network error wrapped", err)
	}
	_, err = c.Refresh(context.Background(), platform.Account{Credentials: social.Credentials{RefreshToken: "rt"}})
	platformtest.RequirePlainError(t, err)
}

func TestFindPublished(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	a := platformtest.Account(e.connect(t, ""))
	start := e.clock.Now()
	res, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "Tea & cake at https://acme.example/menu"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if _, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "a later post"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		caption string
		since   time.Time
		want    bool
	}{
		{"same text", "Tea & cake at https://acme.example/menu", start, true},
		{"other text", "Tea and cake", start, false},
		{"posted before since", "Tea & cake at https://acme.example/menu", start.Add(30 * time.Second), false},
	}
	for _, tt := range tests {
		got, ok, err := e.client.FindPublished(context.Background(), a, platform.Draft{Caption: tt.caption}, tt.since)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if ok != tt.want || (ok && (got.PostID != res.PostID || got.Permalink != res.Permalink)) {
			t.Errorf("%s: FindPublished = %+v, %v; want found=%v (%+v)", tt.name, got, ok, tt.want, res)
		}
	}
	r := e.requests(http.MethodGet, "api.x.com", "/2/users/2244994945/tweets")
	if len(r) == 0 || !strings.Contains(r[0].Query, "start_time=") {
		t.Errorf("FindPublished requests %+v, want GET /2/users/{id}/tweets with start_time", r)
	}
}

func TestComparable(t *testing.T) {
	t.Parallel()
	tests := []struct{ ours, xs string }{
		{"Tea & cake", "Tea &amp; cake"},
		{"see https://acme.example/a?b=c", "see https://t.co/abc123"},
		{"  two   spaces\nline ", "two spaces line"},
		{"with image", "with image https://t.co/pic"},
	}
	for _, tt := range tests {
		if comparable(tt.ours) != comparable(tt.xs) {
			t.Errorf("comparable(%q) = %q, comparable(%q) = %q; want equal", tt.ours, comparable(tt.ours), tt.xs, comparable(tt.xs))
		}
	}
	if comparable("hello") == comparable("hello world") {
		t.Error("different texts compare equal")
	}
}

// An image that turns out too large while it streams fails the post with the
// fetcher's words; nothing is posted.
func TestPublish_ImageTooLarge(t *testing.T) {
	t.Parallel()
	for _, legacy := range []bool{false, true} {
		e := setup(t, sim.Options{}, Config{})
		a := platformtest.Account(e.connect(t, ""))
		if legacy {
			a.Credentials = legacyCreds(a.Credentials)
		}
		_, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "huge", ImageURLs: []string{e.media.URL + "/big.jpg"}})
		pe := platformtest.RequireError(t, err, platform.Permanent, "media_rejected")
		if !strings.Contains(pe.Message, e.media.URL+"/big.jpg") {
			t.Errorf("legacy=%v: message %q does not name the image", legacy, pe.Message)
		}
		if n := len(e.sim.Posts("twitter")); n != 0 {
			t.Errorf("legacy=%v: %d posts, want 0", legacy, n)
		}
	}
}

func TestPublish_ImageNotFound(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	a := platformtest.Account(e.connect(t, ""))
	_, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "gone", ImageURLs: []string{e.media.URL + "/gone"}})
	platformtest.RequireError(t, err, platform.Permanent, "media_rejected")
	if n := len(e.requests(http.MethodPost, "api.x.com", "/2/media/upload")); n != 0 {
		t.Errorf("%d uploads of an image that could not be read, want 0", n)
	}
}

// An in-doubt post behind more than a page of newer posts is still found.
func TestFindPublishedPagesBack(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{}, Config{})
	a := platformtest.Account(e.connect(t, ""))
	start := e.clock.Now()
	first, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: "The early one"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 150 {
		if i%90 == 89 {
			e.clock.Advance(16 * time.Minute) // X allows 100 posts per 15 min per user
		}
		if _, err := e.client.Publish(context.Background(), a, platform.Draft{Caption: fmt.Sprintf("Later %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	got, found, err := e.client.FindPublished(context.Background(), a, platform.Draft{Caption: "The early one"}, start)
	if err != nil || !found || got.PostID != first.PostID {
		t.Fatalf("got %+v, %v, %v; want %+v", got, found, err, first)
	}
}

package linkedin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/platformtest"
	"github.com/salesai/social/internal/platform/sim"
)

// ugcBodies decodes the recorded POST /v2/ugcPosts bodies.
func ugcBodies(t *testing.T, e *env) []ugcPost {
	t.Helper()
	var out []ugcPost
	for _, r := range e.requests(http.MethodPost, "api.linkedin.com", "/v2/ugcPosts") {
		var p ugcPost
		dec := json.NewDecoder(strings.NewReader(string(r.Body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("ugcPosts body %s: %v", r.Body, err)
		}
		out = append(out, p)
	}
	return out
}

// assertRestli checks every UGC Post API call carried the Rest.li 2.0 header.
func assertRestli(t *testing.T, e *env) {
	t.Helper()
	n := 0
	for _, r := range e.sim.Requests() {
		if r.Host == "api.linkedin.com" && r.Path == "/v2/ugcPosts" {
			n++
			if r.Header.Get("X-Restli-Protocol-Version") != "2.0.0" {
				t.Errorf("%s /v2/ugcPosts without X-Restli-Protocol-Version: 2.0.0", r.Method)
			}
		}
	}
	if n == 0 {
		t.Error("no /v2/ugcPosts call recorded")
	}
}

func TestPublish_Text(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	a := manualAccount(e.connect(t))
	res, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: "Hello LinkedIn, café opening soon"})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	want := ugcPost{Author: "urn:li:person:782bbtaQ", LifecycleState: "PUBLISHED", Visibility: visibility{"PUBLIC"},
		SpecificContent: specificContent{shareContent{ShareCommentary: text{"Hello LinkedIn, café opening soon"}, ShareMediaCategory: "NONE"}}}
	if got := ugcBodies(t, e); len(got) != 1 || !sameUGC(got[0], want) {
		t.Errorf("ugcPosts bodies = %+v, want %+v", got, want)
	}
	posts := e.sim.Posts("linkedin")
	if len(posts) != 1 || posts[0].ID != res.PostID || !strings.HasPrefix(res.PostID, "urn:li:share:") {
		t.Fatalf("sim posts %+v, result %+v", posts, res)
	}
	if want := "https://www.linkedin.com/feed/update/" + res.PostID + "/"; res.Permalink != want {
		t.Errorf("Permalink = %q, want %q", res.Permalink, want)
	}
	assertRestli(t, e)
}

func sameUGC(a, b ugcPost) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestPublish_Article(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	a := manualAccount(e.connect(t))
	caption := "New menu (see https://acme.example/menu?season=spring). And https://acme.example/other"
	if _, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: caption}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	got := ugcBodies(t, e)
	want := shareContent{ShareCommentary: text{caption}, ShareMediaCategory: "ARTICLE",
		Media: []shareItem{{Status: "READY", OriginalURL: "https://acme.example/menu?season=spring"}}}
	if len(got) != 1 || !sameUGC(got[0], ugcPost{Author: a.PlatformAccountID, LifecycleState: "PUBLISHED",
		SpecificContent: specificContent{want}, Visibility: visibility{"PUBLIC"}}) {
		t.Errorf("ugcPosts bodies = %+v, want share content %+v", got, want)
	}
	assertRestli(t, e)
}

func TestPublish_Images(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	a := manualAccount(e.connect(t))
	_, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: "two photos https://acme.example", ImageURLs: []string{e.imageURL(1), e.imageURL(22)}})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	regs := e.requests(http.MethodPost, "api.linkedin.com", "/v2/assets")
	if len(regs) != 2 {
		t.Fatalf("%d registerUpload calls, want 2", len(regs))
	}
	for _, r := range regs {
		var b registerUpload
		if err := json.Unmarshal(r.Body, &b); err != nil || r.Query != "action=registerUpload" {
			t.Fatalf("registerUpload %s?%s: %v", r.Body, r.Query, err)
		}
		if b.Request.Owner != a.PlatformAccountID || !slices.Equal(b.Request.Recipes, []string{"urn:li:digitalmediaRecipe:feedshare-image"}) {
			t.Errorf("registerUpload body %+v", b)
		}
	}
	puts := e.requests(http.MethodPut, "api.linkedin.com", "")
	if len(puts) != 2 {
		t.Fatalf("%d uploads, want 2", len(puts))
	}
	for _, p := range puts {
		if !strings.HasPrefix(p.Path, "/mediaUpload/") || p.Header.Get("Authorization") != "Bearer "+a.Credentials.AccessToken.Reveal() ||
			p.Header.Get("Content-Length") == "" || p.BodySize == 0 {
			t.Errorf("upload %s: headers %v, %d bytes", p.Path, p.Header, p.BodySize)
		}
	}
	posts := e.sim.Posts("linkedin")
	if len(posts) != 1 || len(posts[0].Media) != 2 {
		t.Fatalf("sim posts = %+v, want one post with two assets", posts)
	}
	body := ugcBodies(t, e)[0].SpecificContent.ShareContent
	if body.ShareMediaCategory != "IMAGE" || len(body.Media) != 2 {
		t.Fatalf("share content %+v, want IMAGE with two media", body)
	}
	for i, m := range body.Media {
		if m.Status != "READY" || m.Media != posts[0].Media[i] || !strings.HasPrefix(m.Media, "urn:li:digitalmediaAsset:") {
			t.Errorf("media[%d] = %+v, want READY asset %s", i, m, posts[0].Media[i])
		}
	}
	assertRestli(t, e)
}

func TestPublish_Errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		at    time.Time
		fault sim.Fault
		kind  platform.ErrorKind
		code  string
		retry time.Duration
		msg   string
	}{
		{"401", time.Time{}, sim.Fault{Kind: sim.FaultExpiredToken}, platform.TokenExpired, "token_expired", 0, "Expired access token"},
		{"429 in the morning", time.Time{}, sim.Fault{Kind: sim.FaultRateLimit}, platform.RateLimited, "rate_limited", time.Hour, "throttle limit"},
		{"429 before midnight UTC", time.Date(2026, 3, 2, 23, 40, 0, 0, time.UTC), sim.Fault{Kind: sim.FaultRateLimit}, platform.RateLimited, "rate_limited", 20 * time.Minute, "throttle limit"},
		{"429 with Retry-After", time.Time{}, sim.Fault{Kind: sim.FaultRateLimit, RetryAfter: 90 * time.Second}, platform.RateLimited, "rate_limited", 90 * time.Second, "throttle limit"},
		{"500", time.Time{}, sim.Fault{Kind: sim.FaultError}, platform.Temporary, "platform_error", 0, "Internal Server Error"},
		{"422 duplicate", time.Time{}, sim.Fault{Kind: sim.FaultDuplicate}, platform.Permanent, "duplicate_content", 0, "Content is a duplicate of urn:li:share:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, sim.Options{})
			a := manualAccount(e.connect(t))
			if !tt.at.IsZero() {
				e.clock.Set(tt.at)
			}
			tt.fault.Path = "/api.linkedin.com/v2/ugcPosts"
			e.sim.InjectFault(tt.fault)
			_, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: "hello"})
			pe := platformtest.RequireError(t, err, tt.kind, tt.code)
			if pe.RetryAfter != tt.retry || !strings.Contains(pe.Message, tt.msg) || strings.Contains(pe.Message, "{") {
				t.Errorf("RetryAfter %s message %q, want %s and LinkedIn's %q", pe.RetryAfter, pe.Message, tt.retry, tt.msg)
			}
		})
	}
}

func TestPublish_Duplicate(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	a := manualAccount(e.connect(t))
	first, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: "same words"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.manual.Publish(context.Background(), a, platform.Draft{Caption: "same words"})
	pe := platformtest.RequireError(t, err, platform.Permanent, "duplicate_content")
	if pe.Status != http.StatusUnprocessableEntity || !strings.Contains(pe.Message, first.PostID) {
		t.Errorf("status %d message %q, want 422 naming %s", pe.Status, pe.Message, first.PostID)
	}
}

func TestPublish_ExpiredToken(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	a := manualAccount(e.connect(t))
	e.sim.ExpireAccessTokens("linkedin")
	_, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: "late"})
	pe := platformtest.RequireError(t, err, platform.TokenExpired, "token_expired")
	if strings.Contains(pe.Error(), a.Credentials.AccessToken.Reveal()) {
		t.Error("the error reveals the access token")
	}
}

// Posting as a Page without w_organization_social: LinkedIn's ACCESS_DENIED.
func TestPublish_PermissionMissing(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	a := manualAccount(e.connect(t))
	a.PlatformAccountID = "urn:li:organization:5515715"
	_, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: "as the Page"})
	pe := platformtest.RequireError(t, err, platform.Permanent, "permission_missing")
	if !strings.Contains(pe.Message, "Not enough permissions") {
		t.Errorf("message %q lacks LinkedIn's reason", pe.Message)
	}
}

func TestPublish_AccountProblems(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	tests := []struct {
		name string
		a    platform.Account
		code string
	}{
		{"no token", platform.Account{PlatformAccountID: "urn:li:person:782bbtaQ"}, "access_token_missing"},
		{"no author", platform.Account{Credentials: manualAccount(platform.Profile{Token: platform.Token{AccessToken: "t"}}).Credentials}, "linkedin_author_missing"},
	}
	for _, tt := range tests {
		_, err := e.manual.Publish(context.Background(), tt.a, platform.Draft{Caption: "x"})
		platformtest.RequireError(t, err, platform.Permanent, tt.code)
	}
	if n := len(e.sim.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestPublish_UnreachableImage(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	a := manualAccount(e.connect(t))
	e.sim.ClearRequests()
	_, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: "x", ImageURLs: []string{e.media.URL + "/missing"}})
	platformtest.RequireError(t, err, platform.Permanent, "media_rejected")
	if n := len(e.sim.Requests()); n != 0 {
		t.Errorf("%d LinkedIn calls for an image that could not be read, want 0", n)
	}
}

func TestFindPublished(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	a := manualAccount(e.connect(t))
	start := e.clock.Now()
	res, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: "Open  house\non Friday"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if _, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: "a later post"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		caption string
		since   time.Time
		want    bool
	}{
		{"same text", "Open house on Friday", start, true},
		{"other text", "Open house on Saturday", start, false},
		{"posted before since", "Open house on Friday", start.Add(30 * time.Second), false},
	}
	for _, tt := range tests {
		got, ok, err := e.manual.FindPublished(context.Background(), a, platform.Draft{Caption: tt.caption}, tt.since)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if ok != tt.want || (ok && got != res) {
			t.Errorf("%s: FindPublished = %+v, %v; want found=%v (%+v)", tt.name, got, ok, tt.want, res)
		}
	}
	r := e.requests(http.MethodGet, "api.linkedin.com", "/v2/ugcPosts")
	if len(r) == 0 || !strings.Contains(r[0].Query, "q=authors&authors=List(urn%3Ali%3Aperson%3A782bbtaQ)") {
		t.Errorf("finder requests %+v", r)
	}
	assertRestli(t, e)
}

// A request that may have reached LinkedIn must not become a *platform.Error.
func TestPublish_NetworkFailureIsNotAPlatformError(t *testing.T) {
	t.Parallel()
	c := New(Config{HTTPClient: platform.NewHTTPClient(platform.ClientConfig{Transport: platformtest.ResetTransport{}})})
	a := platform.Account{PlatformAccountID: "urn:li:person:782bbtaQ"}
	a.Credentials.AccessToken = "t"
	_, err := c.Publish(context.Background(), a, platform.Draft{Caption: "lost"})
	platformtest.RequirePlainError(t, err)
	if !errors.Is(err, platformtest.ErrReset) {
		t.Fatalf("error %v, want the network error wrapped", err)
	}
}

// An image that turns out too large while it streams fails the post with the
// fetcher's words; nothing is shared.
func TestPublish_ImageTooLarge(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	a := manualAccount(e.connect(t))
	_, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: "huge", ImageURLs: []string{e.media.URL + "/big.jpg"}})
	pe := platformtest.RequireError(t, err, platform.Permanent, "media_rejected")
	if !strings.Contains(pe.Message, e.media.URL+"/big.jpg") {
		t.Errorf("message %q does not name the image", pe.Message)
	}
	if n := len(e.sim.Posts("linkedin")); n != 0 {
		t.Errorf("%d posts, want 0", n)
	}
}

package facebook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/facebook"
	"github.com/salesai/social/internal/platform/platformtest"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/social"
)

// lastPost is the newest post the simulator holds for the Page.
func (e *env) lastPost(t *testing.T, page string) sim.Post {
	t.Helper()
	posts := e.sim.Posts("facebook")
	for i := len(posts) - 1; i >= 0; i-- {
		if posts[i].AccountID == page {
			return posts[i]
		}
	}
	t.Fatalf("no post on page %s", page)
	return sim.Post{}
}

func TestPublishText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, caption, wantLink string
	}{
		{"plain text", "Fresh beans are in.", ""},
		{"text with a link", "Our new menu: https://acme.example/menu?x=1 see you!", "https://acme.example/menu?x=1"},
		{"link ending a sentence", "Read https://acme.example/blog/beans.", "https://acme.example/blog/beans"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, nil)
			a := e.page(t, coffeePage)
			res, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: tt.caption})
			if err != nil {
				t.Fatal(err)
			}
			feed := e.requests(http.MethodPost, "/"+coffeePage+"/feed")
			if len(feed) != 1 {
				t.Fatalf("feed posts = %d, want 1", len(feed))
			}
			p := platformtest.Params(t, feed[0])
			if p.Get("message") != tt.caption || p.Get("link") != tt.wantLink || p.Has("published") {
				t.Errorf("sent message %q link %q published %q", p.Get("message"), p.Get("link"), p.Get("published"))
			}
			if p.Get("appsecret_proof") != facebook.AppSecretProof(sim.SandboxApps["facebook"].Secret, p.Get("access_token")) {
				t.Error("feed call without a valid appsecret_proof")
			}
			post := e.lastPost(t, coffeePage)
			num := strings.TrimPrefix(post.ID, coffeePage+"_")
			if res.PostID != post.ID || post.Text != tt.caption || !post.Published ||
				res.Permalink != "https://www.facebook.com/"+coffeePage+"/posts/"+num {
				t.Errorf("result %+v, simulator post %+v", res, post)
			}
		})
	}
}

func TestPublishOnePhoto(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	a := e.page(t, coffeePage)
	res, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: "Latte art", ImageURLs: []string{"https://img.example/latte.jpg"}})
	if err != nil {
		t.Fatal(err)
	}
	photos := e.requests(http.MethodPost, "/"+coffeePage+"/photos")
	if len(photos) != 1 {
		t.Fatalf("photo uploads = %d, want 1", len(photos))
	}
	if p := platformtest.Params(t, photos[0]); p.Get("url") != "https://img.example/latte.jpg" || p.Get("caption") != "Latte art" || p.Has("published") {
		t.Errorf("photo params = %v", p)
	}
	if n := len(e.requests(http.MethodPost, "/feed")); n != 0 {
		t.Errorf("%d feed posts for a single photo", n)
	}
	post := e.lastPost(t, coffeePage)
	if res.PostID != post.ID || !strings.HasPrefix(res.PostID, coffeePage+"_") || post.Text != "Latte art" || len(post.Media) != 1 {
		t.Errorf("result %+v, simulator post %+v", res, post)
	}
}

func TestPublishSeveralPhotos(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	a := e.page(t, coffeePage)
	imgs := []string{"https://img.example/1.jpg", "https://img.example/2.jpg", "https://img.example/3.jpg"}
	res, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: "Three cups", ImageURLs: imgs})
	if err != nil {
		t.Fatal(err)
	}
	photos := e.requests(http.MethodPost, "/"+coffeePage+"/photos")
	if len(photos) != 3 {
		t.Fatalf("photo uploads = %d, want 3", len(photos))
	}
	for i, r := range photos {
		if p := platformtest.Params(t, r); p.Get("url") != imgs[i] || p.Get("published") != "false" {
			t.Errorf("upload %d params = %v, want url %s unpublished", i, p, imgs[i])
		}
	}
	feed := e.requests(http.MethodPost, "/"+coffeePage+"/feed")
	if len(feed) != 1 {
		t.Fatalf("feed posts = %d, want 1", len(feed))
	}
	post := e.lastPost(t, coffeePage)
	p := platformtest.Params(t, feed[0])
	for i, id := range post.Media {
		key := fmt.Sprintf("attached_media[%d]", i)
		if want := `{"media_fbid":"` + id + `"}`; p.Get(key) != want {
			t.Errorf("%s = %q, want %q", key, p.Get(key), want)
		}
	}
	if len(post.Media) != 3 || res.PostID != post.ID || p.Get("message") != "Three cups" {
		t.Errorf("result %+v, simulator post %+v", res, post)
	}
}

func TestPublishErrors(t *testing.T) {
	t.Parallel()
	feedPath := "/graph.facebook.com/" + facebook.DefaultVersion + "/" + coffeePage + "/feed"
	tests := []struct {
		name      string
		fault     *sim.Fault
		prepare   func(e *env)
		kind      platform.ErrorKind
		code      string
		retry     time.Duration
		inMessage string
	}{
		{name: "expired token", fault: &sim.Fault{Path: feedPath, Kind: sim.FaultExpiredToken},
			kind: platform.TokenExpired, code: "token_expired", inMessage: "Reconnect Facebook"},
		{name: "token expired in the simulator", prepare: func(e *env) { e.sim.ExpireAccessTokens("facebook") },
			kind: platform.TokenExpired, code: "token_expired", inMessage: "Session has expired"},
		{name: "page limit with Retry-After", fault: &sim.Fault{Path: feedPath, Kind: sim.FaultRateLimit, Code: 32, RetryAfter: 2 * time.Minute},
			kind: platform.RateLimited, code: "rate_limited", retry: 2 * time.Minute, inMessage: "Page request limit reached"},
		{name: "app limit without Retry-After", fault: &sim.Fault{Path: feedPath, Kind: sim.FaultRateLimit},
			kind: platform.RateLimited, code: "rate_limited", retry: facebook.DefaultRetryAfter},
		{name: "HTTP 429", fault: &sim.Fault{Path: feedPath, Kind: sim.FaultRateLimit, Code: 613, Status: http.StatusTooManyRequests},
			kind: platform.RateLimited, code: "rate_limited", retry: facebook.DefaultRetryAfter},
		{name: "server error", fault: &sim.Fault{Path: feedPath, Kind: sim.FaultError},
			kind: platform.Temporary, code: "platform_error", inMessage: "temporary problem"},
		{name: "bad gateway", fault: &sim.Fault{Path: feedPath, Kind: sim.FaultError, Status: http.StatusBadGateway},
			kind: platform.Temporary, code: "platform_error"},
		{name: "duplicate fault", fault: &sim.Fault{Path: feedPath, Kind: sim.FaultDuplicate},
			kind: platform.Permanent, code: "duplicate_content", inMessage: "Duplicate status message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, nil)
			a := e.page(t, coffeePage)
			if tt.fault != nil {
				e.sim.InjectFault(*tt.fault)
			}
			if tt.prepare != nil {
				tt.prepare(e)
			}
			_, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: "Hello " + tt.name})
			pe := platformtest.RequireError(t, err, tt.kind, tt.code)
			if pe.RetryAfter != tt.retry {
				t.Errorf("RetryAfter = %v, want %v", pe.RetryAfter, tt.retry)
			}
			if !strings.Contains(pe.Message, tt.inMessage) {
				t.Errorf("message = %q, want it to contain %q", pe.Message, tt.inMessage)
			}
			if strings.Contains(pe.Error(), a.Credentials.AccessToken.Reveal()) {
				t.Error("the error shows the access token")
			}
		})
	}
}

func TestPublishRefusals(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	a := e.page(t, coffeePage)
	ctx := context.Background()

	if _, err := e.c.Publish(ctx, a, platform.Draft{Caption: "Same words"}); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.Publish(ctx, a, platform.Draft{Caption: "Same words"})
	platformtest.RequireError(t, err, platform.Permanent, "duplicate_content")

	other := a
	other.PlatformAccountID = bakeryPage // the Coffee Page's token cannot post to the Bakery
	_, err = e.c.Publish(ctx, other, platform.Draft{Caption: "Wrong page"})
	pe := platformtest.RequireError(t, err, platform.Permanent, "permission_missing")
	if !strings.Contains(pe.Message, "pages_manage_posts") {
		t.Errorf("message = %q, want Facebook's reason", pe.Message)
	}

	_, err = e.c.Publish(ctx, platform.Account{PlatformAccountID: coffeePage}, platform.Draft{Caption: "No token"})
	if pe := platformtest.RequireError(t, err, platform.Permanent, "access_token_missing"); pe.Message != social.MsgAccessTokenMissing {
		t.Errorf("message = %q", pe.Message)
	}
}

func TestPublishPhotoRejected(t *testing.T) {
	t.Parallel()
	images := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(images.Close)
	e := setup(t, func(o *sim.Options) { o.FetchMedia = true })
	a := e.page(t, coffeePage)
	_, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: "Gone", ImageURLs: []string{images.URL + "/missing.jpg"}})
	pe := platformtest.RequireError(t, err, platform.Permanent, "media_rejected")
	if !strings.Contains(pe.Message, "Missing or invalid image file") {
		t.Errorf("message = %q, want Facebook's reason", pe.Message)
	}
}

// A request that may have reached Facebook must stay a plain error, so the
// worker reconciles instead of treating it as a known failure.
func TestPublishNetworkFailureIsNotAPlatformError(t *testing.T) {
	t.Parallel()
	c := facebook.New(facebook.Config{AppID: "a", AppSecret: "s", HTTPClient: platformtest.UnreachableClient(t)})
	a := platform.Account{PlatformAccountID: coffeePage, Credentials: social.Credentials{AccessToken: "secret-page-token"}}
	_, err := c.Publish(context.Background(), a, platform.Draft{Caption: "hello"})
	platformtest.RequirePlainError(t, err)
	if strings.Contains(err.Error(), "secret-page-token") {
		t.Errorf("error shows the token: %v", err)
	}
}

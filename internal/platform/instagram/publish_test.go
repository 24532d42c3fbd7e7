package instagram_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/facebook"
	"github.com/salesai/social/internal/platform/instagram"
	"github.com/salesai/social/internal/platform/platformtest"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/social"
)

// graphHost is where the env's accounts publish.
func (e *env) graphHost() string {
	if e.fb {
		return "graph.facebook.com"
	}
	return "graph.instagram.com"
}

func (e *env) lastPost(t *testing.T) sim.Post {
	t.Helper()
	posts := e.sim.Posts("instagram")
	if len(posts) == 0 {
		t.Fatal("nothing was published on Instagram")
	}
	return posts[len(posts)-1]
}

func TestPublishOneImage(t *testing.T) {
	t.Parallel()
	for _, fb := range []bool{false, true} {
		name := map[bool]string{false: "instagram login", true: "facebook login"}[fb]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, options{fbLogin: fb})
			a := e.account(t)
			res, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: "Morning brew", ImageURLs: []string{"https://img.example/a.jpg"}})
			if err != nil {
				t.Fatal(err)
			}
			host := e.graphHost()
			create := e.requests(http.MethodPost, host, "/"+acmeIG+"/media")
			if len(create) != 1 {
				t.Fatalf("container creations = %d, want 1", len(create))
			}
			f := platformtest.Params(t, create[0])
			if f.Get("image_url") != "https://img.example/a.jpg" || f.Get("caption") != "Morning brew" || !strings.HasPrefix(create[0].Path, "/"+instagram.DefaultVersion+"/") {
				t.Errorf("container params = %v at %s", f, create[0].Path)
			}
			if proof := f.Get("appsecret_proof"); fb != (proof != "") ||
				(fb && proof != facebook.AppSecretProof(sim.SandboxApps["facebook"].Secret, f.Get("access_token"))) {
				t.Errorf("appsecret_proof = %q on %s", proof, host)
			}
			polls := e.requests(http.MethodGet, host, "")
			statusReads := 0
			for _, r := range polls {
				if platformtest.Params(t, r).Get("fields") == "status_code,status" {
					statusReads++
				}
			}
			if statusReads != 2 { // the simulator answers IN_PROGRESS once
				t.Errorf("status reads = %d, want 2", statusReads)
			}
			pub := e.requests(http.MethodPost, host, "/"+acmeIG+"/media_publish")
			if len(pub) != 1 || platformtest.Params(t, pub[0]).Get("creation_id") == "" {
				t.Fatalf("media_publish = %+v", pub)
			}
			post := e.lastPost(t)
			if res.PostID != post.ID || post.Text != "Morning brew" || !strings.HasPrefix(res.Permalink, "https://www.instagram.com/p/") {
				t.Errorf("result %+v, simulator post %+v", res, post)
			}
		})
	}
}

func TestPublishCarousel(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	a := e.account(t)
	imgs := []string{"https://img.example/1.jpg", "https://img.example/2.jpg", "https://img.example/3.jpg"}
	res, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: "Three ways", ImageURLs: imgs})
	if err != nil {
		t.Fatal(err)
	}
	create := e.requests(http.MethodPost, "graph.instagram.com", "/media")
	if len(create) != 4 {
		t.Fatalf("container creations = %d, want 3 items + 1 carousel", len(create))
	}
	for i, r := range create[:3] {
		if f := platformtest.Params(t, r); f.Get("image_url") != imgs[i] || f.Get("is_carousel_item") != "true" || f.Has("caption") {
			t.Errorf("item %d params = %v", i, f)
		}
	}
	parent := platformtest.Params(t, create[3])
	if parent.Get("media_type") != "CAROUSEL" || parent.Get("caption") != "Three ways" || len(strings.Split(parent.Get("children"), ",")) != 3 {
		t.Errorf("carousel params = %v", parent)
	}
	post := e.lastPost(t)
	if res.PostID != post.ID || len(post.Media) != 3 || post.Media[2] != imgs[2] {
		t.Errorf("result %+v, simulator post %+v", res, post)
	}
}

func TestPublishNeedsImage(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	a := e.account(t)
	before := len(e.sim.Requests())
	_, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: "Just words"})
	if pe := platformtest.RequireError(t, err, platform.Permanent, "instagram_image_required"); pe.Message != social.MsgInstagramNeedsImage {
		t.Errorf("message = %q", pe.Message)
	}
	if len(e.sim.Requests()) != before {
		t.Error("a text-only post reached Instagram")
	}
}

// A personal account's publish gets graph.instagram.com's "Unsupported
// request - method type: post", which the guide explains (section I, item 7).
func TestPublishPersonalAccount(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	a := platform.Account{PlatformAccountID: "17841400000000009", Name: "alex.personal",
		Credentials: social.Credentials{AccessToken: social.Secret(e.shortToken(t, "personal"))},
		Meta:        map[string]string{"graph_host": "graph.instagram.com", "login": "instagram"}}
	_, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: "Hi", ImageURLs: []string{"https://img.example/p.jpg"}})
	pe := platformtest.RequireError(t, err, platform.Permanent, "instagram_media_failed")
	if want := social.MsgInstagramMediaFailed + ": Unsupported request - method type: post"; pe.Message != want {
		t.Errorf("message = %q, want %q", pe.Message, want)
	}
}

func TestPublishMediaErrors(t *testing.T) {
	t.Parallel()
	png := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("\x89PNG\r\n\x1a\n"))
	}))
	t.Cleanup(png.Close)
	tests := []struct {
		name      string
		image     string
		opts      options
		kind      platform.ErrorKind
		code      string
		inMessage string
	}{
		{name: "container refused", image: "not-a-url", kind: platform.Permanent, code: "instagram_media_failed",
			inMessage: social.MsgInstagramMediaFailed + ": Only photo or video can be accepted as media type."},
		{name: "container ends in ERROR", image: png.URL + "/a.png", opts: options{sim: func(o *sim.Options) { o.FetchMedia = true }},
			kind: platform.Permanent, code: "media_rejected", inMessage: "Only JPEG images are supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, tt.opts)
			a := e.account(t)
			_, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: "x", ImageURLs: []string{tt.image}})
			pe := platformtest.RequireError(t, err, tt.kind, tt.code)
			if !strings.Contains(pe.Message, tt.inMessage) {
				t.Errorf("message = %q, want %q in it", pe.Message, tt.inMessage)
			}
			if n := len(e.requests(http.MethodPost, "graph.instagram.com", "/media_publish")); n != 0 {
				t.Errorf("media_publish called %d times after a failed container", n)
			}
			if len(e.sim.Posts("instagram")) != 0 {
				t.Error("something was published")
			}
		})
	}
}

func TestPublishPollsWithBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		polls     int // status reads the simulator answers IN_PROGRESS
		wantWaits []time.Duration
		wantErr   bool
	}{
		{"ready after four reads", 4, []time.Duration{1, 2, 4, 8}, false},
		{"never ready: gives up after a minute", 1 << 20, []time.Duration{1, 2, 4, 8, 8, 8, 8, 8, 8, 5}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var waits []time.Duration
			e := setup(t, options{sim: func(o *sim.Options) { o.ContainerPolls = tt.polls }, cfg: func(c *instagram.Config) {
				c.PollInterval, c.PollTimeout = 0, 0 // the defaults: 1 s doubling, 60 s in all
				c.SleepFunc = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			}})
			a := e.account(t)
			_, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: "Slow", ImageURLs: []string{"https://img.example/s.jpg"}})
			if tt.wantErr {
				if pe := platformtest.RequireError(t, err, platform.Temporary, "platform_error"); !strings.Contains(pe.Message, "after 1m0s") {
					t.Errorf("message = %q", pe.Message)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if len(waits) != len(tt.wantWaits) {
				t.Fatalf("waits = %v, want %v seconds", waits, tt.wantWaits)
			}
			for i, w := range tt.wantWaits {
				if waits[i] != w*time.Second {
					t.Errorf("wait %d = %v, want %v", i, waits[i], w*time.Second)
				}
			}
		})
	}
}

// The real wait between status reads ends with the caller's context.
func TestPublishWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	e := setup(t, options{cfg: func(c *instagram.Config) { c.SleepFunc, c.PollInterval = nil, time.Hour }})
	a := e.account(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := e.c.Publish(ctx, a, platform.Draft{Caption: "Slow", ImageURLs: []string{"https://img.example/s.jpg"}})
	var pe *platform.Error
	if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &pe) {
		t.Fatalf("err = %v, want the context's deadline", err)
	}
}

func TestPublishErrors(t *testing.T) {
	t.Parallel()
	media := "/graph.instagram.com/" + instagram.DefaultVersion + "/" + acmeIG + "/media"
	tests := []struct {
		name    string
		opts    options
		fault   *sim.Fault
		prepare func(t *testing.T, e *env, a platform.Account)
		kind    platform.ErrorKind
		code    string
		retry   time.Duration
	}{
		{name: "token expired", prepare: func(_ *testing.T, e *env, _ platform.Account) { e.sim.ExpireAccessTokens("instagram") },
			kind: platform.TokenExpired, code: "token_expired"},
		{name: "429 with Retry-After", fault: &sim.Fault{Path: media, Kind: sim.FaultRateLimit, Status: 429, RetryAfter: 90 * time.Second},
			kind: platform.RateLimited, code: "rate_limited", retry: 90 * time.Second},
		{name: "5xx", fault: &sim.Fault{Path: media, Kind: sim.FaultError},
			kind: platform.Temporary, code: "platform_error"},
		{name: "503 without a Graph body", fault: &sim.Fault{Path: media, Kind: sim.FaultError, Status: 503},
			kind: platform.Temporary, code: "platform_error"},
		{name: "publishing limit", opts: options{sim: func(o *sim.Options) { o.InstagramPublishLimit = 1 }},
			prepare: func(t *testing.T, e *env, a platform.Account) {
				if _, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: "first", ImageURLs: []string{"https://img.example/1.jpg"}}); err != nil {
					t.Fatal(err)
				}
			},
			kind: platform.RateLimited, code: "rate_limited", retry: facebook.PublishLimitRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, tt.opts)
			a := e.account(t)
			if tt.fault != nil {
				e.sim.InjectFault(*tt.fault)
			}
			if tt.prepare != nil {
				tt.prepare(t, e, a)
			}
			_, err := e.c.Publish(context.Background(), a, platform.Draft{Caption: "Hello", ImageURLs: []string{"https://img.example/h.jpg"}})
			pe := platformtest.RequireError(t, err, tt.kind, tt.code)
			if pe.RetryAfter != tt.retry {
				t.Errorf("RetryAfter = %v, want %v", pe.RetryAfter, tt.retry)
			}
			if !strings.HasPrefix(pe.Message, "Instagram") || strings.Contains(pe.Error(), a.Credentials.AccessToken.Reveal()) {
				t.Errorf("message = %q", pe.Message)
			}
			if tt.name == "publishing limit" && !strings.Contains(pe.Message, "24 hours") {
				t.Errorf("message = %q, want the daily limit explained", pe.Message)
			}
		})
	}
}

func TestPublishNetworkFailureIsNotAPlatformError(t *testing.T) {
	t.Parallel()
	c := instagram.New(instagram.Config{AppID: "a", AppSecret: "s", HTTPClient: platformtest.UnreachableClient(t)})
	a := platform.Account{PlatformAccountID: acmeIG, Credentials: social.Credentials{AccessToken: "secret-ig-token"}}
	_, err := c.Publish(context.Background(), a, platform.Draft{ImageURLs: []string{"https://img.example/a.jpg"}})
	platformtest.RequirePlainError(t, err)
	if strings.Contains(err.Error(), "secret-ig-token") {
		t.Fatalf("err = %v, want a plain network error without the token", err)
	}
}

func TestFindPublished(t *testing.T) {
	t.Parallel()
	for _, fb := range []bool{false, true} {
		e := setup(t, options{fbLogin: fb})
		a := e.account(t)
		ctx := context.Background()
		since := e.clock.Now()
		d := platform.Draft{Caption: "Find  me", ImageURLs: []string{"https://img.example/f.jpg"}}
		res, err := e.c.Publish(ctx, a, d)
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name    string
			caption string
			since   time.Time
			found   bool
		}{
			{"same caption", d.Caption, since, true},
			{"same caption, other spacing", "Find me ", since, true},
			{"other caption", "Not me", since, false},
			{"posted before since", d.Caption, since.Add(time.Hour), false},
		}
		for _, tt := range tests {
			got, found, err := e.c.FindPublished(ctx, a, platform.Draft{Caption: tt.caption}, tt.since)
			if err != nil || found != tt.found || (found && got != res) {
				t.Errorf("fb=%v %s: got %+v, %v, %v; want found=%v %+v", fb, tt.name, got, found, err, tt.found, res)
			}
		}
		if r := e.requests(http.MethodGet, e.graphHost(), "/"+acmeIG+"/media"); len(r) == 0 || !strings.Contains(platformtest.Params(t, r[0]).Get("fields"), "caption") {
			t.Errorf("fb=%v: media list requests = %+v", fb, r)
		}
	}
}

// An in-doubt post behind more than a page of newer media is still found
// (a chaos run found it published twice when only 50 were read).
func TestFindPublishedPagesBack(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	a := e.account(t)
	ctx := context.Background()
	since := e.clock.Now()
	first, err := e.c.Publish(ctx, a, platform.Draft{Caption: "The early one", ImageURLs: []string{"https://img.example/f.jpg"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		if _, err := e.c.Publish(ctx, a, platform.Draft{Caption: fmt.Sprintf("Later %d", i), ImageURLs: []string{"https://img.example/f.jpg"}}); err != nil {
			t.Fatal(err)
		}
	}
	got, found, err := e.c.FindPublished(ctx, a, platform.Draft{Caption: "The early one"}, since)
	if err != nil || !found || got != first {
		t.Fatalf("got %+v, %v, %v; want %+v", got, found, err, first)
	}
}

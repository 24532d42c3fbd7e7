package facebook_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/facebook"
	"github.com/salesai/social/internal/platform/platformtest"
)

func TestScheduleTextLifecycle(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	a := e.page(t, coffeePage)
	ctx := context.Background()
	at := e.clock.Now().Add(time.Hour).Truncate(time.Second)

	res, err := e.c.Schedule(ctx, a, platform.Draft{Caption: "Opening at noon", At: at})
	if err != nil {
		t.Fatal(err)
	}
	feed := e.requests(http.MethodPost, "/"+coffeePage+"/feed")
	p := platformtest.Params(t, feed[len(feed)-1])
	if p.Get("published") != "false" || p.Get("scheduled_publish_time") != strconv.FormatInt(at.Unix(), 10) ||
		p.Get("unpublished_content_type") != "SCHEDULED" {
		t.Errorf("schedule params = %v", p)
	}
	if res.PostID != e.lastPost(t, coffeePage).ID || res.Permalink != "" {
		t.Errorf("result = %+v, want the post id and no permalink yet", res)
	}
	if live, _, err := e.c.Status(ctx, a, res.PostID); err != nil || live {
		t.Fatalf("Status before the time = %v, %v; want not live", live, err)
	}

	later := at.Add(2 * time.Hour)
	if err := e.c.Reschedule(ctx, a, res.PostID, later); err != nil {
		t.Fatal(err)
	}
	if got := e.lastPost(t, coffeePage).ScheduledAt; got == nil || !got.Equal(later) {
		t.Errorf("scheduled at %v after reschedule, want %v", got, later)
	}
	r := e.requests(http.MethodPost, "/"+res.PostID)
	if len(r) != 1 || platformtest.Params(t, r[0]).Get("scheduled_publish_time") != strconv.FormatInt(later.Unix(), 10) {
		t.Errorf("reschedule requests = %+v", r)
	}

	e.clock.Advance(4 * time.Hour)
	live, link, err := e.c.Status(ctx, a, res.PostID)
	num := strings.TrimPrefix(res.PostID, coffeePage+"_")
	if err != nil || !live || link != "https://www.facebook.com/"+coffeePage+"/posts/"+num {
		t.Fatalf("Status after the time = %v, %q, %v", live, link, err)
	}
	err = e.c.Unschedule(ctx, a, res.PostID)
	platformtest.RequireError(t, err, platform.Permanent, "already_published")
	if e.lastPost(t, coffeePage).Deleted || len(e.requests(http.MethodDelete, "/"+res.PostID)) != 0 {
		t.Error("Unschedule deleted a live post")
	}
}

func TestSchedulePhotoAndUnschedule(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	a := e.page(t, coffeePage)
	ctx := context.Background()
	at := e.clock.Now().Add(24 * time.Hour)

	res, err := e.c.Schedule(ctx, a, platform.Draft{Caption: "Tomorrow's special", ImageURLs: []string{"https://img.example/s.jpg"}, At: at})
	if err != nil {
		t.Fatal(err)
	}
	photos := e.requests(http.MethodPost, "/"+coffeePage+"/photos")
	p := platformtest.Params(t, photos[0])
	if len(photos) != 1 || p.Get("published") != "false" || p.Get("scheduled_publish_time") != strconv.FormatInt(at.Unix(), 10) ||
		p.Get("caption") != "Tomorrow's special" {
		t.Fatalf("photo schedule params = %v", p)
	}
	if live, _, err := e.c.Status(ctx, a, res.PostID); err != nil || live {
		t.Fatalf("Status = %v, %v; want scheduled", live, err)
	}
	if err := e.c.Unschedule(ctx, a, res.PostID); err != nil {
		t.Fatal(err)
	}
	if !e.lastPost(t, coffeePage).Deleted {
		t.Error("the scheduled post is still on Facebook")
	}
	_, _, err = e.c.Status(ctx, a, res.PostID)
	if pe := platformtest.RequireError(t, err, platform.Permanent, "scheduled_post_failed"); pe.Message != facebook.MsgScheduledPostGone {
		t.Errorf("message = %q", pe.Message)
	}
	if err := e.c.Unschedule(ctx, a, res.PostID); err != nil {
		t.Errorf("second Unschedule = %v, want nil (already gone)", err)
	}
}

func TestScheduleSeveralPhotos(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	a := e.page(t, coffeePage)
	at := e.clock.Now().Add(3 * 24 * time.Hour)
	res, err := e.c.Schedule(context.Background(), a, platform.Draft{Caption: "Album", At: at,
		ImageURLs: []string{"https://img.example/a.jpg", "https://img.example/b.jpg"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.requests(http.MethodPost, "/photos") {
		if p := platformtest.Params(t, r); p.Get("published") != "false" || p.Has("scheduled_publish_time") {
			t.Errorf("child photo params = %v, want unpublished without a time", p)
		}
	}
	feed := e.requests(http.MethodPost, "/feed")
	p := platformtest.Params(t, feed[len(feed)-1])
	if p.Get("scheduled_publish_time") != strconv.FormatInt(at.Unix(), 10) || p.Get("unpublished_content_type") != "SCHEDULED" ||
		p.Get("attached_media[1]") == "" {
		t.Errorf("feed params = %v", p)
	}
	post := e.lastPost(t, coffeePage)
	if post.ID != res.PostID || post.Published || len(post.Media) != 2 {
		t.Errorf("simulator post = %+v", post)
	}
}

func TestScheduleRefusals(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	a := e.page(t, coffeePage)
	ctx := context.Background()

	_, err := e.c.Schedule(ctx, a, platform.Draft{Caption: "Too soon", At: e.clock.Now().Add(5 * time.Minute)})
	pe := platformtest.RequireError(t, err, platform.Permanent, "scheduled_post_failed")
	if !strings.Contains(pe.Message, "scheduled publish time is invalid") || !strings.Contains(pe.Message, "10 minutes") {
		t.Errorf("message = %q", pe.Message)
	}

	res, err := e.c.Schedule(ctx, a, platform.Draft{Caption: "Fine", At: e.clock.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	err = e.c.Reschedule(ctx, a, res.PostID, e.clock.Now().Add(76*24*time.Hour))
	platformtest.RequireError(t, err, platform.Permanent, "scheduled_post_failed")

	_, _, err = e.c.Status(ctx, a, coffeePage+"_404")
	if pe := platformtest.RequireError(t, err, platform.Permanent, "scheduled_post_failed"); pe.Message != facebook.MsgScheduledPostGone {
		t.Errorf("message = %q", pe.Message)
	}
	_, err = e.c.Schedule(ctx, a, platform.Draft{Caption: "No time"})
	platformtest.RequireError(t, err, platform.Permanent, "scheduled_post_failed")
}

func TestFindPublished(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	a := e.page(t, coffeePage)
	ctx := context.Background()
	since := e.clock.Now()
	e.clock.Advance(time.Minute)
	d := platform.Draft{Caption: "Reconcile me  please", ImageURLs: []string{"https://img.example/r.jpg"}}
	res, err := e.c.Publish(ctx, a, d)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		draft platform.Draft
		since time.Time
		found bool
	}{
		{"same text", d, since, true},
		{"same text, other spacing", platform.Draft{Caption: " Reconcile me please "}, since, true},
		{"other text", platform.Draft{Caption: "Something else"}, since, false},
		{"posted before since", d, since.Add(time.Hour), false},
	}
	for _, tt := range tests {
		got, found, err := e.c.FindPublished(ctx, a, tt.draft, tt.since)
		if err != nil || found != tt.found {
			t.Errorf("%s: found = %v, err = %v; want %v", tt.name, found, err, tt.found)
			continue
		}
		if found && (got.PostID != res.PostID || got.Permalink != res.Permalink) {
			t.Errorf("%s: found %+v, want %+v", tt.name, got, res)
		}
	}
	q := platformtest.Params(t, e.requests(http.MethodGet, "/"+coffeePage+"/feed")[0])
	if q.Get("since") != strconv.FormatInt(since.Add(-2*time.Minute).Unix(), 10) || !strings.Contains(q.Get("fields"), "message") {
		t.Errorf("feed query = %v", q)
	}
}

func TestFindPublishedScheduled(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	a := e.page(t, coffeePage)
	ctx := context.Background()
	d := platform.Draft{Caption: "Scheduled and interrupted", At: e.clock.Now().Add(2 * time.Hour)}
	res, err := e.c.Schedule(ctx, a, d)
	if err != nil {
		t.Fatal(err)
	}
	got, found, err := e.c.FindPublished(ctx, a, d, e.clock.Now())
	if err != nil || !found || got.PostID != res.PostID || got.Permalink != "" {
		t.Fatalf("FindPublished = %+v, %v, %v; want the scheduled post", got, found, err)
	}
	if len(e.requests(http.MethodGet, "/scheduled_posts")) != 1 {
		t.Error("scheduled_posts was not searched")
	}
}

// An in-doubt post behind more than a page of newer posts is still found.
func TestFindPublishedPagesBack(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	a := e.page(t, coffeePage)
	ctx := context.Background()
	since := e.clock.Now()
	first, err := e.c.Publish(ctx, a, platform.Draft{Caption: "The early one"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 150 {
		if _, err := e.c.Publish(ctx, a, platform.Draft{Caption: fmt.Sprintf("Later %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	got, found, err := e.c.FindPublished(ctx, a, platform.Draft{Caption: "The early one"}, since)
	if err != nil || !found || got.PostID != first.PostID {
		t.Fatalf("got %+v, %v, %v; want %+v", got, found, err, first)
	}
}

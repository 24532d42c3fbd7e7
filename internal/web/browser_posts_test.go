package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/salesai/social/internal/apptest"
)

// logFetches records every URL the page fetches in window.fetchLog, from
// the first script of each document on.
var logFetches = chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
	_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
		window.fetchLog = [];
		const orig = window.fetch;
		window.fetch = (url, opts) => { window.fetchLog.push(String(url)); return orig(url, opts); };`})
	return err
})

// TestBrowserPostsBeyondTheFirstPage gives a user more posts than one
// listing returns: an old pending post still shows under Upcoming, the oldest
// post is reachable with "Load older posts", and an old post scheduled in a
// later month shows in that month's calendar and opens in the list.
func TestBrowserPostsBeyondTheFirstPage(t *testing.T) {
	t.Parallel()
	ctx := mustTab(t)
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	acc := c.MustConnect("twitter", "")[0]
	create := func(caption string, at *time.Time, cancel bool) int64 {
		t.Helper()
		var p struct {
			ID int64 `json:"id"`
		}
		c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{acc.ID}, "caption": caption, "scheduled_at": at}, http.StatusCreated, &p)
		if cancel {
			c.MustJSON("POST", fmt.Sprintf("/api/social/posts/%d/cancel", p.ID), nil, http.StatusOK, nil)
		}
		return p.ID
	}
	now := time.Now().UTC()
	nextMonth := time.Date(now.Year(), now.Month()+1, 15, 12, 0, 0, 0, time.UTC)
	inTwoHours := now.Add(2 * time.Hour)
	oldest := create("The very first post", nil, true)
	later := create("Canceled, was planned for next month", &nextMonth, true)
	pending := create("Still waiting, created long ago", &inTwoHours, false)
	const newer = 205 // more than the 200 one listing can return
	for i := range newer {
		create(fmt.Sprintf("Newer post %d", i), nil, true)
	}

	must(t, ctx, "sign in with UTC as local time",
		timezone("UTC"), logFetches,
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), c.Email),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"),
		chromedp.Click(chromedp.ID("auth-submit")),
		chromedp.WaitVisible(chromedp.ID("open-connect")),
		chromedp.Navigate(s.URL+"/posts"),
		waitFor(`document.getElementById('posts-loading').hidden`),
	)
	if got := eval[int](t, ctx, `document.querySelectorAll('.post').length`); got != 50+1 {
		t.Errorf("the list shows %d posts at first, want the newest 50 and the pending one", got)
	}
	if !eval[bool](t, ctx, fmt.Sprintf(`!!document.querySelector('#upcoming #post-%d [data-action=cancel]')`, pending)) {
		t.Errorf("the old pending post is not under Upcoming with its Cancel button")
	}

	// Each click appends a page and keeps focus on the button; the last
	// page moves focus to its first post.
	for i := 0; eval[bool](t, ctx, `!document.getElementById('load-older').hidden`); i++ {
		if i == 10 {
			t.Fatal("Load older posts is still offered after 10 pages")
		}
		n := eval[int](t, ctx, `document.querySelectorAll('.post').length`)
		must(t, ctx, "load older posts", press(`#load-older`),
			waitFor(fmt.Sprintf(`document.querySelectorAll('.post').length > %d`, n)))
	}
	if got := eval[int](t, ctx, `document.querySelectorAll('.post').length`); got != newer+3 {
		t.Errorf("after loading every page the list shows %d posts, want %d", got, newer+3)
	}
	if !eval[bool](t, ctx, fmt.Sprintf(`!!document.querySelector('#past #post-%d')`, oldest)) {
		t.Error("the oldest post is not reachable with Load older posts")
	}
	if !eval[bool](t, ctx, `document.activeElement.classList.contains('post')`) {
		t.Errorf("after the last page focus is on %q, want the first post loaded", eval[string](t, ctx, `document.activeElement.outerHTML.slice(0, 80)`))
	}
	if msg := eval[string](t, ctx, `document.getElementById('posts-status').textContent`); !strings.HasSuffix(msg, "These are all your posts.") {
		t.Errorf("screen readers hear %q after the last page", msg)
	}
	shot(t, ctx, "posts-all-pages")

	// A fresh page knows only the newest posts: the calendar must fetch its range.
	day := nextMonth.Format("2006-01-02")
	must(t, ctx, "month view of next month",
		chromedp.Navigate(s.URL+"/posts"),
		waitFor(`document.getElementById('posts-loading').hidden`),
		press(`[data-view=month]`),
		chromedp.WaitVisible(chromedp.ID("calendar")),
	)
	for i := 0; !eval[bool](t, ctx, fmt.Sprintf(`!!document.querySelector('.cal-day:not(.other)[data-date=%q]')`, day)); i++ {
		if i == 3 {
			t.Fatalf("the month of %s never came up", day)
		}
		must(t, ctx, "next month", press(`#cal-next`))
	}
	chip := fmt.Sprintf(`.cal-day[data-date=%q] .cal-item[data-post-id="%d"]`, day, later)
	must(t, ctx, "the old post shows on its day and opens in the list",
		waitFor(fmt.Sprintf(`!!document.querySelector(%q) && !document.getElementById('calendar-view').hasAttribute('aria-busy')`, chip)),
		press(chip),
		waitFor(fmt.Sprintf(`!document.getElementById('list-view').hidden && document.activeElement.id === 'post-%d'`, later)),
	)
	shot(t, ctx, "posts-old-in-list")

	// The page never asks for 200 posts at once without a filter.
	for _, u := range eval[[]string](t, ctx, `window.fetchLog`) {
		if strings.HasPrefix(u, "/api/social/posts?") && !strings.Contains(u, "limit=50") && !strings.Contains(u, "status=") && !strings.Contains(u, "from=") {
			t.Errorf("the posts page fetched %s", u)
		}
	}
}

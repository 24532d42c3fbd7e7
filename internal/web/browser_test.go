package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/social"
)

const chromiumPath = "/usr/bin/chromium"

// One headless Chromium serves every browser test of this binary; each test
// gets its own tab in its own browser context (separate cookies), so tests
// run in parallel without sharing sessions.
var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	os.Exit(code)
}

func startBrowser() {
	dir, err := os.MkdirTemp("", "salesai-chromium-")
	if err != nil {
		browser.err = err
		return
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
	)
	bctx, cancelB := chromedp.NewContext(actx)
	browser.ctx = bctx
	browser.cancel = func() { cancelB(); cancelA(); _ = os.RemoveAll(dir) }
	browser.err = chromedp.Do(bctx) // launches the browser
}

// mustTab opens a fresh tab with its own cookies, or skips without Chromium.
func mustTab(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("chromium not installed: %s is missing (apt-get install -y chromium): %v", chromiumPath, err)
	}
	browser.once.Do(startBrowser)
	if browser.err != nil {
		t.Fatalf("start chromium: %v", browser.err)
	}
	tab, cancelTab := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	ctx, cancel := context.WithTimeout(tab, 45*time.Second)
	t.Cleanup(func() { cancel(); cancelTab() })
	return ctx
}

func must(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		shot(t, ctx, "failed-"+strings.ReplaceAll(what, " ", "-"))
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 1500) : ''`))
		t.Fatalf("%s: %v\nat %s\npage text:\n%s", what, err, loc, body)
	}
}

// waitFor polls a JavaScript condition on the page, across navigations: a
// poll interrupted because the page navigated starts again on the new page.
func waitFor(expr string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		deadline := time.Now().Add(15 * time.Second)
		for {
			poll := chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(time.Until(deadline)), chromedp.WithPollingInterval(50*time.Millisecond))
			_, err := poll(ctx, tg)
			if err == nil || !navigated(err) || time.Now().After(deadline) {
				return chromedp.Void{}, err
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

// navigated reports whether err means the page changed under a command.
func navigated(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "navigated or closed") || strings.Contains(msg, "context was destroyed") ||
		strings.Contains(msg, "Cannot find context") || strings.Contains(msg, "Not attached")
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// shot saves a full-page PNG under the test's artifact directory.
func shot(t *testing.T, ctx context.Context, name string) {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), name+".png"), png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}

var browserUsers atomic.Int64

// signUpInBrowser creates a user through the signup page and lands on /accounts.
func signUpInBrowser(t *testing.T, ctx context.Context, s *apptest.Server) string {
	email := fmt.Sprintf("browser%d-%d@example.com", browserUsers.Add(1), time.Now().UnixNano())
	must(t, ctx, "sign up",
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.Click(chromedp.CSS(`a[href="/signup"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[data-api="/api/auth/signup"]`)),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"),
		chromedp.Click(chromedp.ID("auth-submit")),
		chromedp.WaitVisible(chromedp.ID("open-connect")),
	)
	return email
}

// setField sets an input's value as a user would and fires its events.
func setField(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q;
		e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); })()`, sel, value))
}

// acceptConfirms answers OK to the page's confirm() questions.
var acceptConfirms = chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`)

func TestBrowserCounterEstimateAgreesWithServer(t *testing.T) {
	t.Parallel()
	ctx := mustTab(t)
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	must(t, ctx, "open login", chromedp.Navigate(s.URL+"/login"), waitFor(`window.salesai !== undefined`))
	for _, text := range []string{
		"Hello world, plain ASCII text.",
		"Read https://example.com/a/long/path?q=1 and http://salesai.io now.",
		"Visit example.com, then stop.",
		"Party 🎉👍🏽 family 👨‍👩‍👧 flags 🇩🇪🇫🇷",
		"日本語のテキストと한국어",
		"café naïve — “quotes” …",
	} {
		for _, p := range []social.Platform{social.Twitter, social.LinkedIn} {
			got := eval[int](t, ctx, fmt.Sprintf(`window.salesai.countFor(%q, %q)`, p, text))
			if want := social.CountChars(p, text); got != want {
				t.Errorf("%s estimate of %q = %d, server counts %d", p, text, got, want)
			}
		}
	}
}

func TestBrowserManualLinkedInComposeToPosts(t *testing.T) {
	t.Parallel()
	ctx := mustTab(t)
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	signUpInBrowser(t, ctx, s)
	shot(t, ctx, "accounts-empty")

	must(t, ctx, "add LinkedIn through the connect dialog",
		chromedp.Click(chromedp.ID("open-connect")),
		chromedp.WaitVisible(chromedp.ID("connect-dialog")),
		chromedp.Click(chromedp.ID("pick-linkedin")),
		chromedp.WaitVisible(chromedp.ID("linkedin-form")),
		chromedp.SendKeys(chromedp.ID("li-account_name"), "Acme Corp"),
		chromedp.SendKeys(chromedp.ID("li-access_token"), "AQV-browser-secret-token"),
		chromedp.SendKeys(chromedp.ID("li-platform_account_id"), "urn:li:organization:5515715"),
		chromedp.Click(chromedp.ID("linkedin-save")),
		chromedp.WaitVisible(chromedp.CSS(`.account[data-platform="linkedin"]`)),
		waitFor(`document.getElementById('flash').textContent.includes('Added LinkedIn account')`),
	)
	if html := eval[string](t, ctx, `document.documentElement.outerHTML`); strings.Contains(html, "AQV-browser-secret-token") {
		t.Fatal("the accounts page shows the access token")
	}
	shot(t, ctx, "accounts")
	must(t, ctx, "switch the account off and on",
		chromedp.Click(chromedp.CSS(`.account [data-action=toggle]`)),
		waitFor(`document.querySelector('.account .badge').textContent === 'Off'`),
		chromedp.Click(chromedp.CSS(`.account [data-action=toggle]`)),
		waitFor(`document.querySelector('.account .badge').textContent === 'Connected'`),
	)

	caption := "Launch day! Read https://example.com/launch 🎉"
	counter := fmt.Sprintf("LinkedIn: %d / 3000", social.CountChars(social.LinkedIn, caption))
	must(t, ctx, "compose",
		chromedp.Click(chromedp.CSS(`a[href="/compose"]`)),
		chromedp.WaitVisible(chromedp.ID("caption")),
		chromedp.Click(chromedp.CSS(`input[name=account_ids][data-platform="linkedin"]`)),
		setField("#caption", caption),
		waitFor(fmt.Sprintf(`(document.querySelector('[data-counter=linkedin][data-exact=true]') || {}).textContent === %q`, counter)),
		waitFor(`document.getElementById('validate-state').textContent === 'Ready to go.'`),
	)
	shot(t, ctx, "compose")
	must(t, ctx, "publish and see the post",
		chromedp.Click(chromedp.ID("compose-submit")),
		waitFor(`location.pathname === '/posts' && !!document.querySelector('.post')`),
	)
	got := eval[string](t, ctx, `document.querySelector('.post .post-caption').textContent`)
	if got != caption {
		t.Fatalf("posts page shows caption %q, want %q", got, caption)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('.post .target [data-target-status]').length`); n != 1 {
		t.Fatalf("the post shows %d account statuses, want 1", n)
	}
	must(t, ctx, "calendar view",
		chromedp.Click(chromedp.CSS(`[data-view=calendar]`)),
		chromedp.WaitVisible(chromedp.CSS(`.cal-day.today .cal-item`)),
	)
	shot(t, ctx, "posts-calendar")

	must(t, ctx, "create an API key",
		chromedp.Click(chromedp.CSS(`a[href="/keys"]`)),
		chromedp.WaitVisible(chromedp.ID("key-name")),
		chromedp.SendKeys(chromedp.ID("key-name"), "CI"),
		chromedp.Click(chromedp.CSS(`#key-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("key-created")),
	)
	if key := eval[string](t, ctx, `document.getElementById('key-value').value`); !strings.HasPrefix(key, "sk_") {
		t.Fatalf("the new key shown is %q, want sk_…", key)
	}
	shot(t, ctx, "keys")
	must(t, ctx, "revoke the key",
		acceptConfirms,
		chromedp.Click(chromedp.CSS(`[data-action=revoke-key]`)),
		waitFor(`!document.querySelector('#key-rows tr') && !document.getElementById('key-empty').hidden`),
	)
}

func TestBrowserConnectXPublishRetryAndCancel(t *testing.T) {
	t.Parallel()
	ctx := mustTab(t)
	s := apptest.MustServer(t, apptest.ServerOptions{})
	signUpInBrowser(t, ctx, s)
	must(t, ctx, "connect X through the simulator's consent page",
		chromedp.Click(chromedp.ID("open-connect")),
		chromedp.Click(chromedp.ID("pick-twitter")),
		chromedp.WaitVisible(chromedp.ID("continue-twitter")),
		chromedp.Click(chromedp.ID("continue-twitter")),
		chromedp.WaitVisible(chromedp.ID("approve")),
	)
	shot(t, ctx, "consent")
	must(t, ctx, "approve",
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.CSS(`.account[data-platform="twitter"]`)),
	)
	if msg := eval[string](t, ctx, `document.getElementById('connect-result').textContent.trim()`); msg != "Connected 1 Twitter/X account. You can post to it from Compose." {
		t.Fatalf("connect banner = %q", msg)
	}

	compose := func(caption string) {
		t.Helper()
		counter := fmt.Sprintf("Twitter/X: %d / 280", social.CountChars(social.Twitter, caption))
		must(t, ctx, "compose",
			chromedp.Navigate(s.URL+"/compose"),
			chromedp.Click(chromedp.CSS(`input[name=account_ids][data-platform="twitter"]`)),
			setField("#caption", caption),
			waitFor(fmt.Sprintf(`(document.querySelector('[data-counter=twitter][data-exact=true]') || {}).textContent === %q`, counter)),
			chromedp.Click(chromedp.ID("compose-submit")),
			waitFor(`location.pathname === '/posts' && !!document.querySelector('.post')`),
		)
	}
	compose("Hello from the SalesAI page 日本 https://example.com/x 👍🏽")
	must(t, ctx, "watch it become published",
		waitFor(`!!document.querySelector('.post [data-target-status=published]')`),
		chromedp.WaitVisible(chromedp.CSS(`.post a[href^="https://"]`)),
	)
	if link := eval[string](t, ctx, `document.querySelector('.post a[href^="https://"]').textContent`); link != "View on Twitter/X" {
		t.Errorf("published link says %q", link)
	}

	s.Sim.InjectFault(sim.Fault{Path: "/api.x.com/2/tweets", Method: "POST", Kind: sim.FaultDuplicate, Times: 1})
	compose("A second post that X refuses once")
	must(t, ctx, "see the error with its hint, then retry",
		waitFor(`!!document.querySelector('.post [data-target-status=failed]')`),
		chromedp.WaitVisible(chromedp.CSS(`.post [data-target-error]`)),
	)
	shot(t, ctx, "posts-failed")
	if help := eval[string](t, ctx, `document.querySelector('.post [data-target-error] + .help').textContent`); help != "How to fix: "+social.Hints["duplicate_content"] {
		t.Errorf("failed target hint = %q", help)
	}
	must(t, ctx, "retry",
		chromedp.Click(chromedp.CSS(`.post[data-status=failed] [data-action=retry]`)),
		waitFor(`document.querySelectorAll('.post [data-target-status=published]').length === 2`),
	)

	tomorrow := time.Now().Add(24 * time.Hour).Format("2006-01-02T15:04")
	lastHour := time.Now().Add(-time.Hour).Format("2006-01-02T15:04")
	must(t, ctx, "schedule",
		chromedp.Navigate(s.URL+"/compose"),
		chromedp.Click(chromedp.CSS(`input[name=account_ids][data-platform="twitter"]`)),
		setField("#caption", "Scheduled for tomorrow"),
		chromedp.Click(chromedp.CSS(`input[name=when][value=schedule]`)),
		setField("#scheduled-at", lastHour),
		// The server's validation shows inline, under the account, before submit.
		chromedp.WaitVisible(chromedp.CSS(`[data-problems-for] li[data-code=scheduled_in_past]`)),
		setField("#scheduled-at", tomorrow),
		waitFor(`!document.querySelector('[data-problems-for] li')`),
		waitFor(`document.getElementById('compose-submit').textContent === 'Schedule' && document.getElementById('schedule-echo').textContent.includes('Will publish')`),
		chromedp.Click(chromedp.ID("compose-submit")),
		waitFor(`!!document.querySelector('#upcoming .post [data-target-status=queued]')`),
	)
	shot(t, ctx, "posts")
	shown := eval[string](t, ctx, `document.querySelector('#upcoming .post time').textContent`)
	want := eval[string](t, ctx, fmt.Sprintf(`'Scheduled for ' + new Date(%q).toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short'})`, tomorrow))
	if shown != want {
		t.Errorf("scheduled time shown as %q, want local %q", shown, want)
	}
	dayAfter := time.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")
	must(t, ctx, "reschedule",
		chromedp.Click(chromedp.CSS(`#upcoming .post [data-action=reschedule]`)),
		chromedp.WaitVisible(chromedp.ID("reschedule-at")),
		setField("#reschedule-at", dayAfter),
		chromedp.Click(chromedp.CSS(`#reschedule-form button[type=submit]`)),
		waitFor(fmt.Sprintf(`document.querySelector('#upcoming .post time').textContent === 'Scheduled for ' + new Date(%q).toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short'})`, dayAfter)),
	)
	must(t, ctx, "cancel",
		acceptConfirms,
		chromedp.Click(chromedp.CSS(`#upcoming .post [data-action=cancel]`)),
		waitFor(`!!document.querySelector('#past .post [data-target-status=canceled]') && !document.querySelector('#upcoming .post')`),
	)
}

package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

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
	s := apptest.MustServer(t, apptest.ServerOptions{})
	// Kiritimati is UTC+14 all year: most of the day its date is not UTC's, so
	// the calendar must place posts by the browser's local date.
	must(t, ctx, "set the browser's time zone", timezone(kiritimati))
	signUpInBrowser(t, ctx, s)
	shot(t, ctx, "accounts-empty")

	// What the guide's section B asks the user to paste: tokens LinkedIn issued
	// (here the simulator) and the app's credentials, so the post really goes out.
	tok := linkedInTokens(t, s)
	app := sim.SandboxApps["linkedin"]
	must(t, ctx, "add LinkedIn through the connect dialog",
		chromedp.Click(chromedp.ID("open-connect")),
		chromedp.WaitVisible(chromedp.ID("connect-dialog")),
		chromedp.Click(chromedp.ID("pick-linkedin")),
		chromedp.WaitVisible(chromedp.ID("linkedin-form")),
		chromedp.SendKeys(chromedp.ID("li-account_name"), "Acme Corp"),
		setField("#li-access_token", tok.Access),
		setField("#li-refresh_token", tok.Refresh),
		setField("#li-client_id", app.ID),
		setField("#li-client_secret", app.Secret),
		chromedp.SendKeys(chromedp.ID("li-platform_account_id"), "urn:li:organization:5515715"),
		chromedp.Click(chromedp.ID("linkedin-save")),
		chromedp.WaitVisible(chromedp.CSS(`.account[data-platform="linkedin"]`)),
		waitFor(`document.getElementById('flash').textContent.includes('Added LinkedIn account')`),
	)
	html := eval[string](t, ctx, `document.documentElement.outerHTML`)
	for _, secret := range []string{tok.Access, tok.Refresh, app.Secret} {
		if strings.Contains(html, secret) {
			t.Fatal("the accounts page shows a stored secret")
		}
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
	must(t, ctx, "publish and watch it reach LinkedIn",
		chromedp.Click(chromedp.ID("compose-submit")),
		waitFor(`location.pathname === '/posts' && !!document.querySelector('.post')`),
		waitFor(`!!document.querySelector('.post [data-target-status=published]')`),
	)
	if got := eval[string](t, ctx, `document.querySelector('.post .post-caption').textContent`); got != caption {
		t.Fatalf("posts page shows caption %q, want %q", got, caption)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('.post .target [data-target-status]').length`); n != 1 {
		t.Fatalf("the post shows %d account statuses, want 1", n)
	}
	if link := eval[string](t, ctx, `(document.querySelector('.post a[href^="https://www.linkedin.com/"]') || {}).textContent`); link != "View on LinkedIn" {
		t.Errorf("published link says %q, want View on LinkedIn", link)
	}
	if posts := s.Sim.Posts("linkedin"); len(posts) != 1 || posts[0].Text != caption {
		t.Errorf("LinkedIn received %+v, want one share with the caption", posts)
	}
	checkCalendar(t, ctx)

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

// kiritimati is Pacific/Kiritimati: UTC+14, no daylight saving time.
const kiritimati = "Pacific/Kiritimati"

// timezone makes the tab's local time zone tz, as if the user lived there.
func timezone(tz string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: tz})
		return err
	})
}

// press focuses the element and presses Enter, as a keyboard user does.
func press(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := chromedp.Focus(chromedp.CSS(sel))(ctx, tg); err != nil {
			return err
		}
		_, err := chromedp.KeyEvent(kb.Enter)(ctx, tg)
		return err
	})
}

type liTokens struct{ Access, Refresh string }

// linkedInTokens gets a LinkedIn access and refresh token from the simulator
// the way the guide's section B has a user get them from LinkedIn: an OAuth
// consent for the sandbox app, its code exchanged at the token endpoint.
func linkedInTokens(t *testing.T, s *apptest.Server) liTokens {
	t.Helper()
	app := sim.SandboxApps["linkedin"]
	const redirect = "https://tools.example.com/linkedin/callback"
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"response_type": {"code"}, "client_id": {app.ID}, "redirect_uri": {redirect}, "state": {"st"},
		"scope": {"openid profile w_member_social w_organization_social"}, "auto": {"1"}}
	resp, err := hc.Get(s.SimURL + "/www.linkedin.com/oauth/v2/authorization?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("LinkedIn consent answered %d, redirect %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = hc.PostForm(s.SimURL+"/www.linkedin.com/oauth/v2/accessToken", url.Values{"grant_type": {"authorization_code"},
		"code": {loc.Query().Get("code")}, "redirect_uri": {redirect}, "client_id": {app.ID}, "client_secret": {app.Secret}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Access  string `json:"access_token"`
		Refresh string `json:"refresh_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Access == "" || out.Refresh == "" {
		t.Fatalf("LinkedIn token exchange: %d %v %+v", resp.StatusCode, err, out)
	}
	return liTokens{Access: out.Access, Refresh: out.Refresh}
}

// checkCalendar drives the month and week views with the keyboard only: the
// single post, published just now, sits on today's local date in both views
// with its account's status, and selecting it opens it in the list.
func checkCalendar(t *testing.T, ctx context.Context) {
	t.Helper()
	today := time.Now().In(time.FixedZone("+14", 14*3600)).Format("2006-01-02")
	must(t, ctx, "month view",
		press(`[data-view=month]`),
		chromedp.WaitVisible(chromedp.ID("calendar")),
		chromedp.WaitNotVisible(chromedp.ID("week")),
		waitFor(fmt.Sprintf(`!!document.querySelector('.cal-day.today[data-date=%q] .cal-item [data-chip-status=published]')`, today)),
	)
	shot(t, ctx, "posts-month")
	must(t, ctx, "week view, next week and back with the keyboard",
		press(`[data-view=week]`),
		chromedp.WaitVisible(chromedp.ID("week")),
		chromedp.WaitNotVisible(chromedp.ID("calendar")),
		waitFor(fmt.Sprintf(`!!document.querySelector('.week-day.today[data-date=%q] .cal-item [data-chip-status=published]')`, today)),
		chromedp.Focus(chromedp.ID("cal-next")),
		chromedp.KeyEvent(kb.PageDown),
		waitFor(`!document.querySelector('#week .cal-item') && document.querySelectorAll('#week .week-day').length === 7`),
		press(`#cal-today`),
		waitFor(`!!document.querySelector('#week .week-day.today .cal-item')`),
	)
	shot(t, ctx, "posts-week")
	label := eval[string](t, ctx, `document.querySelector('#week .cal-item').getAttribute('aria-label')`)
	if !strings.Contains(label, "Acme Corp on LinkedIn: Published") {
		t.Errorf("the week chip reads %q, want the account's status", label)
	}
	must(t, ctx, "open the post from its chip",
		press(`#week .cal-item`),
		waitFor(`!document.getElementById('list-view').hidden && document.activeElement.classList.contains('post')`),
	)
}

// connectInBrowser connects platform through the connect dialog and the
// simulator's consent page, approved by its default user, and waits for n
// account cards of that platform.
func connectInBrowser(t *testing.T, ctx context.Context, platform string, n int) {
	t.Helper()
	must(t, ctx, "connect "+platform+" through the consent page",
		chromedp.Click(chromedp.ID("open-connect")),
		chromedp.Click(chromedp.ID("pick-"+platform)),
		chromedp.WaitVisible(chromedp.ID("continue-"+platform)),
		chromedp.Click(chromedp.ID("continue-"+platform)),
		chromedp.WaitVisible(chromedp.ID("approve")),
		chromedp.Click(chromedp.ID("approve")),
		waitFor(fmt.Sprintf(`location.pathname === '/accounts' && document.querySelectorAll('.account[data-platform=%q]').length === %d`, platform, n)),
	)
}

func TestBrowserFacebookTwoPagesScheduleAndCancel(t *testing.T) {
	t.Parallel()
	ctx := mustTab(t)
	s := apptest.MustServer(t, apptest.ServerOptions{})
	signUpInBrowser(t, ctx, s)
	connectInBrowser(t, ctx, "facebook", 2)
	shot(t, ctx, "accounts-facebook")
	names := eval[string](t, ctx, `Array.from(document.querySelectorAll('.account[data-platform=facebook] h2'), (h) => h.textContent).sort().join(', ')`)
	if names != "Acme Bakery, Acme Coffee" {
		t.Errorf("Facebook cards are %q, want the user's two Pages", names)
	}
	if msg := eval[string](t, ctx, `document.getElementById('connect-result').textContent.trim()`); msg != "Connected 2 Facebook accounts. You can post to them from Compose." {
		t.Errorf("connect banner = %q", msg)
	}

	inAnHour := time.Now().Add(time.Hour).Format("2006-01-02T15:04")
	must(t, ctx, "schedule on one Page an hour ahead",
		chromedp.Click(chromedp.CSS(`a[href="/compose"]`)),
		chromedp.WaitVisible(chromedp.ID("caption")),
		chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll('.account-pick')).find((p) => p.querySelector('strong').textContent === 'Acme Coffee').querySelector('input').click()`),
		setField("#caption", "Fresh beans tomorrow morning"),
		chromedp.Click(chromedp.CSS(`input[name=when][value=schedule]`)),
		setField("#scheduled-at", inAnHour),
		waitFor(`document.getElementById('validate-state').textContent === 'Ready to go.'`),
		chromedp.Click(chromedp.ID("compose-submit")),
		waitFor(`!!document.querySelector('#upcoming .post [data-target-status=scheduled]')`),
	)
	shot(t, ctx, "posts-scheduled-facebook")
	if label := eval[string](t, ctx, `document.querySelector('#upcoming .post [data-target-status]').textContent`); label != "Scheduled on Facebook" {
		t.Errorf("the scheduled target reads %q, want Scheduled on Facebook", label)
	}
	if posts := s.Sim.Posts("facebook"); len(posts) != 1 || posts[0].ScheduledAt == nil || posts[0].Published {
		t.Fatalf("Facebook holds %+v, want one natively scheduled post", posts)
	}
	must(t, ctx, "cancel",
		acceptConfirms,
		chromedp.Click(chromedp.CSS(`#upcoming .post [data-action=cancel]`)),
		waitFor(`!!document.querySelector('#past .post [data-target-status=canceled]') && !document.querySelector('#upcoming .post')`),
	)
	if posts := s.Sim.Posts("facebook"); len(posts) != 1 || !posts[0].Deleted {
		t.Errorf("after Cancel Facebook holds %+v, want the scheduled post deleted", posts)
	}
}

func TestBrowserYouTubeVideoRequiredThenPublished(t *testing.T) {
	t.Parallel()
	ctx := mustTab(t)
	s := apptest.MustServer(t, apptest.ServerOptions{})
	video := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		_, _ = w.Write(bytes.Repeat([]byte("\x00\x00\x00\x18ftypmp42"), 512)) // 6 KiB
	}))
	t.Cleanup(video.Close)
	signUpInBrowser(t, ctx, s)
	connectInBrowser(t, ctx, "youtube", 1)

	must(t, ctx, "pick YouTube: the video field and the title hint appear, the missing video is flagged",
		chromedp.Click(chromedp.CSS(`a[href="/compose"]`)),
		chromedp.WaitVisible(chromedp.ID("caption")),
		chromedp.WaitNotVisible(chromedp.ID("video-field")),
		chromedp.Click(chromedp.CSS(`input[name=account_ids][data-platform="youtube"]`)),
		chromedp.WaitVisible(chromedp.ID("video-url")),
		chromedp.WaitVisible(chromedp.ID("caption-help")),
		setField("#caption", "Our roastery tour\nA walk through how we roast."),
		waitFor(`!!document.querySelector('[data-problems-field=video_url] li[data-code=youtube_video_required]')`),
	)
	if hint := eval[string](t, ctx, `document.getElementById('caption-help').textContent`); hint != "The first line becomes the YouTube title." {
		t.Errorf("caption hint = %q", hint)
	}
	if msg := eval[string](t, ctx, `document.querySelector('[data-problems-field=video_url] li').textContent`); msg != social.MsgYouTubeNeedsVideo {
		t.Errorf("inline problem = %q, want %q", msg, social.MsgYouTubeNeedsVideo)
	}
	shot(t, ctx, "compose-youtube")
	must(t, ctx, "add the video and publish",
		setField("#video-url", video.URL+"/tour.mp4"),
		waitFor(`!document.querySelector('[data-problems-field=video_url] li') && document.getElementById('validate-state').textContent === 'Ready to go.'`),
		chromedp.Click(chromedp.ID("compose-submit")),
		waitFor(`!!document.querySelector('.post [data-target-status=published]')`),
	)
	if link := eval[string](t, ctx, `(document.querySelector('.post a[href^="https://www.youtube.com/"]') || {}).textContent`); link != "View on YouTube" {
		t.Errorf("published link says %q, want View on YouTube", link)
	}
	if posts := s.Sim.Posts("youtube"); len(posts) != 1 {
		t.Errorf("YouTube holds %d videos, want 1", len(posts))
	}
}

func TestBrowserInstagramChecklistAndImageRequired(t *testing.T) {
	t.Parallel()
	ctx := mustTab(t)
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	signUpInBrowser(t, ctx, s)
	must(t, ctx, "open the Instagram panel",
		chromedp.Click(chromedp.ID("open-connect")),
		chromedp.Click(chromedp.ID("pick-instagram")),
		chromedp.WaitVisible(chromedp.CSS(`#panel-instagram .checklist`)),
	)
	shot(t, ctx, "connect-instagram")
	checklist := eval[string](t, ctx, `document.querySelector('#panel-instagram .checklist').innerText`)
	for _, want := range []string{
		"Professional: a Business or Creator account",
		"Personal Instagram accounts cannot publish",
		"add your account as tester/developer",
		"Do not refresh or go back on callback page during connect.",
		"Instagram feed posts require an image",
	} {
		if !strings.Contains(checklist, want) {
			t.Errorf("the Instagram checklist lacks %q:\n%s", want, checklist)
		}
	}
	must(t, ctx, "close the dialog", chromedp.Click(chromedp.CSS(`#connect-dialog [data-close]`)))
	connectInBrowser(t, ctx, "instagram", 1)
	must(t, ctx, "pick Instagram without an image",
		chromedp.Click(chromedp.CSS(`a[href="/compose"]`)),
		chromedp.WaitVisible(chromedp.ID("caption")),
		chromedp.Click(chromedp.CSS(`input[name=account_ids][data-platform="instagram"]`)),
		setField("#caption", "New seasonal blend"),
		waitFor(`!!document.querySelector('[data-problems-field=image_urls] li[data-code=instagram_image_required]')`),
	)
	if msg := eval[string](t, ctx, `document.querySelector('[data-problems-field=image_urls] li').textContent`); msg != social.MsgInstagramNeedsImage {
		t.Errorf("inline problem = %q, want %q", msg, social.MsgInstagramNeedsImage)
	}
	must(t, ctx, "submit is refused on the page",
		chromedp.Click(chromedp.ID("compose-submit")),
		waitFor(`document.getElementById('validate-state').textContent === '1 thing to fix before posting.'`),
	)
	if path := eval[string](t, ctx, `location.pathname`); path != "/compose" {
		t.Errorf("submit without an image went to %s", path)
	}
}

// TestBrowserMobileLayout looks at every page at 375 px, a small phone: no
// page scrolls sideways, and long platform ids stay whole on one line.
func TestBrowserMobileLayout(t *testing.T) {
	t.Parallel()
	ctx := mustTab(t)
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true, Sandbox: true})
	must(t, ctx, "phone viewport", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	signUpInBrowser(t, ctx, s)
	connectInBrowser(t, ctx, "facebook", 2)
	connectInBrowser(t, ctx, "youtube", 1)
	fits := func(name string) {
		t.Helper()
		shot(t, ctx, "mobile-"+name)
		// The widest elements poking out past 375 px, if any.
		wide := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > 375.5 && !e.closest('dialog:not([open]), [hidden]'))
			.map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : '') + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 5)`)
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 || len(wide) > 0 {
			t.Errorf("%s at 375 px is %d px wide; past the edge: %q", name, w, wide)
		}
	}
	fits("accounts")
	// Each id is one line inside its card, never split mid-number.
	bad := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('.account .pid')).filter((e) => {
		const r = e.getBoundingClientRect(), card = e.closest('.account').getBoundingClientRect();
		return e.getClientRects().length !== 1 || r.height > 2 * parseFloat(getComputedStyle(e).fontSize) || r.right > card.right;
	}).map((e) => e.textContent)`)
	if len(bad) > 0 {
		t.Errorf("platform ids wrap or overflow their card: %q", bad)
	}
	must(t, ctx, "connect dialog", chromedp.Click(chromedp.ID("open-connect")), chromedp.Click(chromedp.ID("pick-linkedin")),
		chromedp.WaitVisible(chromedp.ID("linkedin-form")))
	fits("connect-linkedin")
	must(t, ctx, "compose", chromedp.Navigate(s.URL+"/compose"), chromedp.WaitVisible(chromedp.ID("caption")),
		chromedp.Click(chromedp.CSS(`input[name=account_ids][data-platform="youtube"]`)),
		setField("#caption", "A phone-sized post with a rather long first line that has to wrap"),
		chromedp.WaitVisible(chromedp.ID("video-url")),
		chromedp.Click(chromedp.CSS(`input[name=when][value=schedule]`)),
		setField("#scheduled-at", time.Now().Add(2*time.Hour).Format("2006-01-02T15:04")),
		waitFor(`!!document.querySelector('[data-problems-field=video_url] li')`))
	fits("compose")
	must(t, ctx, "post something", chromedp.Click(chromedp.CSS(`input[name=account_ids][data-platform="youtube"]`)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name=account_ids][data-platform=facebook]').click()`),
		waitFor(`document.getElementById('validate-state').textContent === 'Ready to go.'`),
		chromedp.Click(chromedp.ID("compose-submit")),
		waitFor(`location.pathname === '/posts' && !!document.querySelector('#upcoming .post')`))
	fits("posts")
	must(t, ctx, "month", chromedp.Click(chromedp.CSS(`[data-view=month]`)), chromedp.WaitVisible(chromedp.CSS(`#calendar .cal-item`)))
	fits("posts-month")
	must(t, ctx, "week", chromedp.Click(chromedp.CSS(`[data-view=week]`)), chromedp.WaitVisible(chromedp.CSS(`#week .cal-item`)))
	fits("posts-week")
	for _, page := range []string{"keys", "help"} {
		must(t, ctx, page, chromedp.Navigate(s.URL+"/"+page), chromedp.WaitVisible(chromedp.ID("main")))
		fits(page)
	}
}

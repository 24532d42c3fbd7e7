package social

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func MustAccount(id int64, p Platform, mods ...func(*Account)) *Account {
	a := &Account{ID: id, Platform: p, Enabled: true, Status: StatusConnected,
		Credentials: Credentials{AccessToken: "tok"}}
	for _, m := range mods {
		m(a)
	}
	return a
}

func sel(accounts ...*Account) []Selected {
	var out []Selected
	for _, a := range accounts {
		out = append(out, Selected{ID: a.ID, Account: a})
	}
	return out
}

func TestValidate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	img := []string{"https://cdn.example.com/a.jpg"}
	text := Compose{Caption: "Hello"}
	fb, ig, x, li, yt := MustAccount(1, Facebook), MustAccount(2, Instagram), MustAccount(3, Twitter), MustAccount(4, LinkedIn), MustAccount(5, YouTube)

	tests := []struct {
		name     string
		compose  Compose
		selected []Selected
		want     []Problem // Message "" means: do not compare it
	}{
		{"text to facebook, linkedin and x", text, sel(fb, li, x), nil},
		{"image to instagram", Compose{ImageURLs: img}, sel(ig), nil},
		{"video to youtube", Compose{VideoURL: "https://drive.google.com/file/d/abc/view"}, sel(yt), nil},
		{"no accounts", text, nil, []Problem{{Field: "account_ids", Code: "no_accounts"}}},
		{"empty post", Compose{Caption: "  \n"}, sel(fb), []Problem{{Field: "caption", Code: "empty_post"}}},
		{"instagram without image", text, sel(ig), []Problem{{AccountID: 2, Field: "image_urls", Code: "instagram_image_required", Message: MsgInstagramNeedsImage}}},
		{"youtube without video", text, sel(yt), []Problem{{AccountID: 5, Field: "video_url", Code: "youtube_video_required", Message: MsgYouTubeNeedsVideo}}},
		{"missing or foreign account", text, []Selected{{ID: 99}}, []Problem{{AccountID: 99, Field: "account_ids", Code: "no_connected_account", Message: MsgNoConnectedAccount}}},
		{"disabled account", text, sel(MustAccount(6, Facebook, func(a *Account) { a.Enabled = false })),
			[]Problem{{AccountID: 6, Field: "account_ids", Code: "no_connected_account", Message: MsgNoConnectedAccount}}},
		{"disabled status", text, sel(MustAccount(6, Facebook, func(a *Account) { a.Status = StatusDisabled })),
			[]Problem{{AccountID: 6, Field: "account_ids", Code: "no_connected_account", Message: MsgNoConnectedAccount}}},
		{"needs reconnect", text, sel(MustAccount(7, LinkedIn, func(a *Account) { a.Status = StatusNeedsReconnect })),
			[]Problem{{AccountID: 7, Field: "account_ids", Code: "no_connected_account",
				Message: "No connected account found. Reconnect this account from the Accounts page, then try again."}}},
		{"no access token", text, sel(MustAccount(8, Twitter, func(a *Account) { a.Credentials.AccessToken = "" })),
			[]Problem{{AccountID: 8, Field: "account_ids", Code: "access_token_missing", Message: MsgAccessTokenMissing}}},
		{"relative image url", Compose{ImageURLs: []string{"https://ok.example/a.jpg", "/img/a.jpg"}}, sel(fb),
			[]Problem{{Field: "image_urls[1]", Code: "invalid_url"}}},
		{"ftp image url", Compose{ImageURLs: []string{"ftp://example.com/a.jpg"}}, sel(fb), []Problem{{Field: "image_urls[0]", Code: "invalid_url"}}},
		{"image url with spaces", Compose{ImageURLs: []string{"https://example.com/a b.jpg"}}, sel(fb), []Problem{{Field: "image_urls[0]", Code: "invalid_url"}}},
		{"video url without host", Compose{VideoURL: "https:///v.mp4"}, sel(yt), []Problem{{Field: "video_url", Code: "invalid_url"}}},
		{"eleven images", Compose{ImageURLs: repeat(img[0], 11)}, sel(fb), []Problem{{Field: "image_urls", Code: "too_many_images"}}},
		{"ten images to instagram", Compose{ImageURLs: repeat(img[0], 10)}, sel(ig), nil},
		{"five images to x", Compose{ImageURLs: repeat(img[0], 5)}, sel(x, fb),
			[]Problem{{AccountID: 3, Field: "image_urls", Code: "too_many_images"}}},
		{"caption too long for x only", Compose{Caption: strings.Repeat("a", 281)}, sel(x, fb),
			[]Problem{{AccountID: 3, Field: "caption", Code: "caption_too_long",
				Message: "The caption is too long for Twitter/X: 281 characters, the limit is 280."}}},
		{"CJK counts double on x", Compose{Caption: strings.Repeat("語", 141)}, sel(x, ig), []Problem{
			{AccountID: 3, Field: "caption", Code: "caption_too_long"},
			{AccountID: 2, Field: "image_urls", Code: "instagram_image_required", Message: MsgInstagramNeedsImage}}},
		{"caption too long for instagram", Compose{Caption: strings.Repeat("é", 2201), ImageURLs: img}, sel(ig),
			[]Problem{{AccountID: 2, Field: "caption", Code: "caption_too_long",
				Message: "The caption is too long for Instagram: 2201 characters, the limit is 2200."}}},
		{"facebook too soon", Compose{Caption: "x", ScheduledAt: at(5 * time.Minute)}, sel(fb),
			[]Problem{{AccountID: 1, Field: "scheduled_at", Code: "facebook_schedule_window",
				Message: "Facebook can schedule posts only 10 minutes or more ahead. Pick a time after 12:10 UTC."}}},
		{"facebook too far", Compose{Caption: "x", ScheduledAt: at(76 * 24 * time.Hour)}, sel(fb),
			[]Problem{{AccountID: 1, Field: "scheduled_at", Code: "facebook_schedule_window"}}},
		{"linkedin five minutes ahead is fine", Compose{Caption: "x", ScheduledAt: at(5 * time.Minute)}, sel(li), nil},
		{"linkedin within clock skew", Compose{Caption: "x", ScheduledAt: at(-30 * time.Second)}, sel(li), nil},
		{"linkedin in the past", Compose{Caption: "x", ScheduledAt: at(-2 * time.Minute)}, sel(li),
			[]Problem{{AccountID: 4, Field: "scheduled_at", Code: "scheduled_in_past"}}},
	}
	for _, tt := range tests {
		got := Validate(now, tt.compose, tt.selected)
		if !sameProblems(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	now := time.Now()
	got := Validate(now, Compose{Caption: strings.Repeat("a", 300)}, []Selected{
		{ID: 1, Account: MustAccount(1, Instagram)}, {ID: 2, Account: MustAccount(2, YouTube)}, {ID: 3},
	})
	var codes []string
	for _, p := range got {
		codes = append(codes, p.Code)
		if p.Message == "" {
			t.Errorf("problem %s has no message", p.Code)
		}
	}
	want := []string{"instagram_image_required", "youtube_video_required", "no_connected_account"}
	if !reflect.DeepEqual(codes, want) {
		t.Fatalf("codes %v, want %v", codes, want)
	}
	if got.Error() != MsgInstagramNeedsImage+" (and 2 more problems)" {
		t.Fatalf("Error() = %q", got.Error())
	}
}

// sameProblems compares problems in order; an empty wanted message is not
// compared, but a got message must never be empty.
func sameProblems(got Problems, want []Problem) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		w := want[i]
		if got[i].Message == "" {
			return false
		}
		if w.Message == "" {
			w.Message = got[i].Message
		}
		if got[i] != w {
			return false
		}
	}
	return true
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

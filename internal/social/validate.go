package social

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Compose is what a user submits to create a post, before anything is stored.
type Compose struct {
	Caption     string
	ImageURLs   []string
	VideoURL    string
	ScheduledAt *time.Time
}

// Selected is one account id from the compose form with the account the
// caller loaded for it; Account is nil when the id is missing, deleted or
// belongs to another user, so all three read the same to the user.
type Selected struct {
	ID      int64
	Account *Account
}

// Image limits: Instagram's carousel allows 10, X allows 4 per post.
const (
	MaxImages        = 10
	MaxTwitterImages = 4
)

// ClockSkew is how far in the past a scheduled time may be and still count
// as "now", so a browser clock a little behind ours is not refused.
const ClockSkew = time.Minute

// Validate applies the compose rules (issue 5, guide sections H and I) and
// returns every problem found, nil when the post may be created. Problems
// about one account carry its id.
func Validate(now time.Time, c Compose, selected []Selected) Problems {
	ps := validateContent(c)
	if len(selected) == 0 {
		ps = append(ps, Problem{Field: "account_ids", Code: "no_accounts",
			Message: "Select at least one account to post to."})
	}
	counts := map[Platform]int{}
	for _, s := range selected {
		ps = append(ps, validateAccount(now, c, s, counts)...)
	}
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// validateContent checks what does not depend on the accounts.
func validateContent(c Compose) Problems {
	var ps Problems
	if strings.TrimSpace(c.Caption) == "" && len(c.ImageURLs) == 0 && c.VideoURL == "" {
		ps = append(ps, Problem{Field: "caption", Code: "empty_post",
			Message: "Write a caption or add an image or video."})
	}
	for i, u := range c.ImageURLs {
		if !isWebURL(u) {
			ps = append(ps, Problem{Field: fmt.Sprintf("image_urls[%d]", i), Code: "invalid_url", Message: fmt.Sprintf(
				"Image %d is not a valid link: use a full address starting with https:// or http://.", i+1)})
		}
	}
	if c.VideoURL != "" && !isWebURL(c.VideoURL) {
		ps = append(ps, Problem{Field: "video_url", Code: "invalid_url",
			Message: "The video URL is not a valid link: use a full address starting with https:// or http://."})
	}
	if len(c.ImageURLs) > MaxImages {
		ps = append(ps, Problem{Field: "image_urls", Code: "too_many_images", Message: fmt.Sprintf(
			"A post can have at most %d images; this one has %d. Remove some images.", MaxImages, len(c.ImageURLs))})
	}
	return ps
}

// isWebURL reports whether s is an absolute http(s) URL with a host.
func isWebURL(s string) bool {
	if strings.TrimSpace(s) != s || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" || u.User != nil {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}

// validateAccount checks one selected account: that it can publish, and the
// rules of its platform. counts caches caption lengths per platform.
func validateAccount(now time.Time, c Compose, s Selected, counts map[Platform]int) Problems {
	a := s.Account
	if a == nil {
		return Problems{noConnectedAccount(s.ID, false)}
	}
	var ps Problems
	switch {
	case a.Status == StatusNeedsReconnect:
		ps = append(ps, noConnectedAccount(s.ID, true))
	case !a.Usable():
		ps = append(ps, noConnectedAccount(s.ID, false))
	case a.Credentials.AccessToken == "":
		ps = append(ps, Problem{AccountID: s.ID, Field: "account_ids", Code: "access_token_missing",
			Message: MsgAccessTokenMissing})
	}
	for _, p := range platformRules(c, a, counts) {
		p.AccountID = s.ID
		ps = append(ps, p)
	}
	if p := checkSchedule(now, c.ScheduledAt, a.Platform); p != nil {
		p.AccountID = s.ID
		ps = append(ps, *p)
	}
	return ps
}

func noConnectedAccount(id int64, reconnect bool) Problem {
	p := Problem{AccountID: id, Field: "account_ids", Code: "no_connected_account", Message: MsgNoConnectedAccount}
	if reconnect {
		p.Message += ". " + Hints["needs_reconnect"]
	}
	return p
}

// platformRules are the caption, image and video rules of a's platform.
func platformRules(c Compose, a *Account, counts map[Platform]int) Problems {
	var ps Problems
	n, ok := counts[a.Platform]
	if !ok {
		n = CountChars(a.Platform, c.Caption)
		counts[a.Platform] = n
	}
	if limit := CharLimit(a.Platform); limit > 0 && n > limit {
		ps = append(ps, Problem{Field: "caption", Code: "caption_too_long", Message: fmt.Sprintf(
			"The caption is too long for %s: %d characters, the limit is %d.", a.Platform.Title(), n, limit)})
	}
	switch {
	case a.Platform == Instagram && len(c.ImageURLs) == 0:
		ps = append(ps, Problem{Field: "image_urls", Code: "instagram_image_required",
			Message: MsgInstagramNeedsImage})
	case a.Platform == YouTube && c.VideoURL == "":
		ps = append(ps, Problem{Field: "video_url", Code: "youtube_video_required",
			Message: MsgYouTubeNeedsVideo})
	case a.Platform == Twitter && len(c.ImageURLs) > MaxTwitterImages:
		ps = append(ps, Problem{Field: "image_urls", Code: "too_many_images", Message: fmt.Sprintf(
			"Twitter/X allows at most %d images per post; this one has %d. Remove some images or unselect this account.",
			MaxTwitterImages, len(c.ImageURLs))})
	}
	return ps
}

// checkSchedule applies Facebook's native window, and for the platforms
// SalesAI schedules itself refuses times already past.
func checkSchedule(now time.Time, at *time.Time, p Platform) *Problem {
	if at == nil {
		return nil
	}
	if p == Facebook {
		return CheckFacebookWindow(now, *at)
	}
	if at.Before(now.Add(-ClockSkew)) {
		return &Problem{Field: "scheduled_at", Code: "scheduled_in_past", Message: fmt.Sprintf(
			"The scheduled time %s has already passed. Pick a time in the future, or publish now.",
			at.UTC().Format("2006-01-02 15:04 UTC"))}
	}
	return nil
}

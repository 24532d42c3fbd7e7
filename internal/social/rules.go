package social

import (
	"fmt"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Character limits of the guide's section H.
var charLimits = map[Platform]int{
	Twitter:   280,
	Instagram: 2200,
	LinkedIn:  3000,
	YouTube:   5000,
	Facebook:  63206,
}

// CharLimit is the longest caption p accepts, in CountChars units.
func CharLimit(p Platform) int { return charLimits[p] }

// CountChars counts text as p does: X with its weighted count (URLs 23, CJK
// and emoji 2, after NFC); the others in Unicode code points after NFC, never
// bytes.
func CountChars(p Platform, text string) int {
	if p == Twitter {
		n, _ := parseTweet(text)
		return n
	}
	return utf8.RuneCountInString(norm.NFC.String(text))
}

// Facebook's native scheduling window (platforms.md §1.7): scheduled_publish_time
// must be between 10 minutes and 75 days after the API request.
const (
	FacebookMinLead = 10 * time.Minute
	FacebookMaxLead = 75 * 24 * time.Hour
)

// CheckFacebookWindow reports whether at is inside Facebook's scheduling
// window as seen at now, bounds included; the problem says which bound was
// broken and what time would work.
func CheckFacebookWindow(now, at time.Time) *Problem {
	const code = "facebook_schedule_window"
	if earliest := now.Add(FacebookMinLead); at.Before(earliest) {
		return &Problem{Field: "scheduled_at", Code: code, Message: fmt.Sprintf(
			"Facebook can schedule posts only 10 minutes or more ahead. Pick a time after %s.",
			formatUTC(now, earliest))}
	}
	if latest := now.Add(FacebookMaxLead); at.After(latest) {
		return &Problem{Field: "scheduled_at", Code: code, Message: fmt.Sprintf(
			"Facebook can schedule posts only within 75 days. Pick a time before %s.",
			formatUTC(now, latest))}
	}
	return nil
}

// formatUTC writes t in UTC, with the date only when it is not now's day.
func formatUTC(now, t time.Time) string {
	t, now = t.UTC(), now.UTC()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04 UTC")
	}
	return t.Format("2006-01-02 15:04 UTC")
}

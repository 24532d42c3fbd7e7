package social

import (
	"strings"
	"testing"
	"time"
)

func TestCharLimit(t *testing.T) {
	t.Parallel()
	want := map[Platform]int{Twitter: 280, Instagram: 2200, LinkedIn: 3000, YouTube: 5000, Facebook: 63206}
	for _, p := range Platforms {
		if got := CharLimit(p); got != want[p] {
			t.Errorf("CharLimit(%s) = %d, want %d", p, got, want[p])
		}
	}
}

func TestCountChars(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		platform Platform
		text     string
		want     int
	}{
		{"ascii on X", Twitter, "Hello world", 11},
		{"url on X counts 23", Twitter, "Read https://example.com/a/very/long/path/that/goes/on/and/on", 5 + 23},
		{"bare domain on X counts 23", Twitter, "see example.com", 4 + 23},
		{"CJK on X counts 2", Twitter, "日本語", 6},
		{"emoji on X counts 2", Twitter, "🐱", 2},
		{"ZWJ family on X counts 2", Twitter, "👨\u200d👩\u200d👧\u200d👦", 2},
		{"flag on X counts 2", Twitter, "🇫🇷", 2},
		{"decomposed accent on X is normalised", Twitter, "e\u0301", 1},
		{"code points on Instagram, not bytes", Instagram, "日本語🐱", 4},
		{"decomposed accent on LinkedIn is normalised", LinkedIn, "Cafe\u0301", 4},
		{"URL on Facebook counts its characters", Facebook, "https://example.com", 19},
		{"empty", YouTube, "", 0},
	}
	for _, tt := range tests {
		if got := CountChars(tt.platform, tt.text); got != tt.want {
			t.Errorf("%s: CountChars(%s, %q) = %d, want %d", tt.name, tt.platform, tt.text, got, tt.want)
		}
	}
}

func TestCheckFacebookWindow(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 13, 55, 0, 0, time.UTC)
	tests := []struct {
		name    string
		at      time.Time
		wantMsg string // empty: accepted
	}{
		{"past", now.Add(-time.Hour), "Facebook can schedule posts only 10 minutes or more ahead. Pick a time after 14:05 UTC."},
		{"9 minutes", now.Add(9 * time.Minute), "Facebook can schedule posts only 10 minutes or more ahead. Pick a time after 14:05 UTC."},
		{"exactly 10 minutes", now.Add(10 * time.Minute), ""},
		{"a week", now.Add(7 * 24 * time.Hour), ""},
		{"exactly 75 days", now.Add(75 * 24 * time.Hour), ""},
		{"75 days and a minute", now.Add(75*24*time.Hour + time.Minute), "Facebook can schedule posts only within 75 days. Pick a time before 2026-05-15 13:55 UTC."},
	}
	for _, tt := range tests {
		p := CheckFacebookWindow(now, tt.at)
		switch {
		case tt.wantMsg == "" && p != nil:
			t.Errorf("%s: refused: %s", tt.name, p.Message)
		case tt.wantMsg != "" && p == nil:
			t.Errorf("%s: accepted, want %q", tt.name, tt.wantMsg)
		case p != nil && (p.Message != tt.wantMsg || p.Code != "facebook_schedule_window" || p.Field != "scheduled_at"):
			t.Errorf("%s: got %+v, want message %q", tt.name, *p, tt.wantMsg)
		}
	}
}

// FuzzCountChars checks invariants of the counters on any text; the seeds
// are the conformance texts and run in every plain `go test`.
func FuzzCountChars(f *testing.F) {
	for _, file := range [][2]string{
		{"validate.yml", "WeightedTweetsWithDiscountedEmojiCounterTest"},
		{"validate.yml", "UnicodeDirectionalMarkerCounterTest"},
		{"extract.yml", "urls"},
	} {
		for _, c := range MustTwitterCases(f, file[0], file[1]) {
			f.Add(c.text)
		}
	}
	f.Add("plain ascii words, no links at all!")
	f.Add("\xff\xfe broken utf-8")
	f.Fuzz(func(t *testing.T, text string) {
		for _, p := range Platforms {
			if n := CountChars(p, text); n < 0 {
				t.Fatalf("CountChars(%s, %q) = %d", p, text, n)
			}
		}
		if isPlainASCIIWithoutURL(text) {
			if n := CountChars(Twitter, text); n != len(text) {
				t.Fatalf("CountChars(Twitter, %q) = %d, want %d", text, n, len(text))
			}
		}
	})
}

// isPlainASCIIWithoutURL: printable ASCII with no dot cannot hold a URL for
// twitter-text, so every character must count 1.
func isPlainASCIIWithoutURL(s string) bool {
	if strings.Contains(s, ".") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

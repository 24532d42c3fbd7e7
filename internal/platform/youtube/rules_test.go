package youtube

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/salesai/social/internal/platform"
)

func TestMetadataFor(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 120)
	tests := []struct {
		name, caption, title, desc string
	}{
		{"first line is the title", "Launch day\nWe ship today.\nCome by.", "Launch day", "We ship today.\nCome by."},
		{"title trimmed", "   Launch day  \n body ", "Launch day", "body"},
		{"CRLF lines", "Launch\r\nBody\r\nMore", "Launch", "Body\nMore"},
		{"angle brackets removed", "<b>Big</b> news > all\n<i>x</i> < y", "bBig/b news  all", "ix/i  y"},
		{"empty caption", "", "Untitled video", ""},
		{"blank first line", "  \nOnly a description", "Untitled video", "Only a description"},
		{"only brackets", "<>\n", "Untitled video", ""},
		{"title cut to 100 characters", long, strings.Repeat("é", 100), ""},
		{"emoji counted as one character", strings.Repeat("🎉", 101), strings.Repeat("🎉", 100), ""},
		{"cut then trimmed", strings.Repeat("a", 99) + " b", strings.Repeat("a", 99), ""},
		{"invalid UTF-8 dropped", "ab\xffc\nd\xfe", "abc", "d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := MetadataFor(tt.caption)
			if got.Title != tt.title || got.Description != tt.desc {
				t.Fatalf("MetadataFor(%q) = %q / %q, want %q / %q", tt.caption, got.Title, got.Description, tt.title, tt.desc)
			}
		})
	}
}

func TestMetadataForDescriptionBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rest string
		want int // bytes kept
	}{
		{"fits", strings.Repeat("a", 5000), 5000},
		{"ASCII cut at 5000 bytes", strings.Repeat("a", 6000), 5000},
		{"2-byte runes cut on a boundary", strings.Repeat("é", 2600), 5000},
		{"3-byte runes cut on a boundary", strings.Repeat("€", 2000), 4998},
		{"4-byte runes cut on a boundary", "a" + strings.Repeat("🎉", 1300), 4997},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := MetadataFor("Title\n" + tt.rest).Description
			if len(d) != tt.want || !utf8.ValidString(d) || !strings.HasPrefix(tt.rest, d) {
				t.Fatalf("description is %d bytes (valid UTF-8 %v), want a %d-byte prefix", len(d), utf8.ValidString(d), tt.want)
			}
		})
	}
}

// TestAPIErrors feeds the error bodies of platforms.md §5.7 to the mapping.
func TestAPIErrors(t *testing.T) {
	t.Parallel()
	body := func(status int, reason, msg string) string {
		return `{"error":{"code":` + strconv.Itoa(status) + `,"message":"` + msg +
			`","errors":[{"message":"` + msg + `","domain":"youtube.x","reason":"` + reason + `"}]}}`
	}
	c := New(Config{Now: func() time.Time { return testNow }})
	tests := []struct {
		name       string
		status     int
		body       string
		header     http.Header
		kind       platform.ErrorKind
		code       string
		retryAfter time.Duration
		inMessage  string
	}{
		{"expired token", 401, body(401, "authError", "Invalid Credentials"), nil, platform.TokenExpired, "token_expired", 0, "sign-in"},
		{"expired reason", 401, body(401, "expired", "Expired"), nil, platform.TokenExpired, "token_expired", 0, "expired"},
		{"no channel", 401, body(401, "youtubeSignupRequired", "Unauthorized"), nil, platform.Permanent, "no_channel", 0, "no YouTube channel"},
		{"quota until midnight Pacific", 403, body(403, "quotaExceeded", `exceeded your <a href=\"/q\">quota</a>.`), nil,
			platform.RateLimited, "rate_limited", 11 * time.Hour, "midnight Pacific"},
		{"channel upload limit", 400, body(400, "uploadLimitExceeded", "The user has exceeded the number of videos they may upload."), nil,
			platform.RateLimited, "rate_limited", 24 * time.Hour, "daily upload limit"},
		{"permission", 403, body(403, "insufficientPermissions", "Request had insufficient authentication scopes."), nil,
			platform.Permanent, "permission_missing", 0, "Reconnect YouTube"},
		{"rate limit 403", 403, body(403, "rateLimitExceeded", "Rate Limit Exceeded"), nil, platform.RateLimited, "rate_limited", time.Minute, "slow down"},
		{"rate limit 429 Retry-After", 429, body(429, "rateLimitExceeded", "Rate Limit Exceeded"), http.Header{"Retry-After": {"30"}},
			platform.RateLimited, "rate_limited", 30 * time.Second, "slow down"},
		{"invalid title", 400, body(400, "invalidTitle", "The request metadata specifies an invalid or empty video title."), nil,
			platform.Permanent, "platform_error", 0, "invalid or empty video title"},
		{"invalid description", 400, body(400, "invalidDescription", "The request metadata specifies an invalid video description."), nil,
			platform.Permanent, "platform_error", 0, "invalid video description"},
		{"backend error", 503, body(503, "backendError", "Backend Error"), nil, platform.Temporary, "platform_error", 0, "try again"},
		{"internal error", 500, body(500, "internalError", "Internal Error"), nil, platform.Temporary, "platform_error", 0, "try again"},
		{"plain text 400", 400, "Invalid request. The Content-Range header is invalid.", nil, platform.Permanent, "platform_error", 0, "Content-Range header is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := &http.Response{StatusCode: tt.status, Header: tt.header, Body: io.NopCloser(strings.NewReader(tt.body))}
			if resp.Header == nil {
				resp.Header = http.Header{}
			}
			e := c.apiError(resp, "upload the video")
			if e.Kind != tt.kind || e.Code != tt.code || e.RetryAfter != tt.retryAfter || e.Status != tt.status {
				t.Fatalf("got kind %d code %q retry %v status %d, want %d %q %v %d", e.Kind, e.Code, e.RetryAfter, e.Status, tt.kind, tt.code, tt.retryAfter, tt.status)
			}
			if !strings.Contains(e.Message, tt.inMessage) || strings.ContainsAny(e.Message, "<>{}") {
				t.Fatalf("message %q: want it to contain %q and no markup or JSON", e.Message, tt.inMessage)
			}
		})
	}
}

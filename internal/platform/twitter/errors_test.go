package twitter

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
)

// TestResponseError covers X answers the simulator does not produce (usage
// cap, other 403s, v1.1 bodies), as X documents or was observed to send them
// (platforms.md §3.5, §3.7).
func TestResponseError(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	c := New(Config{Now: func() time.Time { return now }})
	tests := []struct {
		name    string
		status  int
		header  http.Header
		body    string
		kind    platform.ErrorKind
		code    string
		retry   time.Duration
		message string // a part the message must contain
	}{
		{"usage cap", 429, nil, `{"title":"UsageCapExceeded","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.x.com/2/problems/usage-capped","period":"Monthly","scope":"Product"}`,
			platform.Permanent, "usage_capped", 0, "Usage cap exceeded: Monthly product cap"},
		{"429 with x-rate-limit-reset", 429, http.Header{"X-Rate-Limit-Reset": {strconv.FormatInt(now.Add(90*time.Second).Unix(), 10)}},
			`{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`, platform.RateLimited, "rate_limited", 90 * time.Second, "Too Many Requests"},
		{"429 with Retry-After", 429, http.Header{"Retry-After": {"120"}}, `{"errors":[{"code":88,"message":"Rate limit exceeded"}]}`,
			platform.RateLimited, "rate_limited", 2 * time.Minute, "Rate limit exceeded"},
		{"429 reset in the past", 429, http.Header{"X-Rate-Limit-Reset": {strconv.FormatInt(now.Add(-time.Minute).Unix(), 10)}}, `{}`,
			platform.RateLimited, "rate_limited", time.Second, "slow down"},
		{"429 without headers", 429, nil, `{}`, platform.RateLimited, "rate_limited", 15 * time.Minute, "Too Many Requests"},
		{"403 duplicate", 403, nil, `{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}`,
			platform.Permanent, "duplicate_content", 0, "duplicate"},
		{"403 other", 403, nil, `{"title":"Forbidden","detail":"You are not permitted to perform this action.","type":"about:blank","status":403}`,
			platform.Permanent, "permission_missing", 0, "You are not permitted to perform this action"},
		{"401", 401, nil, `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`,
			platform.TokenExpired, "token_expired", 0, "Unauthorized"},
		{"500 not JSON", 500, nil, `<html>oops</html>`, platform.Temporary, "platform_error", 0, "Internal Server Error"},
		{"v1.1 error", 400, nil, `{"request":"/1.1/media/upload.json","error":"media type unrecognized."}`,
			platform.Permanent, "platform_error", 0, "media type unrecognized"},
		{"invalid request", 400, nil, `{"title":"Invalid Request","detail":"Your media IDs are invalid.","type":"https://api.x.com/2/problems/invalid-request"}`,
			platform.Permanent, "platform_error", 0, "Your media IDs are invalid"},
	}
	for _, tt := range tests {
		resp := &http.Response{StatusCode: tt.status, Header: tt.header, Body: io.NopCloser(strings.NewReader(tt.body)),
			Request: &http.Request{URL: &url.URL{Path: "/2/tweets"}}}
		if resp.Header == nil {
			resp.Header = http.Header{}
		}
		err := c.responseError(resp)
		pe, ok := err.(*platform.Error)
		if !ok {
			t.Fatalf("%s: %T", tt.name, err)
		}
		if pe.Kind != tt.kind || pe.Code != tt.code || pe.RetryAfter != tt.retry || pe.Status != tt.status {
			t.Errorf("%s: got kind %d code %q retry %s status %d, want %d %q %s %d", tt.name, pe.Kind, pe.Code, pe.RetryAfter, pe.Status, tt.kind, tt.code, tt.retry, tt.status)
		}
		if !strings.Contains(pe.Message, tt.message) || strings.Contains(pe.Message, "{") {
			t.Errorf("%s: message %q, want it to contain %q and no JSON", tt.name, pe.Message, tt.message)
		}
	}
}

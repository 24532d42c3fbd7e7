package facebook_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/facebook"
	"github.com/salesai/social/internal/social"
)

// TestParseError is the §1.12 / §2.7 code table.
func TestParseError(t *testing.T) {
	t.Parallel()
	graph := func(code, sub int, extra string) string {
		return `{"error":{"message":"(#` + strconv.Itoa(code) + `) reason text","type":"OAuthException","code":` + strconv.Itoa(code) +
			`,"error_subcode":` + strconv.Itoa(sub) + extra + `,"fbtrace_id":"Ax"}}`
	}
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		kind   platform.ErrorKind
		code   string
		retry  time.Duration
	}{
		{"190 expired token", 400, nil, graph(190, 463, ""), platform.TokenExpired, "token_expired", 0},
		{"102 session", 400, nil, graph(102, 0, ""), platform.TokenExpired, "token_expired", 0},
		{"password changed subcode", 400, nil, graph(999, 460, ""), platform.TokenExpired, "token_expired", 0},
		{"4 app throttle", 400, nil, graph(4, 0, ""), platform.RateLimited, "rate_limited", facebook.DefaultRetryAfter},
		{"17 user throttle, Retry-After", 400, http.Header{"Retry-After": {"30"}}, graph(17, 0, ""), platform.RateLimited, "rate_limited", 30 * time.Second},
		{"32 page throttle", 400, nil, graph(32, 0, ""), platform.RateLimited, "rate_limited", facebook.DefaultRetryAfter},
		{"341 app limit", 400, nil, graph(341, 0, ""), platform.RateLimited, "rate_limited", facebook.DefaultRetryAfter},
		{"613 custom limit", 400, nil, graph(613, 0, ""), platform.RateLimited, "rate_limited", facebook.DefaultRetryAfter},
		{"IG publishing limit", 400, nil, graph(9, 2207042, ""), platform.RateLimited, "rate_limited", facebook.PublishLimitRetryAfter},
		{"1 unknown", 500, nil, graph(1, 0, ""), platform.Temporary, "platform_error", 0},
		{"2 service", 500, nil, graph(2, 0, ""), platform.Temporary, "platform_error", 0},
		{"is_transient", 400, nil, graph(-1, 2207001, `,"is_transient":true`), platform.Temporary, "platform_error", 0},
		{"10 permission", 400, nil, graph(10, 0, ""), platform.Permanent, "permission_missing", 0},
		{"200 permission", 400, nil, graph(200, 0, ""), platform.Permanent, "permission_missing", 0},
		{"299 permission", 400, nil, graph(299, 0, ""), platform.Permanent, "permission_missing", 0},
		{"506 duplicate", 400, nil, graph(506, 0, ""), platform.Permanent, "duplicate_content", 0},
		{"100 schedule time", 400, nil, `{"error":{"message":"(#100) The specified scheduled publish time is invalid.","code":100}}`,
			platform.Permanent, "scheduled_post_failed", 0},
		{"100 other", 400, nil, graph(100, 0, ""), platform.Permanent, "platform_error", 0},
		{"324 photo", 400, nil, graph(324, 0, ""), platform.Permanent, "media_rejected", 0},
		{"IG image too large", 400, nil, graph(36000, 2207004, ""), platform.Permanent, "media_rejected", 0},
		{"HTML 502", 502, nil, `<html>Bad Gateway</html>`, platform.Temporary, "platform_error", 0},
		{"bare 429", 429, http.Header{"Retry-After": {"7"}}, ``, platform.RateLimited, "rate_limited", 7 * time.Second},
		{"bare 401", 401, nil, ``, platform.TokenExpired, "token_expired", 0},
		{"IG token endpoint", 400, nil, `{"error_type":"OAuthException","code":400,"error_message":"Matching code was not found or was already used"}`,
			platform.Permanent, "platform_error", 0},
	}
	for _, tt := range tests {
		e := facebook.ParseError(social.Facebook, tt.status, tt.header, []byte(tt.body))
		if e == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if e.Kind != tt.kind || e.Code != tt.code || e.RetryAfter != tt.retry || e.Status != tt.status {
			t.Errorf("%s: kind %d code %q retry %v status %d; want kind %d code %q retry %v", tt.name,
				e.Kind, e.Code, e.RetryAfter, e.Status, tt.kind, tt.code, tt.retry)
		}
		if strings.Contains(e.Message, "{") || !strings.HasPrefix(e.Message, "Facebook") {
			t.Errorf("%s: message %q", tt.name, e.Message)
		}
	}
	if e := facebook.ParseError(social.Facebook, 200, nil, []byte(`{"id":"1_2"}`)); e != nil {
		t.Errorf("success parsed as %v", e)
	}
}

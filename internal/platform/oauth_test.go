package platform_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

func TestOAuthToken(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	wall := now.Add(-time.Hour) // x/oauth2's Expiry, computed on another clock
	tests := []struct {
		name string
		tok  *oauth2.Token
		want platform.Token
	}{
		{"expires_in counts on our clock", (&oauth2.Token{AccessToken: "a", RefreshToken: "r", ExpiresIn: 7200, Expiry: wall}).
			WithExtra(map[string]any{"scope": "tweet.read"}),
			platform.Token{AccessToken: "a", RefreshToken: "r", ExpiresAt: now.Add(2 * time.Hour), Scope: "tweet.read"}},
		{"only an expiry", &oauth2.Token{AccessToken: "a", Expiry: wall}, platform.Token{AccessToken: "a", ExpiresAt: wall}},
		{"no expiry", &oauth2.Token{AccessToken: "a"}, platform.Token{AccessToken: "a"}},
	}
	for _, tt := range tests {
		if got := platform.OAuthToken(tt.tok, func() time.Time { return now }); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestTokenFailures(t *testing.T) {
	t.Parallel()
	refusal := func(status int) error {
		return fmt.Errorf("oauth2: %w", &oauth2.RetrieveError{Response: &http.Response{StatusCode: status}, ErrorCode: "invalid_grant"})
	}
	if _, _, ok := platform.TokenRefusal(errors.New("connection reset")); ok {
		t.Error("a network failure was taken for the token endpoint's answer")
	}
	if re, status, ok := platform.TokenRefusal(refusal(400)); !ok || status != 400 || re.ErrorCode != "invalid_grant" {
		t.Errorf("TokenRefusal = %v, %d, %v; want the 400 invalid_grant answer", re, status, ok)
	}
	tests := []struct {
		name    string
		got     *platform.Error
		kind    platform.ErrorKind
		code    string
		retry   time.Duration
		message string
	}{
		{"exchange 503", platform.ExchangeOutage(social.Twitter, "X", 503, refusal(503)), platform.Temporary, "platform_error", 0,
			"X is having trouble right now; try connecting again in a minute."},
		{"refresh 502", platform.RefreshOutage(social.LinkedIn, "LinkedIn", 502, time.Hour, refusal(502)), platform.Temporary, "platform_error", 0,
			"LinkedIn is having trouble refreshing the token; SalesAI will try again."},
		{"refresh 429", platform.RefreshOutage(social.LinkedIn, "LinkedIn", 429, time.Hour, refusal(429)), platform.RateLimited, "rate_limited", time.Hour,
			"LinkedIn asked SalesAI to slow down while refreshing the token; it will try again."},
	}
	for _, tt := range tests {
		if tt.got == nil || tt.got.Kind != tt.kind || tt.got.Code != tt.code || tt.got.RetryAfter != tt.retry || tt.got.Message != tt.message {
			t.Errorf("%s: got %+v, want kind %d code %q retry %s message %q", tt.name, tt.got, tt.kind, tt.code, tt.retry, tt.message)
		}
	}
	// A refusal is no outage: each platform words it (and 429 at sign-in is one).
	if pe := platform.ExchangeOutage(social.Twitter, "X", 429, refusal(429)); pe != nil {
		t.Errorf("exchange 429 = %+v, want nil", pe)
	}
	if pe := platform.RefreshOutage(social.Twitter, "X", 400, time.Minute, refusal(400)); pe != nil {
		t.Errorf("refresh 400 = %+v, want nil", pe)
	}
}

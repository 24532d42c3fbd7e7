package platform

import (
	"context"
	"errors"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/social"
)

// OAuthContext hands the shared client to x/oauth2, which reads it from the
// context, so token requests go through the endpoint rewrite too.
func OAuthContext(ctx context.Context, hc *http.Client) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, hc)
}

// OAuthToken converts an x/oauth2 token. The expiry counts expires_in from
// now, the injected clock (x/oauth2's own Expiry uses the wall clock and is
// only the fallback); Scope is what the platform says it granted.
func OAuthToken(tok *oauth2.Token, now func() time.Time) Token {
	t := Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, ExpiresAt: tok.Expiry}
	if tok.ExpiresIn > 0 {
		t.ExpiresAt = now().Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	if s, ok := tok.Extra("scope").(string); ok {
		t.Scope = s
	}
	return t
}

// TokenRefusal finds the token endpoint's answer in a failed x/oauth2 exchange
// or refresh. ok is false when the endpoint did not answer (a network failure:
// the caller returns err wrapped, never a *Error); status is 0 when the answer
// carried no response.
func TokenRefusal(err error) (re *oauth2.RetrieveError, status int, ok bool) {
	if !errors.As(err, &re) {
		return nil, 0, false
	}
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	return re, status, true
}

// ExchangeOutage is the error for a sign-in whose code exchange the token
// endpoint could not serve (5xx): Temporary, the user tries again. name is the
// platform as users know it ("X"). It is nil for any other status: a refusal
// the platform explains in its own words.
func ExchangeOutage(p social.Platform, name string, status int, err error) *Error {
	if status < 500 {
		return nil
	}
	return &Error{Platform: p, Kind: Temporary, Status: status, Code: "platform_error",
		Message: name + " is having trouble right now; try connecting again in a minute.", Err: err}
}

// RefreshOutage is the error for a token refresh the endpoint could not serve:
// 5xx is Temporary and 429 RateLimited for wait, both retried by SalesAI. It
// is nil for any other status: a refusal, which means reconnecting.
func RefreshOutage(p social.Platform, name string, status int, wait time.Duration, err error) *Error {
	switch {
	case status >= 500:
		return &Error{Platform: p, Kind: Temporary, Status: status, Code: "platform_error",
			Message: name + " is having trouble refreshing the token; SalesAI will try again.", Err: err}
	case status == http.StatusTooManyRequests:
		return &Error{Platform: p, Kind: RateLimited, Status: status, Code: "rate_limited", RetryAfter: wait,
			Message: name + " asked SalesAI to slow down while refreshing the token; it will try again.", Err: err}
	}
	return nil
}

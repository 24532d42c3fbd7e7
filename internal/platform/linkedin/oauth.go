package linkedin

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// AuthCodeURL is LinkedIn's consent page. LinkedIn's web flow has no PKCE
// (platforms.md §4.1), so verifier is ignored.
func (c *Client) AuthCodeURL(state, _ string) string {
	return c.oauthConfig(c.cfg.ClientID, c.cfg.ClientSecret).AuthCodeURL(state)
}

// Exchange trades the callback's code (valid 30 minutes) for tokens, then
// reads the member they act for from OIDC userinfo: the author URN is
// urn:li:person:{sub} (platforms.md §4.3).
func (c *Client) Exchange(ctx context.Context, code, _ string) ([]platform.Profile, error) {
	tok, err := c.oauthConfig(c.cfg.ClientID, c.cfg.ClientSecret).Exchange(c.oauthContext(ctx), code)
	if err != nil {
		return nil, exchangeError(err)
	}
	t := c.token(tok)
	me, err := c.userinfo(ctx, t.AccessToken)
	if err != nil {
		return nil, err
	}
	p := platform.Profile{PlatformAccountID: "urn:li:person:" + me.Sub, Name: me.displayName(), Token: t,
		Meta: map[string]string{"sub": me.Sub}}
	if secs, ok := number(tok.Extra("refresh_token_expires_in")); ok && t.RefreshToken != "" {
		p.Meta["refresh_token_expires_at"] = c.cfg.Now().Add(time.Duration(secs) * time.Second).UTC().Format(time.RFC3339)
	}
	return []platform.Profile{p}, nil
}

type member struct {
	Sub        string `json:"sub"`
	Name       string `json:"name"`
	GivenName  string `json:"given_name"`
	FamilyName string `json:"family_name"`
}

func (m member) displayName() string {
	if n := strings.TrimSpace(m.Name); n != "" {
		return n
	}
	if n := strings.TrimSpace(m.GivenName + " " + m.FamilyName); n != "" {
		return n
	}
	return "LinkedIn member"
}

// userinfo is GET /v2/userinfo (no LinkedIn-Version header, platforms.md §4.3).
func (c *Client) userinfo(ctx context.Context, token string) (member, error) {
	var m member
	if err := c.callJSON(ctx, http.MethodGet, userinfoURL, token, nil, &m, false); err != nil {
		return member{}, err
	}
	if m.Sub == "" {
		return member{}, &platform.Error{Platform: li, Kind: platform.Permanent, Status: http.StatusOK, Code: "exchange_failed",
			Message: "LinkedIn did not say which member signed in. Try connecting again."}
	}
	return m, nil
}

// Refresh trades the account's refresh token for a new access token, with the
// account's own client id and secret when it has both (manual accounts carry
// them, guide §D), else the app's. LinkedIn returns the same refresh token,
// whose 365-day life does not reset (platforms.md §4.1).
func (c *Client) Refresh(ctx context.Context, a platform.Account) (platform.Token, error) {
	creds := a.Credentials
	if creds.RefreshToken == "" {
		return platform.Token{}, refreshRefused("no refresh token saved", 0, nil)
	}
	id, secret := creds.ClientID.Reveal(), creds.ClientSecret.Reveal()
	if id == "" || secret == "" {
		id, secret = c.cfg.ClientID, c.cfg.ClientSecret
	}
	if id == "" || secret == "" {
		return platform.Token{}, refreshRefused("client id and client secret missing", 0, nil)
	}
	src := c.oauthConfig(id, secret).TokenSource(c.oauthContext(ctx), &oauth2.Token{RefreshToken: creds.RefreshToken.Reveal()})
	tok, err := src.Token()
	if err != nil {
		return platform.Token{}, refreshFailure(err)
	}
	return c.token(tok), nil
}

// token converts with our clock: LinkedIn access tokens last expires_in
// seconds (60 days).
func (c *Client) token(tok *oauth2.Token) platform.Token { return platform.OAuthToken(tok, c.cfg.Now) }

// number reads a JSON number x/oauth2 kept in Extra.
func number(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		return int64(n), n > 0
	case string:
		var i int64
		_, err := fmt.Sscan(n, &i)
		return i, err == nil && i > 0
	}
	return 0, false
}

// exchangeError explains a refused code exchange in LinkedIn's words.
func exchangeError(err error) error {
	re, status, ok := platform.TokenRefusal(err)
	if !ok {
		return fmt.Errorf("linkedin token exchange: %w", err)
	}
	if pe := platform.ExchangeOutage(li, "LinkedIn", status, err); pe != nil {
		return pe
	}
	reason := strings.TrimSuffix(re.ErrorDescription, ".")
	if reason == "" {
		reason = re.ErrorCode
	}
	return &platform.Error{Platform: li, Kind: platform.Permanent, Status: status, Code: "exchange_failed",
		Message: fmt.Sprintf("LinkedIn sign-in failed: %s. Try connecting again.", reason), Err: err}
}

// refreshFailure maps a refused refresh to Revoked with the guide's message
// (LinkedIn answers invalid_request or invalid_grant, platforms.md §4.1 and
// §7 item 4); an outage stays Temporary and a network failure a plain error.
func refreshFailure(err error) error {
	re, status, ok := platform.TokenRefusal(err)
	if !ok {
		return fmt.Errorf("linkedin token refresh: %w", err)
	}
	if pe := platform.RefreshOutage(li, "LinkedIn", status, time.Hour, err); pe != nil {
		return pe
	}
	reason := re.ErrorCode
	if reason == "" {
		reason = fmt.Sprintf("HTTP %d", status)
	}
	return refreshRefused(reason, status, err)
}

// refreshRefused is the guide's contract message (section I):
// "LinkedIn token refresh failed: invalid_grant".
func refreshRefused(reason string, status int, err error) error {
	return &platform.Error{Platform: li, Kind: platform.Revoked, Status: status, Code: "linkedin_refresh_failed",
		Message: social.MsgLinkedInRefreshFailed + ": " + reason, Err: err}
}

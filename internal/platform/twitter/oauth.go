package twitter

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// oauthConfig builds the x/oauth2 config. Confidential clients authenticate
// with Basic auth; public clients send client_id in the form (platforms.md §3.1).
func oauthConfig(clientID, clientSecret, redirectURL string) *oauth2.Config {
	style := oauth2.AuthStyleInHeader
	if clientSecret == "" {
		style = oauth2.AuthStyleInParams
	}
	return &oauth2.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		RedirectURL:  redirectURL,
		Scopes:       strings.Fields(Scopes),
		Endpoint:     oauth2.Endpoint{AuthURL: authURL, TokenURL: tokenURL, AuthStyle: style},
	}
}

// AuthCodeURL is X's consent page with an S256 PKCE challenge of verifier.
func (c *Client) AuthCodeURL(state, verifier string) string {
	return c.oauth.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))
}

// Exchange trades the callback's code (valid 30 s) and the PKCE verifier for
// tokens, then reads the user they act for.
func (c *Client) Exchange(ctx context.Context, code, verifier string) ([]platform.Profile, error) {
	tok, err := c.oauth.Exchange(c.oauthContext(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, exchangeError(err)
	}
	t := c.token(tok)
	me, err := c.me(ctx, bearer(t.AccessToken))
	if err != nil {
		return nil, err
	}
	name := me.Name
	if me.Username != "" {
		name = "@" + me.Username
	}
	return []platform.Profile{{
		PlatformAccountID: me.ID,
		Name:              name,
		Token:             t,
		Meta:              map[string]string{"username": me.Username},
	}}, nil
}

// Refresh trades the account's refresh token for a new pair. X refresh tokens
// rotate (single use), so the returned RefreshToken must replace the old one.
func (c *Client) Refresh(ctx context.Context, a platform.Account) (platform.Token, error) {
	rt := a.Credentials.RefreshToken.Reveal()
	if rt == "" {
		return platform.Token{}, refreshError(0, "no refresh token is stored", nil)
	}
	cfg := c.oauth
	if id := a.Credentials.ClientID.Reveal(); id != "" {
		cfg = oauthConfig(id, a.Credentials.ClientSecret.Reveal(), c.cfg.RedirectURL)
	}
	tok, err := cfg.TokenSource(c.oauthContext(ctx), &oauth2.Token{RefreshToken: rt}).Token()
	if err != nil {
		return platform.Token{}, refreshFailure(err)
	}
	return c.token(tok), nil
}

// token converts with our clock: X access tokens last expires_in (7200) seconds.
func (c *Client) token(tok *oauth2.Token) platform.Token { return platform.OAuthToken(tok, c.cfg.Now) }

// exchangeError explains a refused code exchange.
func exchangeError(err error) error {
	re, status, ok := platform.TokenRefusal(err)
	if !ok {
		return fmt.Errorf("x token exchange: %w", err)
	}
	if pe := platform.ExchangeOutage(social.Twitter, "X", status, err); pe != nil {
		return pe
	}
	return &platform.Error{Platform: social.Twitter, Kind: platform.Permanent, Status: status,
		Code: "exchange_failed", Message: fmt.Sprintf("Twitter/X sign-in failed: %s. Try connecting again.", retrieveReason(re)), Err: err}
}

// refreshFailure maps a refused refresh (X answers 400 invalid_request for a
// used or revoked refresh token) to Revoked; an outage stays Temporary and a
// network failure a plain error.
func refreshFailure(err error) error {
	re, status, ok := platform.TokenRefusal(err)
	if !ok {
		return fmt.Errorf("x token refresh: %w", err)
	}
	if pe := platform.RefreshOutage(social.Twitter, "X", status, defaultRateWait, err); pe != nil {
		return pe
	}
	return refreshError(status, retrieveReason(re), err)
}

func refreshError(status int, reason string, err error) error {
	return &platform.Error{Platform: social.Twitter, Kind: platform.Revoked, Status: status,
		Code: "needs_reconnect", Message: fmt.Sprintf("Twitter/X token refresh failed: %s. Reconnect Twitter/X.", reason), Err: err}
}

// retrieveReason is the platform's own words: the description, else the code.
func retrieveReason(re *oauth2.RetrieveError) string {
	switch {
	case re.ErrorDescription != "":
		return strings.TrimSuffix(re.ErrorDescription, ".")
	case re.ErrorCode != "":
		return re.ErrorCode
	case re.Response != nil:
		return http.StatusText(re.Response.StatusCode)
	}
	return "the token endpoint refused the request"
}

package youtube

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform"
)

// No channel: the Google account can sign in but has nothing to upload to.
const (
	codeNoChannel = "no_channel"
	msgNoChannel  = "This Google account has no YouTube channel. Create a channel on YouTube (youtube.com → Create a channel), then click Continue with YouTube again."
)

// AuthCodeURL is Google's consent page. access_type=offline yields a refresh
// token and prompt=consent makes Google send one again on a reconnect (§5.1).
// The verifier is ignored: Google web-server clients authenticate with the secret.
func (c *Client) AuthCodeURL(state, _ string) string {
	return c.oauth.AuthCodeURL(state, oauth2.AccessTypeOffline, oauth2.ApprovalForce)
}

// Exchange trades the code for tokens and returns one profile per channel the
// tokens act for (channels.list mine=true, §5.3).
func (c *Client) Exchange(ctx context.Context, code, _ string) ([]platform.Profile, error) {
	tok, err := c.oauth.Exchange(c.oauthContext(ctx), code)
	if err != nil {
		return nil, tokenError(err, "YouTube sign-in failed", "oauth_exchange_failed", platform.Permanent, "Click Continue with YouTube again.")
	}
	if err := requireUploadScope(tok); err != nil {
		return nil, err
	}
	chans, err := c.myChannels(ctx, tok.AccessToken)
	if err != nil {
		return nil, err
	}
	t := c.token(tok)
	out := make([]platform.Profile, 0, len(chans))
	for _, ch := range chans {
		out = append(out, platform.Profile{PlatformAccountID: ch.ID, Name: ch.Snippet.Title, Token: t,
			Meta: map[string]string{"custom_url": ch.Snippet.CustomURL}})
	}
	return out, nil
}

// Refresh trades the account's refresh token for a new access token. Google
// does not rotate refresh tokens, so the stored one comes back unchanged
// (x/oauth2 keeps it when the answer carries none). The account's own client
// id and secret win over the app's: a refresh token only works with the
// client it was issued to.
func (c *Client) Refresh(ctx context.Context, a platform.Account) (platform.Token, error) {
	rt := a.Credentials.RefreshToken.Reveal()
	if rt == "" {
		return platform.Token{}, &platform.Error{Platform: yt, Kind: platform.Revoked, Code: "token_refresh_failed",
			Message: "YouTube token refresh failed: no refresh token is stored. Reconnect YouTube."}
	}
	conf := *c.oauth
	if id, secret := a.Credentials.ClientID.Reveal(), a.Credentials.ClientSecret.Reveal(); id != "" && secret != "" {
		conf.ClientID, conf.ClientSecret = id, secret
	}
	tok, err := conf.TokenSource(c.oauthContext(ctx), &oauth2.Token{RefreshToken: rt}).Token()
	if err != nil {
		return platform.Token{}, tokenError(err, "YouTube token refresh failed", "token_refresh_failed", platform.Revoked, "Reconnect YouTube.")
	}
	return c.token(tok), nil
}

func (c *Client) oauthContext(ctx context.Context) context.Context {
	return platform.OAuthContext(ctx, c.cfg.HTTPClient)
}

// token converts an oauth2 token, computing the expiry on our own clock.
func (c *Client) token(tok *oauth2.Token) platform.Token { return platform.OAuthToken(tok, c.cfg.Now) }

// requireUploadScope catches a user who unticked the upload permission on
// Google's granular consent screen (§5.1). Google always returns scope; when
// absent we cannot tell, and the upload itself will say.
func requireUploadScope(tok *oauth2.Token) error {
	s, _ := tok.Extra("scope").(string)
	if s == "" || strings.Contains(" "+s+" ", " "+Scopes[0]+" ") {
		return nil
	}
	return &platform.Error{Platform: yt, Kind: platform.Permanent, Code: "permission_missing",
		Message: "Google did not grant SalesAI permission to upload videos to YouTube. Click Continue with YouTube again and tick every permission."}
}

// tokenError maps a token-endpoint failure: invalid_grant (revoked, expired
// or reused grant) gets refusal, a Google 5xx is worth retrying, and network
// trouble stays a plain error (nothing was granted or changed).
func tokenError(err error, prefix, code string, refusal platform.ErrorKind, fix string) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return fmt.Errorf("youtube: %s: %w", strings.ToLower(prefix), err)
	}
	status := re.Response.StatusCode
	if status >= 500 {
		return &platform.Error{Platform: yt, Kind: platform.Temporary, Status: status, Code: "platform_error",
			Message: fmt.Sprintf("%s: Google answered HTTP %d. SalesAI will try again.", prefix, status), Err: err}
	}
	reason := re.ErrorCode
	if reason == "" {
		reason = fmt.Sprintf("HTTP %d", status)
	}
	if re.ErrorDescription != "" {
		reason += " (" + cleanMessage(re.ErrorDescription) + ")"
	}
	kind := platform.Permanent
	if re.ErrorCode == "invalid_grant" {
		kind = refusal
	}
	return &platform.Error{Platform: yt, Kind: kind, Status: status, Code: code,
		Message: fmt.Sprintf("%s: %s. %s", prefix, reason, fix), Err: err}
}

// channel is the part of a channels.list item we use (§5.3).
type channel struct {
	ID      string `json:"id"`
	Snippet struct {
		Title     string `json:"title"`
		CustomURL string `json:"customUrl"`
	} `json:"snippet"`
}

// myChannels lists the token's channels. Whether Google answers a
// channel-less account with empty items or 401 youtubeSignupRequired is
// UNCONFIRMED (§5.3); both become no_channel.
func (c *Client) myChannels(ctx context.Context, accessToken string) ([]channel, error) {
	var out struct {
		Items []channel `json:"items"`
	}
	if err := c.getJSON(ctx, myChannelsURL, accessToken, "read your YouTube channel", &out); err != nil {
		return nil, err
	}
	chans := out.Items[:0]
	for _, ch := range out.Items {
		if ch.ID != "" {
			chans = append(chans, ch)
		}
	}
	if len(chans) == 0 {
		return nil, &platform.Error{Platform: yt, Kind: platform.Permanent, Status: http.StatusOK,
			Code: codeNoChannel, Message: msgNoChannel}
	}
	return chans, nil
}

// getJSON GETs a Data API URL with the bearer token and decodes the answer.
func (c *Client) getJSON(ctx context.Context, url, accessToken, action string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("youtube: build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("youtube: %s: %w", action, err)
	}
	defer closeBody(resp)
	if resp.StatusCode != http.StatusOK {
		return c.apiError(resp, action)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return &platform.Error{Platform: yt, Kind: platform.Temporary, Status: resp.StatusCode, Code: "platform_error",
			Message: "YouTube sent an answer SalesAI could not read while trying to " + action + ". SalesAI will try again.", Err: err}
	}
	return nil
}

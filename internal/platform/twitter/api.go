package twitter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/dghubble/oauth1"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// auth is how one request authenticates: an OAuth 2.0 bearer token on the
// shared client, or an OAuth 1.0a-signing client wrapped around it.
type auth struct {
	client *http.Client // nil: the shared client
	token  string       // bearer token; empty when client signs
}

func bearer(token string) auth { return auth{token: token} }

// oauth1Auth signs with HMAC-SHA1 through dghubble/oauth1 (platforms.md §3.6).
// It sits above the shared transport, so the signature covers the real URL
// and the rewrite happens after signing.
func (c *Client) oauth1Auth(ctx context.Context, creds social.Credentials) auth {
	cfg := oauth1.NewConfig(creds.ConsumerKey.Reveal(), creds.ConsumerSecret.Reveal())
	tok := oauth1.NewToken(oauth1Token(creds), creds.AccessTokenSecret.Reveal())
	return auth{client: cfg.Client(context.WithValue(ctx, oauth1.HTTPClient, c.cfg.HTTPClient), tok)}
}

// oauth1Token is the legacy token: oauth1_access_token when set, else the
// access token of a manually entered legacy account (DESIGN §4).
func oauth1Token(creds social.Credentials) string {
	if t := creds.OAuth1AccessToken.Reveal(); t != "" {
		return t
	}
	return creds.AccessToken.Reveal()
}

// apiAuth is how the account calls the v2 API. A manually entered legacy
// account, whose access token is itself the OAuth1 token (legacy credentials,
// no separate oauth1_access_token, no OAuth 2.0 refresh token), signs with
// OAuth1: X's v2 endpoints accept OAuth 1.0a user context (platforms.md §3.2).
// Everyone else sends the OAuth 2.0 bearer token.
func (c *Client) apiAuth(ctx context.Context, a platform.Account) (auth, error) {
	creds := a.Credentials
	if creds.AccessToken == "" {
		return auth{}, platform.AccessTokenMissing(social.Twitter)
	}
	if legacyOnly(creds) {
		return c.oauth1Auth(ctx, creds), nil
	}
	return bearer(creds.AccessToken.Reveal()), nil
}

// legacyOnly reports whether the access token is an OAuth 1.0a token: the
// account has legacy credentials, no separate OAuth1 token and no OAuth 2.0
// refresh token (an OAuth-connected account always has one: offline.access).
func legacyOnly(creds social.Credentials) bool {
	return creds.HasLegacyOAuth1() && creds.OAuth1AccessToken == "" && creds.RefreshToken == ""
}

// do sends req with auth and returns the response when its status is one of
// ok; otherwise the mapped *platform.Error.
func (c *Client) do(req *http.Request, au auth, ok ...int) (*http.Response, error) {
	client := au.client
	if client == nil {
		client = c.cfg.HTTPClient
	}
	if au.token != "" {
		req.Header.Set("Authorization", "Bearer "+au.token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, networkError(req, err)
	}
	for _, s := range ok {
		if resp.StatusCode == s {
			return resp, nil
		}
	}
	defer resp.Body.Close()
	return nil, c.responseError(resp)
}

// callJSON sends an optional JSON body and decodes the JSON answer into out.
func (c *Client) callJSON(ctx context.Context, method, url string, au auth, in, out any, ok ...int) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", method, url, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return fmt.Errorf("build %s %s: %w", method, url, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.do(req, au, ok...)
	if err != nil {
		return err
	}
	return decode(resp, out)
}

// decode reads a bounded JSON answer of a successful call into out. An
// unreadable success is a plain error, not a *platform.Error: X may have acted
// on the call (a post may exist), so the worker must reconcile, not retry.
func decode(resp *http.Response, out any) error { return platform.DecodeAnswer(resp, out, "x") }

type user struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
}

// me is GET /2/users/me (platforms.md §3.3).
func (c *Client) me(ctx context.Context, au auth) (user, error) {
	var out struct {
		Data user `json:"data"`
	}
	if err := c.callJSON(ctx, http.MethodGet, apiBase+"/users/me", au, nil, &out, http.StatusOK); err != nil {
		return user{}, err
	}
	if out.Data.ID == "" {
		return user{}, &platform.Error{Platform: social.Twitter, Kind: platform.Permanent, Status: http.StatusOK,
			Code: "platform_error", Message: "X did not say which account the token belongs to. Try connecting again."}
	}
	return out.Data, nil
}

// networkError wraps a failed round trip. It stays a plain error (never a
// *platform.Error): the request may have reached X, so the worker treats the
// outcome as unknown and reconciles with FindPublished.
func networkError(req *http.Request, err error) error {
	return fmt.Errorf("x %s %s: %w", req.Method, req.URL.Path, err)
}

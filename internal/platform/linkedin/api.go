package linkedin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/salesai/social/internal/platform"
)

// restliVersion is required on the UGC Post API (platforms.md §4.4).
const restliVersion = "2.0.0"

// do sends req with the bearer token and returns the response when its status
// is one of ok; otherwise the mapped *platform.Error. A failed round trip
// stays a plain error: the request may have reached LinkedIn, so the worker
// reconciles with FindPublished instead of retrying blindly.
func (c *Client) do(req *http.Request, token string, ok ...int) (*http.Response, error) {
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("linkedin %s %s: %w", req.Method, req.URL.Path, err)
	}
	for _, s := range ok {
		if resp.StatusCode == s {
			return resp, nil
		}
	}
	defer resp.Body.Close()
	return nil, c.responseError(resp)
}

// request builds a JSON API request; restli adds the Rest.li 2.0 header.
func request(ctx context.Context, method, url string, in any, restli bool) (*http.Request, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encode %s %s: %w", method, url, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", method, url, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if restli {
		req.Header.Set("X-Restli-Protocol-Version", restliVersion)
	}
	return req, nil
}

// callJSON sends in (if any) and decodes a 200/201 answer into out.
func (c *Client) callJSON(ctx context.Context, method, url, token string, in, out any, restli bool) error {
	req, err := request(ctx, method, url, in, restli)
	if err != nil {
		return err
	}
	resp, err := c.do(req, token, http.StatusOK, http.StatusCreated)
	if err != nil {
		return err
	}
	return decode(resp, out)
}

// decode reads a bounded JSON answer of a successful call. An unreadable
// success stays a plain error: LinkedIn may have acted on the call.
func decode(resp *http.Response, out any) error { return platform.DecodeAnswer(resp, out, "linkedin") }

// accessToken is the account's token, or the guide's "Access token missing".
func accessToken(a platform.Account) (string, error) {
	if a.Credentials.AccessToken == "" {
		return "", platform.AccessTokenMissing(li)
	}
	return a.Credentials.AccessToken.Reveal(), nil
}

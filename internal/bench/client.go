package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// Client is a signed-in API client: cookie jar and CSRF token, no redirects.
type Client struct {
	Base  string
	HTTP  *http.Client
	CSRF  string
	Email string
}

// Account is what the bench needs of a connected account.
type Account struct {
	ID       int64  `json:"id"`
	Platform string `json:"platform"`
}

var userSeq atomic.Int64

// Signup creates a fresh user and returns their signed-in client.
func (e *Env) Signup(ctx context.Context) (*Client, error) {
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
	c := &Client{Base: e.URL, HTTP: &http.Client{Jar: jar, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	email := fmt.Sprintf("bench%d-%d@example.com", time.Now().UnixNano(), userSeq.Add(1))
	c.Email = email
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if err := c.JSON(ctx, "POST", "/api/auth/signup", map[string]string{"email": email, "password": "correct horse battery"}, http.StatusCreated, &out); err != nil {
		return nil, err
	}
	c.CSRF = out.CSRF
	return c, nil
}

// Do sends a JSON request and returns the status and body.
func (c *Client) Do(ctx context.Context, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.CSRF != "" {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// JSON sends a request, requires the status and decodes the answer into out.
func (c *Client) JSON(ctx context.Context, method, path string, body any, status int, out any) error {
	got, b, err := c.Do(ctx, method, path, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if got != status {
		return fmt.Errorf("%s %s: status %d, want %d: %s", method, path, got, status, b)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decode: %w", method, path, err)
	}
	return nil
}

// Connect runs a platform's OAuth flow as a browser does: our start endpoint,
// the simulator's consent page auto-approved, then our callback.
func (c *Client) Connect(ctx context.Context, platform string) ([]Account, error) {
	loc, err := c.redirect(ctx, c.Base+"/api/social/oauth/"+platform+"/start")
	if err != nil {
		return nil, err
	}
	consent, err := url.Parse(loc)
	if err != nil {
		return nil, err
	}
	q := consent.Query()
	q.Set("auto", "1")
	consent.RawQuery = q.Encode()
	callback, err := c.redirect(ctx, consent.String())
	if err != nil {
		return nil, err
	}
	var out struct {
		Accounts []Account `json:"accounts"`
	}
	if err := c.JSON(ctx, "GET", strings.TrimPrefix(callback, c.Base), nil, http.StatusOK, &out); err != nil {
		return nil, fmt.Errorf("connect %s: %w", platform, err)
	}
	if len(out.Accounts) == 0 {
		return nil, fmt.Errorf("connect %s: no account", platform)
	}
	return out.Accounts, nil
}

// redirect GETs u and returns where its 302 points.
func (c *Client) redirect(ctx context.Context, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return "", err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return "", err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("GET %s: status %d, want a redirect: %s", u, resp.StatusCode, b)
	}
	return resp.Header.Get("Location"), nil
}

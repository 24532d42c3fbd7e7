package apptest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// ConnectedAccount is the part of an account the tests look at.
type ConnectedAccount struct {
	ID                int64  `json:"id"`
	Platform          string `json:"platform"`
	AccountName       string `json:"account_name"`
	PlatformAccountID string `json:"platform_account_id"`
	Status            string `json:"status"`
}

// Connect runs a platform's OAuth connect flow the way a browser does: our
// start endpoint, the simulator's consent page approved as simUser ("" for
// the default fixture user), and our callback. It returns the callback's
// answer (status and body).
func (c *Client) Connect(platform, simUser string) (int, []byte) {
	c.TB.Helper()
	resp, body := c.Do("GET", "/api/social/oauth/"+platform+"/start", nil)
	if resp.StatusCode != http.StatusFound {
		return resp.StatusCode, body
	}
	consent, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		c.TB.Fatal(err)
	}
	q := consent.Query()
	q.Set("auto", "1")
	if simUser != "" {
		q.Set("sim_user", simUser)
	}
	consent.RawQuery = q.Encode()
	r, err := c.HTTP.Get(consent.String())
	if err != nil {
		c.TB.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	callback := r.Header.Get("Location")
	if r.StatusCode != http.StatusFound || !strings.HasPrefix(callback, c.Base) {
		c.TB.Fatalf("consent page answered %d, redirect %q", r.StatusCode, callback)
	}
	resp, body = c.Do("GET", strings.TrimPrefix(callback, c.Base), nil)
	return resp.StatusCode, body
}

// MustConnect connects and returns the accounts the flow stored.
func (c *Client) MustConnect(platform, simUser string) []ConnectedAccount {
	c.TB.Helper()
	status, body := c.Connect(platform, simUser)
	if status != http.StatusOK {
		c.TB.Fatalf("connect %s: %d %s", platform, status, body)
	}
	var out struct {
		Accounts []ConnectedAccount `json:"accounts"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		c.TB.Fatal(err)
	}
	return out.Accounts
}

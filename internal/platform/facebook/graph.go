package facebook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/salesai/social/internal/social"
)

// maxBody bounds what we read of a Graph answer; Graph answers are small JSON.
const maxBody = 4 << 20

// Graph sends Graph API calls (graph.facebook.com or graph.instagram.com) and
// turns Graph error envelopes into *platform.Error. The Instagram client uses
// it too, with Platform set to Instagram.
type Graph struct {
	HTTP     *http.Client
	Platform social.Platform
	// AppSecret, when set, adds appsecret_proof next to every access_token
	// (platforms.md §1.11). Leave it empty for graph.instagram.com.
	AppSecret string
}

// AppSecretProof is hex(HMAC-SHA256(key=app secret, msg=access token)), §1.11.
func AppSecretProof(appSecret, token string) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// Get calls GET rawURL with q (and the token, when set) and decodes into out.
func (g Graph) Get(ctx context.Context, rawURL, token string, q url.Values, out any) error {
	return g.call(ctx, http.MethodGet, rawURL, token, q, out)
}

// Post calls POST rawURL with a form body.
func (g Graph) Post(ctx context.Context, rawURL, token string, form url.Values, out any) error {
	return g.call(ctx, http.MethodPost, rawURL, token, form, out)
}

// Delete calls DELETE rawURL.
func (g Graph) Delete(ctx context.Context, rawURL, token string, out any) error {
	return g.call(ctx, http.MethodDelete, rawURL, token, nil, out)
}

func (g Graph) call(ctx context.Context, method, rawURL, token string, params url.Values, out any) error {
	req, err := g.newRequest(ctx, method, rawURL, token, params)
	if err != nil {
		return err
	}
	resp, err := g.HTTP.Do(req)
	if err != nil {
		return g.networkError(req, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return g.networkError(req, err)
	}
	if perr := ParseError(g.Platform, resp.StatusCode, resp.Header, body); perr != nil {
		return perr
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		// The call succeeded but its answer is unreadable: for a POST the
		// outcome is unknown, so this stays a plain error (see networkError).
		return fmt.Errorf("%s %s %s: decode answer: %w", g.Platform, method, where(req), err)
	}
	return nil
}

// newRequest puts params (with access_token and appsecret_proof) in the query
// for GET/DELETE and in a form body for POST.
func (g Graph) newRequest(ctx context.Context, method, rawURL, token string, params url.Values) (*http.Request, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("graph url: %w", err)
	}
	v := u.Query()
	for k, vals := range params {
		v[k] = vals
	}
	if token != "" {
		v.Set("access_token", token)
		if g.AppSecret != "" {
			v.Set("appsecret_proof", AppSecretProof(g.AppSecret, token))
		}
	}
	var body io.Reader
	if method == http.MethodPost {
		u.RawQuery = ""
		body = strings.NewReader(v.Encode())
	} else {
		u.RawQuery = v.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("graph request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req, nil
}

// networkError keeps a transport failure a plain error: the request may have
// reached the platform, so the worker must treat the outcome as unknown and
// reconcile with FindPublished rather than retry blindly. It drops *url.Error,
// whose text holds the URL and so, for GETs, the access token.
func (g Graph) networkError(req *http.Request, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return fmt.Errorf("%s %s %s: %w", g.Platform, req.Method, where(req), err)
}

// where names a request without its query (which may hold a token).
func where(req *http.Request) string {
	return req.URL.Host + req.URL.Path
}

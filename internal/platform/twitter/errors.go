package twitter

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// Messages users read for X failures (platforms.md §3.7).
const (
	msgDuplicate = "X refused this post because it duplicates a recent one. Change the text a little and retry."
	usageCapped  = "https://api.x.com/2/problems/usage-capped"
	// defaultRateWait is used when a 429 carries neither x-rate-limit-reset nor
	// Retry-After: X's usual rate window is 15 minutes (platforms.md §3.7).
	defaultRateWait = 15 * time.Minute
)

// problem is every error shape X sends: v2 problem+json (title/detail/type),
// the errors[] array (v2 partial errors, v1.1 code/message), and v1.1's
// {"error": "..."}.
type problem struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
	Errors []struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
		Title   string `json:"title"`
	} `json:"errors"`
	Error string `json:"error"`
}

// reason is the platform's own sentence, never raw JSON.
func (p problem) reason(status int) string {
	candidates := []string{p.Detail, p.Title}
	for _, e := range p.Errors {
		candidates = append(candidates, e.Detail, e.Message, e.Title)
	}
	candidates = append(candidates, p.Error, http.StatusText(status))
	for _, s := range candidates {
		if s = strings.TrimSpace(s); s != "" {
			return strings.TrimSuffix(s, ".")
		}
	}
	return fmt.Sprintf("HTTP %d", status)
}

func (p problem) mentions(word string) bool {
	all := p.Title + " " + p.Detail + " " + p.Error
	for _, e := range p.Errors {
		all += " " + e.Message + " " + e.Detail
	}
	return strings.Contains(strings.ToLower(all), word)
}

func readProblem(resp *http.Response) problem {
	var p problem
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = json.Unmarshal(b, &p) // a non-JSON body leaves p empty: the status text speaks
	return p
}

// responseError maps a refused X call to what the worker should do (§3.7).
func (c *Client) responseError(resp *http.Response) error {
	p := readProblem(resp)
	status := resp.StatusCode
	reason := p.reason(status)
	e := &platform.Error{Platform: social.Twitter, Status: status, Err: &apiError{Path: resp.Request.URL.Path, Status: status, Reason: reason}}
	switch {
	case status == http.StatusUnauthorized:
		e.Kind, e.Code = platform.TokenExpired, "token_expired"
		e.Message = fmt.Sprintf("X says the access token is no longer valid (%s). Reconnect Twitter/X if this keeps happening.", reason)
	case status == http.StatusTooManyRequests && p.Type == usageCapped:
		e.Kind, e.Code = platform.Permanent, "usage_capped"
		e.Message = fmt.Sprintf("X refused the post: %s. The X app's usage cap is used up until X resets it; retrying will not help.", reason)
	case status == http.StatusTooManyRequests:
		e.Kind, e.Code = platform.RateLimited, "rate_limited"
		e.RetryAfter = c.retryAfter(resp.Header)
		e.Message = fmt.Sprintf("X asked SalesAI to slow down (%s); it will try again after %s.", reason, e.RetryAfter.Round(time.Second))
	case status == http.StatusForbidden && p.mentions("duplicate"):
		e.Kind, e.Code, e.Message = platform.Permanent, "duplicate_content", msgDuplicate
	case status == http.StatusForbidden:
		e.Kind, e.Code = platform.Permanent, "permission_missing"
		e.Message = fmt.Sprintf("X refused the request: %s. Reconnect Twitter/X and approve every permission SalesAI asks for.", reason)
	case status >= 500:
		e.Kind, e.Code = platform.Temporary, "platform_error"
		e.Message = fmt.Sprintf("X is having trouble (%s); SalesAI will try again.", reason)
	default:
		e.Kind, e.Code = platform.Permanent, "platform_error"
		e.Message = fmt.Sprintf("X refused the request: %s.", reason)
	}
	return e
}

// apiError is the cause kept in a *platform.Error: X's own reason, so callers
// can build another message around it.
type apiError struct {
	Path   string
	Status int
	Reason string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("x %s: HTTP %d: %s", e.Path, e.Status, e.Reason)
}

// reasonOf is X's own reason behind pe, else pe's message.
func reasonOf(pe *platform.Error) string {
	var ae *apiError
	if errors.As(pe.Err, &ae) {
		return ae.Reason
	}
	return strings.TrimSuffix(pe.Message, ".")
}

// retryAfter reads x-rate-limit-reset (Unix epoch seconds of the window's
// reset) relative to our clock, else Retry-After (seconds or HTTP date).
func (c *Client) retryAfter(h http.Header) time.Duration {
	now := c.cfg.Now()
	if v, err := strconv.ParseInt(strings.TrimSpace(h.Get("x-rate-limit-reset")), 10, 64); err == nil {
		return atLeastSecond(time.Unix(v, 0).Sub(now))
	}
	ra := strings.TrimSpace(h.Get("Retry-After"))
	if secs, err := strconv.Atoi(ra); err == nil {
		return atLeastSecond(time.Duration(secs) * time.Second)
	}
	if t, err := http.ParseTime(ra); err == nil {
		return atLeastSecond(t.Sub(now))
	}
	return defaultRateWait
}

// atLeastSecond keeps a reset in the past (clock skew) from meaning "now".
func atLeastSecond(d time.Duration) time.Duration {
	return max(d, time.Second)
}

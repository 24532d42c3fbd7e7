package linkedin

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
)

// apiBody is LinkedIn's error body: {"message","serviceErrorCode","status"},
// with "code" on newer endpoints (platforms.md §4.6).
type apiBody struct {
	Message          string `json:"message"`
	ServiceErrorCode int    `json:"serviceErrorCode"`
	Code             string `json:"code"`
}

// apiError is the cause kept in a *platform.Error: LinkedIn's own message, so
// callers can build another sentence around it.
type apiError struct {
	Path    string
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("linkedin %s: HTTP %d %s: %s", e.Path, e.Status, e.Code, e.Message)
}

// reasonOf is LinkedIn's own message behind pe, else pe's.
func reasonOf(pe *platform.Error) string {
	var ae *apiError
	if errors.As(pe.Err, &ae) {
		return ae.Message
	}
	return strings.TrimSuffix(pe.Message, ".")
}

func readAPIError(resp *http.Response) *apiError {
	var b apiBody
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = json.Unmarshal(raw, &b) // a non-JSON body leaves b empty: the status text speaks
	msg := strings.TrimSuffix(strings.Join(strings.Fields(b.Message), " "), ".")
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	return &apiError{Path: resp.Request.URL.Path, Status: resp.StatusCode, Code: b.Code, Message: msg}
}

// responseError maps a refused LinkedIn call to what the worker should do
// (platforms.md §4.6).
func (c *Client) responseError(resp *http.Response) error {
	ae := readAPIError(resp)
	e := &platform.Error{Platform: li, Status: ae.Status, Err: ae}
	switch status, msg := ae.Status, ae.Message; {
	case status == http.StatusUnauthorized:
		e.Kind, e.Code = platform.TokenExpired, "token_expired"
		e.Message = fmt.Sprintf("LinkedIn says the access token is no longer valid (%s). Reconnect LinkedIn if this keeps happening.", msg)
	case status == http.StatusForbidden:
		e.Kind, e.Code = platform.Permanent, "permission_missing"
		e.Message = fmt.Sprintf("LinkedIn refused the request: %s. Reconnect LinkedIn and approve posting (w_member_social), "+
			"and check that the author URN is this member or a Page they administer.", msg)
	case status == http.StatusUnprocessableEntity && strings.Contains(strings.ToLower(msg), "duplicate"):
		e.Kind, e.Code = platform.Permanent, "duplicate_content"
		e.Message = fmt.Sprintf("LinkedIn refused this post because it duplicates a recent one (%s). Change the text a little and retry.", msg)
	case status == http.StatusTooManyRequests:
		e.Kind, e.Code, e.RetryAfter = platform.RateLimited, "rate_limited", c.retryAfter(resp.Header)
		e.Message = fmt.Sprintf("LinkedIn asked SalesAI to slow down (%s); it will try again after %s.", msg, e.RetryAfter.Round(time.Second))
	case status >= 500:
		e.Kind, e.Code = platform.Temporary, "platform_error"
		e.Message = fmt.Sprintf("LinkedIn is having trouble (%s); SalesAI will try again.", msg)
	default:
		e.Kind, e.Code = platform.Permanent, "platform_error"
		e.Message = fmt.Sprintf("LinkedIn refused the request: %s.", msg)
	}
	return e
}

// retryAfter honours a Retry-After LinkedIn may send; it documents none
// (platforms.md §4.6). Its limits are daily and reset at midnight UTC, and a
// 429 may also be a short throttle, so the wait is an hour, or less when
// midnight UTC comes sooner.
func (c *Client) retryAfter(h http.Header) time.Duration {
	if secs, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	now := c.cfg.Now().UTC()
	midnight := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
	return max(min(time.Hour, midnight.Sub(now)), time.Minute)
}

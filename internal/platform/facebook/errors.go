package facebook

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// DefaultRetryAfter is how long to wait after Graph throttling when no header
// says otherwise. Graph's app and page limits are per rolling hour, and it
// sends no Retry-After (platforms.md §1.12), so a few minutes is a fair first wait.
const DefaultRetryAfter = 5 * time.Minute

// GraphError is the Graph error envelope's inner object (platforms.md §1.12, §2.7).
type GraphError struct {
	Message        string `json:"message"`
	Type           string `json:"type"`
	Code           int    `json:"code"`
	Subcode        int    `json:"error_subcode"`
	UserTitle      string `json:"error_user_title"`
	UserMessage    string `json:"error_user_msg"`
	IsTransient    bool   `json:"is_transient"`
	FBTraceID      string `json:"fbtrace_id"`
	instagramStyle bool
}

// PublishLimitRetryAfter is the wait after Instagram's 24 h publishing limit
// (§2.5): the window moves, so an hour later some quota is usually back.
const PublishLimitRetryAfter = time.Hour

// publishLimitSubcode is Instagram's "maximum number of posts reached"
// (code 9, observed; platforms.md §2.5).
const publishLimitSubcode = 2207042

// authSubcodes are the OAuthException subcodes that mean the token no longer
// works (php-graph-sdk FacebookResponseException, platforms.md §1.12).
var authSubcodes = map[int]bool{458: true, 459: true, 460: true, 463: true, 464: true, 467: true}

// throttleCodes are Graph's rate-limit codes (§1.12: 4, 17, 32, 341, 613).
var throttleCodes = map[int]bool{4: true, 17: true, 32: true, 341: true, 613: true}

// ParseError returns the platform error an answer carries, or nil for a
// successful one. It never puts raw JSON in the message.
func ParseError(p social.Platform, status int, h http.Header, body []byte) *platform.Error {
	ge, ok := decodeError(body)
	if !ok && status < 400 {
		return nil
	}
	if !ok {
		return statusError(p, status, h)
	}
	e := classify(p, ge, h)
	e.Status = status
	if e.Kind == platform.Permanent && status >= 500 && ge.Code == 0 {
		e.Kind = platform.Temporary
	}
	return e
}

// decodeError finds an error in a body: the Graph envelope {"error":{…}}, or
// Instagram's token-endpoint flat form {"error_type","code","error_message"}.
func decodeError(body []byte) (GraphError, bool) {
	var env struct {
		Error        json.RawMessage `json:"error"`
		ErrorType    string          `json:"error_type"`
		ErrorMessage string          `json:"error_message"`
		Code         int             `json:"code"`
	}
	if json.Unmarshal(body, &env) != nil {
		return GraphError{}, false
	}
	var ge GraphError
	if len(env.Error) > 0 && json.Unmarshal(env.Error, &ge) == nil && (ge.Message != "" || ge.Code != 0) {
		return ge, true
	}
	if env.ErrorMessage != "" {
		return GraphError{Message: env.ErrorMessage, Type: env.ErrorType, Code: env.Code, instagramStyle: true}, true
	}
	var oauthErr struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if len(env.Error) > 0 && json.Unmarshal(env.Error, &oauthErr.Error) == nil && oauthErr.Error != "" {
		_ = json.Unmarshal(body, &oauthErr)
		msg := oauthErr.Error
		if oauthErr.Description != "" {
			msg = oauthErr.Description
		}
		return GraphError{Message: msg, Type: oauthErr.Error}, true
	}
	return GraphError{}, false
}

// Reason is the platform's own words for an error.
func (g GraphError) Reason() string {
	if g.Message != "" {
		return g.Message
	}
	return g.UserMessage
}

func classify(p social.Platform, ge GraphError, h http.Header) *platform.Error {
	title, reason := p.Title(), ge.Reason()
	e := &platform.Error{Platform: p, Kind: platform.Permanent, Err: &ge}
	switch {
	case ge.Code == 190 || ge.Code == 102 || authSubcodes[ge.Subcode] ||
		(ge.Type == "OAuthException" && ge.Code == 0 && !ge.instagramStyle):
		e.Kind, e.Code = platform.TokenExpired, "token_expired"
		e.Message = title + " says the access token has expired or was revoked (" + reason + "). Reconnect " + title + "."
	case ge.Code == 9 && ge.Subcode == publishLimitSubcode:
		e.Kind, e.Code, e.RetryAfter = platform.RateLimited, "rate_limited", PublishLimitRetryAfter
		e.Message = title + " allows only a limited number of API-published posts per 24 hours, and this account reached it (" +
			reason + "). SalesAI will try again later."
	case throttleCodes[ge.Code]:
		e.Kind, e.Code, e.RetryAfter = platform.RateLimited, "rate_limited", retryAfter(h)
		e.Message = title + " asked SalesAI to slow down (" + reason + "). SalesAI will retry later."
	case ge.Code == 1 || ge.Code == 2 || ge.IsTransient:
		e.Kind, e.Code = platform.Temporary, "platform_error"
		e.Message = title + " had a temporary problem (" + reason + "). SalesAI will retry."
	case ge.Code == 10 || (ge.Code >= 200 && ge.Code <= 299):
		e.Code = "permission_missing"
		e.Message = title + " refused for a missing permission (" + reason + "). Reconnect " + title + " and approve every permission SalesAI asks for."
	case ge.Code == 506:
		e.Code = "duplicate_content"
		e.Message = title + " refused a duplicate of a recent post (" + reason + "). Change the text a little and retry."
	case ge.Code == 100 && isScheduleTime(reason):
		// §1.7: the scheduled_publish_time window (exact message UNCONFIRMED).
		e.Code = "scheduled_post_failed"
		e.Message = title + " refused the scheduled time (" + reason + "). Pick a time at least 10 minutes and at most 75 days ahead."
	case ge.Code == 324 || ge.Code == 36000 || ge.Subcode == 2207004 || ge.Subcode == 2207009 || ge.Subcode == 2207052:
		e.Code = "media_rejected"
		e.Message = title + " could not use the image (" + reason + "). Check that the image URL is public and is an image the platform accepts."
	default:
		e.Code = "platform_error"
		e.Message = title + " refused the request: " + reason
	}
	return e
}

// Error makes GraphError an error so it can be the cause of a platform.Error.
func (g *GraphError) Error() string {
	return "graph error " + strconv.Itoa(g.Code) + "/" + strconv.Itoa(g.Subcode) + ": " + g.Reason()
}

// statusError covers answers with no readable error body (HTML 502 pages, 429).
func statusError(p social.Platform, status int, h http.Header) *platform.Error {
	e := &platform.Error{Platform: p, Status: status}
	text := strings.ToLower(http.StatusText(status))
	switch {
	case status == http.StatusTooManyRequests:
		e.Kind, e.Code, e.RetryAfter = platform.RateLimited, "rate_limited", retryAfter(h)
		e.Message = p.Title() + " asked SalesAI to slow down. SalesAI will retry later."
	case status >= 500:
		e.Kind, e.Code = platform.Temporary, "platform_error"
		e.Message = p.Title() + " had a temporary problem (HTTP " + strconv.Itoa(status) + " " + text + "). SalesAI will retry."
	case status == http.StatusUnauthorized:
		e.Kind, e.Code = platform.TokenExpired, "token_expired"
		e.Message = p.Title() + " says the access token has expired or was revoked (HTTP 401). Reconnect " + p.Title() + "."
	default:
		e.Kind, e.Code = platform.Permanent, "platform_error"
		e.Message = p.Title() + " refused the request (HTTP " + strconv.Itoa(status) + " " + text + ")."
	}
	return e
}

// retryAfter reads Retry-After (seconds or HTTP date), else DefaultRetryAfter.
func retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return DefaultRetryAfter
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return DefaultRetryAfter
}

// isScheduleTime recognises Graph's refusal of scheduled_publish_time.
func isScheduleTime(reason string) bool {
	r := strings.ToLower(reason)
	return strings.Contains(r, "scheduled publish time") || strings.Contains(r, "scheduled_publish_time")
}

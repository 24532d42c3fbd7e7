package youtube

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/salesai/social/internal/platform"
)

// googleError is the Data API error envelope (§5.7).
type googleError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Errors  []struct {
			Reason  string `json:"reason"`
			Domain  string `json:"domain"`
			Message string `json:"message"`
		} `json:"errors"`
	} `json:"error"`
}

// reasonWords says the reasons of §5.7 in plain words; YouTube's own message
// follows them in the sentence a user reads.
var reasonWords = map[string]string{
	"quotaExceeded":           "SalesAI's daily YouTube API quota is used up; it resets at midnight Pacific Time",
	"uploadLimitExceeded":     "this channel reached YouTube's daily upload limit; YouTube says to try again in 24 hours",
	"authError":               "the YouTube sign-in is no longer valid",
	"expired":                 "the YouTube sign-in expired",
	"insufficientPermissions": "SalesAI was not given permission to upload videos",
	"forbidden":               "YouTube does not allow this account to upload",
	"forbiddenPrivacySetting": "YouTube does not allow this privacy setting",
	"rateLimitExceeded":       "YouTube asked SalesAI to slow down",
	"userRateLimitExceeded":   "YouTube asked SalesAI to slow down",
	"invalidTitle":            "YouTube refused the video title",
	"invalidDescription":      "YouTube refused the video description",
	"invalidVideoMetadata":    "YouTube refused the video details",
	"mediaBodyRequired":       "the video file is empty",
	"internalError":           "YouTube had an internal error",
	"backendError":            "YouTube's servers had a problem",
}

// apiError turns a failed Data API answer into a *platform.Error. It branches on
// the reason in the body, not the status alone: Google reuses 400/401/403.
func (c *Client) apiError(resp *http.Response, action string) *platform.Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var ge googleError
	reason, detail := "", ""
	if err := json.Unmarshal(body, &ge); err != nil {
		detail = cutRunes(cleanMessage(string(body)), 300) // the upload frontend answers some 400s in plain text
	} else {
		detail = cleanMessage(ge.Error.Message)
	}
	if len(ge.Error.Errors) > 0 {
		reason = ge.Error.Errors[0].Reason
		if detail == "" {
			detail = cleanMessage(ge.Error.Errors[0].Message)
		}
	}
	e := &platform.Error{Platform: yt, Status: resp.StatusCode, Err: fmt.Errorf("youtube %s: HTTP %d %s", action, resp.StatusCode, reason)}
	c.classify(e, resp, reason)
	e.Message = message(action, resp.StatusCode, reason, detail, e)
	return e
}

// classify sets Kind, Code and RetryAfter from status and reason (§5.7).
func (c *Client) classify(e *platform.Error, resp *http.Response, reason string) {
	status := resp.StatusCode
	switch {
	case reason == "youtubeSignupRequired":
		e.Kind, e.Code = platform.Permanent, codeNoChannel
	case status == http.StatusUnauthorized:
		e.Kind, e.Code = platform.TokenExpired, "token_expired"
	case reason == "quotaExceeded":
		e.Kind, e.Code, e.RetryAfter = platform.RateLimited, "rate_limited", c.untilQuotaReset()
	case reason == "uploadLimitExceeded":
		e.Kind, e.Code, e.RetryAfter = platform.RateLimited, "rate_limited", 24*time.Hour
	case status == http.StatusTooManyRequests || reason == "rateLimitExceeded" || reason == "userRateLimitExceeded":
		e.Kind, e.Code, e.RetryAfter = platform.RateLimited, "rate_limited", retryAfter(resp, time.Minute, c.cfg.Now())
	case reason == "insufficientPermissions" || reason == "forbidden":
		e.Kind, e.Code = platform.Permanent, "permission_missing"
	case reason == "mediaBodyRequired" || reason == "invalidFilename":
		e.Kind, e.Code = platform.Permanent, "media_rejected"
	case status >= 500:
		e.Kind, e.Code = platform.Temporary, "platform_error"
	default: // invalidTitle, invalidDescription and the other 4xx
		e.Kind, e.Code = platform.Permanent, "platform_error"
	}
}

// message builds the sentence a user reads: what failed, why in words, the
// reason code (useful to support) and what happens next.
func message(action string, status int, reason, detail string, e *platform.Error) string {
	if reason == "youtubeSignupRequired" {
		return msgNoChannel
	}
	why := reasonWords[reason]
	switch {
	case why == "" && detail != "":
		why = detail
	case why == "":
		why = fmt.Sprintf("YouTube answered HTTP %d", status)
	}
	if reason != "" {
		why += " (" + reason + ")"
	}
	s := "YouTube could not " + action + ": " + why + "."
	if detail != "" && !strings.Contains(why, detail) {
		s += " YouTube says: " + strings.TrimSuffix(detail, ".") + "."
	}
	return s + " " + nextStep(e)
}

func nextStep(e *platform.Error) string {
	switch e.Kind {
	case platform.Temporary:
		return "SalesAI will try again."
	case platform.RateLimited:
		return "SalesAI will try again later."
	case platform.TokenExpired:
		return "SalesAI will refresh the sign-in; if this keeps happening, reconnect YouTube."
	}
	switch e.Code {
	case "permission_missing":
		return "Reconnect YouTube and approve every permission SalesAI asks for."
	case "media_rejected":
		return "Check the video URL points at a video file."
	}
	return "Edit the post and try again."
}

var tags = regexp.MustCompile(`<[^>]*>`)

// cleanMessage strips the HTML Google puts in messages (the quota one links
// to the docs) so users never see markup.
func cleanMessage(s string) string {
	return strings.Join(strings.Fields(tags.ReplaceAllString(s, "")), " ")
}

// untilQuotaReset is the wait until YouTube's quota resets: midnight Pacific
// Time (§5.6).
func (c *Client) untilQuotaReset() time.Duration {
	now := c.cfg.Now().In(c.pacific)
	y, m, d := now.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, c.pacific).Sub(now)
}

// retryAfter reads a Retry-After header in seconds or HTTP-date form.
func retryAfter(resp *http.Response, fallback time.Duration, now time.Time) time.Duration {
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return fallback
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return fallback
}

func closeBody(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

package platform

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/salesai/social/internal/social"
)

// maxAnswer bounds a successful JSON answer read by DecodeAnswer.
const maxAnswer = 4 << 20

// DecodeAnswer reads a successful call's JSON answer (bounded) into out and
// closes the body. An unreadable success stays a plain error, never a *Error:
// the platform may have acted on the call (a post may exist), so the worker
// reconciles instead of retrying. who prefixes the error ("x", "linkedin").
func DecodeAnswer(resp *http.Response, out any, who string) error {
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(out); err != nil {
		return fmt.Errorf("%s %s: read HTTP %d answer: %w", who, resp.Request.URL.Path, resp.StatusCode, err)
	}
	return nil
}

// AccessTokenMissing is the guide's "Access token missing" for an account
// saved without one: nothing is sent to the platform.
func AccessTokenMissing(p social.Platform) *Error {
	return &Error{Platform: p, Kind: Permanent, Code: "access_token_missing", Message: social.MsgAccessTokenMissing}
}

package social

import (
	"errors"
	"fmt"
)

// Kind classifies an error; the HTTP layer maps each kind to one status.
type Kind int

// Error kinds.
const (
	Internal Kind = iota
	Invalid
	NotFound
	Conflict
	Unauthorized
	Forbidden
	Unavailable
	TooMany
	TooLarge
)

// Error is the one error type of the domain. Message is safe to show a user; Err
// is the internal cause.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a formatted message.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorKind returns the kind of err, Internal when it carries none.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// ErrNotFound is the store's answer for a missing or foreign row.
var ErrNotFound = &Error{Kind: NotFound, Code: "not_found", Message: "Not found."}

// Problem is one reason a post cannot be published as composed.
type Problem struct {
	Field     string `json:"field,omitempty"`
	AccountID int64  `json:"account_id,omitempty"`
	Code      string `json:"code"`
	Message   string `json:"message"`
}

// Problems is a validation failure: every problem found, not just the first.
type Problems []Problem

func (p Problems) Error() string {
	if len(p) == 0 {
		return "no problems"
	}
	if len(p) == 1 {
		return p[0].Message
	}
	return fmt.Sprintf("%s (and %d more problems)", p[0].Message, len(p)-1)
}

// The guide's section I messages, exactly as users read them.
const (
	MsgAccessTokenMissing      = "Access token missing"
	MsgNoConnectedAccount      = "No connected account found"
	MsgInstagramNeedsImage     = "Instagram publish requires an image"
	MsgYouTubeNeedsVideo       = "YouTube publish requires video_url"
	MsgScheduledPostFailed     = "Scheduled post failed"           // + ": <reason>"
	MsgInstagramMediaFailed    = "Instagram media creation failed" // + ": <platform message>"
	MsgLinkedInRefreshFailed   = "LinkedIn token refresh failed"   // + ": <reason>"
	MsgInstagramManualDisabled = "Manual Instagram account creation is disabled; use OAuth connect only. Click Continue with Instagram to connect your Instagram professional account."
)

// Hints are the guide's fixes for each section I error, keyed by error code.
var Hints = map[string]string{
	"access_token_missing":      "For OAuth-connected accounts, reconnect the platform. Manual credential edit is only for advanced troubleshooting.",
	"linkedin_refresh_failed":   "Reconnect LinkedIn with offline_access, then save the new Refresh Token, Client ID and Client Secret.",
	"no_connected_account":      "Make sure the account status is ON/Connected, and select the correct connected account in the compose form.",
	"instagram_image_required":  "Add an image. Text-only Instagram feed posts are not supported here.",
	"scheduled_post_failed":     "If Facebook: make sure the time is 10+ minutes ahead and within 75 days. For LinkedIn, Instagram, Twitter/X and YouTube: make sure the queue worker is running, the token is valid, and the selected time is correct.",
	"youtube_video_required":    "Add a public direct video URL in the compose form. If using Google Drive, make sure the file is shared publicly.",
	"instagram_media_failed":    "This is usually a Meta capability/access issue, not a caption/image format issue. Check: Professional account type, required scopes, app mode (Live vs Development), tester assignment, and reconnect. If your account requires Page/PPA under Meta rules, complete that setup too.",
	"needs_reconnect":           "Reconnect this account from the Accounts page, then try again.",
	"instagram_manual_disabled": "Use Continue with Instagram on the Accounts page.",
	"twitter_media_credentials": "Reconnect Twitter/X so SalesAI gets the media.write permission, or add the legacy OAuth1 media credentials (Access Token Secret, Consumer Key, Consumer Secret) under Advanced credentials.",
	"rate_limited":              "The platform asked us to slow down. SalesAI retries automatically; if it keeps failing, try again later.",
	"duplicate_content":         "The platform refused a post identical to a recent one. Change the text a little and retry.",
	"permission_missing":        "Reconnect the account and approve every permission SalesAI asks for.",
	"token_expired":             "Reconnect the account to give SalesAI a fresh token.",
	"media_rejected":            "Check that the image or video URL is public and in a format the platform accepts.",
	"token_refresh_failed":      "Reconnect the account so SalesAI gets a fresh token, then retry.",
	"exchange_failed":           "Click Continue again to reconnect; if it keeps failing, ask your admin to check the app settings.",
	"usage_capped":              "The platform's monthly limit for this app is used up. Ask your admin, or try again next month.",
	"platform_unreachable":      "The platform did not answer. Check its status page, then click Retry.",
	"outcome_unknown":           "Open the account on the platform: if the post is there, nothing is needed; if not, click Retry.",
	"media_not_found":           "The link returns \"not found\". Open it in a private browser window to check it, then fix the URL.",
	"media_not_public":          "The file is not public. Share it with \"Anyone with the link\" (Google Drive) or use a public URL.",
	"media_private_address":     "Use a public link: SalesAI cannot fetch files from private networks.",
	"media_too_large":           "Use a smaller file: each platform has its own size limit.",
	"platform_error":            "Read the platform's message above; fix what it names, then click Retry.",
}

// Package platform holds what the five platform clients share: the small role
// interfaces they implement, the values they exchange, their typed errors, and
// the one outgoing *http.Client with the endpoint-rewrite seam (DESIGN §5).
// Platform packages know internal/social and nothing of the store.
package platform

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/salesai/social/internal/social"
)

// Token is what an OAuth exchange or refresh yields.
type Token struct {
	AccessToken  string
	RefreshToken string // empty when the platform sent none; callers keep the old one
	ExpiresAt    time.Time
	Scope        string
}

// Profile is one account found by a connect flow (a Facebook Page, an Instagram
// professional account, an X user, a LinkedIn member, a YouTube channel).
type Profile struct {
	PlatformAccountID string
	Name              string
	Token             Token
	Meta              map[string]string
}

// Connector runs a platform's OAuth consent flow.
type Connector interface {
	// AuthCodeURL is the consent page to send the user to. verifier is the PKCE
	// code verifier; connectors that do not use PKCE ignore it.
	AuthCodeURL(state, verifier string) string
	// Exchange trades the callback's code for the accounts it grants.
	Exchange(ctx context.Context, code, verifier string) ([]Profile, error)
}

// Account is what a client needs to act for one connected account.
type Account struct {
	PlatformAccountID string
	Name              string
	Credentials       social.Credentials
	Meta              map[string]string
}

// Draft is the content to publish.
type Draft struct {
	Caption   string
	ImageURLs []string
	VideoURL  string
	// At is the time a natively scheduled post goes live; zero for other drafts.
	At time.Time
}

// Result is what a platform answered for a published (or natively scheduled) post.
type Result struct {
	PostID    string
	Permalink string
}

// Publisher publishes a draft now.
type Publisher interface {
	Publish(ctx context.Context, a Account, d Draft) (Result, error)
}

// Finder looks for a post already made from the draft since a time. The worker
// asks it before retrying an attempt whose outcome is unknown (a crash between
// the platform call and the record), so a target is never published twice.
type Finder interface {
	FindPublished(ctx context.Context, a Account, d Draft, since time.Time) (Result, bool, error)
}

// Refresher trades an account's refresh credentials for a new token.
type Refresher interface {
	Refresh(ctx context.Context, a Account) (Token, error)
}

// NativeScheduler is a platform's own scheduling (Facebook).
type NativeScheduler interface {
	Schedule(ctx context.Context, a Account, d Draft) (Result, error)
	Reschedule(ctx context.Context, a Account, postID string, at time.Time) error
	Unschedule(ctx context.Context, a Account, postID string) error
	// Status reports whether a scheduled post went live, with its permalink.
	Status(ctx context.Context, a Account, postID string) (published bool, permalink string, err error)
}

// MediaFetcher opens a user's media URL for streaming. Implementations refuse
// private addresses and enforce size limits (internal/media).
type MediaFetcher interface {
	Fetch(ctx context.Context, url string, maxBytes int64) (*Media, error)
}

// Media is an open media download.
type Media struct {
	Body        io.ReadCloser
	Size        int64 // -1 when unknown
	ContentType string
	Name        string
}

// ErrorKind says what a caller should do about a platform failure.
type ErrorKind int

// Error kinds, each with one worker reaction (style.md, Errors).
const (
	Permanent    ErrorKind = iota // fail the target with the message
	Temporary                     // network or 5xx: retry with backoff
	RateLimited                   // 429 and friends: retry after RetryAfter
	TokenExpired                  // refresh once, then call again
	Revoked                       // refresh refused: the account needs reconnecting
)

// Error is a platform failure in words a user can act on.
type Error struct {
	Platform   social.Platform
	Kind       ErrorKind
	Status     int    // HTTP status, 0 for network errors
	Code       string // our snake_case code, e.g. "duplicate_content"
	Message    string // user-facing sentence, with the platform's own reason
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Platform, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

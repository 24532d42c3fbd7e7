// Package social is the domain of SalesAI Social: platforms, accounts, posts and
// their targets, the rules a post must follow, and the errors users see.
// It imports nothing of ours.
package social

import (
	"fmt"
	"time"
)

// Platform names a social network as the API spells it.
type Platform string

// The five supported platforms.
const (
	Facebook  Platform = "facebook"
	Instagram Platform = "instagram"
	LinkedIn  Platform = "linkedin"
	Twitter   Platform = "twitter"
	YouTube   Platform = "youtube"
)

// Platforms lists every supported platform in display order.
var Platforms = []Platform{Facebook, LinkedIn, Instagram, Twitter, YouTube}

// ParsePlatform returns the platform named s, or an Invalid error.
func ParsePlatform(s string) (Platform, error) {
	for _, p := range Platforms {
		if string(p) == s {
			return p, nil
		}
	}
	return "", Errorf(Invalid, "unknown_platform", "Unknown platform %q: choose facebook, linkedin, instagram, twitter or youtube.", s)
}

// Title is the platform's name as users know it.
func (p Platform) Title() string {
	switch p {
	case Facebook:
		return "Facebook"
	case Instagram:
		return "Instagram"
	case LinkedIn:
		return "LinkedIn"
	case Twitter:
		return "Twitter/X"
	case YouTube:
		return "YouTube"
	}
	return string(p)
}

// AccountStatus is what the accounts page shows on an account's badge.
type AccountStatus string

// Account statuses.
const (
	StatusConnected      AccountStatus = "connected"
	StatusDisabled       AccountStatus = "disabled"
	StatusNeedsReconnect AccountStatus = "needs_reconnect"
)

// AuthKind says how an account's credentials were obtained.
type AuthKind string

// Auth kinds.
const (
	AuthOAuth  AuthKind = "oauth"
	AuthManual AuthKind = "manual"
)

// Credentials are an account's secrets. They are sealed before storage and never
// leave the server.
type Credentials struct {
	AccessToken       Secret `json:"-"`
	AccessTokenSecret Secret `json:"-"`
	RefreshToken      Secret `json:"-"`
	ClientID          Secret `json:"-"`
	ClientSecret      Secret `json:"-"`
	ConsumerKey       Secret `json:"-"`
	ConsumerSecret    Secret `json:"-"`
	OAuth1AccessToken Secret `json:"-"`
}

// Presence reports which credentials are set, the only view of them the API gives.
func (c Credentials) Presence() CredentialPresence {
	return CredentialPresence{
		AccessToken:       c.AccessToken != "",
		AccessTokenSecret: c.AccessTokenSecret != "",
		RefreshToken:      c.RefreshToken != "",
		ClientID:          c.ClientID != "",
		ClientSecret:      c.ClientSecret != "",
		ConsumerKey:       c.ConsumerKey != "",
		ConsumerSecret:    c.ConsumerSecret != "",
		OAuth1AccessToken: c.OAuth1AccessToken != "",
	}
}

// CredentialPresence says which credentials an account has, never their values.
type CredentialPresence struct {
	AccessToken       bool `json:"access_token"`
	AccessTokenSecret bool `json:"access_token_secret"`
	RefreshToken      bool `json:"refresh_token"`
	ClientID          bool `json:"client_id"`
	ClientSecret      bool `json:"client_secret"`
	ConsumerKey       bool `json:"consumer_key"`
	ConsumerSecret    bool `json:"consumer_secret"`
	OAuth1AccessToken bool `json:"oauth1_access_token"`
}

// HasLegacyOAuth1 reports whether the account can sign X v1.1 media uploads.
func (c Credentials) HasLegacyOAuth1() bool {
	return c.AccessTokenSecret != "" && c.ConsumerKey != "" && c.ConsumerSecret != ""
}

// Account is one connected social account of a SalesAI user.
type Account struct {
	ID                int64
	UserID            int64
	Platform          Platform
	Name              string
	PlatformAccountID string
	Auth              AuthKind
	Enabled           bool
	Status            AccountStatus
	Credentials       Credentials
	// Meta holds small non-secret platform facts, such as which Graph host an
	// Instagram account publishes through ("graph.instagram.com" or
	// "graph.facebook.com").
	Meta           map[string]string
	TokenExpiresAt *time.Time
	LastError      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Usable reports whether posts may be published through the account.
func (a *Account) Usable() bool {
	return a.Enabled && a.Status == StatusConnected
}

// TargetMode says how a target reaches its platform.
type TargetMode string

// Target modes.
const (
	ModeNow    TargetMode = "now"    // a River job with no time
	ModeQueue  TargetMode = "queue"  // a River job scheduled at the post's time
	ModeNative TargetMode = "native" // Facebook's own scheduling
)

// TargetStatus is a target's place in its life.
type TargetStatus string

// Target statuses.
const (
	TargetScheduled  TargetStatus = "scheduled" // accepted by Facebook's native scheduler
	TargetQueued     TargetStatus = "queued"
	TargetPublishing TargetStatus = "publishing"
	TargetPublished  TargetStatus = "published"
	TargetFailed     TargetStatus = "failed"
	TargetCanceled   TargetStatus = "canceled"
)

// Post is what a user composed once.
type Post struct {
	ID          int64
	UserID      int64
	Caption     string
	ImageURLs   []string
	VideoURL    string
	ScheduledAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Targets     []Target
}

// Status summarises the post's targets.
func (p *Post) Status() string {
	counts := map[TargetStatus]int{}
	for _, t := range p.Targets {
		counts[t.Status]++
	}
	n := len(p.Targets)
	switch {
	case n == 0:
		return "empty"
	case counts[TargetPublished] == n:
		return "published"
	case counts[TargetCanceled] == n:
		return "canceled"
	case counts[TargetFailed] == n:
		return "failed"
	case counts[TargetPublishing] > 0:
		return "publishing"
	case counts[TargetQueued]+counts[TargetScheduled] > 0:
		return "scheduled"
	case counts[TargetFailed] > 0:
		return "partially_failed"
	}
	return "published"
}

// Target is one post on one account.
type Target struct {
	ID             int64
	PostID         int64
	AccountID      int64
	Platform       Platform
	Mode           TargetMode
	Status         TargetStatus
	PlatformPostID string
	Permalink      string
	Attempts       int
	// AttemptStartedAt is when the latest platform call began; with status
	// publishing it marks an attempt whose outcome may be unknown.
	AttemptStartedAt *time.Time
	PublishedAt      *time.Time
	ErrorCode        string
	ErrorMessage     string
	// JobID is the River job that publishes (or confirms) the target.
	JobID     int64
	UpdatedAt time.Time
}

// Pending reports whether the target has not reached an end state.
func (t *Target) Pending() bool {
	return t.Status == TargetQueued || t.Status == TargetScheduled
}

// Secret is a string that never prints itself: not in logs, not in fmt, not in JSON.
type Secret string

// String hides the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// GoString hides the value from %#v.
func (s Secret) GoString() string { return s.String() }

// Format hides the value from every fmt verb.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// MarshalText hides the value from encoders.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reveal returns the value, for the few places that must send it to a platform.
func (s Secret) Reveal() string { return string(s) }

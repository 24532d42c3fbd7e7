// Package youtube is the YouTube platform client: Google OAuth connect and
// refresh, video publishing through YouTube's resumable upload protocol, and the
// look at the channel's uploads that tells the worker whether an in-doubt
// upload already landed (shared/docs/platforms.md §5, user guide section G).
//
// It is a small hand-made client on purpose: google.golang.org/api speaks a
// variant of the upload protocol (POST chunks, X-GUploader-No-308) and adds ~70
// modules; this one follows the documented resumable protocol exactly.
package youtube

import (
	"net/http"
	"time"
	_ "time/tzdata" // quota resets at midnight Pacific Time, wherever we run

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// Real endpoints; the shared client's rewrite seam reroutes them in tests and
// the sandbox (DESIGN §5).
const (
	authURL          = "https://accounts.google.com/o/oauth2/v2/auth"
	tokenURL         = "https://oauth2.googleapis.com/token"
	myChannelsURL    = "https://www.googleapis.com/youtube/v3/channels?part=id,snippet&mine=true"
	channelsURL      = "https://www.googleapis.com/youtube/v3/channels"
	playlistItemsURL = "https://www.googleapis.com/youtube/v3/playlistItems"
	uploadURL        = "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status"
	watchURL         = "https://www.youtube.com/watch?v="
)

// Scopes are the least that lets us upload and identify the channel (§5.2):
// youtube.upload is refused by channels.list, so youtube.readonly comes along.
var Scopes = []string{
	"https://www.googleapis.com/auth/youtube.upload",
	"https://www.googleapis.com/auth/youtube.readonly",
}

// Upload defaults.
const (
	chunkUnit = 256 << 10 // non-final chunks must be multiples of 256 KiB (§5.4)
	// DefaultChunkSize bounds the memory one upload holds (one chunk buffer).
	DefaultChunkSize = 8 << 20
	// DefaultMaxVideoBytes is our product limit, far below YouTube's 256 GB: a
	// video posted from a URL is streamed through this server, and 10 GiB keeps
	// one upload to a few hours on an ordinary link.
	DefaultMaxVideoBytes = 10 << 30
	// DefaultMaxRetries is how often an upload that makes no progress is
	// resumed before it is given up (the job then retries from scratch).
	DefaultMaxRetries = 5
	// DefaultRetryBase is the first backoff after an interruption; it doubles.
	DefaultRetryBase = time.Second
	maxBackoff       = 30 * time.Second
)

// Config configures a Client. Zero values take the defaults named per field.
type Config struct {
	ClientID     string
	ClientSecret string
	RedirectURL  string
	// HTTPClient is the shared platform client (required).
	HTTPClient *http.Client
	// Media opens video URLs for streaming (required to publish).
	Media platform.MediaFetcher
	// Now is the clock (default time.Now).
	Now func() time.Time
	// ChunkSize is the upload chunk, rounded down to a multiple of 256 KiB
	// (default DefaultChunkSize). Memory per upload is one chunk.
	ChunkSize int
	// MaxVideoBytes refuses larger videos (default DefaultMaxVideoBytes).
	MaxVideoBytes int64
	// Privacy is status.privacyStatus: "public" (default), "unlisted" or
	// "private". Note: projects not yet through YouTube's API audit get their
	// uploads locked to private whatever we send (§5.5).
	Privacy string
	// MaxRetries and RetryBase tune resuming an interrupted chunk (defaults
	// DefaultMaxRetries, DefaultRetryBase, doubling up to 30 s); tests make
	// RetryBase tiny.
	MaxRetries int
	RetryBase  time.Duration
}

// Client talks to Google OAuth and the YouTube Data API v3.
type Client struct {
	cfg     Config
	oauth   *oauth2.Config
	upload  *http.Client // the shared client, but never following redirects (308 is not one here)
	pacific *time.Location
}

// Compile-time checks of the roles the client plays.
var (
	_ platform.Connector = (*Client)(nil)
	_ platform.Refresher = (*Client)(nil)
	_ platform.Publisher = (*Client)(nil)
	_ platform.Finder    = (*Client)(nil)
)

// New returns a Client.
func New(cfg Config) *Client {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.ChunkSize = cfg.ChunkSize / chunkUnit * chunkUnit
	if cfg.ChunkSize <= 0 {
		cfg.ChunkSize = DefaultChunkSize
	}
	if cfg.MaxVideoBytes <= 0 {
		cfg.MaxVideoBytes = DefaultMaxVideoBytes
	}
	if cfg.Privacy == "" {
		cfg.Privacy = "public"
	}
	if cfg.MaxRetries <= 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = DefaultRetryBase
	}
	up := *cfg.HTTPClient
	up.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{cfg: cfg, oauth: oauthConfig(cfg), upload: &up, pacific: pacificTime()}
}

func oauthConfig(cfg Config) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		RedirectURL:  cfg.RedirectURL,
		Scopes:       Scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL: authURL, TokenURL: tokenURL,
			// Google accepts both; params keep the secret out of headers we might log.
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// pacificTime is where YouTube's daily quota resets (§5.6). time/tzdata is
// embedded, so the fixed-offset fallback is only a belt for the braces.
func pacificTime() *time.Location {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		return time.FixedZone("PST", -8*60*60)
	}
	return loc
}

const yt = social.YouTube

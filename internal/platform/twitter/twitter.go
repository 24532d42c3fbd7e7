// Package twitter is the X (Twitter) client: OAuth 2.0 with PKCE, posts through
// POST /2/tweets, images through X's v2 media upload or, for accounts with
// legacy OAuth 1.0a credentials, the v1.1 upload (platforms.md §3, guide §F,
// DESIGN §4 "X images").
package twitter

import (
	"context"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform"
)

// The real X endpoints; the shared client's rewrite seam reroutes them in tests
// and the sandbox (DESIGN §5).
const (
	authURL     = "https://x.com/i/oauth2/authorize"
	tokenURL    = "https://api.x.com/2/oauth2/token"
	apiBase     = "https://api.x.com/2"
	uploadV1URL = "https://upload.twitter.com/1.1/media/upload.json"
	webBase     = "https://x.com"
)

// Scopes are what SalesAI asks X for: posting, reading the user, a refresh
// token (offline.access) and image upload (media.write). — platforms.md §3.1
const Scopes = "tweet.read tweet.write users.read offline.access media.write"

const (
	maxImages     = 4       // media_ids holds 1..4 ids (platforms.md §3.2)
	maxImageBytes = 5 << 20 // image limit 5 MB (platforms.md §3.4)
)

// Config configures a Client.
type Config struct {
	ClientID string
	// ClientSecret makes the client confidential (Basic auth at the token
	// endpoint); empty means a public client that sends client_id in the form.
	ClientSecret string
	RedirectURL  string
	// HTTPClient is the shared platform client (required).
	HTTPClient *http.Client
	// Media downloads the draft's images (required for image posts).
	Media platform.MediaFetcher
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Client talks to X for SalesAI.
type Client struct {
	cfg   Config
	oauth *oauth2.Config
}

// New returns a Client.
func New(cfg Config) *Client {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	return &Client{cfg: cfg, oauth: oauthConfig(cfg.ClientID, cfg.ClientSecret, cfg.RedirectURL)}
}

var (
	_ platform.Connector = (*Client)(nil)
	_ platform.Refresher = (*Client)(nil)
	_ platform.Publisher = (*Client)(nil)
	_ platform.Finder    = (*Client)(nil)
)

// ctx carries the shared client to x/oauth2.
func (c *Client) oauthContext(ctx context.Context) context.Context {
	return platform.OAuthContext(ctx, c.cfg.HTTPClient)
}

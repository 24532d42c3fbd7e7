// Package linkedin is the LinkedIn client: the optional 3-legged OAuth connect
// (manual accounts are the guide's main path, §D), refresh with the account's
// own app credentials, and member or organization shares through the UGC Post
// API with Assets API image uploads (platforms.md §4).
package linkedin

import (
	"context"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// The real LinkedIn endpoints; the shared client's rewrite seam reroutes them
// in tests and the sandbox (DESIGN §5).
const (
	authURL     = "https://www.linkedin.com/oauth/v2/authorization"
	tokenURL    = "https://www.linkedin.com/oauth/v2/accessToken"
	userinfoURL = "https://api.linkedin.com/v2/userinfo"
	ugcPostsURL = "https://api.linkedin.com/v2/ugcPosts"
	registerURL = "https://api.linkedin.com/v2/assets?action=registerUpload"
	feedBase    = "https://www.linkedin.com/feed/update/"
)

// Scopes are what the connect flow asks for: OIDC identity (openid profile,
// for the author URN) and Share on LinkedIn (w_member_social), platforms.md §4.2.
const Scopes = "openid profile w_member_social"

// maxImageBytes bounds an image download. platforms.md gives LinkedIn no byte
// limit for feed images (only < 36,152,320 pixels, §4.5); 20 MB is generous
// for any photo and keeps a bad URL from streaming forever.
const maxImageBytes = 20 << 20

const li = social.LinkedIn

// Config configures a Client.
type Config struct {
	// ClientID and ClientSecret are the app's (LINKEDIN_CLIENT_ID/SECRET). They
	// are needed for the connect flow and for refreshing accounts that carry no
	// client credentials of their own; manual accounts need neither.
	ClientID     string
	ClientSecret string
	RedirectURL  string
	// OfflineAccess adds the "offline_access" scope, which the guide (§D) says
	// to request for a refresh token. LinkedIn grants refresh tokens to approved
	// Marketing Developer Platform apps (platforms.md §4.1); an app that is not
	// may refuse the unknown scope, so it is off by default.
	OfflineAccess bool
	// HTTPClient is the shared platform client (default http.DefaultClient).
	HTTPClient *http.Client
	// Media downloads the draft's images (required for image posts).
	Media platform.MediaFetcher
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Client talks to LinkedIn for SalesAI.
type Client struct {
	cfg Config
}

// New returns a Client.
func New(cfg Config) *Client {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	return &Client{cfg: cfg}
}

var (
	_ platform.Connector = (*Client)(nil)
	_ platform.Refresher = (*Client)(nil)
	_ platform.Publisher = (*Client)(nil)
	_ platform.Finder    = (*Client)(nil)
)

// oauthConfig is x/oauth2's view of an app. LinkedIn reads the client
// credentials from the form only (platforms.md §4.1).
func (c *Client) oauthConfig(clientID, clientSecret string) *oauth2.Config {
	scopes := strings.Fields(Scopes)
	if c.cfg.OfflineAccess {
		scopes = append(scopes, "offline_access")
	}
	return &oauth2.Config{
		ClientID: clientID, ClientSecret: clientSecret, RedirectURL: c.cfg.RedirectURL, Scopes: scopes,
		Endpoint: oauth2.Endpoint{AuthURL: authURL, TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
	}
}

// oauthContext carries the shared client to x/oauth2.
func (c *Client) oauthContext(ctx context.Context) context.Context {
	return platform.OAuthContext(ctx, c.cfg.HTTPClient)
}

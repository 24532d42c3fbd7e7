// Package facebook is the Facebook Pages client: Facebook Login (one account
// per Page), publishing text, links and photos to a Page, and Facebook's own
// scheduling. It follows shared/docs/platforms.md §1.
package facebook

import (
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// Real endpoints; the shared client's rewrite seam reroutes them in tests.
const (
	dialogBase = "https://www.facebook.com"
	graphBase  = "https://graph.facebook.com"
	// DefaultVersion is the pinned Graph API version (platforms.md §1.1).
	DefaultVersion = "v25.0"
)

// PageScopes are the permissions Page posting needs (platforms.md §1.2).
var PageScopes = []string{"pages_manage_posts", "pages_read_engagement", "pages_show_list"}

// Config configures a Client.
type Config struct {
	AppID       string
	AppSecret   string
	RedirectURL string
	// HTTPClient is the shared platform client (required).
	HTTPClient *http.Client
	// Version is the Graph API version (default DefaultVersion).
	Version string
	// Scopes asked for at login (default PageScopes).
	Scopes []string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Client talks to Facebook for one Meta app.
type Client struct {
	cfg   Config
	oauth oauth2.Config
	graph Graph
}

var (
	_ platform.Connector       = (*Client)(nil)
	_ platform.Publisher       = (*Client)(nil)
	_ platform.NativeScheduler = (*Client)(nil)
	_ platform.Finder          = (*Client)(nil)
)

// New returns a Client.
func New(cfg Config) *Client {
	if cfg.Version == "" {
		cfg.Version = DefaultVersion
	}
	if cfg.Scopes == nil {
		cfg.Scopes = PageScopes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	return &Client{
		cfg: cfg,
		oauth: oauth2.Config{
			ClientID:     cfg.AppID,
			ClientSecret: cfg.AppSecret,
			RedirectURL:  cfg.RedirectURL,
			// Graph's token endpoint is documented as GET (§1.3); x/oauth2
			// always POSTs, as its own endpoints.Facebook has for years, and
			// Graph takes the parameters from the form body.
			Endpoint: oauth2.Endpoint{
				AuthURL:   dialogBase + "/" + cfg.Version + "/dialog/oauth",
				TokenURL:  graphBase + "/" + cfg.Version + "/oauth/access_token",
				AuthStyle: oauth2.AuthStyleInParams,
			},
		},
		graph: Graph{HTTP: cfg.HTTPClient, Platform: social.Facebook, AppSecret: cfg.AppSecret},
	}
}

// Graph returns the client's Graph caller (appsecret_proof included).
func (c *Client) Graph() Graph { return c.graph }

// url builds https://graph.facebook.com/{version}/{path}.
func (c *Client) url(path ...string) string {
	return graphBase + "/" + c.cfg.Version + "/" + strings.Join(path, "/")
}

// Package instagram is the Instagram client for professional accounts, on
// either setup of platforms.md §2.1: Instagram Login (graph.instagram.com) or
// Facebook Login (graph.facebook.com, through the Pages the user manages). It
// connects accounts, publishes images and carousels through media containers,
// refreshes Instagram Login tokens and finds already published posts. Graph
// plumbing (error envelope, appsecret_proof, form posting) is the facebook
// package's.
package instagram

import (
	"context"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/facebook"
	"github.com/salesai/social/internal/social"
)

// Real endpoints (platforms.md §2.2); the shared client's rewrite seam
// reroutes them in tests.
const (
	authorizeURL = "https://www.instagram.com/oauth/authorize"
	tokenURL     = "https://api.instagram.com/oauth/access_token"
	// HostInstagram and HostFacebook are the Graph hosts an account publishes
	// through, kept in Account.Meta["graph_host"].
	HostInstagram = "graph.instagram.com"
	HostFacebook  = "graph.facebook.com"
	// DefaultVersion is the pinned Graph API version (platforms.md §1.1).
	DefaultVersion = facebook.DefaultVersion
	// MaxImages is the carousel limit (platforms.md §2.4).
	MaxImages = 10
)

// Account.Meta keys this package sets at connect time and reads to publish.
const (
	MetaGraphHost = "graph_host"
	MetaLogin     = "login" // "instagram" or "facebook"
	MetaPageID    = "page_id"
)

// Scopes asked for by default, per setup (platforms.md §2.1; the guide's
// required posting scopes).
var (
	InstagramLoginScopes = []string{"instagram_business_basic", "instagram_business_content_publish"}
	FacebookLoginScopes  = []string{"instagram_basic", "instagram_content_publish", "pages_show_list", "pages_read_engagement"}
)

// Config configures a Client.
type Config struct {
	// UseFacebookLogin selects the Facebook Login setup
	// (INSTAGRAM_ENABLE_FB_LOGIN=1); AppID/AppSecret are then the Facebook app's.
	UseFacebookLogin bool
	AppID            string
	AppSecret        string
	RedirectURL      string
	// Scopes asked for at login (default InstagramLoginScopes or
	// FacebookLoginScopes, by setup).
	Scopes []string
	// HTTPClient is the shared platform client (required).
	HTTPClient *http.Client
	// Version is the Graph API version (default DefaultVersion).
	Version string
	// Now is the clock (default time.Now).
	Now func() time.Time
	// PollInterval is the first wait between container status reads; it
	// doubles up to 8× (default 1 s).
	PollInterval time.Duration
	// PollTimeout bounds the total wait for a container (default 60 s).
	PollTimeout time.Duration
	// SleepFunc waits between status reads (default: a timer that ends early
	// with ctx); tests record the waits instead.
	SleepFunc func(ctx context.Context, d time.Duration) error
}

// Client talks to Instagram for one Meta app.
type Client struct {
	cfg   Config
	oauth oauth2.Config
	fb    *facebook.Client // the Facebook Login setup's dialog and Pages
}

var (
	_ platform.Connector = (*Client)(nil)
	_ platform.Publisher = (*Client)(nil)
	_ platform.Refresher = (*Client)(nil)
	_ platform.Finder    = (*Client)(nil)
)

// New returns a Client.
func New(cfg Config) *Client {
	if cfg.Version == "" {
		cfg.Version = DefaultVersion
	}
	if cfg.Scopes == nil {
		cfg.Scopes = InstagramLoginScopes
		if cfg.UseFacebookLogin {
			cfg.Scopes = FacebookLoginScopes
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = time.Minute
	}
	if cfg.SleepFunc == nil {
		cfg.SleepFunc = sleep
	}
	return &Client{
		cfg: cfg,
		oauth: oauth2.Config{
			ClientID: cfg.AppID, ClientSecret: cfg.AppSecret, RedirectURL: cfg.RedirectURL,
			// The token endpoint wants the credentials in the form (§2.2).
			Endpoint: oauth2.Endpoint{AuthURL: authorizeURL, TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
		},
		fb: facebook.New(facebook.Config{AppID: cfg.AppID, AppSecret: cfg.AppSecret, RedirectURL: cfg.RedirectURL,
			HTTPClient: cfg.HTTPClient, Version: cfg.Version, Scopes: cfg.Scopes, Now: cfg.Now}),
	}
}

// host is one account's Graph endpoint and token.
type host struct {
	graph facebook.Graph
	base  string // https://HOST/{version}
	token string
}

func (h host) url(path ...string) string { return h.base + "/" + strings.Join(path, "/") }

// hostFor picks the account's Graph host from its Meta (set at connect),
// falling back to the configured setup.
func (c *Client) hostFor(a platform.Account) (host, error) {
	tok := a.Credentials.AccessToken.Reveal()
	if strings.TrimSpace(tok) == "" {
		return host{}, platform.AccessTokenMissing(social.Instagram)
	}
	name := a.Meta[MetaGraphHost]
	if name == "" {
		name = HostInstagram
		if c.cfg.UseFacebookLogin {
			name = HostFacebook
		}
	}
	return c.graphHost(name, tok), nil
}

// graphHost builds a host. appsecret_proof goes to graph.facebook.com only,
// and only when the configured secret is the Facebook app's.
func (c *Client) graphHost(name, tok string) host {
	g := facebook.Graph{HTTP: c.cfg.HTTPClient, Platform: social.Instagram}
	if name == HostFacebook && c.cfg.UseFacebookLogin {
		g.AppSecret = c.cfg.AppSecret
	}
	if name != HostFacebook {
		name = HostInstagram
	}
	return host{graph: g, base: "https://" + name + "/" + c.cfg.Version, token: tok}
}

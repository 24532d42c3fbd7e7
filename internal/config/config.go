// Package config reads SalesAI's environment once, in main, into a Config that is
// passed down. There is no global configuration.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/salesai/social/internal/social"
)

// Config is every setting of DESIGN §3.
type Config struct {
	Addr              string
	DataDir           string
	DatabaseURL       string // empty: SQLite in DataDir
	PublicURL         *url.URL
	PlatformURL       string // SALESAI_PLATFORM_ENDPOINT
	Sandbox           bool
	AllowPrivateMedia bool
	Workers           int
	// JobTimeout bounds one publishing job (SALESAI_JOB_TIMEOUT, default 10m).
	JobTimeout   time.Duration
	SecretKey    social.Secret // SALESAI_SECRET_KEY; empty: a key file in DataDir
	SecretKeyOld social.Secret // SALESAI_SECRET_KEY_OLD, during rotation
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken social.Secret

	Facebook  App
	Instagram App
	// InstagramFacebookLogin selects the Facebook Login flow for Instagram.
	InstagramFacebookLogin bool
	Twitter                App
	// TwitterRedirectURI overrides the X callback URL when set.
	TwitterRedirectURI string
	YouTube            App
	LinkedIn           App
}

// App is one platform's OAuth client credentials.
type App struct {
	ID     string
	Secret social.Secret
}

// Configured reports whether the app has an id (the secret is optional for X).
func (a App) Configured() bool { return a.ID != "" }

// Var documents one environment variable, for --help.
type Var struct {
	Name, Default, Help string
}

// Vars lists every variable the program reads, in the order --help shows them.
var Vars = []Var{
	{"SALESAI_ADDR", ":8080", "listen address"},
	{"SALESAI_DATA_DIR", "./data", "directory for the SQLite file and the generated secret key"},
	{"DATABASE_URL", "SQLite in the data dir", "postgres://user:pass@host/db selects PostgreSQL (data and queue)"},
	{"SALESAI_SECRET_KEY", "generated into the data dir", "base64 of 32 random bytes sealing stored credentials (openssl rand -base64 32)"},
	{"SALESAI_SECRET_KEY_OLD", "", "the previous key, while `salesai rotate-key` re-seals credentials"},
	{"SALESAI_PUBLIC_URL", "http://localhost:<port of SALESAI_ADDR>", "public base URL: OAuth redirect URIs and links (https enables Secure cookies)"},
	{"SALESAI_PLATFORM_ENDPOINT", "", "reroute every platform API call to this base URL (tests, outside checkers)"},
	{"SALESAI_SANDBOX", "", "1: mount the built-in platform simulator under /sandbox/ and publish there"},
	{"SALESAI_ALLOW_PRIVATE_MEDIA", "", "1: media downloads may reach loopback/private addresses (tests only)"},
	{"SALESAI_WORKERS", "20", "concurrent publish jobs per process"},
	{"SALESAI_METRICS_TOKEN", "", "when set, /metrics answers only requests with Authorization: Bearer <this token>"},
	{"SALESAI_JOB_TIMEOUT", "10m", "longest a single publish (e.g. a big YouTube upload) may run; a job of a crashed process is retried soon after this"},
	{"FACEBOOK_APP_ID, FACEBOOK_APP_SECRET", "", "Meta app for Facebook Login (and Instagram when INSTAGRAM_ENABLE_FB_LOGIN=1)"},
	{"INSTAGRAM_APP_ID, INSTAGRAM_APP_SECRET", "", "Instagram app for Instagram Login; the secret also verifies Meta callbacks"},
	{"INSTAGRAM_ENABLE_FB_LOGIN", "0", "0: direct Instagram Login; 1: Facebook Login flow for Instagram accounts"},
	{"TWITTER_CLIENT_ID, TWITTER_CLIENT_SECRET", "", "X OAuth 2.0 client (id required for X; secret recommended)"},
	{"TWITTER_REDIRECT_URI", "<public URL>/api/social/oauth/twitter/callback", "X callback URL when custom"},
	{"YOUTUBE_CLIENT_ID, YOUTUBE_CLIENT_SECRET", "", "Google OAuth client for YouTube"},
	{"LINKEDIN_CLIENT_ID, LINKEDIN_CLIENT_SECRET", "", "optional LinkedIn OAuth connect (manual entry needs none)"},
}

// Load reads the configuration through getenv (os.Getenv in main, a map in tests).
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:               or(getenv("SALESAI_ADDR"), ":8080"),
		DataDir:            or(getenv("SALESAI_DATA_DIR"), "./data"),
		DatabaseURL:        getenv("DATABASE_URL"),
		PlatformURL:        getenv("SALESAI_PLATFORM_ENDPOINT"),
		Facebook:           app(getenv, "FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET"),
		Instagram:          app(getenv, "INSTAGRAM_APP_ID", "INSTAGRAM_APP_SECRET"),
		Twitter:            app(getenv, "TWITTER_CLIENT_ID", "TWITTER_CLIENT_SECRET"),
		YouTube:            app(getenv, "YOUTUBE_CLIENT_ID", "YOUTUBE_CLIENT_SECRET"),
		LinkedIn:           app(getenv, "LINKEDIN_CLIENT_ID", "LINKEDIN_CLIENT_SECRET"),
		TwitterRedirectURI: getenv("TWITTER_REDIRECT_URI"),
		SecretKey:          social.Secret(getenv("SALESAI_SECRET_KEY")),
		SecretKeyOld:       social.Secret(getenv("SALESAI_SECRET_KEY_OLD")),
		MetricsToken:       social.Secret(strings.TrimSpace(getenv("SALESAI_METRICS_TOKEN"))),
	}
	var errs []error
	var err error
	if c.Sandbox, err = flag(getenv, "SALESAI_SANDBOX"); err != nil {
		errs = append(errs, err)
	}
	if c.AllowPrivateMedia, err = flag(getenv, "SALESAI_ALLOW_PRIVATE_MEDIA"); err != nil {
		errs = append(errs, err)
	}
	if c.InstagramFacebookLogin, err = flag(getenv, "INSTAGRAM_ENABLE_FB_LOGIN"); err != nil {
		errs = append(errs, err)
	}
	if c.Workers, err = positive(getenv, "SALESAI_WORKERS", 20); err != nil {
		errs = append(errs, err)
	}
	if c.JobTimeout, err = duration(getenv, "SALESAI_JOB_TIMEOUT", 10*time.Minute); err != nil {
		errs = append(errs, err)
	}
	if c.PublicURL, err = publicURL(or(getenv("SALESAI_PUBLIC_URL"), defaultPublicURL(c.Addr))); err != nil {
		errs = append(errs, err)
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("DATABASE_URL must start with postgres:// (leave it unset to use SQLite in SALESAI_DATA_DIR)"))
	}
	if c.TwitterRedirectURI != "" {
		if u, err := url.Parse(c.TwitterRedirectURI); err != nil || !u.IsAbs() {
			errs = append(errs, errors.New("TWITTER_REDIRECT_URI must be an absolute URL such as https://salesai.example.com/api/social/oauth/twitter/callback"))
		}
	}
	return c, errors.Join(errs...)
}

// RedirectURL is the OAuth callback URL of platform p.
func (c Config) RedirectURL(p social.Platform) string {
	if p == social.Twitter && c.TwitterRedirectURI != "" {
		return c.TwitterRedirectURI
	}
	return c.PublicURL.JoinPath("/api/social/oauth", string(p), "callback").String()
}

// SecureCookies reports whether cookies need the Secure attribute.
func (c Config) SecureCookies() bool { return c.PublicURL.Scheme == "https" }

// Postgres reports whether the program runs on PostgreSQL.
func (c Config) Postgres() bool { return c.DatabaseURL != "" }

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func app(getenv func(string) string, id, secret string) App {
	return App{ID: strings.TrimSpace(getenv(id)), Secret: social.Secret(strings.TrimSpace(getenv(secret)))}
}

func flag(getenv func(string) string, name string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(getenv(name))) {
	case "", "0", "false", "no", "off":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	}
	return false, fmt.Errorf("%s must be 1 or 0, not %q", name, getenv(name))
}

func positive(getenv func(string) string, name string, def int) (int, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 10000 {
		return 0, fmt.Errorf("%s must be a whole number from 1 to 10000, not %q", name, v)
	}
	return n, nil
}

// DefaultPublicURL is the public URL when SALESAI_PUBLIC_URL is unset:
// http://localhost:<port of addr>, so setting only the port (variable or
// flag) keeps OAuth redirects and the sandbox pointing at this server.
func DefaultPublicURL(addr string) *url.URL {
	u, _ := url.Parse(defaultPublicURL(addr))
	return u
}

func defaultPublicURL(addr string) string {
	if _, port, err := net.SplitHostPort(addr); err == nil && port != "" && port != "0" {
		return "http://localhost:" + port
	}
	return "http://localhost:8080"
}

func duration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second || d > 24*time.Hour {
		return 0, fmt.Errorf("%s must be a duration from 1s to 24h such as 10m, not %q", name, v)
	}
	return d, nil
}

func publicURL(v string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSuffix(v, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("SALESAI_PUBLIC_URL must be an absolute http(s) URL such as https://salesai.example.com, not %q", v)
	}
	return u, nil
}

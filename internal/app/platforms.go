package app

import (
	"log/slog"
	"net/http"

	"github.com/salesai/social/internal/config"
	"github.com/salesai/social/internal/media"
	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/facebook"
	"github.com/salesai/social/internal/platform/instagram"
	"github.com/salesai/social/internal/platform/linkedin"
	"github.com/salesai/social/internal/platform/sim"
	"github.com/salesai/social/internal/platform/twitter"
	"github.com/salesai/social/internal/platform/youtube"
	"github.com/salesai/social/internal/publish"
	"github.com/salesai/social/internal/social"
	"github.com/salesai/social/internal/web"
)

// platforms is every platform client of this process, built once.
type platforms struct {
	http           *http.Client
	media          *media.Fetcher
	rewriter       *platform.Rewriter
	clients        publish.Platforms
	connectors     map[social.Platform]platform.Connector
	missing        map[social.Platform]string // platform → the variables to set
	metaSecrets    map[social.Platform]string
	rewriteConsent func(string) string
}

// endpoint is where platform calls go: the sandbox's own simulator, the
// configured rewrite, or (empty) the real platforms.
func endpoint(cfg config.Config) string {
	if cfg.Sandbox {
		return cfg.PublicURL.JoinPath("sandbox").String()
	}
	return cfg.PlatformURL
}

// withSandboxApps gives every platform the simulator's app credentials, so a
// sandbox works with no developer app at all. Real ones are never sent to
// the simulator (its request log is readable in the sandbox).
func withSandboxApps(cfg config.Config, log *slog.Logger) config.Config {
	if !cfg.Sandbox {
		return cfg
	}
	fill := func(a *config.App, p string) {
		if a.Configured() {
			log.Warn("sandbox: ignoring the configured app credentials; the sandbox uses its own", "platform", p)
		}
		a.ID, a.Secret = sim.SandboxApps[p].ID, social.Secret(sim.SandboxApps[p].Secret)
	}
	fill(&cfg.Facebook, "facebook")
	fill(&cfg.Instagram, "instagram")
	fill(&cfg.Twitter, "twitter")
	fill(&cfg.YouTube, "youtube")
	fill(&cfg.LinkedIn, "linkedin")
	return cfg
}

func buildPlatforms(cfg config.Config, log *slog.Logger) (*platforms, error) {
	cfg = withSandboxApps(cfg, log)
	rw, err := platform.NewRewriter(endpoint(cfg))
	if err != nil {
		return nil, err
	}
	p := &platforms{
		rewriter:    rw,
		http:        platform.NewHTTPClient(platform.ClientConfig{Rewriter: rw}),
		clients:     publish.Platforms{},
		connectors:  map[social.Platform]platform.Connector{},
		missing:     map[social.Platform]string{},
		metaSecrets: map[social.Platform]string{},
	}
	if rw.Active() {
		p.rewriteConsent = rw.String
		log.Info("platform calls are rerouted", "endpoint", endpoint(cfg))
	}
	p.media = media.NewFetcher(media.FetcherConfig{AllowPrivate: cfg.AllowPrivateMedia})
	p.addClients(cfg)
	return p, nil
}

// addClients builds each platform's client. Every platform can publish for
// accounts that already hold tokens; only platforms with app credentials can
// connect new accounts (and refresh where the app's credentials are needed).
func (p *platforms) addClients(cfg config.Config) {
	need := func(pl social.Platform, app config.App, vars string) bool {
		if app.Configured() {
			return true
		}
		p.missing[pl] = vars
		return false
	}
	fb := facebook.New(facebook.Config{AppID: cfg.Facebook.ID, AppSecret: cfg.Facebook.Secret.Reveal(),
		RedirectURL: cfg.RedirectURL(social.Facebook), HTTPClient: p.http})
	p.clients[social.Facebook] = fb
	if need(social.Facebook, cfg.Facebook, "FACEBOOK_APP_ID and FACEBOOK_APP_SECRET") {
		p.connectors[social.Facebook] = fb
	}
	igApp, igVars := cfg.Instagram, "INSTAGRAM_APP_ID and INSTAGRAM_APP_SECRET"
	if cfg.InstagramFacebookLogin {
		igApp, igVars = cfg.Facebook, "FACEBOOK_APP_ID and FACEBOOK_APP_SECRET (INSTAGRAM_ENABLE_FB_LOGIN=1)"
	}
	ig := instagram.New(instagram.Config{UseFacebookLogin: cfg.InstagramFacebookLogin, AppID: igApp.ID,
		AppSecret: igApp.Secret.Reveal(), RedirectURL: cfg.RedirectURL(social.Instagram), HTTPClient: p.http})
	p.clients[social.Instagram] = ig
	if need(social.Instagram, igApp, igVars) {
		p.connectors[social.Instagram] = ig
	}
	x := twitter.New(twitter.Config{ClientID: cfg.Twitter.ID, ClientSecret: cfg.Twitter.Secret.Reveal(),
		RedirectURL: cfg.RedirectURL(social.Twitter), HTTPClient: p.http, Media: p.media})
	p.clients[social.Twitter] = x
	if need(social.Twitter, cfg.Twitter, "TWITTER_CLIENT_ID (and TWITTER_CLIENT_SECRET)") {
		p.connectors[social.Twitter] = x
	}
	yt := youtube.New(youtube.Config{ClientID: cfg.YouTube.ID, ClientSecret: cfg.YouTube.Secret.Reveal(),
		RedirectURL: cfg.RedirectURL(social.YouTube), HTTPClient: p.http, Media: p.media})
	p.clients[social.YouTube] = yt
	if need(social.YouTube, cfg.YouTube, "YOUTUBE_CLIENT_ID and YOUTUBE_CLIENT_SECRET") {
		p.connectors[social.YouTube] = yt
	}
	li := linkedin.New(linkedin.Config{ClientID: cfg.LinkedIn.ID, ClientSecret: cfg.LinkedIn.Secret.Reveal(),
		RedirectURL: cfg.RedirectURL(social.LinkedIn), HTTPClient: p.http, Media: p.media})
	p.clients[social.LinkedIn] = li
	if need(social.LinkedIn, cfg.LinkedIn, "LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET") {
		p.connectors[social.LinkedIn] = li
	}
	if cfg.Instagram.Secret != "" {
		p.metaSecrets[social.Instagram] = cfg.Instagram.Secret.Reveal()
	}
	if cfg.Facebook.Secret != "" {
		p.metaSecrets[social.Facebook] = cfg.Facebook.Secret.Reveal()
	}
}

// status tells the UI which Connect buttons work, and why not.
func (p *platforms) status() []web.PlatformStatus {
	var out []web.PlatformStatus
	for _, pl := range social.Platforms {
		_, ok := p.connectors[pl]
		out = append(out, web.PlatformStatus{Platform: pl, CanConnect: ok, Missing: p.missing[pl]})
	}
	return out
}

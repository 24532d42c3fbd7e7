package platform

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Hosts are the platform hosts the endpoint rewrite applies to: DESIGN §5's
// list, plus upload.x.com, the host X's current docs give for v1.1 media
// upload (platforms.md §3.5).
var Hosts = []string{
	"www.facebook.com", "graph.facebook.com",
	"www.instagram.com", "api.instagram.com", "graph.instagram.com",
	"x.com", "twitter.com", "api.x.com", "api.twitter.com", "upload.twitter.com", "upload.x.com",
	"www.linkedin.com", "api.linkedin.com",
	"accounts.google.com", "oauth2.googleapis.com", "www.googleapis.com", "youtube.googleapis.com",
}

// IsHost reports whether host (without port) is a platform host.
func IsHost(host string) bool {
	for _, h := range Hosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// Rewriter reroutes platform URLs to a stand-in endpoint, such as the simulator.
// The zero value (no endpoint) rewrites nothing.
type Rewriter struct {
	base *url.URL
}

// NewRewriter returns a Rewriter to endpoint ("http://host:port[/prefix]"); an
// empty endpoint rewrites nothing.
func NewRewriter(endpoint string) (*Rewriter, error) {
	if endpoint == "" {
		return &Rewriter{}, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &url.Error{Op: "parse", URL: endpoint, Err: errBadEndpoint}
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return &Rewriter{base: u}, nil
}

type endpointError struct{}

func (endpointError) Error() string {
	return "must be an absolute http(s) URL such as http://127.0.0.1:9999"
}

var errBadEndpoint = endpointError{}

// Active reports whether the rewriter reroutes anything.
func (r *Rewriter) Active() bool { return r != nil && r.base != nil }

// URL rewrites one URL: https://HOST/PATH?Q on a platform host becomes
// ENDPOINT/HOST/PATH?Q. Other URLs are returned unchanged.
func (r *Rewriter) URL(u *url.URL) *url.URL {
	if !r.Active() || !IsHost(u.Hostname()) {
		return u
	}
	out := *r.base
	out.Path = r.base.Path + "/" + strings.ToLower(u.Hostname()) + u.Path
	if u.RawPath != "" {
		out.RawPath = r.base.Path + "/" + strings.ToLower(u.Hostname()) + u.RawPath
	}
	out.RawQuery = u.RawQuery
	out.Fragment = u.Fragment
	return &out
}

// String rewrites a URL string, such as a consent-page redirect.
func (r *Rewriter) String(raw string) string {
	if !r.Active() {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return r.URL(u).String()
}

// RoundTrip sends platform requests to the endpoint, everything else unchanged.
type rewriteTransport struct {
	rw   *Rewriter
	next http.RoundTripper
	ua   string
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	u := t.rw.URL(req.URL)
	if u != req.URL || (t.ua != "" && req.Header.Get("User-Agent") == "") {
		req = req.Clone(req.Context())
		if u != req.URL {
			req.URL = u
			req.Host = u.Host
		}
		if t.ua != "" && req.Header.Get("User-Agent") == "" {
			req.Header.Set("User-Agent", t.ua)
		}
	}
	return t.next.RoundTrip(req)
}

// ClientConfig configures the shared platform client.
type ClientConfig struct {
	Rewriter *Rewriter // nil: no rewrite
	// Timeout bounds the wait for response headers (default 60 s). Bodies are
	// not bounded here, so long uploads are limited by their contexts instead.
	Timeout   time.Duration
	UserAgent string // default "SalesAI-Social/1"
	Transport http.RoundTripper
}

// NewHTTPClient builds the one *http.Client every platform call goes through.
func NewHTTPClient(cfg ClientConfig) *http.Client {
	if cfg.Timeout == 0 {
		cfg.Timeout = 60 * time.Second
	}
	next := cfg.Transport
	if next == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 32
		tr.ResponseHeaderTimeout = cfg.Timeout
		next = tr
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "SalesAI-Social/1"
	}
	rw := cfg.Rewriter
	if rw == nil {
		rw = &Rewriter{}
	}
	return &http.Client{
		Transport: &rewriteTransport{rw: rw, next: next, ua: cfg.UserAgent},
	}
}

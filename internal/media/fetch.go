package media

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// FetcherConfig configures a Fetcher.
type FetcherConfig struct {
	// AllowPrivate lifts the address rule only (SALESAI_ALLOW_PRIVATE_MEDIA=1,
	// for tests and local sandboxes). Schemes, redirects and sizes still apply.
	AllowPrivate bool
	// Timeout bounds connecting and waiting for the response headers of each
	// request; the body is bounded by the caller's context. Default 30s.
	Timeout time.Duration
	// MaxRedirects is how many redirects a fetch follows. Default 5.
	MaxRedirects int
	// LookupIPFunc resolves a host name. Default net.DefaultResolver.LookupNetIP.
	LookupIPFunc func(ctx context.Context, host string) ([]netip.Addr, error)
	// DialFunc connects to an address the guard has already allowed
	// ("ip:port"). Default a net.Dialer. Tests use it to route addresses
	// to local servers.
	DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLSClientConfig is for tests that serve HTTPS; nil uses the defaults.
	TLSClientConfig *tls.Config
}

// Fetcher downloads users' media URLs safely: Drive links converted, only
// http(s), at most MaxRedirects redirects, no private addresses (checked on
// the resolved address at dial time, so neither DNS answers nor redirects
// get around it), and bodies that fail past their size limit.
type Fetcher struct {
	cfg    FetcherConfig
	client *http.Client
}

var _ platform.MediaFetcher = (*Fetcher)(nil)

// NewFetcher returns a Fetcher with its own guarded transport.
func NewFetcher(cfg FetcherConfig) *Fetcher {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxRedirects <= 0 {
		cfg.MaxRedirects = 5
	}
	if cfg.LookupIPFunc == nil {
		cfg.LookupIPFunc = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	if cfg.DialFunc == nil {
		cfg.DialFunc = (&net.Dialer{Timeout: cfg.Timeout}).DialContext
	}
	f := &Fetcher{cfg: cfg}
	f.client = &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil, // a proxy would dial for us, around the guard
			DialContext:           f.dial,
			TLSClientConfig:       cfg.TLSClientConfig,
			TLSHandshakeTimeout:   cfg.Timeout,
			ResponseHeaderTimeout: cfg.Timeout,
			MaxIdleConns:          16,
			IdleConnTimeout:       90 * time.Second,
		},
		CheckRedirect: f.checkRedirect,
	}
	return f
}

// Fetch opens rawURL for streaming. The caller must close Media.Body; reading
// past maxBytes fails with a media_too_large error.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, maxBytes int64) (*platform.Media, error) {
	resp, err := f.get(ctx, rawURL, nil)
	if err != nil {
		return nil, err
	}
	if maxBytes > 0 && resp.ContentLength > maxBytes {
		resp.Body.Close()
		return nil, tooLarge(resp.ContentLength, maxBytes)
	}
	return &platform.Media{
		Body:        &limitedBody{rc: resp.Body, max: maxBytes},
		Size:        resp.ContentLength,
		ContentType: mediaType(resp.Header.Get("Content-Type")),
		Name:        fileName(resp),
	}, nil
}

// get checks and converts rawURL, sends the request and returns a 2xx
// response, following Drive's virus-scan page when one comes back.
func (f *Fetcher) get(ctx context.Context, rawURL string, header http.Header) (*http.Response, error) {
	u, err := f.checkURL(rawURL)
	if err != nil {
		return nil, err
	}
	resp, err := f.do(ctx, http.MethodGet, u, header)
	if err != nil {
		return nil, err
	}
	if !isDriveHost(resp.Request.URL.Hostname()) || mediaType(resp.Header.Get("Content-Type")) != "text/html" {
		return resp, nil
	}
	next, err := driveConfirmURL(resp)
	if err != nil {
		return nil, err
	}
	resp, err = f.do(ctx, http.MethodGet, next, header)
	if err == nil && mediaType(resp.Header.Get("Content-Type")) == "text/html" {
		resp.Body.Close()
		return nil, driveNotShared()
	}
	return resp, err
}

// checkURL converts Drive links and refuses what is not an absolute http(s)
// URL, or names a private address outright.
func (f *Fetcher) checkURL(rawURL string) (*url.URL, error) {
	direct, err := DirectURL(rawURL)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(direct)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil, badURL(rawURL)
	}
	if ip, ok := parseHostIP(u.Hostname()); ok && !f.cfg.AllowPrivate && isBlocked(ip) {
		return nil, privateAddress(ip)
	}
	return u, nil
}

// do sends one request and turns failures and non-2xx answers into errors.
func (f *Fetcher) do(ctx context.Context, method string, u *url.URL, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, badURL(u.String())
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", "SalesAI-Social-Media/1.0")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, requestError(err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		resp.Body.Close()
		return nil, statusError(resp)
	}
	return resp, nil
}

func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.cfg.MaxRedirects {
		return social.Errorf(social.Invalid, "media_too_many_redirects",
			"The media URL redirects more than %d times. Use the final, direct link to the file.", f.cfg.MaxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return badURL(req.URL.String())
	}
	return nil
}

// dial is the guard: it resolves the host itself, refuses blocked addresses
// unless AllowPrivate, and connects only to an address it has checked.
func (f *Fetcher) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("media dial %q: %w", addr, err)
	}
	ips, err := f.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	var lastErr error
	for _, ip := range ips {
		if !f.cfg.AllowPrivate && isBlocked(ip) {
			lastErr = privateAddress(ip)
			continue
		}
		conn, err := f.cfg.DialFunc(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func (f *Fetcher) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, ok := parseHostIP(host); ok {
		return []netip.Addr{ip}, nil
	}
	ips, err := f.cfg.LookupIPFunc(ctx, host)
	if err != nil {
		return nil, &social.Error{Kind: social.Invalid, Code: "media_unreachable", Err: err,
			Message: fmt.Sprintf("The media host %q could not be found. Check the link for typos.", host)}
	}
	if len(ips) == 0 {
		return nil, social.Errorf(social.Invalid, "media_unreachable",
			"The media host %q has no address. Check the link for typos.", host)
	}
	return ips, nil
}

// limitedBody fails once more than max bytes have been read; it never
// buffers, so memory stays flat whatever the file size.
type limitedBody struct {
	rc   io.ReadCloser
	max  int64 // 0: no limit
	read int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.read += int64(n)
	if b.max > 0 && b.read > b.max {
		return n - int(b.read-b.max), tooLarge(-1, b.max)
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// requestError finds our own error inside a client error, else reports the
// site as unreachable.
func requestError(err error) error {
	var se *social.Error
	if errors.As(err, &se) {
		return se
	}
	msg := "The media URL could not be reached. Check that the link works in a private browser window."
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		msg = "The media URL took too long to answer. Try again, or host the file somewhere faster."
	}
	// Unavailable, not Invalid: a network failure may pass, so a publish
	// retries it rather than failing the post.
	return &social.Error{Kind: social.Unavailable, Code: "media_unreachable", Message: msg, Err: err}
}

// httpStatusError is the status a media server answered, kept as the cause.
type httpStatusError int

func (s httpStatusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", int(s), http.StatusText(int(s)))
}

func statusError(resp *http.Response) error {
	status := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	e := &social.Error{Kind: social.Invalid, Code: "media_unreachable", Err: httpStatusError(resp.StatusCode),
		Message: fmt.Sprintf("The media URL answered %s. Check that the link works in a private browser window.", status)}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		e.Kind = social.Unavailable // the media host's trouble may pass
	}
	switch resp.StatusCode {
	case http.StatusNotFound, http.StatusGone:
		e.Code, e.Message = "media_not_found", fmt.Sprintf("The media URL answered %s: the file is not there. Check the link.", status)
	case http.StatusUnauthorized, http.StatusForbidden:
		e.Code, e.Message = "media_not_public", fmt.Sprintf(
			"The media URL answered %s: the file is not public. Share it so anyone with the link can view it.", status)
	}
	return e
}

func badURL(raw string) error {
	return social.Errorf(social.Invalid, "media_bad_url",
		"%q is not a web link to a file. Use a full address starting with https:// or http://.", truncate(raw, 200))
}

func privateAddress(ip netip.Addr) error {
	return social.Errorf(social.Invalid, "media_private_address",
		"The media URL points to a private network address (%s). Use a public link.", ip)
}

func tooLarge(size, max int64) error {
	if size > 0 {
		return social.Errorf(social.Invalid, "media_too_large",
			"The file is %s, over the %s limit. Use a smaller file.", humanBytes(size), humanBytes(max))
	}
	return social.Errorf(social.Invalid, "media_too_large",
		"The file is larger than the %s limit. Use a smaller file.", humanBytes(max))
}

func driveNotShared() error {
	return social.Errorf(social.Invalid, "media_not_public",
		"Google Drive showed a web page instead of the file. Share the file with \"Anyone with the link\" and try again.")
}

// mediaType is the Content-Type without parameters, lower-cased.
func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	return mt
}

// fileName comes from Content-Disposition, else the final URL's path.
func fileName(resp *http.Response) string {
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		return path.Base(params["filename"])
	}
	if base := path.Base(resp.Request.URL.Path); base != "/" && base != "." {
		return base
	}
	return "media"
}

// humanBytes writes n in MB (MiB, as the platforms mean it) or GB.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return oneDecimal(float64(n)/(1<<30)) + " GB"
	case n >= 1<<20:
		return oneDecimal(float64(n)/(1<<20)) + " MB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

func oneDecimal(f float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

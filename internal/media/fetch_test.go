package media

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/salesai/social/internal/social"
)

// publicIP is the address the test resolver gives "public" hosts; the test
// dialer routes it to a local httptest server. TEST-NET-3 is not on the
// guard's list, so the first hop counts as public.
var publicIP = netip.MustParseAddr("203.0.113.7")

// testNet is a fake network: names resolve through hosts, and dials to
// publicIP reach server. Dials are counted so tests can prove the guard
// refused before connecting.
type testNet struct {
	hosts  map[string][]netip.Addr
	server *httptest.Server
	dials  atomic.Int32
}

func (n *testNet) lookup(_ context.Context, host string) ([]netip.Addr, error) {
	if ips, ok := n.hosts[host]; ok {
		return ips, nil
	}
	return nil, fmt.Errorf("lookup %s: no such host", host)
}

func (n *testNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	n.dials.Add(1)
	host, _, _ := net.SplitHostPort(addr)
	if host != publicIP.String() || n.server == nil {
		return nil, fmt.Errorf("test network: no route to %s", addr)
	}
	return (&net.Dialer{}).DialContext(ctx, network, n.server.Listener.Addr().String())
}

// MustFetcher returns a guarded fetcher (AllowPrivate false) on a test network
// where media.example and drive.usercontent.google.com are public and reach
// handler, and internal.example resolves to a private address.
func MustFetcher(tb testing.TB, handler http.Handler, tlsServer bool) (*Fetcher, *testNet) {
	tb.Helper()
	n := &testNet{hosts: map[string][]netip.Addr{
		"media.example":                {publicIP},
		"drive.usercontent.google.com": {publicIP},
		"internal.example":             {netip.MustParseAddr("10.0.0.5")},
		"rebind.example":               {netip.MustParseAddr("169.254.169.254")},
		"mixed.example":                {netip.MustParseAddr("192.168.1.10"), netip.MustParseAddr("fd00::1")},
	}}
	cfg := FetcherConfig{LookupIPFunc: n.lookup, DialFunc: n.dial}
	if handler != nil {
		if tlsServer {
			n.server = httptest.NewTLSServer(handler)
			pool := n.server.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
			cfg.TLSClientConfig = &tls.Config{RootCAs: pool, ServerName: "example.com"}
		} else {
			n.server = httptest.NewServer(handler)
		}
		tb.Cleanup(n.server.Close)
	}
	return NewFetcher(cfg), n
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	var se *social.Error
	if !errors.As(err, &se) {
		tb.Fatalf("error %v (%T), want social.Error %s", err, err, code)
	}
	if se.Code != code || (se.Kind != social.Invalid && se.Kind != social.Unavailable) || se.Message == "" {
		tb.Fatalf("error %s %q, want %s", se.Code, se.Message, code)
	}
}

func TestFetchRefusesPrivateAddresses(t *testing.T) {
	t.Parallel()
	urls := []string{
		"http://2130706433/",          // decimal 127.0.0.1
		"http://0177.0.0.1/",          // octal
		"http://0x7f.0.0.1/",          // hex
		"http://0x7f000001/",          // hex, one part
		"http://127.1/",               // short form
		"http://127.0.0.1:8080/a.jpg", // loopback with port
		"http://[::ffff:127.0.0.1]/",  // IPv4-mapped loopback
		"http://[::ffff:a9fe:a9fe]/",  // IPv4-mapped metadata, hex
		"http://0.0.0.0/",             // unspecified
		"http://[::]/",                // unspecified v6
		"http://[::1]/",               // loopback v6
		"http://169.254.169.254/latest/meta-data/",
		"http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/",
		"http://100.64.0.1/",            // CGNAT
		"http://192.0.0.8/",             // IETF assignments
		"http://198.18.0.1/",            // benchmarking
		"http://224.0.0.1/",             // multicast
		"http://240.0.0.1/",             // reserved
		"http://255.255.255.255/",       // broadcast
		"http://[fd00::1]/",             // ULA
		"http://[fe80::1%25eth0]/",      // link-local with zone
		"http://[ff02::1]/",             // multicast v6
		"http://[64:ff9b::a00:1]/",      // NAT64 of 10.0.0.1
		"http://[2002:7f00:1::1]/",      // 6to4 of 127.0.0.1
		"http://internal.example/a.jpg", // DNS answer is private
		"http://rebind.example/",        // DNS answer is the metadata address
		"http://mixed.example/",         // every answer private
		"https://internal.example/a.jpg",
	}
	f, n := MustFetcher(t, nil, false)
	for _, u := range urls {
		_, err := f.Fetch(context.Background(), u, 1<<20)
		wantCode(t, err, "media_private_address")
		if _, err := f.Preflight(context.Background(), u, Image); err == nil {
			t.Errorf("Preflight(%s) succeeded", u)
		}
	}
	if d := n.dials.Load(); d != 0 {
		t.Fatalf("the guard let %d dials through", d)
	}
}

func TestIsBlockedAllowsPublicAddresses(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"8.8.8.8", "1.1.1.1", "203.0.113.7", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "100.128.0.1", "172.32.0.1"} {
		if isBlocked(netip.MustParseAddr(s)) {
			t.Errorf("isBlocked(%s) = true", s)
		}
	}
}

func TestFetchRedirects(t *testing.T) {
	t.Parallel()
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("private server reached: %s", r.URL)
	}))
	t.Cleanup(private.Close)
	mux := http.NewServeMux()
	mux.HandleFunc("/to-loopback", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, private.URL+"/secret", http.StatusFound)
	})
	mux.HandleFunc("/to-rebind", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://rebind.example/latest/meta-data/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("png"))
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
	})
	f, _ := MustFetcher(t, mux, false)
	ctx := context.Background()

	_, err := f.Fetch(ctx, "http://media.example/to-loopback", 1<<20)
	wantCode(t, err, "media_private_address")
	_, err = f.Fetch(ctx, "http://media.example/to-rebind", 1<<20)
	wantCode(t, err, "media_private_address")
	_, err = f.Fetch(ctx, "http://media.example/to-file", 1<<20)
	wantCode(t, err, "media_bad_url")
	_, err = f.Fetch(ctx, "http://media.example/hop/6", 1<<20)
	wantCode(t, err, "media_too_many_redirects")

	m, err := f.Fetch(ctx, "http://media.example/hop/5", 1<<20)
	if err != nil {
		t.Fatalf("5 redirects: %v", err)
	}
	defer m.Body.Close()
	if body, _ := io.ReadAll(m.Body); string(body) != "png" || m.ContentType != "image/png" || m.Name != "0" {
		t.Fatalf("got %q %q %q", body, m.ContentType, m.Name)
	}
}

func TestFetchSizeLimit(t *testing.T) {
	t.Parallel()
	payload := bytes.Repeat([]byte("x"), 3000)
	mux := http.NewServeMux()
	mux.HandleFunc("/sized", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Disposition", `attachment; filename="photo.jpg"`)
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Length", "3000")
		w.Write(payload)
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		for i := 0; i < 3; i++ {
			w.Write(payload[:1000])
			w.(http.Flusher).Flush() // no Content-Length: only the reader can tell
		}
	})
	f, _ := MustFetcher(t, mux, false)
	ctx := context.Background()

	_, err := f.Fetch(ctx, "http://media.example/sized", 2999)
	wantCode(t, err, "media_too_large")

	m, err := f.Fetch(ctx, "http://media.example/chunked", 2500)
	if err != nil {
		t.Fatalf("chunked fetch: %v", err)
	}
	n, err := io.Copy(io.Discard, m.Body)
	m.Body.Close()
	wantCode(t, err, "media_too_large")
	if n != 2500 {
		t.Fatalf("read %d bytes before failing, want exactly the 2500 allowed", n)
	}

	m, err = f.Fetch(ctx, "http://media.example/sized", 3000)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Body.Close()
	if got, err := io.ReadAll(m.Body); err != nil || !bytes.Equal(got, payload) || m.Size != 3000 || m.Name != "photo.jpg" {
		t.Fatalf("read %d bytes, %v, size %d, name %q", len(got), err, m.Size, m.Name)
	}
}

func TestFetchRefusesBadURLsAndStatuses(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/private", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) })
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) })
	f, _ := MustFetcher(t, mux, false)
	tests := []struct{ url, code string }{
		{"ftp://media.example/a.jpg", "media_bad_url"},
		{"file:///etc/passwd", "media_bad_url"},
		{"gopher://media.example/", "media_bad_url"},
		{"/relative/a.jpg", "media_bad_url"},
		{"https://docs.google.com/document/d/" + v16ID + "/edit", "media_drive_document"},
		{"http://media.example/missing", "media_not_found"},
		{"http://media.example/private", "media_not_public"},
		{"http://media.example/broken", "media_unreachable"},
		{"http://nowhere.example/a.jpg", "media_unreachable"},
	}
	for _, tt := range tests {
		_, err := f.Fetch(context.Background(), tt.url, 1<<20)
		wantCode(t, err, tt.code)
	}
	// A media host's 5xx may pass: a publish retries it.
	_, err := f.Fetch(context.Background(), "http://media.example/broken", 1<<20)
	if social.ErrorKind(err) != social.Unavailable {
		t.Fatalf("502 from the media host: kind %v, want Unavailable", social.ErrorKind(err))
	}
}

// AllowPrivate lifts the address rule and nothing else.
func TestFetchAllowPrivate(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/loop" {
			http.Redirect(w, r, "/loop", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("0123456789"))
	}))
	t.Cleanup(srv.Close)
	f := NewFetcher(FetcherConfig{AllowPrivate: true})
	ctx := context.Background()

	m, err := f.Fetch(ctx, srv.URL+"/a.png", 100)
	if err != nil {
		t.Fatalf("loopback with AllowPrivate: %v", err)
	}
	m.Body.Close()
	_, err = f.Fetch(ctx, strings.Replace(srv.URL, "http://", "ftp://", 1), 100)
	wantCode(t, err, "media_bad_url")
	_, err = f.Fetch(ctx, srv.URL+"/loop", 100)
	wantCode(t, err, "media_too_many_redirects")
	_, err = f.Fetch(ctx, srv.URL+"/a.png", 5)
	wantCode(t, err, "media_too_large")
}

// Drive's virus-scan page (platforms.md §6.3) is followed to the file.
func TestFetchDriveVirusScanPage(t *testing.T) {
	t.Parallel()
	video := bytes.Repeat([]byte("v"), 100)
	var pageServed atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/download", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("id") != v16ID || q.Get("confirm") != "t" {
			http.NotFound(w, r)
			return
		}
		if q.Get("uuid") != "u-123" {
			pageServed.Store(true)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<html><title>Google Drive - Virus scan warning</title><body>
<form id="download-form" action="https://drive.usercontent.google.com/download" method="get">
<input type="submit" value="Download anyway"/>
<input type="hidden" name="id" value="%s"><input type="hidden" name="export" value="download">
<input type="hidden" name="confirm" value="t"><input type="hidden" name="uuid" value="u-123">
</form></body></html>`, v16ID)
			return
		}
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Disposition", `attachment; filename="clip.mp4"; filename*=UTF-8''clip.mp4`)
		w.Write(video)
	})
	f, _ := MustFetcher(t, mux, true)
	m, err := f.Fetch(context.Background(), "https://drive.google.com/file/d/"+v16ID+"/view?usp=sharing", 1<<20)
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	defer m.Body.Close()
	got, _ := io.ReadAll(m.Body)
	if !pageServed.Load() || !bytes.Equal(got, video) || m.ContentType != "video/mp4" || m.Name != "clip.mp4" {
		t.Fatalf("page served %v, got %d bytes %q %q", pageServed.Load(), len(got), m.ContentType, m.Name)
	}
}

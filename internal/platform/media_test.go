package platform_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/salesai/social/internal/media"
	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// fetcher answers every Fetch with err, or an empty image.
type fetcher struct{ err error }

func (f fetcher) Fetch(context.Context, string, int64) (*platform.Media, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &platform.Media{Body: io.NopCloser(strings.NewReader("")), Size: 0}, nil
}

func TestFetchImage(t *testing.T) {
	t.Parallel()
	const img = "https://img.example/a.jpg"
	tooLarge := social.Errorf(social.Invalid, "media_too_large", "The file is larger than 5 MB.")
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	own := &platform.Error{Platform: social.Twitter, Kind: platform.RateLimited, Code: "rate_limited"}
	tests := []struct {
		name    string
		err     error
		kind    platform.ErrorKind
		message string // "" = err comes back unchanged
	}{
		{"fetcher's refusal", fmt.Errorf("fetch: %w", tooLarge), platform.Permanent,
			"The image " + img + " could not be used for X: The file is larger than 5 MB."},
		{"media host unreachable", dialErr, platform.Temporary,
			"SalesAI could not download the image " + img + " for X; it will try again."},
		{"other failure", errors.New("unsupported protocol scheme"), platform.Permanent,
			"The image " + img + " could not be used for X: unsupported protocol scheme"},
		{"cancelled", context.Canceled, 0, ""},
		{"a platform error", own, 0, ""},
	}
	for _, tt := range tests {
		m, err := platform.FetchImage(context.Background(), fetcher{tt.err}, social.Twitter, "X", img, 5<<20)
		if m != nil {
			t.Fatalf("%s: got media with error %v", tt.name, tt.err)
		}
		if tt.message == "" {
			if err != tt.err {
				t.Errorf("%s: got %v, want %v unchanged", tt.name, err, tt.err)
			}
			continue
		}
		var pe *platform.Error
		if !errors.As(err, &pe) || pe.Kind != tt.kind || pe.Code != "media_rejected" || pe.Message != tt.message || !errors.Is(err, tt.err) {
			t.Errorf("%s: got %#v, want kind %d media_rejected %q wrapping the cause", tt.name, err, tt.kind, tt.message)
		}
	}
	if m, err := platform.FetchImage(context.Background(), fetcher{}, social.Twitter, "X", img, 5<<20); err != nil || m == nil {
		t.Errorf("a good download: %v, %v", m, err)
	}
	if _, err := platform.FetchImage(context.Background(), nil, social.LinkedIn, "LinkedIn", img, 1); err == nil {
		t.Error("no fetcher configured, want an error")
	}
}

// The real fetcher's network failures and media-host 5xx are worth another
// try; its 404 is not.
func TestFetchImageWithTheRealFetcher(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/busy.jpg":
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	}))
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	t.Cleanup(srv.Close)
	f := media.NewFetcher(media.FetcherConfig{AllowPrivate: true})
	cases := []struct {
		url  string
		kind platform.ErrorKind
	}{
		{srv.URL + "/busy.jpg", platform.Temporary},
		{closed.URL + "/a.jpg", platform.Temporary},
		{srv.URL + "/missing.jpg", platform.Permanent},
	}
	for _, tc := range cases {
		_, err := platform.FetchImage(context.Background(), f, social.Twitter, "X", tc.url, 1<<20)
		var pe *platform.Error
		if !errors.As(err, &pe) || pe.Kind != tc.kind || pe.Code != "media_rejected" {
			t.Errorf("%s: %v, want kind %d", tc.url, err, tc.kind)
		}
	}
}

package media

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/salesai/social/internal/social"
)

// Kind is what a media URL is meant to be.
type Kind int

// Media kinds.
const (
	Image Kind = iota + 1
	Video
)

func (k Kind) String() string {
	if k == Video {
		return "video"
	}
	return "image"
}

// Info is what a preflight learned about a media URL.
type Info struct {
	URL         string // the URL fetched (Drive links converted)
	ContentType string // without parameters; "" when the server sent none
	Size        int64  // -1 when unknown
}

const mb = 1 << 20

type limit struct {
	max   int64
	types []string
}

// limits per platform and kind. Sources: platforms.md §2.6 (Instagram JPEG,
// 8 MB), §3.4 (X image 5 MB, video 512 MB), §1.8 (Facebook photo < 10 MB,
// JPEG/BMP/PNG/GIF/TIFF), §5.4 (YouTube 256 GB, video/* or octet-stream),
// §2.6 Reels (300 MB). platforms.md is silent on LinkedIn; 5 MB JPEG/PNG/GIF
// images and 500 MB MP4 video follow ayrshare's LinkedIn media guidelines.
var limits = map[social.Platform]map[Kind]limit{
	social.Instagram: {
		Image: {8 * mb, []string{"image/jpeg"}},
		Video: {300 * mb, []string{"video/mp4", "video/quicktime"}},
	},
	social.Twitter: {
		Image: {5 * mb, []string{"image/jpeg", "image/png", "image/webp", "image/gif"}},
		Video: {512 * mb, []string{"video/mp4", "video/quicktime"}},
	},
	social.Facebook: {
		Image: {10 * mb, []string{"image/jpeg", "image/bmp", "image/png", "image/gif", "image/tiff"}},
	},
	social.LinkedIn: {
		Image: {5 * mb, []string{"image/jpeg", "image/png", "image/gif"}},
		Video: {500 * mb, []string{"video/mp4"}},
	},
	social.YouTube: {
		Video: {256 << 30, []string{"video/*", "application/octet-stream"}},
	},
}

// Limit returns the largest file p accepts for kind k and the content types
// it takes ("video/*" matches any video type). maxBytes 0 means unknown.
func Limit(p social.Platform, k Kind) (maxBytes int64, types []string) {
	l := limits[p][k]
	return l.max, l.types
}

// Preflight checks at compose time that url answers with a file of kind
// without downloading it: a HEAD, or a one-byte ranged GET when HEAD is
// refused. The same guard as Fetch applies.
func (f *Fetcher) Preflight(ctx context.Context, url string, kind Kind) (Info, error) {
	u, err := f.checkURL(url)
	if err != nil {
		return Info{}, err
	}
	resp, err := f.do(ctx, http.MethodHead, u, nil)
	if err == nil && isDriveHost(resp.Request.URL.Hostname()) && mediaType(resp.Header.Get("Content-Type")) == "text/html" {
		resp.Body.Close()
		err = errHeadRefused // Drive's virus-scan page: ask with a GET that follows it
	}
	if headRefused(err) {
		resp, err = f.get(ctx, u.String(), http.Header{"Range": {"bytes=0-0"}})
	}
	if err != nil {
		return Info{}, err
	}
	resp.Body.Close()
	info := Info{URL: resp.Request.URL.String(), ContentType: mediaType(resp.Header.Get("Content-Type")), Size: responseSize(resp)}
	return info, checkKind(info, kind)
}

var errHeadRefused = errors.New("HEAD refused")

// headRefused: servers that do not do HEAD answer 405 or 501; presigned
// storage URLs signed for GET answer 403 or 400.
func headRefused(err error) bool {
	var hs httpStatusError
	if errors.Is(err, errHeadRefused) {
		return true
	}
	if !errors.As(err, &hs) {
		return false
	}
	switch int(hs) {
	case http.StatusMethodNotAllowed, http.StatusNotImplemented, http.StatusForbidden, http.StatusBadRequest:
		return true
	}
	return false
}

// responseSize reads the full size from Content-Range on a 206, else
// Content-Length.
func responseSize(resp *http.Response) int64 {
	if resp.StatusCode == http.StatusPartialContent {
		cr := resp.Header.Get("Content-Range")
		if i := strings.LastIndex(cr, "/"); i >= 0 {
			if n, err := strconv.ParseInt(cr[i+1:], 10, 64); err == nil {
				return n
			}
		}
		return -1
	}
	return resp.ContentLength
}

func checkKind(info Info, kind Kind) error {
	ct := info.ContentType
	ok := ct == "" || strings.HasPrefix(ct, kind.String()+"/") || (kind == Video && ct == "application/octet-stream")
	if ok {
		return nil
	}
	hint := "Use a direct link to the file itself."
	if ct == "text/html" {
		hint = "It is a web page; use a direct link to the file itself (for Google Drive, share it with \"Anyone with the link\")."
	}
	return social.Errorf(social.Invalid, "media_wrong_type",
		"The %s URL returns %s, not %s. %s", kind, ct, article(kind), hint)
}

func article(k Kind) string {
	if k == Video {
		return "a video"
	}
	return "an image"
}

// Check reports whether the file fits platform p's limits for kind.
func (i Info) Check(p social.Platform, kind Kind) error {
	max, types := Limit(p, kind)
	if max > 0 && i.Size > max {
		return social.Errorf(social.Invalid, "media_too_large",
			"%s accepts %ss up to %s; this file is %s. Use a smaller file.",
			p.Title(), kind, humanBytes(max), humanBytes(i.Size))
	}
	if i.ContentType == "" || len(types) == 0 || typeAccepted(i.ContentType, types) {
		return nil
	}
	return social.Errorf(social.Invalid, "media_unsupported_type",
		"%s does not accept %s %ss; it takes %s.", p.Title(), i.ContentType, kind, strings.Join(types, ", "))
}

func typeAccepted(ct string, types []string) bool {
	for _, t := range types {
		if t == ct || (strings.HasSuffix(t, "/*") && strings.HasPrefix(ct, strings.TrimSuffix(t, "*"))) {
			return true
		}
	}
	return false
}

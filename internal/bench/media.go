package bench

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MediaServer is a user's public media host: a small JPEG at /image.jpg and,
// at /video/SIZE.mp4, a video of SIZE bytes generated as it is read, so even
// a 1 GiB video is never held in memory or stored on disk.
type MediaServer struct {
	URL string
	img []byte
}

// NewMediaServer returns the handler; Start serves it.
func NewMediaServer() *MediaServer {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 400, 400)), nil)
	return &MediaServer{img: buf.Bytes()}
}

// ImageURL is the JPEG's URL.
func (m *MediaServer) ImageURL() string { return m.URL + "/image.jpg" }

// VideoURL is the URL of a generated video of size bytes.
func (m *MediaServer) VideoURL(size int64) string {
	return m.URL + "/video/" + strconv.FormatInt(size, 10) + ".mp4"
}

var modTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (m *MediaServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/image.jpg":
		w.Header().Set("Content-Type", "image/jpeg")
		http.ServeContent(w, r, "image.jpg", modTime, bytes.NewReader(m.img))
	case strings.HasPrefix(r.URL.Path, "/video/") && strings.HasSuffix(r.URL.Path, ".mp4"):
		size, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/video/"), ".mp4"), 10, 64)
		if err != nil || size < 0 {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "video/mp4")
		http.ServeContent(w, r, "video.mp4", modTime, &genFile{size: size})
	default:
		http.NotFound(w, r)
	}
}

// pattern is the repeating content of generated videos.
var pattern = func() []byte {
	b := make([]byte, 64<<10)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}()

// genFile is a seekable file of size bytes made of pattern, computed on read.
type genFile struct{ size, off int64 }

func (g *genFile) Read(p []byte) (int, error) {
	if g.off >= g.size {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), g.size-g.off)]
	n := 0
	for n < len(p) {
		n += copy(p[n:], pattern[(g.off+int64(n))%int64(len(pattern)):])
	}
	g.off += int64(n)
	return n, nil
}

func (g *genFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += g.off
	case io.SeekEnd:
		off += g.size
	}
	if off < 0 {
		return 0, errors.New("seek before start")
	}
	g.off = off
	return off, nil
}

package platformtest

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"testing"
)

// BigImageBytes is how much /big.jpg streams: past every image limit the
// clients apply (X 5 MB, LinkedIn 20 MB).
const BigImageBytes = 21 << 20

// JPEGServer serves images for the clients to download, until the test ends:
// /NAME.jpg is a small real JPEG that differs per path, /big.jpg streams
// BigImageBytes with no length announced (only reading finds out how large it
// is), and anything else is 404.
func JPEGServer(t testing.TB) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(serveJPEG))
	t.Cleanup(srv.Close)
	return srv
}

// ImageURL is the n-th distinct image on a JPEGServer.
func ImageURL(srv *httptest.Server, n int) string { return srv.URL + "/" + strconv.Itoa(n) + ".jpg" }

func serveJPEG(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/big.jpg" {
		streamBig(w)
		return
	}
	if path.Ext(r.URL.Path) != ".jpg" {
		http.NotFound(w, r)
		return
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(r.URL.Path))
	sum := h.Sum32()
	img := image.NewRGBA(image.Rect(0, 0, 16, 9))
	for x := range 16 {
		for y := range 9 {
			img.Set(x, y, color.RGBA{R: uint8(sum), G: uint8(sum >> 8), B: uint8(sum >> 16), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", fmt.Sprint(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}

// streamBig sends a JPEG start-of-image marker, then zeros, chunked.
func streamBig(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "image/jpeg")
	_, _ = w.Write([]byte("\xff\xd8\xff\xe0"))
	w.(http.Flusher).Flush()
	chunk := make([]byte, 1<<20)
	for range BigImageBytes >> 20 {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

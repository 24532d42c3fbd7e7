package platformtest

import (
	"bytes"
	"image/jpeg"
	"io"
	"net/http"
	"testing"
)

// The images the clients upload must be real JPEGs, distinct per URL, and
// the big one must be too large for every client's limit.
func TestJPEGServer(t *testing.T) {
	t.Parallel()
	srv := JPEGServer(t)
	get := func(u string) (int, []byte) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, b
	}
	_, one := get(ImageURL(srv, 1))
	_, two := get(ImageURL(srv, 2))
	for _, b := range [][]byte{one, two} {
		if _, err := jpeg.Decode(bytes.NewReader(b)); err != nil {
			t.Fatalf("image does not decode as JPEG: %v", err)
		}
	}
	if bytes.Equal(one, two) {
		t.Error("images 1 and 2 are the same bytes")
	}
	if _, big := get(srv.URL + "/big.jpg"); len(big) <= 20<<20 {
		t.Errorf("big.jpg is %d bytes, want more than 20 MiB", len(big))
	}
	if status, _ := get(srv.URL + "/gone"); status != http.StatusNotFound {
		t.Errorf("/gone answered %d, want 404", status)
	}
}

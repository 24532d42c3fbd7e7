package media

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/salesai/social/internal/social"
)

func TestLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p        social.Platform
		k        Kind
		max      int64
		firstTyp string
	}{
		{social.Instagram, Image, 8 << 20, "image/jpeg"},
		{social.Twitter, Image, 5 << 20, "image/jpeg"},
		{social.Facebook, Image, 10 << 20, "image/jpeg"},
		{social.LinkedIn, Image, 5 << 20, "image/jpeg"},
		{social.YouTube, Video, 256 << 30, "video/*"},
		{social.YouTube, Image, 0, ""},
	}
	for _, tt := range tests {
		max, types := Limit(tt.p, tt.k)
		first := ""
		if len(types) > 0 {
			first = types[0]
		}
		if max != tt.max || first != tt.firstTyp {
			t.Errorf("Limit(%s, %s) = %d %v, want %d %s…", tt.p, tt.k, max, types, tt.max, tt.firstTyp)
		}
	}
}

// previewServer answers HEAD like a file server unless the path starts with
// /nohead/, where HEAD is refused and only a ranged GET tells the size.
func previewServer(t *testing.T, gets *int) http.Handler {
	files := map[string]struct {
		ct   string
		size int64
	}{
		"/photo.jpg":        {"image/jpeg", 2 << 20},
		"/big.jpg":          {"image/jpeg", 9 << 20},
		"/shot.png":         {"image/png", 1 << 20},
		"/page":             {"text/html; charset=utf-8", 512},
		"/clip.bin":         {"application/octet-stream", 40 << 20},
		"/nohead/photo.jpg": {"image/jpeg", 12345},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Method == http.MethodHead && len(r.URL.Path) > 8 && r.URL.Path[:8] == "/nohead/" {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", f.ct)
		if r.Method == http.MethodGet {
			*gets++
			if r.Header.Get("Range") != "bytes=0-0" {
				t.Errorf("preflight GET without Range: %v", r.Header)
			}
			w.Header().Set("Content-Range", "bytes 0-0/"+strconv.FormatInt(f.size, 10))
			w.WriteHeader(http.StatusPartialContent)
			w.Write([]byte("x"))
			return
		}
		w.Header().Set("Content-Length", strconv.FormatInt(f.size, 10))
	})
}

func TestPreflight(t *testing.T) {
	t.Parallel()
	gets := 0
	f, _ := MustFetcher(t, previewServer(t, &gets), false)
	tests := []struct {
		path     string
		kind     Kind
		wantSize int64
		wantCode string
	}{
		{path: "/photo.jpg", kind: Image, wantSize: 2 << 20},
		{path: "/nohead/photo.jpg", kind: Image, wantSize: 12345},
		{path: "/clip.bin", kind: Video, wantSize: 40 << 20},
		{path: "/page", kind: Image, wantCode: "media_wrong_type"},
		{path: "/photo.jpg", kind: Video, wantCode: "media_wrong_type"},
		{path: "/gone.jpg", kind: Image, wantCode: "media_not_found"},
	}
	for _, tt := range tests {
		info, err := f.Preflight(context.Background(), "http://media.example"+tt.path, tt.kind)
		if tt.wantCode != "" {
			wantCode(t, err, tt.wantCode)
			continue
		}
		if err != nil || info.Size != tt.wantSize || info.URL != "http://media.example"+tt.path {
			t.Errorf("Preflight(%s) = %+v, %v; want size %d", tt.path, info, err, tt.wantSize)
		}
	}
	if gets != 1 {
		t.Errorf("%d ranged GETs, want 1 (only where HEAD was refused)", gets)
	}
}

func TestInfoCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		info     Info
		p        social.Platform
		kind     Kind
		wantCode string
	}{
		{Info{ContentType: "image/jpeg", Size: 2 << 20}, social.Instagram, Image, ""},
		{Info{ContentType: "image/jpeg", Size: 9 << 20}, social.Instagram, Image, "media_too_large"},
		{Info{ContentType: "image/jpeg", Size: 9 << 20}, social.Facebook, Image, ""},
		{Info{ContentType: "image/jpeg", Size: 6 << 20}, social.Twitter, Image, "media_too_large"},
		{Info{ContentType: "image/png", Size: 1 << 20}, social.Instagram, Image, "media_unsupported_type"},
		{Info{ContentType: "image/png", Size: 1 << 20}, social.LinkedIn, Image, ""},
		{Info{ContentType: "video/webm", Size: 1 << 30}, social.YouTube, Video, ""},
		{Info{ContentType: "application/octet-stream", Size: -1}, social.YouTube, Video, ""},
		{Info{ContentType: "", Size: -1}, social.Instagram, Image, ""},
	}
	for _, tt := range tests {
		err := tt.info.Check(tt.p, tt.kind)
		if tt.wantCode == "" {
			if err != nil {
				t.Errorf("%+v on %s: %v", tt.info, tt.p, err)
			}
			continue
		}
		wantCode(t, err, tt.wantCode)
	}
	err := Info{ContentType: "image/jpeg", Size: 9 << 20}.Check(social.Instagram, Image)
	if want := "Instagram accepts images up to 8 MB; this file is 9 MB. Use a smaller file."; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
}

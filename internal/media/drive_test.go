package media

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/salesai/social/internal/social"
)

// The file ID of platforms.md V16.
const v16ID = "0B_NiLAzvehC9R2stRmQyM3ZiVjQ"

func TestDirectURL(t *testing.T) {
	t.Parallel()
	want := "https://drive.usercontent.google.com/download?id=" + v16ID + "&export=download&confirm=t"
	tests := []struct {
		in       string
		want     string // "" when an error is expected
		wantCode string
	}{
		// V16 and §6.1 file forms.
		{in: "https://drive.google.com/open?id=" + v16ID, want: want},
		{in: "https://drive.google.com/uc?id=" + v16ID, want: want},
		{in: "https://drive.google.com/file/d/" + v16ID + "/view?usp=sharing", want: want},
		{in: "https://drive.google.com/file/d/" + v16ID + "/view?usp=drive_link", want: want},
		{in: "https://drive.google.com/file/d/" + v16ID + "/edit", want: want},
		{in: "https://drive.google.com/file/d/" + v16ID + "/preview", want: want},
		{in: "https://drive.google.com/file/d/" + v16ID, want: want},
		{in: "https://drive.google.com/a/example.com/uc?id=" + v16ID + "&export=download", want: want},
		{in: "https://drive.google.com/file/u/0/d/" + v16ID + "/view?usp=sharing", want: want},
		{in: "https://drive.google.com/uc?export=download&id=" + v16ID, want: want},
		{in: "https://docs.google.com/uc?id=" + v16ID + "&export=download", want: want},
		{in: "https://docs.google.com/uc?export=download&id=" + v16ID, want: want},
		{in: "https://drive.usercontent.google.com/download?id=" + v16ID + "&export=download&confirm=t&uuid=1f2e&authuser=0", want: want},
		{in: "  https://DRIVE.google.com/file/d/" + v16ID + "/view  ", want: want},
		// V16 editor documents: not media files.
		{in: "https://docs.google.com/document/d/" + v16ID + "/edit", wantCode: "media_drive_document"},
		{in: "https://docs.google.com/spreadsheets/d/" + v16ID + "/edit", wantCode: "media_drive_document"},
		{in: "https://docs.google.com/presentation/d/" + v16ID + "/edit", wantCode: "media_drive_document"},
		{in: "https://docs.google.com/document/u/0/d/" + v16ID + "/edit", wantCode: "media_drive_document"},
		{in: "https://docs.google.com/presentation/u/0/d/" + v16ID + "/htmlview", wantCode: "media_drive_document"},
		// Folders and links without a file.
		{in: "https://drive.google.com/drive/folders/" + v16ID, wantCode: "media_drive_folder"},
		{in: "https://drive.google.com/drive/u/1/folders/" + v16ID + "?usp=sharing", wantCode: "media_drive_folder"},
		{in: "https://drive.google.com/drive/my-drive", wantCode: "media_bad_url"},
		{in: "https://drive.google.com/uc?id=bad%20id", wantCode: "media_bad_url"},
		{in: "https://drive.google.com/open?id=a&id=b", wantCode: "media_bad_url"},
		// Not Drive: unchanged.
		{in: "https://cdn.example.com/a.jpg", want: "https://cdn.example.com/a.jpg"},
		{in: "https://drive.google.com.evil.example/file/d/" + v16ID + "/view", want: "https://drive.google.com.evil.example/file/d/" + v16ID + "/view"},
		{in: "not a url at all", want: "not a url at all"},
	}
	for _, tt := range tests {
		got, err := DirectURL(tt.in)
		if tt.wantCode != "" {
			var se *social.Error
			if !errors.As(err, &se) || se.Code != tt.wantCode || se.Kind != social.Invalid || se.Message == "" {
				t.Errorf("DirectURL(%q) = %q, %v; want error %s", tt.in, got, err, tt.wantCode)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("DirectURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func FuzzDirectURL(f *testing.F) {
	for _, s := range []string{
		"https://drive.google.com/open?id=" + v16ID,
		"https://drive.google.com/file/d/" + v16ID + "/view?usp=sharing",
		"https://drive.google.com/a/example.com/uc?id=" + v16ID + "&export=download",
		"https://drive.google.com/file/u/0/d/" + v16ID + "/view",
		"https://docs.google.com/presentation/u/0/d/" + v16ID + "/htmlview",
		"https://drive.google.com/drive/folders/" + v16ID,
		"https://drive.usercontent.google.com/download?id=x&export=download",
		"https://example.com/a.jpg", "", "%", "https://drive.google.com/%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := DirectURL(raw)
		if err != nil {
			var se *social.Error
			if !errors.As(err, &se) || se.Kind != social.Invalid || se.Message == "" {
				t.Fatalf("DirectURL(%q): error %v is not an Invalid social.Error", raw, err)
			}
			return
		}
		if got == raw {
			return
		}
		// A conversion is always the direct form with a well-formed ID.
		u, perr := url.Parse(got)
		if perr != nil || u.Host != "drive.usercontent.google.com" || !driveID.MatchString(u.Query().Get("id")) ||
			!strings.HasSuffix(got, "&export=download&confirm=t") {
			t.Fatalf("DirectURL(%q) = %q, not a direct Drive download URL", raw, got)
		}
		if again, err := DirectURL(got); err != nil || again != got {
			t.Fatalf("DirectURL is not idempotent on %q: %q, %v", got, again, err)
		}
	})
}

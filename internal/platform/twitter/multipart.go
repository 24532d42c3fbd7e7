package twitter

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"strings"

	"github.com/salesai/social/internal/platform"
)

// field is one small multipart form field.
type field struct{ name, value string }

// multipartBody is a multipart/form-data body that streams the media part:
// the small head (fields and the part header) and tail (closing boundary)
// are rendered up front, the media bytes are read as the request is sent, so
// memory never grows with the image. When the media size is known so is the
// whole body's, and the request carries a Content-Length instead of chunking.
type multipartBody struct {
	io.Reader
	media       io.Closer
	size        int64 // -1 when unknown
	contentType string
}

func (b *multipartBody) Close() error { return b.media.Close() }

// newMultipartBody lays out fields, then m as the file part named name.
func newMultipartBody(fields []field, name string, m *platform.Media) *multipartBody {
	var head, tail bytes.Buffer
	sw := &switchWriter{w: &head}
	mw := multipart.NewWriter(sw)
	for _, f := range fields {
		_ = mw.WriteField(f.name, f.value) // writes to a bytes.Buffer cannot fail
	}
	_, _ = mw.CreatePart(filePartHeader(name, m))
	sw.w = &tail
	_ = mw.Close()
	size := int64(-1)
	if m.Size >= 0 {
		size = int64(head.Len()) + m.Size + int64(tail.Len())
	}
	return &multipartBody{
		Reader: io.MultiReader(&head, m.Body, &tail), media: m.Body,
		size: size, contentType: mw.FormDataContentType(),
	}
}

// switchWriter lets the multipart writer's output move from head to tail.
type switchWriter struct{ w io.Writer }

func (s *switchWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", "")

func filePartHeader(field string, m *platform.Media) textproto.MIMEHeader {
	name, ct := m.Name, m.ContentType
	if name == "" {
		name = "image"
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, field, quoteEscaper.Replace(name)))
	h.Set("Content-Type", ct)
	return h
}

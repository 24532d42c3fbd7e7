package youtube

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// window holds the bytes of the video YouTube has not confirmed yet, read
// from the download as the upload goes: memory is one chunk (plus one byte)
// whatever the video's size. Keeping the unconfirmed bytes is what lets an
// interrupted chunk resume from the exact byte YouTube reports, mid-chunk
// included, without downloading anything again.
//
// The extra byte of capacity tells, without asking the source again, whether
// a full chunk is the last one: that is how a video of unknown size learns
// its total in time to put it in the final chunk's Content-Range.
type window struct {
	r     io.Reader
	buf   []byte // unconfirmed bytes; buf[0] is byte `start` of the video
	start int64
	chunk int
	size  int64 // size the download announced, -1 if none
	total int64 // -1 until the end of the download was read
	max   int64
	eof   bool
}

func newWindow(m *platform.Media, chunk int, maxBytes int64) *window {
	size := m.Size
	if size == 0 {
		size = -1 // let the read prove it empty
	}
	capacity := chunk + 1
	var r io.Reader = m.Body
	if size > 0 {
		capacity = int(min(int64(chunk), size)) + 1
		r = io.LimitReader(m.Body, size+1) // one byte more than announced is an error
	}
	return &window{r: r, buf: make([]byte, 0, capacity), chunk: chunk, size: size, total: -1, max: maxBytes}
}

// fill reads until the buffer is full or the download ends.
func (w *window) fill() error {
	if w.eof {
		return nil
	}
	n, err := io.ReadFull(w.r, w.buf[len(w.buf):cap(w.buf)])
	w.buf = w.buf[:len(w.buf)+n]
	held := w.start + int64(len(w.buf))
	switch {
	case err == nil:
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		w.eof, w.total = true, held
	default:
		return readError(err)
	}
	switch {
	case held > w.max:
		return &platform.Error{Platform: yt, Kind: platform.Permanent, Code: "media_rejected",
			Message: fmt.Sprintf("The video at video_url is larger than the %d MiB SalesAI uploads to YouTube. Use a smaller file.", w.max>>20)}
	case w.size >= 0 && (held > w.size || (w.eof && held != w.size)):
		return mediaError(fmt.Errorf("youtube: read video: the download sent %d bytes or more, not the announced %d", held, w.size), platform.Temporary)
	case w.eof && w.total == 0:
		return &platform.Error{Platform: yt, Kind: platform.Permanent, Code: "media_rejected",
			Message: "The video at video_url is empty. Check that the link points at the video file."}
	}
	return nil
}

// readError is a download that broke off. The fetcher's own verdict (such as
// the size limit) is final; anything else is worth another try.
func readError(err error) error {
	kind := platform.Temporary
	var se *social.Error
	if errors.As(err, &se) {
		kind = platform.Permanent
	}
	return mediaError(fmt.Errorf("youtube: read video: %w", err), kind)
}

// piece is what to send next: a whole chunk (a multiple of 256 KiB, §5.4)
// from the first unconfirmed byte, or everything left when that is the last.
func (w *window) piece() (b []byte, final bool) {
	if w.eof && len(w.buf) <= w.chunk {
		return w.buf, true
	}
	return w.buf[:w.chunk], false
}

// advance drops the bytes before next, which YouTube confirmed, and reads on.
func (w *window) advance(next int64) error {
	n := next - w.start
	if n < 0 || n > int64(len(w.buf)) {
		return protocolError(fmt.Sprintf("YouTube reported %d bytes received, outside the part SalesAI still holds (%d-%d)",
			next, w.start, w.start+int64(len(w.buf))))
	}
	w.buf = w.buf[:copy(w.buf, w.buf[n:])]
	w.start = next
	return w.fill()
}

// knownTotal is the video's size when known: announced, or read to the end.
func (w *window) knownTotal() int64 {
	if w.total >= 0 {
		return w.total
	}
	return w.size
}

func (w *window) totalOrStar() string {
	if t := w.knownTotal(); t >= 0 {
		return strconv.FormatInt(t, 10)
	}
	return "*"
}

// contentRange is the header for sending n bytes from the first unconfirmed
// one; n == 0 is a status query (everything was sent).
func (w *window) contentRange(n int) string {
	if n == 0 {
		return "bytes */" + w.totalOrStar()
	}
	return fmt.Sprintf("bytes %d-%d/%s", w.start, w.start+int64(n)-1, w.totalOrStar())
}

package platform

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/salesai/social/internal/social"
)

// FetchImage opens an image the client uploads itself (X, LinkedIn) through
// f, the SSRF-safe fetcher, up to maxBytes. name is the platform as users know
// it ("X"). A failed download is mapped so the platform is never called with
// it: the fetcher's own refusals (private address, too large, not found: a
// *social.Error) and other unusable URLs fail the post with its words; a
// network failure or a 5xx on the way to the media host (the fetcher marks
// those Unavailable) is Temporary (the platform was not called, so nothing
// can be doubled); a cancelled context or a
// *Error is returned as it is.
func FetchImage(ctx context.Context, f MediaFetcher, p social.Platform, name, imageURL string, maxBytes int64) (*Media, error) {
	if f == nil {
		return nil, fmt.Errorf("%s: no media fetcher configured", p)
	}
	m, err := f.Fetch(ctx, imageURL, maxBytes)
	if err == nil {
		return m, nil
	}
	var pe *Error
	var se *social.Error
	var ne net.Error
	switch {
	case errors.As(err, &pe), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return nil, err
	case errors.As(err, &se) && se.Kind != social.Unavailable:
		return nil, ImageRejected(p, name, imageURL, se.Message, 0, err)
	case errors.As(err, &se), errors.As(err, &ne):
		return nil, &Error{Platform: p, Kind: Temporary, Code: "media_rejected",
			Message: fmt.Sprintf("SalesAI could not download the image %s for %s; it will try again.", imageURL, name), Err: err}
	}
	return nil, ImageRejected(p, name, imageURL, err.Error(), 0, err)
}

// ImageRejected fails a post over one unusable image, naming it and the
// reason (the fetcher's or the platform's words).
func ImageRejected(p social.Platform, name, imageURL, reason string, status int, err error) *Error {
	return &Error{Platform: p, Kind: Permanent, Status: status, Code: "media_rejected",
		Message: fmt.Sprintf("The image %s could not be used for %s: %s", imageURL, name, strings.TrimSpace(reason)), Err: err}
}

package publish

import (
	"context"
	"errors"
	"strconv"
	"sync"

	"github.com/salesai/social/internal/media"
	"github.com/salesai/social/internal/social"
)

// Preflighter checks a media URL before anything is stored (internal/media).
type Preflighter interface {
	Preflight(ctx context.Context, url string, kind media.Kind) (media.Info, error)
}

// preflight checks every image and video URL once (in parallel) and then
// against each selected platform's limits, so a user learns at compose time
// that a link is private, missing, too big or of the wrong type.
func (s *Service) preflight(ctx context.Context, c social.Compose, selected []social.Selected) social.Problems {
	if s.media == nil {
		return nil
	}
	type check struct {
		field string
		url   string
		kind  media.Kind
		info  media.Info
		err   error
	}
	var checks []*check
	for i, u := range c.ImageURLs {
		checks = append(checks, &check{field: "image_urls[" + strconv.Itoa(i) + "]", url: u, kind: media.Image})
	}
	if c.VideoURL != "" {
		checks = append(checks, &check{field: "video_url", url: c.VideoURL, kind: media.Video})
	}
	var wg sync.WaitGroup
	for _, ch := range checks {
		wg.Go(func() { ch.info, ch.err = s.media.Preflight(ctx, ch.url, ch.kind) })
	}
	wg.Wait()
	var probs social.Problems
	for _, ch := range checks {
		if ch.err != nil {
			probs = append(probs, mediaProblem(ch.field, 0, ch.err))
			continue
		}
		for _, sel := range selected {
			if sel.Account == nil || !usesMedia(sel.Account.Platform, ch.kind) {
				continue
			}
			if err := ch.info.Check(sel.Account.Platform, ch.kind); err != nil {
				probs = append(probs, mediaProblem(ch.field, sel.ID, err))
			}
		}
	}
	return probs
}

// usesMedia reports whether a platform publishes that kind of media of a
// post (YouTube takes only the video; the others only the images).
func usesMedia(p social.Platform, k media.Kind) bool {
	if k == media.Video {
		return p == social.YouTube
	}
	return p != social.YouTube
}

func mediaProblem(field string, accountID int64, err error) social.Problem {
	var e *social.Error
	if errors.As(err, &e) {
		return social.Problem{Field: field, AccountID: accountID, Code: e.Code, Message: e.Message}
	}
	return social.Problem{Field: field, AccountID: accountID, Code: "media_unreachable",
		Message: "SalesAI could not check this link. Make sure it is public and try again."}
}

package linkedin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/salesai/social/internal/platform"
)

// findCount is how many shares one finder page reads, and findPages how
// many pages at most: the author's newest shares are read until one older
// than the attempt. A single page is not enough: a crashed process's job is
// reconciled only once River rescues it, and by then a backlog of the same
// author's posts may have been published after the in-doubt one (the crash
// test in cmd/salesai published 30 after it, and then a second copy).
const (
	findCount = 50
	findPages = 10
)

type ugcElement struct {
	ID              string `json:"id"`
	SpecificContent struct {
		ShareContent struct {
			ShareCommentary text `json:"shareCommentary"`
		} `json:"com.linkedin.ugc.ShareContent"`
	} `json:"specificContent"`
	Created struct {
		Time int64 `json:"time"` // epoch milliseconds
	} `json:"created"`
	FirstPublishedAt int64 `json:"firstPublishedAt"`
}

// FindPublished looks through the author's newest shares, made since a time,
// for one with the draft's text: GET /v2/ugcPosts?q=authors&authors=List(urn)
// (the UGC Post API's finder, guide §D's posting doc), newest first, paged
// with start/count until a share older than since.
func (c *Client) FindPublished(ctx context.Context, a platform.Account, d platform.Draft, since time.Time) (platform.Result, bool, error) {
	token, author, err := credentials(a)
	if err != nil {
		return platform.Result{}, false, err
	}
	want, since := normalize(d.Caption), since.Truncate(time.Millisecond)
	for page := range findPages {
		// Rest.li 2.0: the URN inside List(...) is URL-encoded, the List syntax is not.
		u := ugcPostsURL + "?q=authors&authors=List(" + url.QueryEscape(author) + ")&start=" +
			strconv.Itoa(page*findCount) + "&count=" + strconv.Itoa(findCount)
		var out struct {
			Elements []ugcElement `json:"elements"`
		}
		if err := c.callJSON(ctx, http.MethodGet, u, token, nil, &out, true); err != nil {
			return platform.Result{}, false, err
		}
		older := false
		for _, e := range out.Elements {
			if at := e.created(); !at.IsZero() && at.Before(since) {
				older = true
				continue
			}
			if normalize(e.SpecificContent.ShareContent.ShareCommentary.Text) == want {
				return platform.Result{PostID: e.ID, Permalink: permalink(e.ID)}, true, nil
			}
		}
		if older || len(out.Elements) < findCount {
			break
		}
	}
	return platform.Result{}, false, nil
}

// created is when the share was made; the zero time when LinkedIn left it out
// (the text alone decides then).
func (e ugcElement) created() time.Time {
	ms := e.Created.Time
	if ms == 0 {
		ms = e.FirstPublishedAt
	}
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// normalize compares texts without regard to surrounding or repeated whitespace.
func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

package instagram

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/salesai/social/internal/platform"
)

// findSlack widens the search window for clock skew between us and Meta.
const findSlack = 2 * time.Minute

// graphTime is the IG Media timestamp layout (e.g. 2026-03-02T09:00:00+0000).
const graphTime = "2006-01-02T15:04:05-0700"

type igMedia struct {
	ID        string `json:"id"`
	Caption   string `json:"caption"`
	Timestamp string `json:"timestamp"`
	Permalink string `json:"permalink"`
}

// FindPublished looks through the account's media (GET /{ig-user-id}/media,
// newest first) for one with the draft's caption posted since a time. It
// pages back until the media are older than that, however many were posted
// since (a burst must not hide the one it looks for), up to findMaxPages.
func (c *Client) FindPublished(ctx context.Context, a platform.Account, d platform.Draft, since time.Time) (platform.Result, bool, error) {
	h, err := c.hostFor(a)
	if err != nil {
		return platform.Result{}, false, err
	}
	want, from := sameText(d.Caption), since.Add(-findSlack)
	after := ""
	for range findMaxPages {
		var out struct {
			Data   []igMedia `json:"data"`
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
				Next string `json:"next"`
			} `json:"paging"`
		}
		q := url.Values{"fields": {"id,caption,timestamp,permalink"}, "limit": {"50"}}
		if after != "" {
			q.Set("after", after)
		}
		if err := h.graph.Get(ctx, h.url(a.PlatformAccountID, "media"), h.token, q, &out); err != nil {
			return platform.Result{}, false, err
		}
		older := false
		for _, m := range out.Data {
			if t, err := time.Parse(graphTime, m.Timestamp); err == nil && t.Before(from) {
				older = true
				continue
			}
			if sameText(m.Caption) == want {
				return platform.Result{PostID: m.ID, Permalink: m.Permalink}, true, nil
			}
		}
		if older || out.Paging.Next == "" || out.Paging.Cursors.After == "" {
			return platform.Result{}, false, nil
		}
		after = out.Paging.Cursors.After
	}
	return platform.Result{}, false, errors.New("instagram: more media since the attempt than SalesAI can look through")
}

// findMaxPages bounds the look back: 50 a page, up to 1,000 media.
const findMaxPages = 20

// sameText compares captions give or take surrounding and repeated whitespace.
func sameText(s string) string { return strings.Join(strings.Fields(s), " ") }

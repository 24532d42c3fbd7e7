package instagram

import (
	"context"
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

// FindPublished looks through the account's newest media (GET
// /{ig-user-id}/media) for one with the draft's caption posted since a time.
// An in-doubt attempt is minutes old, so one page of 50 is enough.
func (c *Client) FindPublished(ctx context.Context, a platform.Account, d platform.Draft, since time.Time) (platform.Result, bool, error) {
	h, err := c.hostFor(a)
	if err != nil {
		return platform.Result{}, false, err
	}
	var out struct {
		Data []igMedia `json:"data"`
	}
	q := url.Values{"fields": {"id,caption,timestamp,permalink"}, "limit": {"50"}}
	if err := h.graph.Get(ctx, h.url(a.PlatformAccountID, "media"), h.token, q, &out); err != nil {
		return platform.Result{}, false, err
	}
	want, from := sameText(d.Caption), since.Add(-findSlack)
	for _, m := range out.Data {
		if t, err := time.Parse(graphTime, m.Timestamp); err == nil && t.Before(from) {
			continue
		}
		if sameText(m.Caption) == want {
			return platform.Result{PostID: m.ID, Permalink: m.Permalink}, true, nil
		}
	}
	return platform.Result{}, false, nil
}

// sameText compares captions give or take surrounding and repeated whitespace.
func sameText(s string) string { return strings.Join(strings.Fields(s), " ") }

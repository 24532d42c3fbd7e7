package facebook

import (
	"cmp"
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/salesai/social/internal/platform"
)

// findSlack widens the search window for clock skew between us and Graph.
const findSlack = 2 * time.Minute

// graphTime is Graph's created_time layout (e.g. 2026-03-02T09:00:00+0000).
const graphTime = "2006-01-02T15:04:05-0700"

type feedPost struct {
	ID           string `json:"id"`
	Message      string `json:"message"`
	CreatedTime  string `json:"created_time"`
	PermalinkURL string `json:"permalink_url"`
}

// FindPublished looks for a Page post with the draft's text made since a
// time: in /{page}/feed, and for a scheduled draft also in
// /{page}/scheduled_posts (§1.6 listing).
func (c *Client) FindPublished(ctx context.Context, a platform.Account, d platform.Draft, since time.Time) (platform.Result, bool, error) {
	tok, err := accessToken(a)
	if err != nil {
		return platform.Result{}, false, err
	}
	edges := []string{"feed"}
	if !d.At.IsZero() {
		edges = append(edges, "scheduled_posts")
	}
	want := sameText(d.Caption)
	for _, edge := range edges {
		posts, err := c.postsSince(ctx, tok, a.PlatformAccountID, edge, since.Add(-findSlack))
		if err != nil {
			return platform.Result{}, false, err
		}
		for _, p := range posts {
			if sameText(p.Message) != want {
				continue
			}
			res := platform.Result{PostID: p.ID}
			if edge == "feed" { // a scheduled post has no public link yet
				res.Permalink = cmp.Or(p.PermalinkURL, PostURL(p.ID))
			}
			return res, true, nil
		}
	}
	return platform.Result{}, false, nil
}

// postsSince reads an edge, newest first, and keeps the posts created since
// a time, paging back (the after cursor) until the posts are older than
// that, up to 10 pages of 100: a burst must not hide an in-doubt post.
func (c *Client) postsSince(ctx context.Context, tok, page, edge string, since time.Time) ([]feedPost, error) {
	var keep []feedPost
	after := ""
	for range 10 {
		q := url.Values{
			"fields": {"id,message,created_time,permalink_url"},
			"since":  {strconv.FormatInt(since.Unix(), 10)},
			"limit":  {"100"},
		}
		if after != "" {
			q.Set("after", after)
		}
		var out struct {
			Data   []feedPost `json:"data"`
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
				Next string `json:"next"`
			} `json:"paging"`
		}
		if err := c.graph.Get(ctx, c.url(page, edge), tok, q, &out); err != nil {
			return nil, err
		}
		older := false
		for _, p := range out.Data {
			t, err := time.Parse(graphTime, p.CreatedTime)
			if err == nil && t.Before(since) {
				older = true
				continue
			}
			keep = append(keep, p)
		}
		if older || out.Paging.Next == "" || out.Paging.Cursors.After == "" {
			break
		}
		after = out.Paging.Cursors.After
	}
	return keep, nil
}

// sameText normalises text for comparison: Graph keeps the message as sent,
// give or take surrounding and repeated whitespace.
func sameText(s string) string { return strings.Join(strings.Fields(s), " ") }

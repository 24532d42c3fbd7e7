package twitter

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/salesai/social/internal/platform"
)

// FindPublished looks through the account's posts since a time for one whose
// text is the draft's caption (GET /2/users/{id}/tweets).
func (c *Client) FindPublished(ctx context.Context, a platform.Account, d platform.Draft, since time.Time) (platform.Result, bool, error) {
	au, err := c.apiAuth(ctx, a)
	if err != nil {
		return platform.Result{}, false, err
	}
	userID, name := a.PlatformAccountID, username(a)
	if userID == "" { // optional for manual accounts (guide §B)
		me, err := c.me(ctx, au)
		if err != nil {
			return platform.Result{}, false, err
		}
		userID, name = me.ID, me.Username
	}
	tweets, err := c.tweetsSince(ctx, au, userID, since)
	if err != nil {
		return platform.Result{}, false, err
	}
	want := comparable(d.Caption)
	for _, t := range tweets {
		if !t.CreatedAt.IsZero() && t.CreatedAt.Before(since.Truncate(time.Second)) {
			continue // X honours start_time; this guards against a server that does not
		}
		if comparable(t.Text) == want {
			return platform.Result{PostID: t.ID, Permalink: permalink(name, t.ID)}, true, nil
		}
	}
	return platform.Result{}, false, nil
}

type tweet struct {
	ID        string    `json:"id"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// tweetsSince reads the posts since since, newest first, paging back
// (meta.next_token) until they are older than that, up to 10 pages of 100:
// a burst of posts after an interrupted one must not hide it.
func (c *Client) tweetsSince(ctx context.Context, au auth, userID string, since time.Time) ([]tweet, error) {
	var all []tweet
	next := ""
	for range 10 {
		q := url.Values{
			"start_time":   {since.UTC().Truncate(time.Second).Format(time.RFC3339)},
			"tweet.fields": {"created_at"},
			"max_results":  {"100"},
		}
		if next != "" {
			q.Set("pagination_token", next)
		}
		var out struct {
			Data []tweet `json:"data"`
			Meta struct {
				NextToken string `json:"next_token"`
			} `json:"meta"`
		}
		u := apiBase + "/users/" + url.PathEscape(userID) + "/tweets?" + q.Encode()
		if err := c.callJSON(ctx, http.MethodGet, u, au, nil, &out, http.StatusOK); err != nil {
			return nil, err
		}
		all = append(all, out.Data...)
		if out.Meta.NextToken == "" || (len(out.Data) > 0 && out.Data[len(out.Data)-1].CreatedAt.Before(since)) {
			break
		}
		next = out.Meta.NextToken
	}
	return all, nil
}

var (
	urlPattern = regexp.MustCompile(`https?://\S+`)
	spaces     = regexp.MustCompile(`\s+`)
)

// comparable normalises text the way X changes it: every URL becomes a t.co
// link, &, < and > come back HTML-escaped, and trailing media links are
// appended. URLs are therefore reduced to a placeholder (so "see
// https://a.example/x" matches "see https://t.co/abc"), trailing placeholders
// dropped, entities unescaped and whitespace collapsed.
func comparable(s string) string {
	s = html.UnescapeString(s)
	s = urlPattern.ReplaceAllString(s, "\x00")
	s = spaces.ReplaceAllString(strings.TrimSpace(s), " ")
	return strings.TrimRight(s, "\x00 ")
}

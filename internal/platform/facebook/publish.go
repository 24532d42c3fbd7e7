package facebook

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// firstURL finds the link a text shares; Graph wants it as `link` (§1.6).
var firstURL = regexp.MustCompile(`https?://[^\s<>"]+`)

// Publish posts the draft on the Page now: text (with its first URL as the
// link), one photo, or a multi-photo post (§1.6, §1.8, §1.9).
func (c *Client) Publish(ctx context.Context, a platform.Account, d platform.Draft) (platform.Result, error) {
	id, err := c.create(ctx, a, d, time.Time{})
	if err != nil {
		return platform.Result{}, err
	}
	tok, _ := accessToken(a)
	return platform.Result{PostID: id, Permalink: c.permalink(ctx, tok, id)}, nil
}

// Schedule hands the draft to Facebook's own scheduler for d.At (§1.6, §1.7,
// §1.9). The post id it returns is what Reschedule, Unschedule and Status take.
func (c *Client) Schedule(ctx context.Context, a platform.Account, d platform.Draft) (platform.Result, error) {
	if d.At.IsZero() {
		return platform.Result{}, &platform.Error{Platform: social.Facebook, Kind: platform.Permanent,
			Code: "scheduled_post_failed", Message: "The post has no time to be scheduled at."}
	}
	id, err := c.create(ctx, a, d, d.At)
	if err != nil {
		return platform.Result{}, err
	}
	return platform.Result{PostID: id}, nil
}

// create makes the post, published now when at is zero, else scheduled.
func (c *Client) create(ctx context.Context, a platform.Account, d platform.Draft, at time.Time) (string, error) {
	tok, err := accessToken(a)
	if err != nil {
		return "", err
	}
	page := a.PlatformAccountID
	switch len(d.ImageURLs) {
	case 0:
		// Sentence punctuation after a URL is not part of it.
		link := strings.TrimRight(firstURL.FindString(d.Caption), ".,;:!?)]}'")
		if link == "" {
			link = d.VideoURL // no video upload here: the video is shared as a link
		}
		return c.feed(ctx, tok, page, d.Caption, link, nil, at)
	case 1:
		return c.photo(ctx, tok, page, d.ImageURLs[0], d.Caption, at)
	}
	ids := make([]string, 0, len(d.ImageURLs))
	for _, u := range d.ImageURLs {
		id, err := c.upload(ctx, tok, page, u)
		if err != nil {
			return "", err
		}
		ids = append(ids, id)
	}
	return c.feed(ctx, tok, page, d.Caption, "", ids, at)
}

// feed is POST /{page}/feed with the message, link, attached photos and, for a
// scheduled post, published=false + scheduled_publish_time +
// unpublished_content_type=SCHEDULED.
func (c *Client) feed(ctx context.Context, tok, page, msg, link string, media []string, at time.Time) (string, error) {
	form := url.Values{}
	if msg != "" {
		form.Set("message", msg)
	}
	if link != "" {
		form.Set("link", link)
	}
	for i, id := range media {
		form.Set(fmt.Sprintf("attached_media[%d]", i), fmt.Sprintf(`{"media_fbid":%q}`, id))
	}
	scheduleAt(form, at)
	var out struct {
		ID string `json:"id"`
	}
	if err := c.graph.Post(ctx, c.url(page, "feed"), tok, form, &out); err != nil {
		return "", err
	}
	return out.ID, nil
}

// scheduleAt marks a feed or photo post for Facebook to publish at at:
// published=false + scheduled_publish_time + unpublished_content_type=SCHEDULED
// (§1.6). A zero at publishes now.
func scheduleAt(form url.Values, at time.Time) {
	if at.IsZero() {
		return
	}
	form.Set("published", "false")
	form.Set("scheduled_publish_time", unix(at))
	form.Set("unpublished_content_type", "SCHEDULED")
}

// photo is POST /{page}/photos with url + caption. Published, the answer's
// post_id is the Page post; scheduled, Graph answers only the photo id, which
// then stands for the scheduled post (§1.8).
func (c *Client) photo(ctx context.Context, tok, page, imageURL, caption string, at time.Time) (string, error) {
	form := url.Values{"url": {imageURL}}
	if caption != "" {
		form.Set("caption", caption)
	}
	scheduleAt(form, at)
	var out struct {
		ID     string `json:"id"`
		PostID string `json:"post_id"`
	}
	if err := c.graph.Post(ctx, c.url(page, "photos"), tok, form, &out); err != nil {
		return "", err
	}
	if out.PostID != "" {
		return out.PostID, nil
	}
	return out.ID, nil
}

// upload is an unpublished photo for a multi-photo post (§1.9 step 1).
func (c *Client) upload(ctx context.Context, tok, page, imageURL string) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	form := url.Values{"url": {imageURL}, "published": {"false"}}
	if err := c.graph.Post(ctx, c.url(page, "photos"), tok, form, &out); err != nil {
		return "", err
	}
	return out.ID, nil
}

// permalink asks Graph for the post's permalink_url. The post already exists,
// so a failure here only falls back to the id-based link.
func (c *Client) permalink(ctx context.Context, tok, id string) string {
	var out struct {
		PermalinkURL string `json:"permalink_url"`
	}
	err := c.graph.Get(ctx, c.url(id), tok, url.Values{"fields": {"permalink_url"}}, &out)
	if err != nil || out.PermalinkURL == "" {
		return PostURL(id)
	}
	return out.PermalinkURL
}

// PostURL is the link that opens a Page post by its id.
func PostURL(id string) string { return "https://www.facebook.com/" + id }

// accessToken is the account's Page token, or the guide's error without one.
func accessToken(a platform.Account) (string, error) {
	tok := a.Credentials.AccessToken.Reveal()
	if strings.TrimSpace(tok) == "" {
		return "", platform.AccessTokenMissing(social.Facebook)
	}
	return tok, nil
}

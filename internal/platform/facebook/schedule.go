package facebook

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// MsgScheduledPostGone is what Status reports when Facebook no longer has
// the scheduled post (deleted on Facebook, say).
const MsgScheduledPostGone = "The scheduled post no longer exists on Facebook"

// Reschedule moves a scheduled post to a new time: POST /{post-id} with
// scheduled_publish_time (same 10 min–75 day window, §1.7).
func (c *Client) Reschedule(ctx context.Context, a platform.Account, postID string, at time.Time) error {
	tok, err := accessToken(a)
	if err != nil {
		return err
	}
	form := url.Values{"scheduled_publish_time": {unix(at)}}
	return gone(c.graph.Post(ctx, c.url(postID), tok, form, nil))
}

// Unschedule deletes a scheduled post on Facebook. A post that already went
// live is left alone (deleting it would take a published post down), and one
// Facebook no longer has counts as unscheduled.
func (c *Client) Unschedule(ctx context.Context, a platform.Account, postID string) error {
	tok, err := accessToken(a)
	if err != nil {
		return err
	}
	published, _, err := c.status(ctx, tok, postID)
	switch {
	case isGone(err):
		return nil
	case err != nil:
		return err
	case published:
		return &platform.Error{Platform: social.Facebook, Kind: platform.Permanent, Code: "already_published",
			Message: "The post is already live on Facebook, so SalesAI did not delete it"}
	}
	if err := c.graph.Delete(ctx, c.url(postID), tok, nil); err != nil && !isGone(err) {
		return err
	}
	return nil
}

// Status reports whether a scheduled post went live, and its permalink.
func (c *Client) Status(ctx context.Context, a platform.Account, postID string) (bool, string, error) {
	tok, err := accessToken(a)
	if err != nil {
		return false, "", err
	}
	published, link, err := c.status(ctx, tok, postID)
	return published, link, gone(err)
}

// status reads GET /{post-id}?fields=is_published,permalink_url.
func (c *Client) status(ctx context.Context, tok, postID string) (bool, string, error) {
	var out struct {
		IsPublished  bool   `json:"is_published"`
		PermalinkURL string `json:"permalink_url"`
	}
	q := url.Values{"fields": {"is_published,permalink_url"}}
	if err := c.graph.Get(ctx, c.url(postID), tok, q, &out); err != nil {
		return false, "", err
	}
	if !out.IsPublished {
		return false, "", nil
	}
	if out.PermalinkURL == "" {
		out.PermalinkURL = PostURL(postID)
	}
	return true, out.PermalinkURL, nil
}

// isGone recognises Graph's "object does not exist" (code 100, subcode 33).
func isGone(err error) bool {
	var ge *GraphError
	return errors.As(err, &ge) && ge.Code == 100 && ge.Subcode == 33
}

// gone turns "does not exist" into the message a user understands.
func gone(err error) error {
	var pe *platform.Error
	if !isGone(err) || !errors.As(err, &pe) {
		return err
	}
	return &platform.Error{Platform: social.Facebook, Kind: platform.Permanent, Status: pe.Status,
		Code: "scheduled_post_failed", Message: MsgScheduledPostGone, Err: err}
}

// unix formats a time as Graph's UNIX timestamp parameter.
func unix(t time.Time) string { return fmt.Sprint(t.Unix()) }

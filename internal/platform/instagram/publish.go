package instagram

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/facebook"
	"github.com/salesai/social/internal/social"
)

// Publish posts one image, or a carousel of 2–10, through media containers
// (platforms.md §2.4): create, wait until FINISHED, media_publish.
func (c *Client) Publish(ctx context.Context, a platform.Account, d platform.Draft) (platform.Result, error) {
	if len(d.ImageURLs) == 0 {
		return platform.Result{}, &platform.Error{Platform: social.Instagram, Kind: platform.Permanent,
			Code: "instagram_image_required", Message: social.MsgInstagramNeedsImage}
	}
	if len(d.ImageURLs) > MaxImages {
		return platform.Result{}, &platform.Error{Platform: social.Instagram, Kind: platform.Permanent, Code: "media_rejected",
			Message: fmt.Sprintf("Instagram takes at most %d images in one post; remove %d.", MaxImages, len(d.ImageURLs)-MaxImages)}
	}
	h, err := c.hostFor(a)
	if err != nil {
		return platform.Result{}, err
	}
	creation, err := c.container(ctx, h, a.PlatformAccountID, d)
	if err != nil {
		return platform.Result{}, err
	}
	if err := c.waitFinished(ctx, h, creation); err != nil {
		return platform.Result{}, err
	}
	var out struct {
		ID string `json:"id"`
	}
	form := url.Values{"creation_id": {creation}}
	if err := h.graph.Post(ctx, h.url(a.PlatformAccountID, "media_publish"), h.token, form, &out); err != nil {
		return platform.Result{}, err
	}
	return platform.Result{PostID: out.ID, Permalink: c.permalink(ctx, h, out.ID, a.Name)}, nil
}

// container creates the image container, or the carousel's item containers
// and then its parent; the caption goes on the container that is published.
func (c *Client) container(ctx context.Context, h host, igID string, d platform.Draft) (string, error) {
	caption := url.Values{}
	if d.Caption != "" {
		caption.Set("caption", d.Caption)
	}
	if len(d.ImageURLs) == 1 {
		caption.Set("image_url", d.ImageURLs[0])
		return c.createMedia(ctx, h, igID, caption)
	}
	children := make([]string, 0, len(d.ImageURLs))
	for _, u := range d.ImageURLs {
		id, err := c.createMedia(ctx, h, igID, url.Values{"image_url": {u}, "is_carousel_item": {"true"}})
		if err != nil {
			return "", err
		}
		children = append(children, id)
	}
	caption.Set("media_type", "CAROUSEL")
	caption.Set("children", strings.Join(children, ","))
	return c.createMedia(ctx, h, igID, caption)
}

// createMedia is POST /{ig-user-id}/media. A refusal reads as the guide's
// "Instagram media creation failed: <platform message>"; token, throttle and
// transient errors keep their kinds so the worker can act on them.
func (c *Client) createMedia(ctx context.Context, h host, igID string, form url.Values) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	err := h.graph.Post(ctx, h.url(igID, "media"), h.token, form, &out)
	var pe *platform.Error
	if errors.As(err, &pe) && pe.Kind == platform.Permanent {
		reason := pe.Message
		var ge *facebook.GraphError
		if errors.As(err, &ge) && ge.Reason() != "" {
			reason = ge.Reason()
		}
		return "", &platform.Error{Platform: social.Instagram, Kind: platform.Permanent, Status: pe.Status,
			Code: "instagram_media_failed", Message: social.MsgInstagramMediaFailed + ": " + reason, Err: err}
	}
	if err != nil {
		return "", err
	}
	return out.ID, nil
}

// waitFinished polls GET /{container}?fields=status_code,status until
// FINISHED, waiting PollInterval, doubling up to 8×, for PollTimeout of
// waits in all, then reading once more.
func (c *Client) waitFinished(ctx context.Context, h host, id string) error {
	wait, waited := c.cfg.PollInterval, time.Duration(0)
	for {
		code, status, err := c.containerStatus(ctx, h, id)
		switch {
		case err != nil:
			return err
		case code == "FINISHED":
			return nil
		case code == "ERROR" || code == "EXPIRED":
			return &platform.Error{Platform: social.Instagram, Kind: platform.Permanent, Code: "media_rejected",
				Message: "Instagram could not use the media (" + cmp.Or(status, code) + "). Check that each image URL is public and " +
					"is a JPEG of at most 8 MB with an aspect ratio between 4:5 and 1.91:1."}
		case waited >= c.cfg.PollTimeout:
			return &platform.Error{Platform: social.Instagram, Kind: platform.Temporary, Code: "platform_error",
				Message: fmt.Sprintf("Instagram was still processing the media after %s. SalesAI will retry.", waited.Round(time.Second))}
		}
		step := min(wait, c.cfg.PollTimeout-waited)
		if err := c.cfg.SleepFunc(ctx, step); err != nil {
			return err
		}
		waited += step
		wait = min(wait*2, 8*c.cfg.PollInterval)
	}
}

func (c *Client) containerStatus(ctx context.Context, h host, id string) (code, status string, err error) {
	var out struct {
		StatusCode string `json:"status_code"`
		Status     string `json:"status"`
	}
	q := url.Values{"fields": {"status_code,status"}}
	if err := h.graph.Get(ctx, h.url(id), h.token, q, &out); err != nil {
		return "", "", err
	}
	return out.StatusCode, out.Status, nil
}

// sleep waits d unless ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("instagram container wait: %w", ctx.Err())
	case <-t.C:
		return nil
	}
}

// permalink asks for the media's permalink. The post exists already, so a
// failure only falls back to the account's profile link.
func (c *Client) permalink(ctx context.Context, h host, mediaID, username string) string {
	var out struct {
		Permalink string `json:"permalink"`
	}
	err := h.graph.Get(ctx, h.url(mediaID), h.token, url.Values{"fields": {"permalink"}}, &out)
	if err == nil && out.Permalink != "" {
		return out.Permalink
	}
	if username == "" {
		return ""
	}
	return "https://www.instagram.com/" + url.PathEscape(username) + "/"
}

package twitter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// Publish posts the draft's text with up to four images (POST /2/tweets).
func (c *Client) Publish(ctx context.Context, a platform.Account, d platform.Draft) (platform.Result, error) {
	au, err := c.apiAuth(ctx, a)
	if err != nil {
		return platform.Result{}, err
	}
	if len(d.ImageURLs) > maxImages {
		return platform.Result{}, &platform.Error{Platform: social.Twitter, Kind: platform.Permanent, Code: "media_rejected",
			Message: fmt.Sprintf("X allows at most %d images in one post; this post has %d.", maxImages, len(d.ImageURLs))}
	}
	mediaIDs, err := c.uploadImages(ctx, a, d.ImageURLs)
	if err != nil {
		return platform.Result{}, err
	}
	id, err := c.createTweet(ctx, au, d.Caption, mediaIDs)
	if err != nil {
		return platform.Result{}, err
	}
	return platform.Result{PostID: id, Permalink: permalink(username(a), id)}, nil
}

type tweetRequest struct {
	Text  string      `json:"text"`
	Media *tweetMedia `json:"media,omitempty"`
}

type tweetMedia struct {
	MediaIDs []string `json:"media_ids"`
}

// createTweet answers 201 {"data":{"id","text"}} (platforms.md §3.2).
func (c *Client) createTweet(ctx context.Context, au auth, text string, mediaIDs []string) (string, error) {
	in := tweetRequest{Text: text}
	if len(mediaIDs) > 0 {
		in.Media = &tweetMedia{MediaIDs: mediaIDs}
	}
	var out struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := c.callJSON(ctx, http.MethodPost, apiBase+"/tweets", au, in, &out, http.StatusCreated, http.StatusOK); err != nil {
		return "", err
	}
	if out.Data.ID == "" { // posted, but unknown: a plain error makes the worker reconcile
		return "", errors.New("x POST /2/tweets: the answer carries no post id")
	}
	return out.Data.ID, nil
}

var handle = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)

// username is the account's @handle without "@", from Meta["username"] or a
// handle-shaped Name; "" when unknown (a manual account named "Acme Corp").
func username(a platform.Account) string {
	for _, s := range []string{a.Meta["username"], a.Name} {
		s = strings.TrimPrefix(strings.TrimSpace(s), "@")
		if handle.MatchString(s) {
			return s
		}
	}
	return ""
}

// permalink uses the handle when known; x.com/i/web/status/<id> works without it.
func permalink(user, id string) string {
	if user == "" {
		return webBase + "/i/web/status/" + id
	}
	return webBase + "/" + user + "/status/" + id
}

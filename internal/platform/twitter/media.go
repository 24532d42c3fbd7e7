package twitter

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// uploadImages uploads each image and returns X's media ids in order. Accounts
// with legacy OAuth1 credentials use the v1.1 upload the guide describes (§F);
// others use v2 with the OAuth 2.0 token's media.write scope (DESIGN §4).
func (c *Client) uploadImages(ctx context.Context, a platform.Account, urls []string) ([]string, error) {
	ids := make([]string, 0, len(urls))
	for _, u := range urls {
		id, err := c.uploadImage(ctx, a, u)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (c *Client) uploadImage(ctx context.Context, a platform.Account, url string) (string, error) {
	m, err := c.fetch(ctx, url)
	if err != nil {
		return "", err
	}
	if a.Credentials.HasLegacyOAuth1() {
		return c.uploadV1(ctx, c.oauth1Auth(ctx, a.Credentials), m, url)
	}
	return c.uploadV2(ctx, bearer(a.Credentials.AccessToken.Reveal()), m, url)
}

// fetch opens the image through the SSRF-safe fetcher, limited to 5 MB; a
// download that fails fails the post before X is called.
func (c *Client) fetch(ctx context.Context, url string) (*platform.Media, error) {
	return platform.FetchImage(ctx, c.cfg.Media, social.Twitter, "X", url, maxImageBytes)
}

// uploadV2 is POST /2/media/upload, multipart media + media_category
// (platforms.md §3.4); the answer is {"data":{"id":…}}. It is used only for
// accounts without legacy credentials, so a 403 (no media.write scope) names
// both ways to fix it.
func (c *Client) uploadV2(ctx context.Context, au auth, m *platform.Media, url string) (string, error) {
	var out struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	err := c.upload(ctx, apiBase+"/media/upload", au, []field{{"media_category", "tweet_image"}}, m, &out)
	var pe *platform.Error
	if errors.As(err, &pe) && pe.Status == http.StatusForbidden {
		return "", mediaCredentialsError(pe, "X refused the image upload for this account")
	}
	if err != nil {
		return "", uploadError(err, url)
	}
	return mediaID(out.Data.ID)
}

// uploadV1 is the legacy OAuth1-signed upload.json; Go reads media_id_string
// because the number overflows JS doubles (platforms.md §3.5). A 401 means the
// legacy credentials are wrong: no OAuth 2.0 refresh can fix that.
func (c *Client) uploadV1(ctx context.Context, au auth, m *platform.Media, url string) (string, error) {
	var out struct {
		MediaIDString string `json:"media_id_string"`
	}
	err := c.upload(ctx, uploadV1URL, au, nil, m, &out)
	var pe *platform.Error
	if errors.As(err, &pe) && pe.Status == http.StatusUnauthorized {
		return "", mediaCredentialsError(pe, "X did not accept the legacy OAuth1 media credentials of this account")
	}
	if err != nil {
		return "", uploadError(err, url)
	}
	return mediaID(out.MediaIDString)
}

// uploadError says which image X refused as unusable (400, 413), or which
// one failed while it streamed (over the size limit: a *social.Error from the
// fetcher's body; X never got the whole image, so nothing was posted).
func uploadError(err error, url string) error {
	var pe *platform.Error
	var se *social.Error
	if !errors.As(err, &pe) && errors.As(err, &se) {
		return platform.ImageRejected(social.Twitter, "X", url, se.Message, 0, err)
	}
	if errors.As(err, &pe) && (pe.Status == http.StatusBadRequest || pe.Status == http.StatusRequestEntityTooLarge) {
		return &platform.Error{Platform: social.Twitter, Kind: platform.Permanent, Status: pe.Status, Code: "media_rejected",
			Message: fmt.Sprintf("X rejected the image %s: %s.", url, reasonOf(pe)), Err: err}
	}
	return err
}

func mediaID(id string) (string, error) {
	if id == "" {
		return "", &platform.Error{Platform: social.Twitter, Kind: platform.Permanent, Code: "media_rejected",
			Message: "X accepted the image upload but did not return a media id."}
	}
	return id, nil
}

// mediaCredentialsError names what to add when X refuses an image upload: the
// media.write scope, or the legacy OAuth1 credentials.
func mediaCredentialsError(pe *platform.Error, what string) error {
	return &platform.Error{Platform: social.Twitter, Kind: platform.Permanent, Status: pe.Status, Code: "twitter_media_credentials",
		Message: fmt.Sprintf("%s (%s). Reconnect Twitter/X so SalesAI gets the media.write permission, "+
			"or add the Access Token Secret, Consumer Key and Consumer Secret (and the OAuth1 access token) under Advanced credentials.",
			what, reasonOf(pe)), Err: pe}
}

// upload streams m as the multipart field "media" after fields. Multipart
// bodies are not part of an OAuth1 signature (platforms.md §3.5), so signing
// needs no buffering.
func (c *Client) upload(ctx context.Context, url string, au auth, fields []field, m *platform.Media, out any) error {
	body := newMultipartBody(fields, "media", m)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		body.Close()
		return fmt.Errorf("build upload request: %w", err)
	}
	req.ContentLength = body.size
	req.Header.Set("Content-Type", body.contentType)
	resp, err := c.do(req, au, http.StatusOK, http.StatusCreated)
	if err != nil {
		return err
	}
	return decode(resp, out)
}

package linkedin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// registerUpload is the Assets API step 1 body (platforms.md §4.4).
type registerUpload struct {
	Request registerRequest `json:"registerUploadRequest"`
}

type registerRequest struct {
	Recipes              []string       `json:"recipes"`
	Owner                string         `json:"owner"`
	ServiceRelationships []relationship `json:"serviceRelationships"`
}

type relationship struct {
	RelationshipType string `json:"relationshipType"`
	Identifier       string `json:"identifier"`
}

type registered struct {
	Value struct {
		UploadMechanism struct {
			HTTP struct {
				Headers   map[string]string `json:"headers"`
				UploadURL string            `json:"uploadUrl"`
			} `json:"com.linkedin.digitalmedia.uploading.MediaUploadHttpRequest"`
		} `json:"uploadMechanism"`
		Asset string `json:"asset"`
	} `json:"value"`
}

// uploadImages registers and uploads each image, returning the asset URNs in order.
func (c *Client) uploadImages(ctx context.Context, token, author string, urls []string) ([]string, error) {
	assets := make([]string, 0, len(urls))
	for _, u := range urls {
		asset, err := c.uploadImage(ctx, token, author, u)
		if err != nil {
			return nil, err
		}
		assets = append(assets, asset)
	}
	return assets, nil
}

// uploadImage downloads the image first (so a bad URL costs LinkedIn
// nothing), registers a feedshare-image upload owned by the author, then
// streams the bytes to the upload URL.
func (c *Client) uploadImage(ctx context.Context, token, author, imageURL string) (string, error) {
	m, err := c.fetch(ctx, imageURL)
	if err != nil {
		return "", err
	}
	defer m.Body.Close()
	var reg registered
	in := registerUpload{registerRequest{
		Recipes: []string{"urn:li:digitalmediaRecipe:feedshare-image"}, Owner: author,
		ServiceRelationships: []relationship{{RelationshipType: "OWNER", Identifier: "urn:li:userGeneratedContent"}},
	}}
	if err := c.callJSON(ctx, http.MethodPost, registerURL, token, in, &reg, true); err != nil {
		return "", err
	}
	up := reg.Value.UploadMechanism.HTTP
	if reg.Value.Asset == "" || !linkedInURL(up.UploadURL) {
		return "", &platform.Error{Platform: li, Kind: platform.Temporary, Status: http.StatusOK, Code: "platform_error",
			Message: "LinkedIn did not give SalesAI a place to upload the image; it will try again."}
	}
	if err := c.put(ctx, token, up.UploadURL, up.Headers, m); err != nil {
		return "", mediaError(err, imageURL)
	}
	return reg.Value.Asset, nil
}

// put streams the image to uploadUrl with the bearer token (platforms.md
// §4.4 step 2: the sample PUTs; 200 and 201 are success).
func (c *Client) put(ctx context.Context, token, uploadURL string, headers map[string]string, m *platform.Media) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, uploadURL, m.Body)
	if err != nil {
		return fmt.Errorf("build image upload: %w", err)
	}
	if m.Size >= 0 {
		req.ContentLength = m.Size // LinkedIn answers 411 without a length (§4.6)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if m.ContentType != "" {
		req.Header.Set("Content-Type", m.ContentType)
	}
	resp, err := c.do(req, token, http.StatusOK, http.StatusCreated)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// linkedInURL keeps the bearer token on LinkedIn: an upload URL must be
// https on a linkedin.com host.
func linkedInURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "linkedin.com" || strings.HasSuffix(h, ".linkedin.com")
}

// fetch opens the image through the SSRF-safe fetcher; a download that fails
// fails the post before LinkedIn is called.
func (c *Client) fetch(ctx context.Context, imageURL string) (*platform.Media, error) {
	return platform.FetchImage(ctx, c.cfg.Media, li, "LinkedIn", imageURL, maxImageBytes)
}

// mediaError says which image LinkedIn refused as unusable, or which one
// failed while it streamed (over the size limit: a *social.Error from the
// fetcher's body; the share was not made).
func mediaError(err error, imageURL string) error {
	var pe *platform.Error
	var se *social.Error
	switch {
	case errors.As(err, &pe) && pe.Kind == platform.Permanent && pe.Code == "platform_error":
		return platform.ImageRejected(li, "LinkedIn", imageURL, reasonOf(pe)+".", pe.Status, err)
	case !errors.As(err, &pe) && errors.As(err, &se):
		return platform.ImageRejected(li, "LinkedIn", imageURL, se.Message, 0, err)
	}
	return err
}

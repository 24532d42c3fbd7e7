package linkedin

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/salesai/social/internal/platform"
)

// ugcPost is the UGC Post API create body (platforms.md §4.4).
type ugcPost struct {
	Author          string          `json:"author"`
	LifecycleState  string          `json:"lifecycleState"`
	SpecificContent specificContent `json:"specificContent"`
	Visibility      visibility      `json:"visibility"`
}

type specificContent struct {
	ShareContent shareContent `json:"com.linkedin.ugc.ShareContent"`
}

type shareContent struct {
	ShareCommentary    text        `json:"shareCommentary"`
	ShareMediaCategory string      `json:"shareMediaCategory"`
	Media              []shareItem `json:"media,omitempty"`
}

type text struct {
	Text string `json:"text"`
}

type shareItem struct {
	Status      string `json:"status"`
	Media       string `json:"media,omitempty"`
	OriginalURL string `json:"originalUrl,omitempty"`
}

type visibility struct {
	Member string `json:"com.linkedin.ugc.MemberNetworkVisibility"`
}

// Publish shares the draft as the account's author URN, publicly: with images
// an IMAGE share of uploaded assets, with a link in the text an ARTICLE share
// of the first link, else a text (NONE) share.
func (c *Client) Publish(ctx context.Context, a platform.Account, d platform.Draft) (platform.Result, error) {
	token, author, err := credentials(a)
	if err != nil {
		return platform.Result{}, err
	}
	content := shareContent{ShareCommentary: text{d.Caption}, ShareMediaCategory: "NONE"}
	switch link := firstURL(d.Caption); {
	case len(d.ImageURLs) > 0:
		assets, err := c.uploadImages(ctx, token, author, d.ImageURLs)
		if err != nil {
			return platform.Result{}, err
		}
		content.ShareMediaCategory = "IMAGE"
		for _, asset := range assets {
			content.Media = append(content.Media, shareItem{Status: "READY", Media: asset})
		}
	case link != "":
		content.ShareMediaCategory = "ARTICLE"
		content.Media = []shareItem{{Status: "READY", OriginalURL: link}}
	}
	urn, err := c.createShare(ctx, token, ugcPost{Author: author, LifecycleState: "PUBLISHED",
		SpecificContent: specificContent{content}, Visibility: visibility{"PUBLIC"}})
	if err != nil {
		return platform.Result{}, err
	}
	return platform.Result{PostID: urn, Permalink: permalink(urn)}, nil
}

// createShare is POST /v2/ugcPosts → 201 with the post URN in X-RestLi-Id
// (read case-insensitively), or in the body's id as some answers carry it.
func (c *Client) createShare(ctx context.Context, token string, p ugcPost) (string, error) {
	req, err := request(ctx, http.MethodPost, ugcPostsURL, p, true)
	if err != nil {
		return "", err
	}
	resp, err := c.do(req, token, http.StatusCreated, http.StatusOK)
	if err != nil {
		return "", err
	}
	urn := resp.Header.Get("X-RestLi-Id")
	var body struct {
		ID string `json:"id"`
	}
	if derr := decode(resp, &body); urn == "" && derr == nil {
		urn = body.ID
	}
	if urn == "" { // shared, but unknown: a plain error makes the worker reconcile
		return "", errors.New("linkedin POST /v2/ugcPosts: the answer carries no post id")
	}
	return urn, nil
}

// credentials are the account's access token and author URN.
func credentials(a platform.Account) (token, author string, err error) {
	if token, err = accessToken(a); err != nil {
		return "", "", err
	}
	author = strings.TrimSpace(a.PlatformAccountID)
	if !strings.HasPrefix(author, "urn:li:person:") && !strings.HasPrefix(author, "urn:li:organization:") {
		return "", "", &platform.Error{Platform: li, Kind: platform.Permanent, Code: "linkedin_author_missing",
			Message: "LinkedIn needs the author URN (urn:li:person:… or urn:li:organization:…) as this account's Platform Account ID. " +
				"Edit the account and add it, or reconnect LinkedIn."}
	}
	return token, author, nil
}

var urlPattern = regexp.MustCompile(`https?://[^\s<>"]+`)

// firstURL is the first http(s) link in text, without the punctuation that
// usually ends a sentence around it.
func firstURL(s string) string {
	return strings.TrimRight(urlPattern.FindString(s), ".,;:!?)]}'")
}

// permalink is the member-facing page of a share or ugcPost URN.
func permalink(urn string) string { return feedBase + urn + "/" }

package facebook

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// maxPagesRequests bounds me/accounts paging, against a cursor that never ends.
const maxPagesRequests = 50

// Page is one entry of GET /me/accounts (platforms.md §1.5, §2.3).
type Page struct {
	ID                       string   `json:"id"`
	Name                     string   `json:"name"`
	AccessToken              string   `json:"access_token"`
	Tasks                    []string `json:"tasks"`
	InstagramBusinessAccount *struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	} `json:"instagram_business_account"`
}

// AuthCodeURL is the Facebook Login dialog (platforms.md §1.2). The verifier is
// unused: the dialog's PKCE variant is still "in testing".
func (c *Client) AuthCodeURL(state, _ string) string {
	return c.oauth.AuthCodeURL(state, oauth2.SetAuthURLParam("scope", strings.Join(c.cfg.Scopes, ",")))
}

// Exchange trades the code for one Profile per Page the user manages. A login
// that manages no Page yields none (the accounts page explains that).
func (c *Client) Exchange(ctx context.Context, code, _ string) ([]platform.Profile, error) {
	userToken, err := c.UserToken(ctx, code)
	if err != nil {
		return nil, err
	}
	userID, err := c.UserID(ctx, userToken)
	if err != nil {
		return nil, err
	}
	pages, err := c.Pages(ctx, userToken, "id,name,access_token,tasks")
	if err != nil {
		return nil, err
	}
	profiles := make([]platform.Profile, 0, len(pages))
	for _, p := range pages {
		if p.AccessToken == "" {
			continue // the user cannot act for this Page
		}
		profiles = append(profiles, platform.Profile{
			PlatformAccountID: p.ID,
			Name:              p.Name,
			// Page tokens from a long-lived user token do not expire (§1.5).
			Token: platform.Token{AccessToken: p.AccessToken},
			Meta:  map[string]string{"tasks": strings.Join(p.Tasks, ","), MetaPlatformUserID: userID},
		})
	}
	return profiles, nil
}

// MetaPlatformUserID is the account meta key holding the app-scoped id of
// the Facebook user who connected it: Meta's deauthorize and data-deletion
// callbacks name that user, not the Page.
const MetaPlatformUserID = "platform_user_id"

// UserID reads the app-scoped id of the user a user token belongs to.
func (c *Client) UserID(ctx context.Context, userToken string) (string, error) {
	var me struct {
		ID string `json:"id"`
	}
	if err := c.graph.Get(ctx, c.url("me"), userToken, url.Values{"fields": {"id"}}, &me); err != nil {
		return "", fmt.Errorf("facebook user: %w", err)
	}
	return me.ID, nil
}

// UserToken runs the code exchange (§1.3) and swaps the short-lived user token
// for a long-lived one (§1.4), so the Page tokens derived from it never expire.
func (c *Client) UserToken(ctx context.Context, code string) (string, error) {
	tok, err := c.oauth.Exchange(platform.OAuthContext(ctx, c.cfg.HTTPClient), code)
	if err != nil {
		return "", ExchangeError(ctx, social.Facebook, err)
	}
	var long struct {
		AccessToken string `json:"access_token"`
	}
	q := url.Values{
		"grant_type":        {"fb_exchange_token"},
		"client_id":         {c.cfg.AppID},
		"client_secret":     {c.cfg.AppSecret},
		"fb_exchange_token": {tok.AccessToken},
	}
	// No access_token on this call, so no appsecret_proof either.
	if err := c.graph.Get(ctx, c.url("oauth", "access_token"), "", q, &long); err != nil {
		return "", fmt.Errorf("facebook long-lived token: %w", err)
	}
	if long.AccessToken == "" {
		return "", errors.New("facebook long-lived token: answer has no access_token")
	}
	return long.AccessToken, nil
}

// Pages lists GET /me/accounts with fields, following paging.next to the end.
func (c *Client) Pages(ctx context.Context, userToken, fields string) ([]Page, error) {
	var all []Page
	next := c.url("me", "accounts") + "?" + url.Values{"fields": {fields}}.Encode()
	seen := map[string]bool{}
	for range maxPagesRequests {
		var page struct {
			Data   []Page `json:"data"`
			Paging struct {
				Next string `json:"next"`
			} `json:"paging"`
		}
		if err := c.graph.Get(ctx, next, userToken, nil, &page); err != nil {
			return nil, fmt.Errorf("facebook pages: %w", err)
		}
		all = append(all, page.Data...)
		// Graph omits paging.next on the last page (§1.5).
		if page.Paging.Next == "" || len(page.Data) == 0 || seen[page.Paging.Next] || !c.isGraphURL(page.Paging.Next) {
			return all, nil
		}
		seen[page.Paging.Next] = true
		next = page.Paging.Next
	}
	return all, nil
}

// isGraphURL guards paging links: the token is only ever sent to Graph.
func (c *Client) isGraphURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "https" && strings.EqualFold(u.Host, "graph.facebook.com")
}

// ExchangeError turns an x/oauth2 failure into a platform error with the
// platform's own reason (Graph envelope, Instagram's flat form, or RFC 6749).
func ExchangeError(ctx context.Context, p social.Platform, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		if perr := ParseError(p, max(status, 400), nil, re.Body); perr != nil {
			if perr.Kind == platform.Permanent || perr.Kind == platform.TokenExpired {
				perr.Kind, perr.Code = platform.Permanent, "oauth_exchange_failed"
				perr.Message = p.Title() + " refused the sign-in (" + reasonOf(perr) + "). Please connect again."
			}
			return perr
		}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%s code exchange: %w", p, ctx.Err())
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return &platform.Error{Platform: p, Kind: platform.Temporary, Code: "platform_unreachable",
			Message: "Could not reach " + p.Title() + ". Please try connecting again.", Err: uerr.Err}
	}
	return &platform.Error{Platform: p, Kind: platform.Permanent, Code: "oauth_exchange_failed",
		Message: p.Title() + " sent a sign-in answer SalesAI could not use. Please connect again.", Err: err}
}

func reasonOf(e *platform.Error) string {
	var ge *GraphError
	if errors.As(e.Err, &ge) && ge.Reason() != "" {
		return ge.Reason()
	}
	return "HTTP " + fmt.Sprint(e.Status)
}

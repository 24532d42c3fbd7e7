package instagram

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/facebook"
	"github.com/salesai/social/internal/social"
)

// MsgNotProfessional is the connect error for a personal account (the guide:
// "Personal Instagram accounts cannot publish through this API flow").
const MsgNotProfessional = "This Instagram account is a personal account, and personal accounts cannot publish through the Instagram API. " +
	"Switch it to a Professional (Business or Creator) account in the Instagram app, then connect again."

// AuthCodeURL is the Instagram Business Login authorize page (§2.2), or the
// Facebook Login dialog in the Facebook Login setup (§2.3). PKCE is unused.
func (c *Client) AuthCodeURL(state, verifier string) string {
	if c.cfg.UseFacebookLogin {
		return c.fb.AuthCodeURL(state, verifier)
	}
	return c.oauth.AuthCodeURL(state, oauth2.SetAuthURLParam("scope", strings.Join(c.cfg.Scopes, ",")))
}

// Exchange trades the callback's code for the professional accounts it grants.
func (c *Client) Exchange(ctx context.Context, code, _ string) ([]platform.Profile, error) {
	if c.cfg.UseFacebookLogin {
		return c.exchangeFacebook(ctx, code)
	}
	return c.exchangeInstagram(ctx, code)
}

// exchangeInstagram: code → short-lived token → long-lived token (60 days) →
// the account's id, username and type (§2.2).
func (c *Client) exchangeInstagram(ctx context.Context, code string) ([]platform.Profile, error) {
	short, err := c.oauth.Exchange(platform.OAuthContext(ctx, shapedClient(c.cfg.HTTPClient)), code)
	if err != nil {
		return nil, facebook.ExchangeError(ctx, social.Instagram, err)
	}
	long, err := c.longLived(ctx, short.AccessToken)
	if err != nil {
		return nil, err
	}
	long.Scope, _ = short.Extra("permissions").(string)
	me, err := c.me(ctx, long.AccessToken)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(me.AccountType, "PERSONAL") {
		return nil, &platform.Error{Platform: social.Instagram, Kind: platform.Permanent, Code: "not_professional", Message: MsgNotProfessional}
	}
	id := string(me.UserID)
	if id == "" {
		id, _ = short.Extra("user_id").(string)
	}
	return []platform.Profile{{
		PlatformAccountID: id, Name: me.Username, Token: long,
		Meta: map[string]string{MetaGraphHost: HostInstagram, MetaLogin: "instagram"},
	}}, nil
}

// longLived swaps a short-lived token for a 60-day one (ig_exchange_token).
// It is a Meta GET, not an OAuth grant, so it goes through Graph.
func (c *Client) longLived(ctx context.Context, short string) (platform.Token, error) {
	var out igToken
	q := url.Values{"grant_type": {"ig_exchange_token"}, "client_secret": {c.cfg.AppSecret}}
	g := facebook.Graph{HTTP: c.cfg.HTTPClient, Platform: social.Instagram}
	if err := g.Get(ctx, "https://"+HostInstagram+"/access_token", short, q, &out); err != nil {
		return platform.Token{}, fmt.Errorf("instagram long-lived token: %w", err)
	}
	return out.token(c.cfg.Now())
}

// igToken is graph.instagram.com's {"access_token","token_type","expires_in"}.
type igToken struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

func (t igToken) token(now time.Time) (platform.Token, error) {
	if t.AccessToken == "" {
		return platform.Token{}, &platform.Error{Platform: social.Instagram, Kind: platform.Temporary, Code: "platform_error",
			Message: "Instagram answered without an access token. Please try again."}
	}
	out := platform.Token{AccessToken: t.AccessToken}
	if t.ExpiresIn > 0 {
		out.ExpiresAt = now.Add(time.Duration(t.ExpiresIn) * time.Second)
	}
	return out, nil
}

type igUser struct {
	UserID      flexID `json:"user_id"`
	Username    string `json:"username"`
	AccountType string `json:"account_type"`
	Name        string `json:"name"`
}

// me reads GET graph.instagram.com/{ver}/me (§2.2).
func (c *Client) me(ctx context.Context, tok string) (igUser, error) {
	var me igUser
	h := c.graphHost(HostInstagram, tok)
	q := url.Values{"fields": {"user_id,username,account_type,name"}}
	if err := h.graph.Get(ctx, h.url("me"), tok, q, &me); err != nil {
		return igUser{}, fmt.Errorf("instagram account: %w", err)
	}
	return me, nil
}

// exchangeFacebook finds the Instagram professional accounts linked to the
// Pages the Facebook user manages (§2.3); each publishes with its Page token.
func (c *Client) exchangeFacebook(ctx context.Context, code string) ([]platform.Profile, error) {
	userToken, err := c.fb.UserToken(ctx, code)
	if err != nil {
		return nil, err
	}
	userID, err := c.fb.UserID(ctx, userToken)
	if err != nil {
		return nil, err
	}
	pages, err := c.fb.Pages(ctx, userToken, "id,name,access_token,instagram_business_account{id,username}")
	if err != nil {
		return nil, err
	}
	var profiles []platform.Profile
	for _, p := range pages {
		ig := p.InstagramBusinessAccount
		if ig == nil || ig.ID == "" || p.AccessToken == "" {
			continue
		}
		name := ig.Username
		if name == "" {
			if name, err = c.username(ctx, p.AccessToken, ig.ID); err != nil {
				return nil, err
			}
		}
		profiles = append(profiles, platform.Profile{
			PlatformAccountID: ig.ID, Name: name,
			// A Page token from a long-lived user token does not expire (§1.5).
			Token: platform.Token{AccessToken: p.AccessToken},
			Meta: map[string]string{MetaGraphHost: HostFacebook, MetaLogin: "facebook", MetaPageID: p.ID,
				facebook.MetaPlatformUserID: userID},
		})
	}
	return profiles, nil
}

// username reads GET graph.facebook.com/{ig-id}?fields=username.
func (c *Client) username(ctx context.Context, pageToken, igID string) (string, error) {
	var out struct {
		Username string `json:"username"`
	}
	h := c.graphHost(HostFacebook, pageToken)
	if err := h.graph.Get(ctx, h.url(igID), pageToken, url.Values{"fields": {"username"}}, &out); err != nil {
		return "", fmt.Errorf("instagram username: %w", err)
	}
	return out.Username, nil
}

package instagram

import (
	"context"
	"errors"
	"net/url"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/facebook"
	"github.com/salesai/social/internal/social"
)

// Refresh renews an Instagram Login long-lived token for another 60 days:
// GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token
// (platforms.md §2.2; a Meta GET, not an OAuth refresh grant). Accounts
// connected through Facebook Login hold a Page token, which does not expire
// and cannot be refreshed: if it stopped working, only a reconnect helps.
func (c *Client) Refresh(ctx context.Context, a platform.Account) (platform.Token, error) {
	if a.Meta[MetaLogin] == "facebook" || a.Meta[MetaGraphHost] == HostFacebook {
		return platform.Token{}, &platform.Error{Platform: social.Instagram, Kind: platform.Revoked, Code: "token_expired",
			Message: "This Instagram account is connected through Facebook, whose Page token cannot be refreshed. Reconnect Instagram."}
	}
	h, err := c.hostFor(a)
	if err != nil {
		return platform.Token{}, err
	}
	var out igToken
	q := url.Values{"grant_type": {"ig_refresh_token"}}
	if err := h.graph.Get(ctx, "https://"+HostInstagram+"/refresh_access_token", h.token, q, &out); err != nil {
		return platform.Token{}, refreshError(err)
	}
	return out.token(c.cfg.Now())
}

// refreshError: a refused token or permission means the user must reconnect
// (Revoked); throttling and outages keep their kinds.
func refreshError(err error) error {
	var pe *platform.Error
	if !errors.As(err, &pe) || (pe.Kind != platform.TokenExpired && pe.Code != "permission_missing") {
		return err
	}
	reason := pe.Message
	var ge *facebook.GraphError
	if errors.As(err, &ge) && ge.Reason() != "" {
		reason = ge.Reason()
	}
	return &platform.Error{Platform: social.Instagram, Kind: platform.Revoked, Status: pe.Status, Code: "token_expired",
		Message: "Instagram refused to renew the access token (" + reason + "). Reconnect Instagram.", Err: err}
}

package httpapi

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
	"github.com/salesai/social/internal/store"
)

// stateTTL is how long a consent flow may take (DESIGN §4).
const stateTTL = 10 * time.Minute

// exchangeTimeout bounds the platform calls of a callback (code exchange,
// long-lived token, pages or channels) while the user waits.
const exchangeTimeout = 60 * time.Second

// connectMessages are what the accounts page says after a failed connect,
// keyed by reason code; they go in the redirect as a code, never as text, so
// no one can make our page show words of their choosing.
var connectMessages = map[string]string{
	"access_denied":    "You did not approve SalesAI on %s, so nothing was connected. Click Continue with %s again and choose Allow.",
	"state_invalid":    "This connect link has expired or was already used. Click Continue with %s to start again.",
	"exchange_failed":  "%s refused the sign-in. Click Continue with %s to try again; if it keeps failing, ask your admin to check the app settings.",
	"no_accounts":      "%s did not share any account SalesAI can post to. Check the guide's checklist for %s, then reconnect.",
	"no_channel":       "This Google account has no YouTube channel. Create a channel on YouTube, then click Continue with %s again.",
	"not_professional": "This Instagram account is personal. Switch it to a Business or Creator (Professional) account, then click Continue with %s again.",
}

// ConnectMessage is the accounts page's sentence for a connect failure.
func ConnectMessage(p social.Platform, reason string) string {
	f, ok := connectMessages[reason]
	if !ok {
		f = connectMessages["exchange_failed"]
	}
	n := strings.Count(f, "%s")
	args := make([]any, n)
	for i := range args {
		args[i] = p.Title()
	}
	return fmt.Sprintf(f, args...)
}

func (s *Server) handleOAuthStart(w http.ResponseWriter, r *http.Request) {
	a, err := s.Authenticate(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if a == nil || a.Session == nil {
		s.writeError(w, r, social.Errorf(social.Unauthorized, "unauthenticated", "Sign in to SalesAI in this browser first, then click Continue again."))
		return
	}
	p, err := social.ParsePlatform(r.PathValue("platform"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	conn, ok := s.cfg.Connectors[p]
	if !ok || conn == nil {
		s.writeError(w, r, s.notConfigured(p))
		return
	}
	state, verifier := randomToken(32), oauth2.GenerateVerifier()
	err = s.store.CreateOAuthState(r.Context(), hashToken(state), store.OAuthState{
		SessionID: a.Session.ID, UserID: a.UserID, Platform: p, Verifier: verifier, ExpiresAt: s.now().Add(stateTTL)})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	target := conn.AuthCodeURL(state, verifier)
	if s.cfg.RewriteConsent != nil {
		target = s.cfg.RewriteConsent(target)
	}
	http.Redirect(w, r, target, http.StatusFound)
}

func (s *Server) notConfigured(p social.Platform) error {
	missing := s.cfg.NotConfigured[p]
	if missing == "" {
		missing = "its app credentials"
	}
	return &social.Error{Kind: social.Unavailable, Code: string(p) + "_not_configured",
		Message: p.Title() + " connect is not set up on this server: your admin needs to set " + missing + "."}
}

// handleOAuthCallback finishes a consent flow. Every failure stores nothing
// and lands the user on the accounts page with a clear message.
func (s *Server) handleOAuthCallback(w http.ResponseWriter, r *http.Request) {
	p, err := social.ParsePlatform(r.PathValue("platform"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	st, ok := s.takeState(r, p, q.Get("state"))
	switch {
	case !ok:
		s.connectFailed(w, r, p, "state_invalid", nil)
		return
	case q.Get("error") != "":
		s.connectFailed(w, r, p, "access_denied", nil)
		return
	case q.Get("code") == "":
		s.connectFailed(w, r, p, "exchange_failed", errors.New("callback without a code"))
		return
	}
	conn, ok := s.cfg.Connectors[p]
	if !ok || conn == nil {
		s.writeError(w, r, s.notConfigured(p))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), exchangeTimeout)
	defer cancel()
	profiles, err := conn.Exchange(ctx, q.Get("code"), st.Verifier)
	if err != nil {
		var pe *platform.Error
		reason := "exchange_failed"
		if errors.As(err, &pe) && connectMessages[pe.Code] != "" {
			reason = pe.Code
		}
		s.connectFailed(w, r, p, reason, err)
		return
	}
	if len(profiles) == 0 {
		s.connectFailed(w, r, p, "no_accounts", nil)
		return
	}
	var views []AccountJSON
	for _, prof := range profiles {
		a := accountFromProfile(st.UserID, p, prof)
		if _, err := s.store.ConnectAccount(r.Context(), a); err != nil {
			s.writeError(w, r, err)
			return
		}
		views = append(views, AccountView(a))
	}
	s.log.Info("accounts connected", "platform", p, "user_id", st.UserID, "count", len(views))
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"accounts": views})
		return
	}
	http.Redirect(w, r, "/accounts?connect=ok&platform="+string(p)+"&count="+strconv.Itoa(len(views)), http.StatusFound)
}

// takeState consumes the flow's state: it must exist, be unexpired, be for
// this platform, and belong to the session that started it.
func (s *Server) takeState(r *http.Request, p social.Platform, state string) (*store.OAuthState, bool) {
	if state == "" {
		return nil, false
	}
	st, err := s.store.TakeOAuthState(r.Context(), hashToken(state))
	if err != nil {
		return nil, false
	}
	a, err := s.Authenticate(r)
	if err != nil || a == nil || a.Session == nil || st.Platform != p ||
		subtle.ConstantTimeCompare([]byte(a.Session.ID), []byte(st.SessionID)) != 1 {
		return nil, false
	}
	return st, true
}

func accountFromProfile(userID int64, p social.Platform, prof platform.Profile) *social.Account {
	a := &social.Account{UserID: userID, Platform: p, Name: prof.Name, PlatformAccountID: prof.PlatformAccountID,
		Auth: social.AuthOAuth, Enabled: true, Status: social.StatusConnected, Meta: prof.Meta,
		Credentials: social.Credentials{AccessToken: social.Secret(prof.Token.AccessToken), RefreshToken: social.Secret(prof.Token.RefreshToken)}}
	if !prof.Token.ExpiresAt.IsZero() {
		t := prof.Token.ExpiresAt.UTC()
		a.TokenExpiresAt = &t
	}
	return a
}

func (s *Server) connectFailed(w http.ResponseWriter, r *http.Request, p social.Platform, reason string, cause error) {
	if cause != nil {
		s.log.Warn("connect failed", "platform", p, "reason", reason, "error", cause)
	}
	msg := ConnectMessage(p, reason)
	var pe *platform.Error
	if errors.As(cause, &pe) && pe.Message != "" && reason == "exchange_failed" {
		msg += " (" + pe.Message + ")"
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": errorBody{Code: reason, Message: msg}})
		return
	}
	v := url.Values{"connect": {"error"}, "platform": {string(p)}, "reason": {reason}}
	http.Redirect(w, r, "/accounts?"+v.Encode(), http.StatusFound)
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

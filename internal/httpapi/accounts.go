package httpapi

import (
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/salesai/social/internal/social"
)

// AccountJSON is an account as the API shows it: never a secret, only which
// credentials are present (DESIGN §4).
type AccountJSON struct {
	ID                int64                     `json:"id"`
	Platform          social.Platform           `json:"platform"`
	AccountName       string                    `json:"account_name"`
	PlatformAccountID string                    `json:"platform_account_id"`
	Auth              social.AuthKind           `json:"auth"`
	Enabled           bool                      `json:"enabled"`
	Status            social.AccountStatus      `json:"status"`
	Credentials       social.CredentialPresence `json:"credentials"`
	TokenExpiresAt    *time.Time                `json:"token_expires_at,omitempty"`
	LastError         string                    `json:"last_error,omitempty"`
	Hint              string                    `json:"hint,omitempty"`
	Warnings          []string                  `json:"warnings,omitempty"`
	CreatedAt         time.Time                 `json:"created_at"`
	UpdatedAt         time.Time                 `json:"updated_at"`
}

// AccountView renders an account for the API and the UI.
func AccountView(a *social.Account) AccountJSON {
	v := AccountJSON{ID: a.ID, Platform: a.Platform, AccountName: a.Name, PlatformAccountID: a.PlatformAccountID,
		Auth: a.Auth, Enabled: a.Enabled, Status: a.Status, Credentials: a.Credentials.Presence(),
		TokenExpiresAt: a.TokenExpiresAt, LastError: a.LastError, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if !a.Enabled {
		v.Status = social.StatusDisabled
	}
	if a.Status == social.StatusNeedsReconnect {
		v.Hint = social.Hints["needs_reconnect"]
	}
	v.Warnings = accountWarnings(a)
	return v
}

// accountWarnings are the non-blocking problems of a manual account.
func accountWarnings(a *social.Account) []string {
	c := a.Credentials.Presence()
	var w []string
	if a.Platform == social.LinkedIn && a.Auth == social.AuthManual { // OAuth accounts refresh with the app's credentials
		n := 0
		for _, b := range []bool{c.RefreshToken, c.ClientID, c.ClientSecret} {
			if b {
				n++
			}
		}
		if n > 0 && n < 3 {
			w = append(w, "Auto-refresh needs all three of Refresh Token, Client ID and Client Secret; until then, reconnect LinkedIn with offline_access when the token expires.")
		}
		if n == 0 {
			w = append(w, "Without a Refresh Token, Client ID and Client Secret this account stops working when its token expires (about 60 days).")
		}
	}
	if a.Platform == social.Twitter && (c.AccessTokenSecret || c.ConsumerKey || c.ConsumerSecret) && !a.Credentials.HasLegacyOAuth1() {
		w = append(w, "Legacy image upload needs all three of Access Token Secret, Consumer Key and Consumer Secret.")
	}
	return w
}

func (s *Server) handleAccountList(w http.ResponseWriter, r *http.Request) {
	accts, err := s.store.Accounts(r.Context(), mustAuth(r).UserID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]AccountJSON, len(accts))
	for i, a := range accts {
		out[i] = AccountView(a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": out})
}

func (s *Server) handleAccountGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.store.Account(r.Context(), mustAuth(r).UserID, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, AccountView(a))
}

// accountInput is the body of a manual create and of PATCH. Absent fields are
// left alone; an empty credential clears it.
type accountInput struct {
	Platform          *string `json:"platform"`
	AccountName       *string `json:"account_name"`
	Enabled           *bool   `json:"enabled"`
	AccessToken       *string `json:"access_token"`
	AccessTokenSecret *string `json:"access_token_secret"`
	OAuth1AccessToken *string `json:"oauth1_access_token"`
	RefreshToken      *string `json:"refresh_token"`
	ClientID          *string `json:"client_id"`
	ClientSecret      *string `json:"client_secret"`
	ConsumerKey       *string `json:"consumer_key"`
	ConsumerSecret    *string `json:"consumer_secret"`
	PlatformAccountID *string `json:"platform_account_id"`
}

func (in *accountInput) apply(a *social.Account) {
	set := func(dst *social.Secret, v *string) {
		if v != nil {
			*dst = social.Secret(strings.TrimSpace(*v))
		}
	}
	if in.AccountName != nil {
		a.Name = strings.TrimSpace(*in.AccountName)
	}
	if in.PlatformAccountID != nil {
		a.PlatformAccountID = strings.TrimSpace(*in.PlatformAccountID)
	}
	if in.Enabled != nil {
		a.Enabled = *in.Enabled
	}
	c := &a.Credentials
	set(&c.AccessToken, in.AccessToken)
	set(&c.AccessTokenSecret, in.AccessTokenSecret)
	set(&c.OAuth1AccessToken, in.OAuth1AccessToken)
	set(&c.RefreshToken, in.RefreshToken)
	set(&c.ClientID, in.ClientID)
	set(&c.ClientSecret, in.ClientSecret)
	set(&c.ConsumerKey, in.ConsumerKey)
	set(&c.ConsumerSecret, in.ConsumerSecret)
	if in.AccessToken != nil && a.Status == social.StatusNeedsReconnect && c.AccessToken != "" {
		a.Status, a.LastError = social.StatusConnected, "" // a new token is the manual reconnect
	}
}

var (
	linkedInURN = regexp.MustCompile(`^urn:li:(person|organization):[A-Za-z0-9_-]+$`)
	digits      = regexp.MustCompile(`^[0-9]{1,30}$`)
	channelID   = regexp.MustCompile(`^UC[A-Za-z0-9_-]{10,40}$`)
)

// checkAccount lists what a manual account lacks, field by field.
func checkAccount(a *social.Account) social.Problems {
	var p social.Problems
	add := func(field, code, msg string) { p = append(p, social.Problem{Field: field, Code: code, Message: msg}) }
	if a.Name == "" || len(a.Name) > 200 {
		add("account_name", "invalid_account_name", "Enter the name or handle you want to see in SalesAI (up to 200 characters).")
	}
	if a.Credentials.AccessToken == "" {
		add("access_token", "access_token_missing", social.MsgAccessTokenMissing+": paste the account's access token.")
	}
	switch a.Platform {
	case social.LinkedIn:
		if !linkedInURN.MatchString(a.PlatformAccountID) {
			add("platform_account_id", "invalid_author_urn", "Enter the author URN, like urn:li:person:AbC123 or urn:li:organization:5515715.")
		}
	case social.Facebook:
		if !digits.MatchString(a.PlatformAccountID) {
			add("platform_account_id", "invalid_page_id", "Enter the Facebook Page ID (digits only). Continue with Facebook fills it in for you.")
		}
	case social.YouTube:
		if !channelID.MatchString(a.PlatformAccountID) {
			add("platform_account_id", "invalid_channel_id", "Enter the YouTube Channel ID (it starts with UC). Continue with YouTube fills it in for you.")
		}
	}
	return p
}

func (s *Server) handleAccountCreate(w http.ResponseWriter, r *http.Request) {
	var in accountInput
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.Platform == nil {
		s.writeError(w, r, social.Errorf(social.Invalid, "unknown_platform", "Choose a platform: facebook, linkedin, instagram, twitter or youtube."))
		return
	}
	p, err := social.ParsePlatform(*in.Platform)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if p == social.Instagram {
		s.writeError(w, r, &social.Error{Kind: social.Forbidden, Code: "instagram_manual_disabled", Message: social.MsgInstagramManualDisabled})
		return
	}
	a := &social.Account{UserID: mustAuth(r).UserID, Platform: p, Auth: social.AuthManual, Enabled: true, Status: social.StatusConnected}
	in.apply(a)
	if in.Enabled == nil {
		a.Enabled = true
	}
	if a.Platform == social.Twitter && a.PlatformAccountID == "" {
		a.PlatformAccountID = "manual:" + randomToken(6) // optional for X (guide §B)
	}
	if probs := checkAccount(a); len(probs) > 0 {
		s.writeProblems(w, r, "invalid_account", probs)
		return
	}
	if err := s.store.CreateAccount(r.Context(), a); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, AccountView(a))
}

func (s *Server) writeProblems(w http.ResponseWriter, r *http.Request, code string, p social.Problems) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": errorBody{Code: code, Message: p.Error()}, "problems": p})
}

func (s *Server) handleAccountPatch(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in accountInput
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.Platform != nil {
		s.writeError(w, r, social.Errorf(social.Invalid, "platform_immutable", "An account's platform cannot change; connect a new account instead."))
		return
	}
	a, err := s.store.Account(r.Context(), mustAuth(r).UserID, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	in.apply(a)
	if in.onlyProfile() {
		// The on/off switch and the name touch nothing else, so a token
		// refreshed meanwhile is not written back over.
		if a.Name == "" || len(a.Name) > 200 {
			s.writeProblems(w, r, "invalid_account", social.Problems{{Field: "account_name", Code: "invalid_account_name",
				Message: "Enter the name or handle you want to see in SalesAI (up to 200 characters)."}})
			return
		}
		if err := s.store.SetAccountProfile(r.Context(), a.UserID, a.ID, a.Name, a.Enabled); err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, AccountView(a))
		return
	}
	if probs := checkAccount(a); len(probs) > 0 && (a.Auth == social.AuthManual || in.touchesIdentity()) {
		s.writeProblems(w, r, "invalid_account", probs)
		return
	}
	if err := s.store.SaveAccount(r.Context(), a); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, AccountView(a))
}

// onlyProfile reports whether a PATCH changes nothing but the name and the
// on/off switch.
func (in *accountInput) onlyProfile() bool {
	return in.AccessToken == nil && in.AccessTokenSecret == nil && in.OAuth1AccessToken == nil && in.RefreshToken == nil &&
		in.ClientID == nil && in.ClientSecret == nil && in.ConsumerKey == nil && in.ConsumerSecret == nil && in.PlatformAccountID == nil
}

// touchesIdentity reports whether a PATCH edits what an OAuth account's
// identity rests on, so it must still be valid afterwards.
func (in *accountInput) touchesIdentity() bool {
	return in.AccountName != nil || in.PlatformAccountID != nil || in.AccessToken != nil
}

func (s *Server) handleAccountDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.pub.DeleteAccount(r.Context(), mustAuth(r).UserID, id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

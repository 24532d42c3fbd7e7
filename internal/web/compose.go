package web

import (
	"encoding/json"
	"net/http"

	"github.com/salesai/social/internal/httpapi"
	"github.com/salesai/social/internal/social"
)

// maxCountBody bounds the counter's request: a caption longer than the
// largest limit (Facebook's 63,206) by a wide margin.
const maxCountBody = 512 << 10

// handleCount answers each platform's count of a caption with the server's
// own rules (social.CountChars), so the compose counter never disagrees with
// validation. app.js shows an instant estimate and replaces it with this.
func (s *site) handleCount(w http.ResponseWriter, r *http.Request) {
	a, err := s.user(r)
	if err != nil || a == nil || !httpapi.ValidCSRF(r, a.Session) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]string{
			"code": "unauthenticated", "message": "Your session has ended. Reload the page and sign in again."}})
		return
	}
	var in struct {
		Caption string `json:"caption"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxCountBody)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]string{
			"code": "bad_json", "message": "Send the caption as JSON: {\"caption\": \"…\"}."}})
		return
	}
	counts := map[social.Platform]int{}
	limits := map[social.Platform]int{}
	for _, p := range social.Platforms {
		counts[p] = social.CountChars(p, in.Caption)
		limits[p] = social.CharLimit(p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"counts": counts, "limits": limits})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// credentialField is one row of an account's Advanced credentials form.
type credentialField struct {
	Key, Label, Help string
	Set              bool
}

// credentialFields lists the credentials that matter for a's platform, with
// whether each is set: the only thing the page ever shows about a secret.
func credentialFields(a httpapi.AccountJSON) []credentialField {
	c := a.Credentials
	f := []credentialField{{"access_token", "Access Token", "Main token used to post.", c.AccessToken}}
	switch a.Platform {
	case social.LinkedIn:
		f = append(f,
			credentialField{"refresh_token", "Refresh Token", "Used to refresh expired access tokens. Reconnect with scope offline_access to get refresh token.", c.RefreshToken},
			credentialField{"client_id", "Client ID", "App credential, required for the refresh flow.", c.ClientID},
			credentialField{"client_secret", "Client Secret", "App credential, required for the refresh flow.", c.ClientSecret})
	case social.Twitter:
		f = append(f,
			credentialField{"refresh_token", "Refresh Token", "Used to refresh expired access tokens.", c.RefreshToken},
			credentialField{"access_token_secret", "Access Token Secret", "Used only in legacy Twitter/X OAuth1 media setup.", c.AccessTokenSecret},
			credentialField{"oauth1_access_token", "OAuth1 Access Token", "Used only in legacy Twitter/X OAuth1 media setup.", c.OAuth1AccessToken},
			credentialField{"consumer_key", "Consumer Key", "Used only in legacy Twitter/X OAuth1 media setup.", c.ConsumerKey},
			credentialField{"consumer_secret", "Consumer Secret", "Used only in legacy Twitter/X OAuth1 media setup.", c.ConsumerSecret})
	default:
		f = append(f, credentialField{"refresh_token", "Refresh Token", "Used to refresh expired access tokens (platform-specific).", c.RefreshToken})
	}
	return f
}

// guideError is one of the guide's section I errors with its fixes, in plain words.
type guideError struct {
	Message string
	Fixes   []string
}

// guideErrors are the guide's section I, worded for non-technical users.
var guideErrors = []guideError{
	{social.MsgAccessTokenMissing, []string{
		"If you connected the account with a Continue with … button, open Accounts and click Reconnect.",
		"Editing credentials by hand (Advanced credentials) is only for advanced troubleshooting."}},
	{social.MsgLinkedInRefreshFailed + " / invalid_grant", []string{
		"Reconnect LinkedIn with the offline_access permission.",
		"Then save the new Refresh Token, Client ID and Client Secret under Advanced credentials."}},
	{social.MsgNoConnectedAccount, []string{
		"On Accounts, make sure the account is switched On and shows Connected.",
		"In Compose, tick the correct connected account."}},
	{social.MsgInstagramNeedsImage, []string{
		"Add an image. Instagram does not accept text-only feed posts here."}},
	{social.MsgScheduledPostFailed, []string{
		"Facebook: pick a time at least 10 minutes ahead and within 75 days.",
		"LinkedIn, Instagram, Twitter/X and YouTube: make sure the queue worker is running (ask your admin), the account is connected, and the time you picked is right."}},
	{social.MsgYouTubeNeedsVideo, []string{
		"Add a public, direct video link in Compose.",
		"Using Google Drive? Share the file so anyone with the link can view it."}},
	{social.MsgInstagramMediaFailed + ": Unsupported request - method type: post", []string{
		"This is usually a Meta access problem, not a problem with your caption or image.",
		"Check that the Instagram account is Professional (Business or Creator), that the app has the required permissions, whether the app is Live or in Development mode, and that your account is added as a tester — then reconnect.",
		"If Meta requires your account to be linked to a Facebook Page, finish that setup too."}},
}

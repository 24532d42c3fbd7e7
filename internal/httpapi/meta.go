package httpapi

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/salesai/social/internal/social"
	"github.com/salesai/social/internal/store"
)

// signedRequestMaxAge is how old a Meta signed_request's issued_at may be.
const signedRequestMaxAge = 24 * time.Hour

var errSignedRequest = social.Errorf(social.Invalid, "invalid_signed_request", "The signed_request is missing, malformed or not signed by this app.")

// ParseSignedRequest verifies a Meta signed_request (platforms.md §2.8): the
// HMAC-SHA256, keyed with the app secret, over the payload segment exactly
// as received, compared in constant time; the algorithm must be
// HMAC-SHA256; base64url padded or not.
func ParseSignedRequest(appSecret, signed string) (map[string]any, error) {
	sigPart, payloadPart, ok := strings.Cut(signed, ".")
	if !ok || appSecret == "" || sigPart == "" || payloadPart == "" {
		return nil, errSignedRequest
	}
	sig, err := b64url(sigPart)
	if err != nil {
		return nil, errSignedRequest
	}
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write([]byte(payloadPart))
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return nil, errSignedRequest
	}
	raw, err := b64url(payloadPart)
	if err != nil {
		return nil, errSignedRequest
	}
	var payload map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&payload); err != nil {
		return nil, errSignedRequest
	}
	if alg, _ := payload["algorithm"].(string); !strings.EqualFold(alg, "HMAC-SHA256") {
		return nil, errSignedRequest
	}
	return payload, nil
}

func b64url(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// metaUser verifies a callback's signed_request and returns the platform user
// id it names.
func (s *Server) metaUser(w http.ResponseWriter, r *http.Request, p social.Platform) (string, error) {
	secret := s.cfg.MetaSecrets[p]
	if secret == "" {
		return "", s.notConfigured(p)
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", &social.Error{Kind: social.TooLarge, Code: "body_too_large", Message: "The request body is larger than 64 KiB."}
		}
		return "", social.Errorf(social.Invalid, "invalid_form", "Send signed_request as a form field.")
	}
	payload, err := ParseSignedRequest(secret, r.PostForm.Get("signed_request"))
	if err != nil {
		return "", err
	}
	if err := checkIssuedAt(payload, s.now()); err != nil {
		return "", err
	}
	var uid string
	switch v := payload["user_id"].(type) {
	case string:
		uid = v
	case json.Number:
		uid = v.String()
	}
	if uid == "" {
		return "", social.Errorf(social.Invalid, "invalid_signed_request", "The signed_request names no user_id.")
	}
	return uid, nil
}

// checkIssuedAt refuses replays of old callbacks (and ones from the future).
func checkIssuedAt(payload map[string]any, now time.Time) error {
	n, ok := payload["issued_at"].(json.Number)
	if !ok {
		return nil // not every Meta callback documents it (platforms.md §2.8)
	}
	sec, err := n.Int64()
	if err != nil {
		return errSignedRequest
	}
	at := time.Unix(sec, 0)
	if now.Sub(at) > signedRequestMaxAge || at.Sub(now) > 5*time.Minute {
		return social.Errorf(social.Invalid, "stale_signed_request", "The signed_request was issued at %s, too long ago to accept.", at.UTC().Format(time.RFC3339))
	}
	return nil
}

// metaPlatforms are the account platforms a Meta app's user can own: an
// Instagram Login user owns Instagram accounts; a Facebook Login user owns
// Pages and the Instagram accounts connected through them.
func metaPlatforms(p social.Platform) []social.Platform {
	if p == social.Facebook {
		return []social.Platform{social.Facebook, social.Instagram}
	}
	return []social.Platform{social.Instagram}
}

func (s *Server) handleDeauthorize(p social.Platform) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		uid, err := s.metaUser(w, r, p)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		n, err := s.pub.Deauthorize(r.Context(), metaPlatforms(p), uid)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.log.Info("deauthorized by platform", "platform", p, "accounts", n)
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	}
}

func (s *Server) handleDataDeletion(p social.Platform) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		uid, err := s.metaUser(w, r, p)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		accts, jobs, err := s.pub.Erase(r.Context(), metaPlatforms(p), uid)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		// Only a hash of the platform user id is kept: the record proves the
		// deletion without keeping who it was.
		d := &store.DeletionRequest{Code: newCode(), Platform: p, PlatformUserID: hashToken(uid),
			AccountsDeleted: accts, JobsCanceled: jobs}
		if err := s.store.CreateDeletionRequest(r.Context(), d); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.log.Info("data deleted on platform request", "platform", p, "accounts", accts, "jobs", jobs, "code", d.Code)
		statusURL := strings.TrimSuffix(s.cfg.PublicURL, "/") + "/api/social/" + string(p) + "/data-deletion/" + d.Code
		writeJSON(w, http.StatusOK, map[string]string{"url": statusURL, "confirmation_code": d.Code})
	}
}

// newCode is a confirmation code: Meta asks for an alphanumeric one.
func newCode() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}

var deletionPage = template.Must(template.New("del").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Data deletion {{.Code}} — SalesAI Social</title></head><body>
<h1>Your data deletion request</h1>
<p>Confirmation code: <strong>{{.Code}}</strong></p>
<p>Status: <strong>completed</strong> on {{.Done}}.</p>
<p>SalesAI deleted {{.Accounts}} connected account(s) with their stored access tokens, and cancelled {{.Jobs}} post(s) that were waiting to publish.</p>
</body></html>`))

func (s *Server) handleDeletionStatus(p social.Platform) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, err := s.store.DeletionRequestByCode(r.Context(), p, r.PathValue("code"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if wantsJSON(r) {
			writeJSON(w, http.StatusOK, map[string]any{"confirmation_code": d.Code, "status": "completed",
				"accounts_deleted": d.AccountsDeleted, "jobs_canceled": d.JobsCanceled, "requested_at": d.CreatedAt, "completed_at": d.CompletedAt})
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = deletionPage.Execute(w, map[string]string{"Code": d.Code, "Done": d.CompletedAt.Format("2 January 2006, 15:04 MST"),
			"Accounts": strconv.Itoa(d.AccountsDeleted), "Jobs": strconv.Itoa(d.JobsCanceled)})
	}
}

func (s *Server) metaRoutes() {
	for _, p := range []social.Platform{social.Instagram, social.Facebook} {
		base := "/api/social/" + string(p)
		s.route("POST "+base+"/deauthorize", s.handleDeauthorize(p))
		s.route("POST "+base+"/data-deletion", s.handleDataDeletion(p))
		s.route("GET "+base+"/data-deletion/{code}", s.handleDeletionStatus(p))
	}
}

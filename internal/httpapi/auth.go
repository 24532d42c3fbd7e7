package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/salesai/social/internal/social"
	"github.com/salesai/social/internal/store"
)

const (
	sessionCookie = "salesai_session"
	sessionTTL    = 30 * 24 * time.Hour
	minPassword   = 10
	apiKeyPrefix  = "sk_"
)

// Auth is who a request acts for.
type Auth struct {
	UserID  int64
	Session *store.Session // nil for API-key requests
	Email   string
}

type ctxKey struct{}

// AuthFrom returns the request's Auth, set by the auth middleware.
func AuthFrom(ctx context.Context) (*Auth, bool) {
	a, ok := ctx.Value(ctxKey{}).(*Auth)
	return a, ok
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:])
}

// Passwords are hashed with argon2id at OWASP's recommended cost (19 MiB, t=2).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// hashing bounds concurrent argon2id runs (19 MiB each), so a flood of
// sign-ups or sign-ins cannot exhaust memory; the rest wait their turn.
var hashing = make(chan struct{}, 2*runtime.GOMAXPROCS(0))

// HashPassword returns an encoded argon2id hash.
func HashPassword(pw string) string {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

func checkPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 5 || parts[0] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[3])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[4])
	if err1 != nil || err2 != nil {
		return false
	}
	hashing <- struct{}{}
	defer func() { <-hashing }()
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// CheckCredentials validates a new user's email and password.
func CheckCredentials(email, password string) error {
	if a, err := mail.ParseAddress(email); err != nil || a.Address != strings.TrimSpace(email) {
		return social.Errorf(social.Invalid, "invalid_email", "Enter a valid email address, like name@company.com.")
	}
	if len([]rune(password)) < minPassword {
		return social.Errorf(social.Invalid, "weak_password", "Choose a password of at least %d characters.", minPassword)
	}
	return nil
}

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type userJSON struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
}

func (s *Server) handleSignup(w http.ResponseWriter, r *http.Request) {
	var c credentials
	if err := decode(w, r, &c); err != nil {
		s.writeError(w, r, err)
		return
	}
	c.Email = strings.TrimSpace(c.Email)
	if !s.signups.allow(clientIP(r), s.now()) {
		s.writeError(w, r, social.Errorf(social.TooMany, "too_many_attempts", "Too many sign-ups from this network. Wait a minute, then try again."))
		return
	}
	if err := CheckCredentials(c.Email, c.Password); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.store.CreateUser(r.Context(), c.Email, HashPassword(c.Password))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.startSession(w, r, u, http.StatusCreated)
}

var errBadLogin = social.Errorf(social.Unauthorized, "invalid_credentials", "The email or password is not right. Check them and try again.")

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var c credentials
	if err := decode(w, r, &c); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.Login(r.Context(), c.Email, c.Password)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.startSession(w, r, u, http.StatusOK)
}

var errTooManyLogins = social.Errorf(social.TooMany, "too_many_attempts", "Too many sign-in attempts for this email. Wait a minute, then try again.")

// Login checks an email and password, at a limited pace per email.
func (s *Server) Login(ctx context.Context, email, password string) (*store.User, error) {
	if !s.logins.allow(email, s.now()) {
		return nil, errTooManyLogins
	}
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, social.ErrNotFound) {
		checkPassword(dummyHash, password) // same work either way: no user enumeration by timing
		return nil, errBadLogin
	}
	if err != nil {
		return nil, err
	}
	if !checkPassword(u.PasswordHash, password) {
		return nil, errBadLogin
	}
	return u, nil
}

var dummyHash = HashPassword("not-a-real-password")

// startSession signs the browser in with a new session (rotated at every
// login, against fixation) and answers the user and CSRF token.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *store.User, status int) {
	sess, err := s.NewSession(w, r, u.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, status, map[string]any{"user": userJSON{ID: u.ID, Email: u.Email}, "csrf_token": sess.CSRFToken})
}

// NewSession replaces the request's session (if any) with a fresh one and
// sets its cookie.
func (s *Server) NewSession(w http.ResponseWriter, r *http.Request, userID int64) (*store.Session, error) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = s.store.DeleteSession(r.Context(), hashToken(c.Value))
	}
	value := randomToken(32)
	sess, err := s.store.CreateSession(r.Context(), hashToken(value), randomToken(24), userID, sessionTTL)
	if err != nil {
		return nil, err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: value, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, Expires: sess.ExpiresAt})
	return sess, nil
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	s.EndSession(w, r)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// EndSession signs the browser out.
func (s *Server) EndSession(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = s.store.DeleteSession(r.Context(), hashToken(c.Value))
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// Authenticate finds who the request acts for: a bearer API key, or the
// session cookie. It returns nil when neither is valid.
func (s *Server) Authenticate(r *http.Request) (*Auth, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		key, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !strings.HasPrefix(key, apiKeyPrefix) {
			return nil, nil
		}
		_, uid, err := s.store.UserByAPIKeyHash(r.Context(), hashToken(key))
		if errors.Is(err, social.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return &Auth{UserID: uid}, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, nil
	}
	sess, err := s.store.SessionByID(r.Context(), hashToken(c.Value))
	if errors.Is(err, social.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Auth{UserID: sess.UserID, Session: sess}, nil
}

var (
	errSignIn = social.Errorf(social.Unauthorized, "unauthenticated", "Sign in first, or send an API key as Authorization: Bearer <key>.")
	errCSRF   = social.Errorf(social.Forbidden, "csrf_failed", "This form has expired. Reload the page and try again.")
)

// requireUser lets a request through only with a valid API key or session,
// and, for a session, the CSRF token on every unsafe method.
func (s *Server) requireUser(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, err := s.Authenticate(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if a == nil {
			s.writeError(w, r, errSignIn)
			return
		}
		if a.Session != nil && !safeMethod(r.Method) && !ValidCSRF(r, a.Session) {
			s.writeError(w, r, errCSRF)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, a)))
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// ValidCSRF checks the X-CSRF-Token header or csrf_token form field.
func ValidCSRF(r *http.Request, sess *store.Session) bool {
	tok := r.Header.Get("X-CSRF-Token")
	if tok == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		tok = r.PostFormValue("csrf_token")
	}
	return tok != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(sess.CSRFToken)) == 1
}

func mustAuth(r *http.Request) *Auth {
	a, _ := AuthFrom(r.Context())
	return a
}

func (s *Server) handleKeyCreate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > 100 {
		s.writeError(w, r, social.Errorf(social.Invalid, "invalid_name", "Give the key a name of 1 to 100 characters, such as \"CI\"."))
		return
	}
	key := apiKeyPrefix + randomToken(32)
	k, err := s.store.CreateAPIKey(r.Context(), mustAuth(r).UserID, in.Name, key[:10], hashToken(key))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": k.ID, "name": k.Name, "prefix": k.Prefix, "created_at": k.CreatedAt, "key": key})
}

func (s *Server) handleKeyList(w http.ResponseWriter, r *http.Request) {
	keys, err := s.store.APIKeys(r.Context(), mustAuth(r).UserID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}

func (s *Server) handleKeyDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.store.DeleteAPIKey(r.Context(), mustAuth(r).UserID, id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// pathID reads the {id} path value; a malformed id is NotFound, like a foreign one.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, social.ErrNotFound
	}
	return id, nil
}

// clientIP is the request's remote address without the port (the sign-up
// throttle's key; behind a proxy this is the proxy, which still bounds the
// total rate).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

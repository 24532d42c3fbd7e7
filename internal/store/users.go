package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/salesai/social/internal/social"
)

// User is a person who signs in to SalesAI.
type User struct {
	ID           int64
	Email        string
	PasswordHash string
	CreatedAt    time.Time
}

// CreateUser stores a new user; a taken email is a Conflict.
func (s *Store) CreateUser(ctx context.Context, email, passwordHash string) (*User, error) {
	u := &User{Email: strings.ToLower(strings.TrimSpace(email)), PasswordHash: passwordHash, CreatedAt: s.now().UTC()}
	err := s.db.QueryRowContext(ctx, `INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id`,
		u.Email, u.PasswordHash, ms(u.CreatedAt)).Scan(&u.ID)
	if isUniqueViolation(err) {
		return nil, social.Errorf(social.Conflict, "email_taken", "An account with this email already exists. Sign in instead.")
	}
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// UserByEmail finds a user by email (case-insensitive).
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	return s.scanUser(s.db.QueryRowContext(ctx, `SELECT id, email, password_hash, created_at FROM users WHERE email = $1`,
		strings.ToLower(strings.TrimSpace(email))))
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	return s.scanUser(s.db.QueryRowContext(ctx, `SELECT id, email, password_hash, created_at FROM users WHERE id = $1`, id))
}

func (s *Store) scanUser(row *sql.Row) (*User, error) {
	var u User
	var created int64
	if err := row.Scan(&u.ID, &u.Email, &u.PasswordHash, &created); err != nil {
		return nil, notFound(err)
	}
	u.CreatedAt = fromMs(created)
	return &u, nil
}

// Session is a signed-in browser. ID is the SHA-256 of the cookie value.
type Session struct {
	ID        string
	UserID    int64
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateSession stores a session under the hash of its cookie value.
func (s *Store) CreateSession(ctx context.Context, idHash, csrf string, userID int64, ttl time.Duration) (*Session, error) {
	now := s.now().UTC()
	sess := &Session{ID: idHash, UserID: userID, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		sess.ID, sess.UserID, sess.CSRFToken, ms(sess.CreatedAt), ms(sess.ExpiresAt))
	if err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	return sess, nil
}

// SessionByID returns an unexpired session.
func (s *Store) SessionByID(ctx context.Context, idHash string) (*Session, error) {
	var sess Session
	var created, expires int64
	err := s.db.QueryRowContext(ctx, `SELECT id, user_id, csrf_token, created_at, expires_at FROM sessions WHERE id = $1 AND expires_at > $2`,
		idHash, ms(s.now())).Scan(&sess.ID, &sess.UserID, &sess.CSRFToken, &created, &expires)
	if err != nil {
		return nil, notFound(err)
	}
	sess.CreatedAt, sess.ExpiresAt = fromMs(created), fromMs(expires)
	return &sess, nil
}

// DeleteSession signs a browser out.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, idHash)
	return err
}

// DeleteExpiredSessions removes sessions and OAuth states past their time.
func (s *Store) DeleteExpiredSessions(ctx context.Context) error {
	now := ms(s.now())
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM oauth_states WHERE expires_at <= $1`, now)
	return err
}

// APIKey is a long-lived bearer credential. Only its hash is stored.
type APIKey struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"-"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// CreateAPIKey stores a key's hash.
func (s *Store) CreateAPIKey(ctx context.Context, userID int64, name, prefix, hash string) (*APIKey, error) {
	k := &APIKey{UserID: userID, Name: name, Prefix: prefix, CreatedAt: s.now().UTC()}
	err := s.db.QueryRowContext(ctx, `INSERT INTO api_keys (user_id, name, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		userID, name, prefix, hash, ms(k.CreatedAt)).Scan(&k.ID)
	if err != nil {
		return nil, fmt.Errorf("create api key: %w", err)
	}
	return k, nil
}

// APIKeys lists a user's keys, newest first.
func (s *Store) APIKeys(ctx context.Context, userID int64) ([]APIKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, user_id, name, prefix, created_at, last_used_at FROM api_keys WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	defer rows.Close()
	keys := []APIKey{}
	for rows.Next() {
		var k APIKey
		var created int64
		var used sql.NullInt64
		if err := rows.Scan(&k.ID, &k.UserID, &k.Name, &k.Prefix, &created, &used); err != nil {
			return nil, err
		}
		k.CreatedAt, k.LastUsedAt = fromMs(created), fromNullMs(used)
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// UserByAPIKeyHash authenticates a bearer key and notes its use, at most
// once a minute (a write per request would contend with SQLite's one writer).
func (s *Store) UserByAPIKeyHash(ctx context.Context, hash string) (int64, int64, error) {
	var keyID, userID int64
	var used sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT id, user_id, last_used_at FROM api_keys WHERE key_hash = $1`, hash).Scan(&keyID, &userID, &used)
	if err != nil {
		return 0, 0, notFound(err)
	}
	if now := ms(s.now()); !used.Valid || now-used.Int64 > 60_000 {
		_, _ = s.db.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE id = $2`, now, keyID)
	}
	return keyID, userID, nil
}

// DeleteAPIKey revokes one of the user's keys.
func (s *Store) DeleteAPIKey(ctx context.Context, userID, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM api_keys WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("delete api key: %w", err)
	}
	return mustAffect(res)
}

// mustAffect turns "no row changed" into NotFound: the row is missing or foreign.
func mustAffect(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return social.ErrNotFound
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/salesai/social/internal/social"
)

// OAuthState is a pending consent flow: bound to a session, single use, and
// short-lived. Only the state's hash is stored; the PKCE verifier is sealed.
type OAuthState struct {
	SessionID string
	UserID    int64
	Platform  social.Platform
	Verifier  string
	ExpiresAt time.Time
}

func stateAAD(hash string) []byte { return []byte("salesai/oauth-state/" + hash) }

// CreateOAuthState stores a flow under the hash of its state value.
func (s *Store) CreateOAuthState(ctx context.Context, hash string, st OAuthState) error {
	sealed, err := s.sealer.Seal([]byte(st.Verifier), stateAAD(hash))
	if err != nil {
		return fmt.Errorf("create oauth state: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO oauth_states (id, session_id, user_id, platform, verifier, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, hash, st.SessionID, st.UserID, st.Platform, sealed, ms(s.now()), ms(st.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create oauth state: %w", err)
	}
	return nil
}

// TakeOAuthState consumes a flow: it is deleted whether or not it is still
// valid, so a state works once. An expired or unknown state is NotFound.
func (s *Store) TakeOAuthState(ctx context.Context, hash string) (*OAuthState, error) {
	var st OAuthState
	var sealed string
	var expires int64
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT session_id, user_id, platform, verifier, expires_at FROM oauth_states WHERE id = $1`, hash).
			Scan(&st.SessionID, &st.UserID, &st.Platform, &sealed, &expires)
		if err != nil {
			return notFound(err)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM oauth_states WHERE id = $1`, hash)
		return err
	})
	if err != nil {
		return nil, err
	}
	st.ExpiresAt = fromMs(expires)
	if !s.now().Before(st.ExpiresAt) {
		return nil, social.ErrNotFound
	}
	v, err := s.sealer.Open(sealed, stateAAD(hash))
	if err != nil {
		return nil, fmt.Errorf("open oauth state: %w", err)
	}
	st.Verifier = string(v)
	return &st, nil
}

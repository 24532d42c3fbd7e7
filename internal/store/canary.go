package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

const canaryText = "salesai vault canary"

var canaryAAD = []byte("salesai/vault-canary")

// ErrWrongKey means the configured secret key is not the one this database's
// credentials were sealed with.
var ErrWrongKey = errors.New("SALESAI_SECRET_KEY is not the key this database was sealed with: set the right key " +
	"(or, while rotating keys, the new one in SALESAI_SECRET_KEY and the previous one in SALESAI_SECRET_KEY_OLD)")

// CheckKey proves the sealer opens what this database holds: on first use it
// seals a canary value; later it must open it. Run it at startup.
func (s *Store) CheckKey(ctx context.Context) error {
	var sealed string
	err := s.db.QueryRowContext(ctx, `SELECT sealed FROM vault_canary WHERE id = 1`).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return s.writeCanary(ctx, `INSERT INTO vault_canary (id, sealed) VALUES (1, $1)`)
	}
	if err != nil {
		return fmt.Errorf("check secret key: %w", err)
	}
	plain, err := s.sealer.Open(sealed, canaryAAD)
	if err != nil || string(plain) != canaryText {
		return ErrWrongKey
	}
	return nil
}

// ResealCanary seals the canary under the current key (rotate-key).
func (s *Store) ResealCanary(ctx context.Context) error {
	return s.writeCanary(ctx, `UPDATE vault_canary SET sealed = $1 WHERE id = 1`)
}

func (s *Store) writeCanary(ctx context.Context, q string) error {
	sealed, err := s.sealer.Seal([]byte(canaryText), canaryAAD)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, q, sealed)
	return err
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/salesai/social/internal/social"
)

// DeletionRequest records a platform's data-deletion callback and what it
// erased, so the user can check its status by confirmation code.
type DeletionRequest struct {
	Code            string
	Platform        social.Platform
	PlatformUserID  string
	AccountsDeleted int
	JobsCanceled    int
	CreatedAt       time.Time
	CompletedAt     *time.Time
}

// CreateDeletionRequest stores a finished deletion.
func (s *Store) CreateDeletionRequest(ctx context.Context, d *DeletionRequest) error {
	now := s.now().UTC()
	d.CreatedAt, d.CompletedAt = now, &now
	_, err := s.db.ExecContext(ctx, `INSERT INTO data_deletion_requests (code, platform, platform_user_id, accounts_deleted,
		jobs_canceled, created_at, completed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		d.Code, d.Platform, d.PlatformUserID, d.AccountsDeleted, d.JobsCanceled, ms(now), ms(now))
	if err != nil {
		return fmt.Errorf("record deletion: %w", err)
	}
	return nil
}

// DeletionRequestByCode finds a deletion by its confirmation code.
func (s *Store) DeletionRequestByCode(ctx context.Context, p social.Platform, code string) (*DeletionRequest, error) {
	var d DeletionRequest
	var created int64
	var done sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT code, platform, platform_user_id, accounts_deleted, jobs_canceled, created_at, completed_at
		FROM data_deletion_requests WHERE code = $1 AND platform = $2`, code, p).
		Scan(&d.Code, &d.Platform, &d.PlatformUserID, &d.AccountsDeleted, &d.JobsCanceled, &created, &done)
	if err != nil {
		return nil, notFound(err)
	}
	d.CreatedAt, d.CompletedAt = fromMs(created), fromNullMs(done)
	return &d, nil
}

// AccountsOfPlatformUser lists every account a platform user granted us: the
// accounts whose platform account id is that user, or whose connect flow
// recorded the user's id (Meta["platform_user_id"], e.g. the Facebook user who
// connected Pages).
func (s *Store) AccountsOfPlatformUser(ctx context.Context, platforms []social.Platform, userID string) ([]*social.Account, error) {
	var out []*social.Account
	for _, p := range platforms {
		accts, err := s.queryAccounts(ctx, `SELECT `+accountColumns+` FROM social_accounts WHERE platform = $1 ORDER BY id`, p)
		if err != nil {
			return nil, err
		}
		for _, a := range accts {
			if a.PlatformAccountID == userID || a.Meta["platform_user_id"] == userID {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

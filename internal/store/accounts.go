package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/salesai/social/internal/social"
)

// sealedCredentials is the plaintext shape of an account's credentials just
// before sealing. social.Secret refuses to marshal itself, on purpose, so the
// values are revealed here and nowhere else on the way to the database.
type sealedCredentials struct {
	AccessToken       string `json:"at,omitempty"`
	AccessTokenSecret string `json:"ats,omitempty"`
	RefreshToken      string `json:"rt,omitempty"`
	ClientID          string `json:"cid,omitempty"`
	ClientSecret      string `json:"cs,omitempty"`
	ConsumerKey       string `json:"ck,omitempty"`
	ConsumerSecret    string `json:"cks,omitempty"`
	OAuth1AccessToken string `json:"o1,omitempty"`
}

// credentialsAAD binds sealed credentials to their account, so a sealed blob
// copied onto another row does not open.
func credentialsAAD(userID int64, p social.Platform, platformAccountID string) []byte {
	return []byte("salesai/account/" + strconv.FormatInt(userID, 10) + "/" + string(p) + "/" + platformAccountID)
}

func (s *Store) sealCredentials(a *social.Account) (string, error) {
	c := a.Credentials
	b, err := json.Marshal(sealedCredentials{
		AccessToken: c.AccessToken.Reveal(), AccessTokenSecret: c.AccessTokenSecret.Reveal(),
		RefreshToken: c.RefreshToken.Reveal(), ClientID: c.ClientID.Reveal(), ClientSecret: c.ClientSecret.Reveal(),
		ConsumerKey: c.ConsumerKey.Reveal(), ConsumerSecret: c.ConsumerSecret.Reveal(),
		OAuth1AccessToken: c.OAuth1AccessToken.Reveal(),
	})
	if err != nil {
		return "", err
	}
	return s.sealer.Seal(b, credentialsAAD(a.UserID, a.Platform, a.PlatformAccountID))
}

func (s *Store) openCredentials(a *social.Account, sealed string) error {
	b, err := s.sealer.Open(sealed, credentialsAAD(a.UserID, a.Platform, a.PlatformAccountID))
	if err != nil {
		return fmt.Errorf("open credentials of account %d: %w", a.ID, err)
	}
	var c sealedCredentials
	if err := json.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("open credentials of account %d: %w", a.ID, err)
	}
	a.Credentials = social.Credentials{
		AccessToken: social.Secret(c.AccessToken), AccessTokenSecret: social.Secret(c.AccessTokenSecret),
		RefreshToken: social.Secret(c.RefreshToken), ClientID: social.Secret(c.ClientID),
		ClientSecret: social.Secret(c.ClientSecret), ConsumerKey: social.Secret(c.ConsumerKey),
		ConsumerSecret: social.Secret(c.ConsumerSecret), OAuth1AccessToken: social.Secret(c.OAuth1AccessToken),
	}
	return nil
}

const accountColumns = `id, user_id, platform, name, platform_account_id, auth, enabled, status, credentials, meta,
	token_expires_at, last_error, created_at, updated_at`

func (s *Store) scanAccount(row interface{ Scan(...any) error }) (*social.Account, error) {
	var a social.Account
	var sealed, meta string
	var expires sql.NullInt64
	var created, updated int64
	if err := row.Scan(&a.ID, &a.UserID, &a.Platform, &a.Name, &a.PlatformAccountID, &a.Auth, &a.Enabled, &a.Status,
		&sealed, &meta, &expires, &a.LastError, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	a.TokenExpiresAt, a.CreatedAt, a.UpdatedAt = fromNullMs(expires), fromMs(created), fromMs(updated)
	if err := json.Unmarshal([]byte(meta), &a.Meta); err != nil {
		return nil, fmt.Errorf("account %d meta: %w", a.ID, err)
	}
	if err := s.openCredentials(&a, sealed); err != nil {
		return nil, err
	}
	return &a, nil
}

func metaJSON(m map[string]string) string {
	if m == nil {
		m = map[string]string{}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// CreateAccount stores a new account of a.UserID. The same platform account
// connected twice by one user is a Conflict.
func (s *Store) CreateAccount(ctx context.Context, a *social.Account) error {
	now := s.now().UTC()
	a.CreatedAt, a.UpdatedAt = now, now
	if a.Status == "" {
		a.Status = social.StatusConnected
	}
	sealed, err := s.sealCredentials(a)
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	err = s.db.QueryRowContext(ctx, `INSERT INTO social_accounts (user_id, platform, name, platform_account_id, auth,
		enabled, status, credentials, meta, token_expires_at, last_error, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		a.UserID, a.Platform, a.Name, a.PlatformAccountID, a.Auth, a.Enabled, a.Status, sealed, metaJSON(a.Meta),
		msPtr(a.TokenExpiresAt), a.LastError, ms(now), ms(now)).Scan(&a.ID)
	if isUniqueViolation(err) {
		return social.Errorf(social.Conflict, "account_exists",
			"This %s account is already connected. Edit it, or reconnect it to refresh its token.", a.Platform.Title())
	}
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	return nil
}

// Account returns one of the user's accounts; another user's id is NotFound.
func (s *Store) Account(ctx context.Context, userID, id int64) (*social.Account, error) {
	return s.scanAccount(s.db.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM social_accounts WHERE id = $1 AND user_id = $2`, id, userID))
}

// AccountByID returns an account whoever owns it, for workers.
func (s *Store) AccountByID(ctx context.Context, id int64) (*social.Account, error) {
	return s.scanAccount(s.db.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM social_accounts WHERE id = $1`, id))
}

// AccountByPlatformID finds the user's account for a platform account id.
func (s *Store) AccountByPlatformID(ctx context.Context, userID int64, p social.Platform, platformAccountID string) (*social.Account, error) {
	return s.scanAccount(s.db.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM social_accounts
		WHERE user_id = $1 AND platform = $2 AND platform_account_id = $3`, userID, p, platformAccountID))
}

// Accounts lists the user's accounts in the order they were connected.
func (s *Store) Accounts(ctx context.Context, userID int64) ([]*social.Account, error) {
	return s.queryAccounts(ctx, `SELECT `+accountColumns+` FROM social_accounts WHERE user_id = $1 ORDER BY id`, userID)
}

// AccountsByPlatformID lists every user's account for one platform account
// (Meta's deauthorize and data-deletion callbacks name only the platform user).
func (s *Store) AccountsByPlatformID(ctx context.Context, p social.Platform, platformAccountID string) ([]*social.Account, error) {
	return s.queryAccounts(ctx, `SELECT `+accountColumns+` FROM social_accounts WHERE platform = $1 AND platform_account_id = $2 ORDER BY id`,
		p, platformAccountID)
}

// AccountsExpiringBefore lists enabled accounts with a refresh token whose
// access token expires before t, for the periodic refresh.
func (s *Store) AccountsExpiringBefore(ctx context.Context, t time.Time) ([]*social.Account, error) {
	return s.queryAccounts(ctx, `SELECT `+accountColumns+` FROM social_accounts
		WHERE enabled = $1 AND status = $2 AND token_expires_at IS NOT NULL AND token_expires_at < $3 ORDER BY token_expires_at`,
		true, social.StatusConnected, ms(t))
}

func (s *Store) queryAccounts(ctx context.Context, q string, args ...any) ([]*social.Account, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	out := []*social.Account{}
	for rows.Next() {
		a, err := s.scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SaveAccount writes every field of an existing account of a.UserID.
func (s *Store) SaveAccount(ctx context.Context, a *social.Account) error {
	a.UpdatedAt = s.now().UTC()
	sealed, err := s.sealCredentials(a)
	if err != nil {
		return fmt.Errorf("save account %d: %w", a.ID, err)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE social_accounts SET name = $1, platform_account_id = $2, auth = $3, enabled = $4,
		status = $5, credentials = $6, meta = $7, token_expires_at = $8, last_error = $9, updated_at = $10
		WHERE id = $11 AND user_id = $12`,
		a.Name, a.PlatformAccountID, a.Auth, a.Enabled, a.Status, sealed, metaJSON(a.Meta), msPtr(a.TokenExpiresAt),
		a.LastError, ms(a.UpdatedAt), a.ID, a.UserID)
	if isUniqueViolation(err) {
		return social.Errorf(social.Conflict, "account_exists", "Another of your %s accounts already has this platform account id.", a.Platform.Title())
	}
	if err != nil {
		return fmt.Errorf("save account %d: %w", a.ID, err)
	}
	return mustAffect(res)
}

// DeleteAccount removes one of the user's accounts. Its targets keep their
// history with no account (ON DELETE SET NULL).
func (s *Store) DeleteAccount(ctx context.Context, userID, id int64) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		return s.DeleteAccountTx(ctx, tx, userID, id)
	})
}

// DeleteAccountTx deletes one of the user's accounts inside a transaction.
func (s *Store) DeleteAccountTx(ctx context.Context, tx *sql.Tx, userID, id int64) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM social_accounts WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("delete account %d: %w", id, err)
	}
	return mustAffect(res)
}

// LockRefresh takes the account's refresh lock until `until`, across every
// process sharing the database. It reports false when another holder has it.
func (s *Store) LockRefresh(ctx context.Context, id int64, until time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE social_accounts SET refresh_lock_until = $1 WHERE id = $2 AND refresh_lock_until < $3`,
		ms(until), id, ms(s.now()))
	if err != nil {
		return false, fmt.Errorf("lock refresh of account %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UnlockRefresh releases the refresh lock taken until `until`; a lock that
// expired and was taken by someone else is left alone.
func (s *Store) UnlockRefresh(ctx context.Context, id int64, until time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE social_accounts SET refresh_lock_until = 0 WHERE id = $1 AND refresh_lock_until = $2`, id, ms(until))
	return err
}

// ConnectAccount stores an account a connect flow found. Reconnecting one the
// user already has (same platform and platform account id) updates it in
// place, keeping its id, history, on/off switch and any stored refresh token
// the platform did not resend.
func (s *Store) ConnectAccount(ctx context.Context, a *social.Account) (created bool, err error) {
	err = s.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM social_accounts
			WHERE user_id = $1 AND platform = $2 AND platform_account_id = $3`, a.UserID, a.Platform, a.PlatformAccountID))
		if err != nil && err != social.ErrNotFound {
			return err
		}
		now := s.now().UTC()
		if cur == nil {
			created = true
			a.CreatedAt, a.UpdatedAt, a.Enabled, a.Status = now, now, true, social.StatusConnected
			sealed, err := s.sealCredentials(a)
			if err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `INSERT INTO social_accounts (user_id, platform, name, platform_account_id, auth,
				enabled, status, credentials, meta, token_expires_at, last_error, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', $11, $12) RETURNING id`,
				a.UserID, a.Platform, a.Name, a.PlatformAccountID, a.Auth, true, social.StatusConnected, sealed, metaJSON(a.Meta),
				msPtr(a.TokenExpiresAt), ms(now), ms(now)).Scan(&a.ID)
		}
		merged := *cur
		if cur.Credentials.AccessToken == "" {
			// Its credentials were erased (the platform deauthorized us): the
			// user reconnecting wants it back on. An account the user merely
			// switched off keeps its token and stays off.
			merged.Enabled = true
		}
		merged.Name, merged.Auth, merged.Status, merged.LastError = a.Name, a.Auth, social.StatusConnected, ""
		merged.TokenExpiresAt, merged.UpdatedAt = a.TokenExpiresAt, now
		merged.Credentials.AccessToken = a.Credentials.AccessToken
		if a.Credentials.RefreshToken != "" {
			merged.Credentials.RefreshToken = a.Credentials.RefreshToken
		}
		if merged.Meta == nil {
			merged.Meta = map[string]string{}
		}
		for k, v := range a.Meta {
			merged.Meta[k] = v
		}
		sealed, err := s.sealCredentials(&merged)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE social_accounts SET name = $1, auth = $2, status = $3, credentials = $4, meta = $5,
			token_expires_at = $6, last_error = '', updated_at = $7, enabled = $8 WHERE id = $9`,
			merged.Name, merged.Auth, merged.Status, sealed, metaJSON(merged.Meta), msPtr(merged.TokenExpiresAt), ms(now),
			merged.Enabled, merged.ID)
		*a = merged
		return err
	})
	if err != nil {
		return false, fmt.Errorf("connect account: %w", err)
	}
	return created, nil
}

// Reseal re-seals every account's credentials for which needs reports true
// (sealed under an old key), one account per transaction, so an interrupted
// run leaves each row either old or new and a second run finishes the job.
func (s *Store) Reseal(ctx context.Context, needs func(sealed string) bool) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, user_id, credentials FROM social_accounts ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("reseal: %w", err)
	}
	type row struct {
		id, user int64
		sealed   string
	}
	var todo []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.user, &r.sealed); err != nil {
			rows.Close()
			return 0, fmt.Errorf("reseal: %w", err)
		}
		if needs(r.sealed) {
			todo = append(todo, r)
		}
	}
	rows.Close()
	n := 0
	for _, r := range todo {
		a, err := s.Account(ctx, r.user, r.id)
		if err != nil {
			return n, fmt.Errorf("reseal account %d: %w", r.id, err)
		}
		if err := s.SaveAccount(ctx, a); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// SaveTokens writes what a refresh or a platform's deauthorization changes
// — the access and refresh tokens, token expiry, status and last error —
// merged into the credentials as they are now, inside one transaction, so
// credentials a user saved meanwhile (say OAuth1 keys) and their name or
// on/off switch are not undone.
func (s *Store) SaveTokens(ctx context.Context, a *social.Account) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM social_accounts WHERE id = $1`, a.ID))
		if err != nil {
			return err
		}
		cur.Credentials.AccessToken, cur.Credentials.RefreshToken = a.Credentials.AccessToken, a.Credentials.RefreshToken
		cur.UpdatedAt = s.now().UTC()
		sealed, err := s.sealCredentials(cur)
		if err != nil {
			return fmt.Errorf("save tokens of account %d: %w", a.ID, err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE social_accounts SET credentials = $1, token_expires_at = $2, status = $3,
			last_error = $4, updated_at = $5 WHERE id = $6`, sealed, msPtr(a.TokenExpiresAt), a.Status, a.LastError, ms(cur.UpdatedAt), a.ID)
		return err
	})
}

// EraseCredentials removes every credential of an account (a platform
// deauthorized us) and marks it, in one statement.
func (s *Store) EraseCredentials(ctx context.Context, a *social.Account, lastError string) error {
	empty := *a
	empty.Credentials = social.Credentials{}
	sealed, err := s.sealCredentials(&empty)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `UPDATE social_accounts SET credentials = $1, token_expires_at = NULL, status = $2, enabled = $3,
		last_error = $4, updated_at = $5 WHERE id = $6`, sealed, social.StatusNeedsReconnect, false, lastError, ms(s.now()), a.ID)
	return err
}

// SetAccountProfile changes only an account's name and on/off switch.
func (s *Store) SetAccountProfile(ctx context.Context, userID, id int64, name string, enabled bool) error {
	res, err := s.db.ExecContext(ctx, `UPDATE social_accounts SET name = $1, enabled = $2, updated_at = $3 WHERE id = $4 AND user_id = $5`,
		name, enabled, ms(s.now()), id, userID)
	if err != nil {
		return fmt.Errorf("update account %d: %w", id, err)
	}
	return mustAffect(res)
}

// SetAccountStatus changes only an account's status and last error.
func (s *Store) SetAccountStatus(ctx context.Context, id int64, status social.AccountStatus, lastError string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE social_accounts SET status = $1, last_error = $2, updated_at = $3 WHERE id = $4`,
		status, lastError, ms(s.now()), id)
	return err
}

// SetAccountEnabled switches an account on or off, touching nothing else.
func (s *Store) SetAccountEnabled(ctx context.Context, id int64, enabled bool) error {
	_, err := s.db.ExecContext(ctx, `UPDATE social_accounts SET enabled = $1, updated_at = $2 WHERE id = $3`, enabled, ms(s.now()), id)
	return err
}

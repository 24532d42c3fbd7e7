// Package store keeps SalesAI's data in SQLite (default) or PostgreSQL through
// one database/sql code path. River shares the same *sql.DB, so a post and its
// jobs are written in one transaction. Credentials are sealed by a Sealer
// (internal/vault) before they reach a row.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver
	_ "modernc.org/sqlite"             // "sqlite" driver

	"github.com/salesai/social/internal/social"
)

// Dialect names the database in use.
type Dialect string

// Dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Sealer seals and opens credentials; internal/vault implements it.
type Sealer interface {
	Seal(plaintext, aad []byte) (string, error)
	Open(sealed string, aad []byte) ([]byte, error)
}

// Config says which database to open.
type Config struct {
	// DatabaseURL selects PostgreSQL when set ("postgres://…"); otherwise SQLite
	// in DataDir/salesai.db.
	DatabaseURL string
	DataDir     string
	Sealer      Sealer
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Store is the database.
type Store struct {
	db      *sql.DB
	dialect Dialect
	sealer  Sealer
	now     func() time.Time
}

// Open opens (and creates, for SQLite) the database. Call Migrate before use.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sealer == nil {
		return nil, errors.New("open store: no credential sealer configured")
	}
	s := &Store{sealer: cfg.Sealer, now: cfg.Now}
	var err error
	if cfg.DatabaseURL != "" {
		s.dialect = Postgres
		s.db, err = sql.Open("pgx", cfg.DatabaseURL)
		if err == nil {
			s.db.SetMaxOpenConns(20)
			s.db.SetMaxIdleConns(10)
		}
	} else {
		s.dialect = SQLite
		s.db, err = openSQLite(cfg.DataDir)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", s.dialect, err)
	}
	if err := s.db.PingContext(ctx); err != nil {
		_ = s.db.Close()
		return nil, fmt.Errorf("open %s database: %w", s.dialect, err)
	}
	return s, nil
}

// openSQLite opens DataDir/salesai.db with WAL, foreign keys, a busy timeout and
// immediate transactions (deps.md §3). One connection, as riversqlite advises:
// the app and River share it, so writes never fight over the file lock.
func openSQLite(dataDir string) (*sql.DB, error) {
	if dataDir == "" {
		dataDir = "."
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dataDir, "salesai.db")
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// DB is the pool River shares.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect reports the database in use.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping reports whether the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// InTx runs f in a transaction, committing when it returns nil. f must use only
// tx: on SQLite the pool has one connection, so a query on s.db inside f would
// wait forever.
func (s *Store) InTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ms turns a time into the stored unix milliseconds.
func ms(t time.Time) int64 { return t.UTC().UnixMilli() }

// msPtr stores an optional time.
func msPtr(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ms(*t), Valid: true}
}

// fromMs reads a stored time.
func fromMs(v int64) time.Time { return time.UnixMilli(v).UTC() }

// fromNullMs reads an optional stored time.
func fromNullMs(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMs(v.Int64)
	return &t
}

// notFound turns sql.ErrNoRows into the domain's NotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return social.ErrNotFound
	}
	return err
}

// isUniqueViolation recognises a unique-constraint failure on either database.
func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

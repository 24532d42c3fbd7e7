// Package apptest opens real databases for tests: SQLite in a temp dir always,
// and PostgreSQL in a fresh schema when SALESAI_TEST_DATABASE_URL is set
// (style.md, Testing). Nothing here is mocked.
package apptest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver

	"github.com/salesai/social/internal/queue"
	"github.com/salesai/social/internal/store"
	"github.com/salesai/social/internal/vault"
)

// PostgresEnv names the variable that points the suites at PostgreSQL.
const PostgresEnv = "SALESAI_TEST_DATABASE_URL"

// DB is one database a suite runs on.
type DB struct {
	Name string
	Open func(tb testing.TB) *store.Store
}

var skipOnce sync.Once

// Databases lists the databases to run a suite on: SQLite always, PostgreSQL
// when SALESAI_TEST_DATABASE_URL is set (one clear line says so otherwise).
func Databases(tb testing.TB) []DB {
	dbs := []DB{{Name: "sqlite", Open: func(tb testing.TB) *store.Store { return MustOpenSQLite(tb, nil) }}}
	if os.Getenv(PostgresEnv) != "" {
		dbs = append(dbs, DB{Name: "postgres", Open: func(tb testing.TB) *store.Store { return MustOpenPostgres(tb, nil) }})
	} else {
		skipOnce.Do(func() { tb.Logf("PostgreSQL suites skipped: set %s=postgres://… to run them", PostgresEnv) })
	}
	return dbs
}

// ForEachDB runs f as a parallel subtest on every database of Databases.
func ForEachDB(t *testing.T, f func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, db := range Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			t.Parallel()
			f(t, db.Open(t))
		})
	}
}

// MustVault returns a vault with a fresh random key.
func MustVault(tb testing.TB) *vault.Vault {
	tb.Helper()
	key := make([]byte, vault.KeySize)
	_, _ = rand.Read(key)
	v, err := vault.New(key)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// MustOpenSQLite opens a migrated SQLite store in a temp dir. now may be nil.
func MustOpenSQLite(tb testing.TB, now func() time.Time) *store.Store {
	tb.Helper()
	return mustOpen(tb, store.Config{DataDir: tb.TempDir(), Sealer: MustVault(tb), Now: now})
}

// MustOpenPostgres opens a migrated store in a new schema of the database at
// SALESAI_TEST_DATABASE_URL, dropped when the test ends. It skips without it.
func MustOpenPostgres(tb testing.TB, now func() time.Time) *store.Store {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		tb.Skipf("PostgreSQL test skipped: set %s", PostgresEnv)
	}
	dsn, drop := FreshSchema(tb, base)
	tb.Cleanup(drop)
	return mustOpen(tb, store.Config{DatabaseURL: dsn, Sealer: MustVault(tb), Now: now})
}

// FreshSchema creates an empty schema and returns a DSN whose search_path is
// that schema, and a func that drops it.
func FreshSchema(tb testing.TB, base string) (dsn string, drop func()) {
	tb.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		_ = admin.Close()
		tb.Fatalf("create schema: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		_ = admin.Close()
	}
}

func mustOpen(tb testing.TB, cfg store.Config) *store.Store {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	if err := queue.Migrate(ctx, st); err != nil {
		tb.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return st
}

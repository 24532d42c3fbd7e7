package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrations embed.FS

// Migrate applies every embedded migration not yet applied, each in its own
// transaction, in version order. River's own migrations run separately
// (internal/queue) before ours.
func (s *Store) Migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS salesai_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: create table: %w", err)
	}
	files, err := fs.Glob(migrations, "migrations/"+string(s.dialect)+"/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(files)
	for _, f := range files {
		if err := s.migrateFile(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) migrateFile(ctx context.Context, path string) error {
	name := path[strings.LastIndex(path, "/")+1:]
	version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
	if err != nil {
		return fmt.Errorf("migrate: bad file name %s", name)
	}
	body, err := migrations.ReadFile(path)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return s.InTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM salesai_migrations WHERE version = $1`, version).Scan(&n); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO salesai_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			version, name, ms(s.now()))
		if err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		return nil
	})
}

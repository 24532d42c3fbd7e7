// Package queue builds the River client on the store's own *sql.DB, with the
// driver that fits the database (riversqlite or riverdatabasesql over pgx), so
// a post and its jobs are written in one transaction (DESIGN §1).
package queue

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/salesai/social/internal/store"
)

// Client is the River client of this program.
type Client = river.Client[*sql.Tx]

func driver(st *store.Store) riverdriver.Driver[*sql.Tx] {
	if st.Dialect() == store.Postgres {
		return riverdatabasesql.New(st.DB())
	}
	return riversqlite.New(st.DB())
}

// Migrate brings River's tables up to date. It runs before our migrations.
func Migrate(ctx context.Context, st *store.Store) error {
	m, err := rivermigrate.New(driver(st), nil)
	if err != nil {
		return fmt.Errorf("river migrate: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrate: %w", err)
	}
	return nil
}

// Config says how a client works jobs.
type Config struct {
	// Workers registers the job kinds; nil makes an insert-only client (an API
	// process of a scale-out deployment that runs no jobs).
	Workers *river.Workers
	// MaxWorkers is how many jobs run at once in this process (SALESAI_WORKERS).
	MaxWorkers int
	// PeriodicJobs run on the leader (token refresh, session cleanup).
	PeriodicJobs []*river.PeriodicJob
	Logger       *slog.Logger
	// FetchPollInterval bounds how late a due job starts. River's scheduler
	// moves jobs due within 5 s to available every 5 s, and a worker then
	// fetches within one poll (deps.md §2): 200 ms keeps a queued target within
	// the 2 s lateness promise (issue 6) at a modest cost in idle queries.
	FetchPollInterval time.Duration
	// JobTimeout bounds one job (default 10 min; SALESAI_JOB_TIMEOUT). A job
	// still running this long after its process died is rescued soon after.
	JobTimeout time.Duration
}

// New returns a River client sharing the store's pool. Start it to work jobs.
func New(st *store.Store, cfg Config) (*Client, error) {
	rc := &river.Config{Logger: cfg.Logger}
	if cfg.Logger == nil {
		rc.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Workers != nil {
		if cfg.MaxWorkers <= 0 {
			cfg.MaxWorkers = 20
		}
		if cfg.FetchPollInterval == 0 {
			cfg.FetchPollInterval = 200 * time.Millisecond
		}
		if cfg.JobTimeout == 0 {
			cfg.JobTimeout = 10 * time.Minute
		}
		rc.Workers = cfg.Workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.MaxWorkers}}
		rc.FetchPollInterval = cfg.FetchPollInterval
		rc.FetchCooldown = min(cfg.FetchPollInterval, 100*time.Millisecond)
		rc.JobTimeout = cfg.JobTimeout
		rc.PeriodicJobs = cfg.PeriodicJobs
		// A job whose process died (SIGKILL, power loss) is rescued, made
		// available again, this long after it started; its worker then
		// reconciles the in-doubt attempt before trying again. River's rescuer
		// looks every 30 s.
		rc.RescueStuckJobsAfter = cfg.JobTimeout + max(5*time.Second, cfg.JobTimeout/10)
	}
	c, err := river.NewClient(driver(st), rc)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return c, nil
}

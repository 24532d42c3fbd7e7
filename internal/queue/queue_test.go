package queue_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/queue"
	"github.com/salesai/social/internal/store"
)

type pingArgs struct {
	N int `json:"n"`
}

func (pingArgs) Kind() string { return "ping" }

type pingWorker struct {
	river.WorkerDefaults[pingArgs]
	done chan int
}

func (w *pingWorker) Work(_ context.Context, job *river.Job[pingArgs]) error {
	w.done <- job.Args.N
	return nil
}

// A job inserted in the same transaction as a row runs once the transaction
// commits, on both databases; a rolled-back transaction leaves no job.
func TestJobInTransactionRuns(t *testing.T) {
	t.Parallel()
	apptest.ForEachDB(t, func(t *testing.T, st *store.Store) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		w := &pingWorker{done: make(chan int, 4)}
		workers := river.NewWorkers()
		river.AddWorker(workers, w)
		c, err := queue.New(st, queue.Config{Workers: workers, FetchPollInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		rolledBack := st.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := c.InsertTx(ctx, tx, pingArgs{N: 1}, nil); err != nil {
				return err
			}
			return context.Canceled // roll back
		})
		if rolledBack == nil {
			t.Fatal("expected the transaction to roll back")
		}
		err = st.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (email, password_hash, created_at) VALUES ('q@example.com', 'h', 0)`); err != nil {
				return err
			}
			_, err := c.InsertTx(ctx, tx, pingArgs{N: 2}, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = c.Stop(context.Background()) }()
		select {
		case n := <-w.done:
			if n != 2 {
				t.Fatalf("worked job %d, want 2 (job 1 was rolled back)", n)
			}
		case <-ctx.Done():
			t.Fatal("job never ran")
		}
	})
}

package publish

import (
	"context"

	"github.com/riverqueue/river"
)

type cleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	svc *Service
}

// Work removes sessions and OAuth states past their time, so sealed PKCE
// verifiers and dead cookies do not pile up.
func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	return w.svc.store.DeleteExpiredSessions(ctx)
}

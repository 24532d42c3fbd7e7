package publish

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// scheduleNative hands a Facebook target to Facebook's own scheduler
// (published=false + scheduled_publish_time), then queues the job that
// confirms it went live.
func (s *Service) scheduleNative(ctx context.Context, wk *work) error {
	t := wk.target
	if t.Status != social.TargetQueued {
		return nil // already scheduled; its confirm job follows it
	}
	res, err := s.callPlatform(ctx, wk, func(c any, a platform.Account) (platform.Result, error) {
		ns, ok := c.(platform.NativeScheduler)
		if !ok {
			return platform.Result{}, notSupported(t.Platform)
		}
		return ns.Schedule(ctx, a, draftOf(wk.post))
	})
	if err != nil {
		var pe *platform.Error
		if errors.As(err, &pe) && (pe.Kind == platform.Temporary || pe.Kind == platform.RateLimited) && !wk.last {
			return err // nothing was scheduled; retry
		}
		return s.fail(ctx, wk, err)
	}
	s.metrics.outcome(t.Platform, "scheduled")
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		t.Status, t.PlatformPostID, t.Permalink = social.TargetScheduled, res.PostID, res.Permalink
		t.ErrorCode, t.ErrorMessage = "", ""
		id, err := s.insertConfirm(ctx, tx, t.ID, *wk.post.ScheduledAt)
		if err != nil {
			return err
		}
		t.JobID = id
		_, err = s.store.UpdateTargetTx(ctx, tx, t)
		return err
	})
}

func (s *Service) insertConfirm(ctx context.Context, tx *sql.Tx, targetID int64, at time.Time) (int64, error) {
	res, err := s.queue.InsertTx(ctx, tx, ConfirmArgs{TargetID: targetID}, &river.InsertOpts{ScheduledAt: at.Add(confirmDelay)})
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}

type confirmWorker struct {
	river.WorkerDefaults[ConfirmArgs]
	svc *Service
}

// Work asks Facebook whether the scheduled post went live.
func (w *confirmWorker) Work(ctx context.Context, job *river.Job[ConfirmArgs]) error {
	s := w.svc
	wk, err := s.load(ctx, job.Args.TargetID)
	if err != nil || wk == nil || wk.target.Status != social.TargetScheduled {
		return err
	}
	wk.last = job.Attempt >= job.MaxAttempts
	var live bool
	var permalink string
	_, err = s.callPlatform(ctx, wk, func(c any, a platform.Account) (platform.Result, error) {
		ns, ok := c.(platform.NativeScheduler)
		if !ok {
			return platform.Result{}, notSupported(wk.target.Platform)
		}
		var err error
		live, permalink, err = ns.Status(ctx, a, wk.target.PlatformPostID)
		return platform.Result{}, err
	})
	if err != nil {
		var pe *platform.Error
		if errors.As(err, &pe) && (pe.Kind == platform.Temporary || pe.Kind == platform.RateLimited) && !wk.last {
			return err
		}
		return s.fail(ctx, wk, err)
	}
	if !live {
		if wk.last || s.now().Sub(*wk.post.ScheduledAt) > time.Hour {
			return s.fail(ctx, wk, &platform.Error{Platform: social.Facebook, Kind: platform.Permanent, Code: "scheduled_post_failed",
				Message: "Facebook did not publish the post at its time"})
		}
		return river.JobSnooze(time.Minute)
	}
	return s.recordPublished(ctx, wk.target, platform.Result{PostID: wk.target.PlatformPostID, Permalink: permalink})
}

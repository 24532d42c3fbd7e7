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
// confirms it went live. Like publishing, it claims the target (publishing)
// before the call, so a crash or a lost answer is reconciled, not repeated.
// A target whose content changed while scheduled still carries the old
// post's id: that post is taken back first.
func (s *Service) scheduleNative(ctx context.Context, wk *work) error {
	t := wk.target
	if t.Status != social.TargetQueued && t.Status != social.TargetPublishing {
		return nil // scheduled already; its confirm job follows it
	}
	if ok, err := s.startAttempt(ctx, wk); !ok || err != nil {
		return err
	}
	callCtx, cancel := callContext(ctx)
	defer cancel()
	res, err := s.callPlatform(callCtx, wk, func(c any, a platform.Account) (platform.Result, error) {
		ns, ok := c.(platform.NativeScheduler)
		if !ok {
			return platform.Result{}, notSupported(t.Platform)
		}
		if old := t.PlatformPostID; old != "" {
			if err := ns.Unschedule(callCtx, a, old); err != nil {
				var pe *platform.Error
				if errors.As(err, &pe) && pe.Code == "already_published" {
					return platform.Result{PostID: old}, errLiveAlready // it went live after all
				}
				return platform.Result{}, err
			}
			t.PlatformPostID = "" // gone; a crash from here on is reconciled by the Finder
		}
		return ns.Schedule(callCtx, a, draftOf(wk.post))
	})
	switch {
	case errors.Is(err, errLiveAlready):
		return s.recordPublished(ctx, t, platform.Result{PostID: res.PostID, Permalink: facebookPermalink(res.PostID)})
	case err != nil:
		return s.failAttempt(ctx, wk, err)
	}
	if _, aerr := s.store.AccountByID(ctx, wk.account.ID); errors.Is(aerr, social.ErrNotFound) {
		// The account was deleted while Facebook was scheduling the post:
		// take it back, so nothing goes out for an account the user removed.
		s.takeBack(ctx, wk, res.PostID)
		return nil
	}
	return s.recordScheduled(ctx, wk, res)
}

// takeBack unschedules a post that was scheduled for a deleted account.
func (s *Service) takeBack(ctx context.Context, wk *work, postID string) {
	c, err := s.client(wk.target.Platform)
	if ns, ok := c.(platform.NativeScheduler); err == nil && ok {
		err = ns.Unschedule(context.WithoutCancel(ctx), asAccount(wk.account), postID)
	}
	if err != nil {
		s.log.Error("could not take back a post scheduled for a deleted account", "target_id", wk.target.ID, "error", err)
	}
	t := wk.target
	t.Status, t.ErrorCode, t.ErrorMessage = social.TargetCanceled, "account_deleted", "The account was removed before this was published."
	_, _ = s.store.UpdateTarget(context.WithoutCancel(ctx), t)
}

// errLiveAlready: the post being replaced had already gone live.
var errLiveAlready = errors.New("the scheduled post is already live")

// facebookPermalink is a post's address when Facebook gave none.
func facebookPermalink(postID string) string { return "https://www.facebook.com/" + postID }

// recordScheduled stores Facebook's id for a scheduled post and queues its
// confirmation, in one transaction.
func (s *Service) recordScheduled(ctx context.Context, wk *work, res platform.Result) error {
	t := wk.target
	s.metrics.outcome(t.Platform, "scheduled")
	return s.store.InTx(context.WithoutCancel(ctx), func(tx *sql.Tx) error {
		t.Status, t.PlatformPostID, t.Permalink = social.TargetScheduled, res.PostID, res.Permalink
		t.ErrorCode, t.ErrorMessage = "", ""
		id, err := s.insertConfirm(ctx, tx, t, *wk.post.ScheduledAt)
		if err != nil {
			return err
		}
		t.JobID = id
		_, err = s.store.UpdateTargetTx(ctx, tx, t)
		return err
	})
}

func (s *Service) insertConfirm(ctx context.Context, tx *sql.Tx, t *social.Target, at time.Time) (int64, error) {
	res, err := s.queue.InsertTx(ctx, tx, ConfirmArgs{TargetID: t.ID, Prev: t.JobID}, &river.InsertOpts{ScheduledAt: at.Add(confirmDelay)})
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}

type confirmWorker struct {
	river.WorkerDefaults[ConfirmArgs]
	svc *Service
}

// Work asks Facebook whether the scheduled post went live. Facebook
// publishes it whatever happened to the account here since, so the
// account's state is not held against it.
func (w *confirmWorker) Work(ctx context.Context, job *river.Job[ConfirmArgs]) error {
	s := w.svc
	wk, err := s.load(ctx, job.Args.TargetID, job.ID, false)
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
		if errors.As(err, &pe) && pe.Code == "scheduled_post_failed" || wk.last {
			return s.fail(ctx, wk, err)
		}
		return err // cannot tell yet (network, token, rate limit): ask again later
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

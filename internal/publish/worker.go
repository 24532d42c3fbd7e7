package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

type publishWorker struct {
	river.WorkerDefaults[PublishArgs]
	svc *Service
}

func (w *publishWorker) Work(ctx context.Context, job *river.Job[PublishArgs]) error {
	return w.svc.publishTarget(ctx, job.Args.TargetID, job.Attempt >= job.MaxAttempts)
}

// work is one run of a target's job: its target, post and account, loaded fresh.
type work struct {
	target  *social.Target
	post    *social.Post
	account *social.Account
	last    bool // the job's last attempt: a transient failure is final
}

// publishTarget publishes a target at most once. The target is marked
// publishing (committed) before the platform call and published right after;
// a run that finds it publishing knows an earlier attempt's outcome is
// unknown and asks the platform before trying again (DESIGN §7).
func (s *Service) publishTarget(ctx context.Context, targetID int64, last bool) error {
	wk, err := s.load(ctx, targetID)
	if err != nil || wk == nil {
		return err
	}
	wk.last = last
	if wk.target.Mode == social.ModeNative {
		return s.scheduleNative(ctx, wk)
	}
	if err := s.waitUntilDue(ctx, wk.post); err != nil {
		return err
	}
	if wk.target.Status == social.TargetPublishing {
		done, err := s.reconcile(ctx, wk)
		if done || err != nil {
			return err
		}
	}
	if !s.startAttempt(ctx, wk) {
		return nil
	}
	s.metrics.late(wk.target.Platform, wk.post.ScheduledAt, s.now())
	res, err := s.callPlatform(ctx, wk, func(c any, a platform.Account) (platform.Result, error) {
		pub, ok := c.(platform.Publisher)
		if !ok {
			return platform.Result{}, notSupported(wk.target.Platform)
		}
		return pub.Publish(ctx, a, draftOf(wk.post))
	})
	if err != nil {
		return s.failAttempt(ctx, wk, err)
	}
	return s.recordPublished(ctx, wk.target, res)
}

// load reads what a job needs; nil work means there is nothing to do.
func (s *Service) load(ctx context.Context, targetID int64) (*work, error) {
	t, err := s.store.Target(ctx, targetID)
	if errors.Is(err, social.ErrNotFound) {
		return nil, nil // the post was deleted
	}
	if err != nil {
		return nil, err
	}
	switch t.Status {
	case social.TargetPublished, social.TargetCanceled, social.TargetFailed:
		return nil, nil
	}
	p, err := s.store.PostByID(ctx, t.PostID)
	if err != nil {
		return nil, err
	}
	wk := &work{target: t, post: p}
	if t.AccountID != 0 {
		wk.account, err = s.store.AccountByID(ctx, t.AccountID)
		if err != nil && !errors.Is(err, social.ErrNotFound) {
			return nil, err
		}
	}
	if perr := accountProblem(wk.account); perr != nil {
		return nil, s.fail(ctx, wk, perr)
	}
	return wk, nil
}

// accountProblem is the guide's error for an account that cannot post.
func accountProblem(a *social.Account) *platform.Error {
	switch {
	case a == nil || !a.Enabled:
		return &platform.Error{Kind: platform.Permanent, Code: "no_connected_account", Message: social.MsgNoConnectedAccount}
	case a.Status == social.StatusNeedsReconnect:
		return &platform.Error{Platform: a.Platform, Kind: platform.Revoked, Code: "no_connected_account",
			Message: social.MsgNoConnectedAccount + ": " + a.Platform.Title() + " needs reconnecting"}
	case a.Credentials.AccessToken == "":
		return &platform.Error{Platform: a.Platform, Kind: platform.Permanent, Code: "access_token_missing", Message: social.MsgAccessTokenMissing}
	}
	return nil
}

// waitUntilDue holds a job inserted slightly early (see nowWindow) until its time.
func (s *Service) waitUntilDue(ctx context.Context, p *social.Post) error {
	if p.ScheduledAt == nil {
		return nil
	}
	wait := p.ScheduledAt.Sub(s.now())
	if wait <= 0 {
		return nil
	}
	if wait > nowWindow {
		return river.JobSnooze(wait)
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// reconcile settles an attempt whose outcome is unknown (the process died
// between the platform call and its record): it asks the platform whether the
// post exists. done means the target is settled.
func (s *Service) reconcile(ctx context.Context, wk *work) (done bool, err error) {
	c, err := s.client(wk.target.Platform)
	if err != nil {
		return true, s.fail(ctx, wk, err)
	}
	f, ok := c.(platform.Finder)
	if !ok {
		// Without a way to look, publishing again could post twice; failing
		// tells the user to check, which is the lesser harm.
		return true, s.fail(ctx, wk, &platform.Error{Platform: wk.target.Platform, Kind: platform.Permanent, Code: "outcome_unknown",
			Message: "The last attempt was interrupted and SalesAI cannot tell whether it was published. Check the account, then retry if the post is missing."})
	}
	since := wk.post.CreatedAt.Add(-time.Minute)
	if wk.target.AttemptStartedAt != nil {
		since = wk.target.AttemptStartedAt.Add(-time.Minute)
	}
	res, found, err := f.FindPublished(ctx, asAccount(wk.account), draftOf(wk.post), since)
	if err != nil {
		return true, fmt.Errorf("reconcile target %d: %w", wk.target.ID, err)
	}
	if found {
		s.log.Info("in-doubt attempt had published", "target_id", wk.target.ID, "platform", wk.target.Platform)
		return true, s.recordPublished(ctx, wk.target, res)
	}
	return false, nil
}

// startAttempt commits "publishing" before the platform call.
func (s *Service) startAttempt(ctx context.Context, wk *work) bool {
	t := wk.target
	from := t.Status
	now := s.now().UTC()
	t.Status, t.Attempts, t.AttemptStartedAt = social.TargetPublishing, t.Attempts+1, &now
	ok, err := s.store.UpdateTarget(ctx, t, from)
	if err != nil {
		s.log.Error("start attempt", "target_id", t.ID, "error", err)
		return false
	}
	return ok
}

func (s *Service) recordPublished(ctx context.Context, t *social.Target, res platform.Result) error {
	now := s.now().UTC()
	t.Status, t.PlatformPostID, t.Permalink, t.PublishedAt = social.TargetPublished, res.PostID, res.Permalink, &now
	t.ErrorCode, t.ErrorMessage = "", ""
	// The platform has the post: recording it must not give up on a brief
	// database hiccup, or the next attempt would have to reconcile.
	for i := 0; ; i++ {
		_, err := s.store.UpdateTarget(context.WithoutCancel(ctx), t)
		if err == nil || i == 4 {
			if err == nil {
				s.metrics.outcome(t.Platform, "published")
				s.log.Info("published", "target_id", t.ID, "platform", t.Platform, "platform_post_id", res.PostID)
			}
			return err
		}
		time.Sleep(time.Duration(i+1) * 200 * time.Millisecond)
	}
}

// failAttempt decides what a failed platform call means for the target.
func (s *Service) failAttempt(ctx context.Context, wk *work, err error) error {
	var pe *platform.Error
	if !errors.As(err, &pe) {
		// No answer from the platform (network, timeout): the post may exist.
		// The target stays publishing, so the retry reconciles first.
		if wk.last {
			return s.fail(ctx, wk, &platform.Error{Platform: wk.target.Platform, Kind: platform.Permanent, Code: "platform_unreachable",
				Message: wk.target.Platform.Title() + " could not be reached after several tries: " + err.Error()})
		}
		return fmt.Errorf("publish target %d: %w", wk.target.ID, err)
	}
	switch pe.Kind {
	case platform.Temporary, platform.RateLimited:
		if wk.last {
			return s.fail(ctx, wk, pe)
		}
		t := wk.target
		t.Status, t.ErrorCode, t.ErrorMessage = social.TargetQueued, pe.Code, pe.Message
		if _, uerr := s.store.UpdateTarget(ctx, t, social.TargetPublishing); uerr != nil {
			return uerr
		}
		if pe.Kind == platform.RateLimited && pe.RetryAfter > 0 {
			return river.JobSnooze(pe.RetryAfter)
		}
		return fmt.Errorf("publish target %d: %w", t.ID, err)
	}
	return s.fail(ctx, wk, pe)
}

// fail ends the target with a message the user can act on, and the job with it.
func (s *Service) fail(ctx context.Context, wk *work, err error) error {
	t := wk.target
	code, msg := "publish_failed", err.Error()
	var pe *platform.Error
	if errors.As(err, &pe) {
		code, msg = pe.Code, pe.Message
		if pe.Kind == platform.Revoked && wk.account != nil {
			s.markNeedsReconnect(ctx, wk.account, msg)
		}
	}
	if wk.post != nil && wk.post.ScheduledAt != nil {
		msg = social.MsgScheduledPostFailed + ": " + msg
	}
	t.Status, t.ErrorCode, t.ErrorMessage = social.TargetFailed, code, msg
	if _, uerr := s.store.UpdateTarget(ctx, t); uerr != nil {
		return uerr
	}
	s.metrics.outcome(t.Platform, "failed")
	s.log.Warn("target failed", "target_id", t.ID, "platform", t.Platform, "code", code, "message", msg)
	return river.JobCancel(err)
}

func notSupported(p social.Platform) error {
	return &platform.Error{Platform: p, Kind: platform.Permanent, Code: "not_supported",
		Message: p.Title() + " does not support this kind of post in SalesAI."}
}

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
	return w.svc.publishTarget(ctx, job.Args.TargetID, job.ID, job.Attempt >= job.MaxAttempts)
}

// work is one run of a target's job: its target, post and account, loaded fresh.
type work struct {
	target  *social.Target
	post    *social.Post
	account *social.Account
	jobID   int64 // the job running; the target must still name it
	last    bool  // the job's last attempt: a transient failure is final
}

// publishTarget publishes a target at most once. The target is claimed as
// publishing (committed, and only while it still belongs to this job) before
// the platform call, and recorded published right after; a run that finds it
// publishing knows an earlier attempt's outcome is unknown and asks the
// platform before trying again (DESIGN §7).
func (s *Service) publishTarget(ctx context.Context, targetID, jobID int64, last bool) error {
	wk, err := s.load(ctx, targetID, jobID, true)
	if err != nil || wk == nil {
		return err
	}
	wk.last = last
	if wk.target.Mode != social.ModeNative {
		if err := s.waitUntilDue(ctx, wk.post); err != nil {
			return err
		}
	}
	if wk.target.Status == social.TargetPublishing {
		done, err := s.reconcile(ctx, wk)
		if done || err != nil {
			return err
		}
	}
	if wk.target.Mode == social.ModeNative {
		return s.scheduleNative(ctx, wk)
	}
	if ok, err := s.startAttempt(ctx, wk); !ok || err != nil {
		return err
	}
	s.metrics.late(wk.target.Platform, wk.post.ScheduledAt, s.now())
	callCtx, cancel := callContext(ctx)
	defer cancel()
	res, err := s.callPlatform(callCtx, wk, func(c any, a platform.Account) (platform.Result, error) {
		pub, ok := c.(platform.Publisher)
		if !ok {
			return platform.Result{}, notSupported(wk.target.Platform)
		}
		return pub.Publish(callCtx, a, draftOf(wk.post))
	})
	if err != nil {
		return s.failAttempt(ctx, wk, err)
	}
	return s.recordPublished(ctx, wk.target, res)
}

// callContext is the context of a platform call made after the target was
// claimed: it keeps the job's deadline but not its cancellation, so a
// cancel that arrives mid-call cannot abort a request the platform may
// already have acted on and leave the outcome unrecorded.
func callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(10 * time.Minute)
	}
	return context.WithDeadline(context.WithoutCancel(ctx), deadline)
}

// load reads what a job needs; nil work means there is nothing to do: the
// target reached an end, or a newer job replaced this one (a reschedule,
// retry or cancel). checkAccount fails the target when its account cannot
// post.
func (s *Service) load(ctx context.Context, targetID, jobID int64, checkAccount bool) (*work, error) {
	t, err := s.store.Target(ctx, targetID)
	if errors.Is(err, social.ErrNotFound) {
		return nil, nil // the post was deleted
	}
	if err != nil {
		return nil, err
	}
	switch {
	case t.Status == social.TargetPublished || t.Status == social.TargetCanceled || t.Status == social.TargetFailed:
		return nil, nil
	case t.JobID != jobID:
		return nil, nil
	}
	p, err := s.store.PostByID(ctx, t.PostID)
	if err != nil {
		return nil, err
	}
	wk := &work{target: t, post: p, jobID: jobID}
	if t.AccountID != 0 {
		wk.account, err = s.store.AccountByID(ctx, t.AccountID)
		if err != nil && !errors.Is(err, social.ErrNotFound) {
			return nil, err
		}
	}
	if perr := accountProblem(wk.account); perr != nil && (checkAccount || wk.account == nil) {
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
		// Permanent, not Revoked: the account is already marked, and its
		// last_error (e.g. the guide's LinkedIn refresh message) must stay.
		return &platform.Error{Platform: a.Platform, Kind: platform.Permanent, Code: "no_connected_account",
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
// between the platform call and its record, or the platform's answer was
// lost): it asks the platform whether the post exists. done means the
// target is settled; otherwise the caller may try again.
func (s *Service) reconcile(ctx context.Context, wk *work) (done bool, err error) {
	since := wk.post.CreatedAt.Add(-time.Minute)
	if wk.target.AttemptStartedAt != nil {
		since = wk.target.AttemptStartedAt.Add(-time.Minute)
	}
	var found bool
	res, err := s.callPlatform(ctx, wk, func(c any, a platform.Account) (platform.Result, error) {
		f, ok := c.(platform.Finder)
		if !ok {
			return platform.Result{}, errNoFinder
		}
		r, hit, err := f.FindPublished(ctx, a, draftOf(wk.post), since)
		found = hit
		return r, err
	})
	var pe *platform.Error
	switch {
	case errors.Is(err, errNoFinder):
		// Without a way to look, publishing again could post twice; failing
		// tells the user to check, which is the lesser harm.
		return true, s.fail(ctx, wk, errOutcomeUnknown(wk.target.Platform))
	case err != nil && (wk.last || (errors.As(err, &pe) && pe.Kind != platform.Temporary && pe.Kind != platform.RateLimited)):
		return true, s.fail(ctx, wk, errOutcomeUnknown(wk.target.Platform))
	case err != nil:
		return true, fmt.Errorf("reconcile target %d: %w", wk.target.ID, err)
	case found:
		s.log.Info("in-doubt attempt had published", "target_id", wk.target.ID, "platform", wk.target.Platform)
		if wk.target.Mode == social.ModeNative {
			return true, s.recordScheduled(ctx, wk, res)
		}
		return true, s.recordPublished(ctx, wk.target, res)
	}
	return false, nil
}

var errNoFinder = errors.New("platform cannot look for existing posts")

func errOutcomeUnknown(p social.Platform) *platform.Error {
	return &platform.Error{Platform: p, Kind: platform.Permanent, Code: "outcome_unknown",
		Message: "The last attempt was interrupted and SalesAI cannot tell whether it was published. Check the account, then retry if the post is missing."}
}

// startAttempt commits "publishing" before the platform call, only while the
// target is still this job's; then it rereads the post, so a caption edited
// while the job waited for its time is what goes out.
func (s *Service) startAttempt(ctx context.Context, wk *work) (bool, error) {
	t := wk.target
	now := s.now().UTC()
	t.Status, t.Attempts, t.AttemptStartedAt = social.TargetPublishing, t.Attempts+1, &now
	ok, err := s.store.ClaimTarget(ctx, t, wk.jobID, social.TargetQueued, social.TargetPublishing)
	if err != nil || !ok {
		return false, err
	}
	p, err := s.store.PostByID(ctx, t.PostID)
	if err != nil {
		return false, err
	}
	wk.post = p
	return true, nil
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
	if !errors.As(err, &pe) || (pe.Kind == platform.Temporary && pe.Status >= 500) {
		// No answer (network, timeout) or a 5xx from a gateway: the post may
		// exist. The target stays publishing, so the retry reconciles first.
		if wk.last {
			return s.fail(ctx, wk, &platform.Error{Platform: wk.target.Platform, Kind: platform.Permanent, Code: "platform_unreachable",
				Message: wk.target.Platform.Title() + " did not confirm the post after several tries: " + err.Error()})
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
		if _, uerr := s.store.ClaimTarget(ctx, t, wk.jobID, social.TargetPublishing); uerr != nil {
			return uerr
		}
		if pe.Kind == platform.RateLimited && pe.RetryAfter > 0 {
			return river.JobSnooze(pe.RetryAfter)
		}
		return fmt.Errorf("publish target %d: %w", t.ID, err)
	}
	return s.fail(ctx, wk, pe)
}

// fail ends the target with a message the user can act on, and the job with
// it. A target a user action took over meanwhile is left alone.
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
	ok, uerr := s.store.ClaimTarget(context.WithoutCancel(ctx), t, wk.jobID,
		social.TargetQueued, social.TargetPublishing, social.TargetScheduled)
	if uerr != nil {
		return uerr
	}
	if ok {
		s.metrics.outcome(t.Platform, "failed")
		s.log.Warn("target failed", "target_id", t.ID, "platform", t.Platform, "code", code, "message", msg)
	}
	return river.JobCancel(err)
}

func notSupported(p social.Platform) error {
	return &platform.Error{Platform: p, Kind: platform.Permanent, Code: "not_supported",
		Message: p.Title() + " does not support this kind of post in SalesAI."}
}

package publish

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// Change is a PATCH of a post; nil fields stay as they are.
type Change struct {
	Caption     *string
	ScheduledAt *time.Time
	ImageURLs   *[]string
	VideoURL    *string
}

var errPublished = social.Errorf(social.Conflict, "already_published",
	"Part of this post is already published or publishing, so it can no longer change. Create a new post instead.")

// errBusy answers an action on a post while one of its targets is being
// handed to its platform right now.
var errBusy = social.Errorf(social.Conflict, "publishing_now",
	"Part of this post is being published right now, or SalesAI is checking with the platform whether an interrupted attempt went through. Wait until its status changes, then try again.")

// Update changes a post while nothing of it was published: queued targets get
// a new job for the new time or content; natively scheduled ones are moved
// on Facebook (a time change) or replaced by a job that takes the old post
// back and schedules the new content.
func (s *Service) Update(ctx context.Context, userID, id int64, ch Change) (*social.Post, error) {
	p, err := s.store.Post(ctx, userID, id)
	if err != nil {
		return nil, err
	}
	live, err := pendingTargets(p)
	if err != nil {
		return nil, err
	}
	old := p.ScheduledAt
	contentChanged := ch.Caption != nil || ch.ImageURLs != nil || ch.VideoURL != nil
	timeChanged := ch.ScheduledAt != nil && (p.ScheduledAt == nil || !ch.ScheduledAt.Equal(*p.ScheduledAt))
	applyChange(p, ch)
	if err := s.validateExisting(ctx, userID, p, live); err != nil {
		return nil, err
	}
	// A pure time change moves natively scheduled posts on Facebook first,
	// outside any transaction; if one refuses, the ones moved go back.
	var moved []social.Target
	if timeChanged && !contentChanged {
		for _, t := range live {
			if t.Status != social.TargetScheduled {
				continue
			}
			if err := s.reschedule(ctx, &t, *p.ScheduledAt); err != nil {
				s.moveBack(ctx, moved, old)
				return nil, err
			}
			moved = append(moved, t)
		}
	}
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.store.PostForUpdateTx(ctx, tx, userID, id)
		if err != nil {
			return err
		}
		if _, err := pendingTargets(cur); err != nil {
			return err // a worker got there first
		}
		if err := s.store.UpdatePostTx(ctx, tx, p); err != nil {
			return err
		}
		for i := range cur.Targets {
			t := &cur.Targets[i]
			switch {
			case t.Status == social.TargetQueued && (timeChanged || contentChanged && t.Mode == social.ModeNative):
				err = s.requeue(ctx, tx, p, t, social.TargetQueued)
			case t.Status == social.TargetScheduled && contentChanged:
				err = s.requeue(ctx, tx, p, t, social.TargetScheduled) // keeps the old id to take back
			case t.Status == social.TargetScheduled && timeChanged:
				err = s.replaceConfirm(ctx, tx, t, *p.ScheduledAt)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.moveBack(ctx, moved, old)
		return nil, err
	}
	return s.store.Post(ctx, userID, id)
}

// pendingTargets returns the targets still waiting, or a conflict when part
// of the post is published, being published, or nothing waits.
func pendingTargets(p *social.Post) ([]social.Target, error) {
	var live []social.Target
	for _, t := range p.Targets {
		switch t.Status {
		case social.TargetPublished:
			return nil, errPublished
		case social.TargetPublishing:
			return nil, errBusy
		case social.TargetQueued, social.TargetScheduled:
			live = append(live, t)
		}
	}
	if len(live) == 0 {
		return nil, social.Errorf(social.Conflict, "nothing_pending", "Nothing in this post is waiting to publish. Use Retry for failed accounts, or create a new post.")
	}
	return live, nil
}

// moveBack returns natively scheduled posts to their old time after a
// change that could not be completed (best effort: it is logged if it fails).
func (s *Service) moveBack(ctx context.Context, moved []social.Target, old *time.Time) {
	if old == nil {
		return
	}
	for _, t := range moved {
		if err := s.reschedule(context.WithoutCancel(ctx), &t, *old); err != nil {
			s.log.Error("could not move a Facebook post back to its time", "target_id", t.ID, "error", err)
		}
	}
}

// replaceConfirm gives a natively scheduled target a confirm job for its new time.
func (s *Service) replaceConfirm(ctx context.Context, tx *sql.Tx, t *social.Target, at time.Time) error {
	if err := s.cancelJob(ctx, tx, t.JobID); err != nil {
		return err
	}
	var err error
	if t.JobID, err = s.insertConfirm(ctx, tx, t, at); err != nil {
		return err
	}
	return s.mustUpdate(ctx, tx, t, social.TargetScheduled)
}

// mustUpdate writes a target inside a transaction only from an expected
// status; anything else means a worker moved it, and the action is refused.
func (s *Service) mustUpdate(ctx context.Context, tx *sql.Tx, t *social.Target, from ...social.TargetStatus) error {
	ok, err := s.store.UpdateTargetTx(ctx, tx, t, from...)
	if err != nil {
		return err
	}
	if !ok {
		return errBusy
	}
	return nil
}

func applyChange(p *social.Post, ch Change) {
	if ch.Caption != nil {
		p.Caption = *ch.Caption
	}
	if ch.ImageURLs != nil {
		p.ImageURLs = *ch.ImageURLs
	}
	if ch.VideoURL != nil {
		p.VideoURL = *ch.VideoURL
	}
	if ch.ScheduledAt != nil {
		at := ch.ScheduledAt.UTC()
		p.ScheduledAt = &at
	}
}

// validateExisting checks the changed post against the accounts still waiting.
func (s *Service) validateExisting(ctx context.Context, userID int64, p *social.Post, live []social.Target) error {
	ids := make([]int64, len(live))
	for i, t := range live {
		ids[i] = t.AccountID
	}
	sel, err := s.selected(ctx, userID, ids)
	if err != nil {
		return err
	}
	in := social.Compose{Caption: p.Caption, ImageURLs: p.ImageURLs, VideoURL: p.VideoURL, ScheduledAt: p.ScheduledAt}
	if probs := s.validate(ctx, in, sel); len(probs) > 0 {
		return probs
	}
	return nil
}

// requeue gives a target a fresh job for the post's (new) time or content.
// A natively scheduled target keeps its Facebook id: the new job takes that
// post back before scheduling the new one.
func (s *Service) requeue(ctx context.Context, tx *sql.Tx, p *social.Post, t *social.Target, from social.TargetStatus) error {
	if err := s.cancelJob(ctx, tx, t.JobID); err != nil {
		return err
	}
	inDoubt := from == social.TargetFailed && inDoubtCodes[t.ErrorCode] && t.AttemptStartedAt != nil
	oldNative := t.Mode == social.ModeNative && t.PlatformPostID != ""
	if from != social.TargetScheduled && !(from == social.TargetFailed && oldNative) {
		t.PlatformPostID, t.Permalink = "", ""
	}
	t.Mode = modeFor(t.Platform, p.ScheduledAt)
	if oldNative {
		t.Mode = social.ModeNative // the job takes the old Facebook post back first
	}
	t.Status, t.ErrorCode, t.ErrorMessage = social.TargetQueued, "", ""
	if inDoubt {
		// The failed attempt may have posted: the new job asks the platform
		// first (a publishing target is reconciled) instead of posting again.
		t.Status = social.TargetPublishing
	}
	var err error
	if t.JobID, err = s.enqueue(ctx, tx, p, t); err != nil {
		return err
	}
	return s.mustUpdate(ctx, tx, t, from)
}

// inDoubtCodes are failures after which the post may exist on the platform.
var inDoubtCodes = map[string]bool{"platform_unreachable": true, "outcome_unknown": true}

// cancelJob cancels a River job if it has not run; a finished or missing job
// is fine.
func (s *Service) cancelJob(ctx context.Context, tx *sql.Tx, jobID int64) error {
	if jobID == 0 {
		return nil
	}
	_, err := s.queue.JobCancelTx(ctx, tx, jobID)
	if err != nil && !errors.Is(err, river.ErrNotFound) {
		return fmt.Errorf("cancel job %d: %w", jobID, err)
	}
	return nil
}

// Cancel stops every target still waiting: queued jobs are cancelled and
// natively scheduled posts are deleted on Facebook. Each target is decided
// on its state inside the transaction that changes it, so a target a worker
// is publishing right now is never marked canceled.
func (s *Service) Cancel(ctx context.Context, userID, id int64) (*social.Post, error) {
	p, err := s.store.Post(ctx, userID, id)
	if err != nil {
		return nil, err
	}
	canceled, busy := 0, false
	for i := range p.Targets {
		t := &p.Targets[i]
		switch t.Status {
		case social.TargetPublishing:
			busy = true
			continue
		case social.TargetScheduled:
			if err := s.unschedule(ctx, t); err != nil {
				return nil, err
			}
		case social.TargetQueued:
		default:
			continue
		}
		from := t.Status
		err := s.store.InTx(ctx, func(tx *sql.Tx) error {
			t.Status = social.TargetCanceled
			ok, err := s.store.UpdateTargetTx(ctx, tx, t, from)
			if err != nil || !ok {
				return err // moved on meanwhile: leave it and its job alone
			}
			canceled++
			return s.cancelJob(ctx, tx, t.JobID)
		})
		if err != nil {
			return nil, err
		}
	}
	switch {
	case canceled == 0 && busy:
		return nil, errBusy
	case canceled == 0:
		return nil, social.Errorf(social.Conflict, "nothing_to_cancel", "Nothing in this post is waiting to publish, so there is nothing to cancel.")
	}
	return s.store.Post(ctx, userID, id)
}

// Retry queues every failed target again, now (or at the post's time if it
// is still ahead).
func (s *Service) Retry(ctx context.Context, userID, id int64) (*social.Post, error) {
	n := 0
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.store.PostForUpdateTx(ctx, tx, userID, id)
		if err != nil {
			return err
		}
		if p.ScheduledAt != nil && !p.ScheduledAt.After(s.now().Add(social.FacebookMinLead)) {
			p.ScheduledAt = nil // the time has passed: a retry publishes now
		}
		for i := range p.Targets {
			t := &p.Targets[i]
			if t.Status != social.TargetFailed {
				continue
			}
			n++
			if err := s.requeue(ctx, tx, p, t, social.TargetFailed); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, social.Errorf(social.Conflict, "nothing_to_retry", "No account of this post failed, so there is nothing to retry.")
	}
	return s.store.Post(ctx, userID, id)
}

// DeleteAccount removes one of the user's accounts after cancelling what it
// still had waiting (natively scheduled posts are taken back from Facebook
// when it still lets us).
func (s *Service) DeleteAccount(ctx context.Context, userID, id int64) error {
	a, err := s.store.Account(ctx, userID, id)
	if err != nil {
		return err
	}
	return s.eraseAccount(ctx, a)
}

// eraseAccount cancels an account's pending targets and deletes it.
func (s *Service) eraseAccount(ctx context.Context, a *social.Account) error {
	pending, err := s.store.PendingTargetsOfAccount(ctx, a.ID)
	if err != nil {
		return err
	}
	for _, t := range pending {
		if t.Status == social.TargetScheduled {
			if err := s.unschedule(ctx, t); err != nil {
				s.log.Warn("could not take back a scheduled Facebook post", "target_id", t.ID, "error", err)
			}
		}
	}
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		for _, t := range pending {
			if t.Status == social.TargetPublishing {
				continue // in flight: its worker finds the account gone
			}
			from := t.Status
			t.Status, t.ErrorCode, t.ErrorMessage = social.TargetCanceled, "account_deleted", "The account was removed before this was published."
			ok, err := s.store.UpdateTargetTx(ctx, tx, t, from)
			if err != nil {
				return err
			}
			if ok {
				if err := s.cancelJob(ctx, tx, t.JobID); err != nil {
					return err
				}
			}
		}
		return s.store.DeleteAccountTx(ctx, tx, a.UserID, a.ID)
	})
}

// native returns the NativeScheduler and account of a natively scheduled target.
func (s *Service) native(ctx context.Context, t *social.Target) (platform.NativeScheduler, *social.Account, error) {
	c, err := s.client(t.Platform)
	if err != nil {
		return nil, nil, err
	}
	ns, ok := c.(platform.NativeScheduler)
	if !ok {
		return nil, nil, notSupported(t.Platform)
	}
	a, err := s.store.AccountByID(ctx, t.AccountID)
	if err != nil {
		return nil, nil, err
	}
	return ns, a, nil
}

// requestTimeout bounds a platform call made while a user waits.
const requestTimeout = 60 * time.Second

func (s *Service) unschedule(ctx context.Context, t *social.Target) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	ns, a, err := s.native(ctx, t)
	if err == nil {
		err = ns.Unschedule(ctx, asAccount(a), t.PlatformPostID)
	}
	return platformFailure("Facebook did not let SalesAI take back the scheduled post", err)
}

func (s *Service) reschedule(ctx context.Context, t *social.Target, at time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	ns, a, err := s.native(ctx, t)
	if err == nil {
		err = ns.Reschedule(ctx, asAccount(a), t.PlatformPostID, at)
	}
	return platformFailure("Facebook did not accept the new time", err)
}

// platformFailure turns a platform error met while serving a request into a
// user-facing error; nothing was changed on our side.
func platformFailure(what string, err error) error {
	if err == nil {
		return nil
	}
	var pe *platform.Error
	if errors.As(err, &pe) {
		return &social.Error{Kind: social.Unavailable, Code: pe.Code, Message: what + ": " + pe.Message + ". Nothing was changed; try again.", Err: err}
	}
	return &social.Error{Kind: social.Unavailable, Code: "platform_unreachable", Message: what + ". Nothing was changed; try again.", Err: err}
}

// Deauthorize handles a platform user removing SalesAI: their accounts are
// switched off and their credentials erased. It returns how many accounts.
func (s *Service) Deauthorize(ctx context.Context, platforms []social.Platform, platformUserID string) (int, error) {
	accts, err := s.store.AccountsOfPlatformUser(ctx, platforms, platformUserID)
	if err != nil {
		return 0, err
	}
	for _, a := range accts {
		msg := a.Platform.Title() + " access was removed from the platform's settings; reconnect to post again."
		if err := s.store.EraseCredentials(ctx, a, msg); err != nil {
			return 0, err
		}
	}
	return len(accts), nil
}

// Erase deletes every account of a platform user and cancels their pending
// posts (data-deletion callback). Posts keep no credential.
func (s *Service) Erase(ctx context.Context, platforms []social.Platform, platformUserID string) (accounts, jobs int, err error) {
	accts, err := s.store.AccountsOfPlatformUser(ctx, platforms, platformUserID)
	if err != nil {
		return 0, 0, err
	}
	for _, a := range accts {
		pending, err := s.store.PendingTargetsOfAccount(ctx, a.ID)
		if err != nil {
			return accounts, jobs, err
		}
		if err := s.eraseAccount(ctx, a); err != nil {
			return accounts, jobs, err
		}
		accounts++
		jobs += len(pending)
	}
	return accounts, jobs, nil
}

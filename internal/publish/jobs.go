// Package publish ties the store, the queue and the platform clients
// together: it turns a composed post into targets and River jobs, and its
// workers publish each target at most once (DESIGN §7).
package publish

import (
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// activeStates make a job unique only while it may still run, so a failed
// target can be retried with a fresh job for the same target (deps.md §2.5).
var activeStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateScheduled, rivertype.JobStateRetryable,
}

// maxAttempts bounds transient retries of one target (backoff grows to about
// half an hour by the last one).
const maxAttempts = 8

// PublishArgs publishes one target: now, at its time, or into Facebook's own
// scheduler for native targets. A target has one job at a time: the job is
// unique by target and by the job it replaces (Prev, 0 for the first), so a
// retry or reschedule gets a fresh job even while the old one is still being
// finalized by River, and two concurrent retries still make only one.
type PublishArgs struct {
	TargetID int64 `json:"target_id" river:"unique"`
	Prev     int64 `json:"prev,omitempty" river:"unique"`
}

// Kind names the job.
func (PublishArgs) Kind() string { return "publish_target" }

// InsertOpts makes the job unique per target.
func (PublishArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: maxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates}}
}

// ConfirmArgs checks, after its time, that a natively scheduled Facebook post
// went live, and records its permalink. Unique like PublishArgs.
type ConfirmArgs struct {
	TargetID int64 `json:"target_id" river:"unique"`
	Prev     int64 `json:"prev,omitempty" river:"unique"`
}

// Kind names the job.
func (ConfirmArgs) Kind() string { return "confirm_native" }

// InsertOpts makes the job unique per target.
func (ConfirmArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: maxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates}}
}

// RefreshArgs refreshes every token that expires within RefreshWindow.
type RefreshArgs struct{}

// Kind names the job.
func (RefreshArgs) Kind() string { return "refresh_tokens" }

// RefreshWindow is how far ahead the periodic job refreshes tokens (DESIGN §7).
const RefreshWindow = 7 * 24 * time.Hour

// confirmDelay is how long after a native post's time its confirmation runs:
// Facebook publishes scheduled posts within a minute or so of their time.
const confirmDelay = 2 * time.Minute

// nowWindow is the lead time under which a "scheduled" job is inserted as
// available and waits for its exact time itself: River's scheduler only looks
// 5 s ahead every 5 s, so a job due sooner would start up to 5 s late (deps.md §2).
const nowWindow = 6 * time.Second

// CleanupArgs deletes expired sessions and abandoned OAuth flows.
type CleanupArgs struct{}

// Kind names the job.
func (CleanupArgs) Kind() string { return "cleanup_sessions" }

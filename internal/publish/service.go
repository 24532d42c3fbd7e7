package publish

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/queue"
	"github.com/salesai/social/internal/social"
	"github.com/salesai/social/internal/store"
)

// Platforms maps each platform to its client. A client implements the role
// interfaces of internal/platform it supports (Publisher, Finder, Refresher,
// NativeScheduler, Connector).
type Platforms map[social.Platform]any

// Service creates, changes and publishes posts.
type Service struct {
	store     *store.Store
	queue     *queue.Client
	platforms Platforms
	log       *slog.Logger
	now       func() time.Time
	media     Preflighter
	metrics   *metrics

	refreshMu sync.Mutex
	refreshes map[int64]*sync.Mutex // in-process half of the per-account refresh lock
}

// Config wires a Service.
type Config struct {
	Store     *store.Store
	Queue     *queue.Client // set after construction when the workers need the service (SetQueue)
	Platforms Platforms
	Logger    *slog.Logger
	Now       func() time.Time
	// Media checks image and video links at compose time; nil skips that.
	Media Preflighter
	// Metrics receives the publishing metrics (nil: not exported).
	Metrics prometheus.Registerer
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{store: cfg.Store, queue: cfg.Queue, platforms: cfg.Platforms, log: cfg.Logger, now: cfg.Now,
		media: cfg.Media, metrics: newMetrics(cfg.Metrics), refreshes: map[int64]*sync.Mutex{}}
}

// SetQueue gives the service its River client. The client needs the workers,
// and the workers need the service, so one of them is set after the other.
func (s *Service) SetQueue(q *queue.Client) { s.queue = q }

// Workers registers the service's job workers.
func (s *Service) Workers() *river.Workers {
	w := river.NewWorkers()
	river.AddWorker(w, &publishWorker{svc: s})
	river.AddWorker(w, &confirmWorker{svc: s})
	river.AddWorker(w, &refreshWorker{svc: s})
	river.AddWorker(w, &cleanupWorker{svc: s})
	return w
}

// PeriodicJobs are the jobs the leader runs on a timer.
func (s *Service) PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return RefreshArgs{}, nil
		}, &river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return CleanupArgs{}, nil
		}, nil),
	}
}

// maxAccountsPerPost bounds one compose (each account is a target and a job).
const maxAccountsPerPost = 50

// Input is a composed post as the API receives it.
type Input struct {
	AccountIDs  []int64
	Caption     string
	ImageURLs   []string
	VideoURL    string
	ScheduledAt *time.Time
}

// Validate checks a post for the user without storing anything.
func (s *Service) Validate(ctx context.Context, userID int64, in Input) (social.Problems, error) {
	selected, err := s.selected(ctx, userID, in.AccountIDs)
	if err != nil {
		return nil, err
	}
	return s.validate(ctx, compose(in), selected), nil
}

// validate applies the rules, then (when the links are well formed) checks
// the media behind them.
func (s *Service) validate(ctx context.Context, c social.Compose, selected []social.Selected) social.Problems {
	probs := social.Validate(s.now(), c, selected)
	for _, p := range probs {
		if p.Code == "invalid_url" || p.Code == "no_accounts" {
			return probs
		}
	}
	return append(probs, s.preflight(ctx, c, selected)...)
}

func compose(in Input) social.Compose {
	return social.Compose{Caption: in.Caption, ImageURLs: in.ImageURLs, VideoURL: in.VideoURL, ScheduledAt: in.ScheduledAt}
}

func (s *Service) selected(ctx context.Context, userID int64, ids []int64) ([]social.Selected, error) {
	if len(ids) > maxAccountsPerPost {
		return nil, social.Problems{{Field: "account_ids", Code: "too_many_accounts",
			Message: fmt.Sprintf("Choose at most %d accounts for one post.", maxAccountsPerPost)}}
	}
	out := make([]social.Selected, 0, len(ids))
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		a, err := s.store.Account(ctx, userID, id)
		switch {
		case errors.Is(err, social.ErrNotFound):
			out = append(out, social.Selected{ID: id})
		case err != nil:
			return nil, err
		default:
			out = append(out, social.Selected{ID: id, Account: a})
		}
	}
	return out, nil
}

// Create validates and stores a post, with one target and one job per
// account, in one transaction. Problems come back as social.Problems.
func (s *Service) Create(ctx context.Context, userID int64, in Input) (*social.Post, error) {
	selected, err := s.selected(ctx, userID, in.AccountIDs)
	if err != nil {
		return nil, err
	}
	if probs := s.validate(ctx, compose(in), selected); len(probs) > 0 {
		return nil, probs
	}
	p := &social.Post{UserID: userID, Caption: in.Caption, ImageURLs: in.ImageURLs, VideoURL: in.VideoURL, ScheduledAt: in.ScheduledAt}
	for _, sel := range selected {
		p.Targets = append(p.Targets, social.Target{
			AccountID: sel.ID, Platform: sel.Account.Platform,
			Mode: modeFor(sel.Account.Platform, in.ScheduledAt), Status: social.TargetQueued,
		})
	}
	if err := s.store.CreatePost(ctx, p, s.enqueue); err != nil {
		return nil, err
	}
	return p, nil
}

func modeFor(p social.Platform, at *time.Time) social.TargetMode {
	switch {
	case at == nil:
		return social.ModeNow
	case p == social.Facebook:
		return social.ModeNative
	}
	return social.ModeQueue
}

// enqueue inserts a target's publish job in the post's transaction: at the
// post's time for queue targets, now for the rest (a native target's job
// hands the post to Facebook's scheduler right away).
func (s *Service) enqueue(ctx context.Context, tx *sql.Tx, p *social.Post, t *social.Target) (int64, error) {
	opts := &river.InsertOpts{}
	if t.Mode == social.ModeQueue && p.ScheduledAt != nil && p.ScheduledAt.Sub(s.now()) > nowWindow {
		opts.ScheduledAt = *p.ScheduledAt
	}
	res, err := s.queue.InsertTx(ctx, tx, PublishArgs{TargetID: t.ID, Prev: t.JobID}, opts)
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}

// client returns the platform's client, or an error a user can read.
func (s *Service) client(p social.Platform) (any, error) {
	c, ok := s.platforms[p]
	if !ok || c == nil {
		return nil, &platform.Error{Platform: p, Kind: platform.Permanent, Code: string(p) + "_not_configured",
			Message: fmt.Sprintf("%s is not configured on this SalesAI server; ask your admin to add its app credentials.", p.Title())}
	}
	return c, nil
}

// asAccount is what a platform client needs of an account.
func asAccount(a *social.Account) platform.Account {
	return platform.Account{PlatformAccountID: a.PlatformAccountID, Name: a.Name, Credentials: a.Credentials, Meta: a.Meta}
}

func draftOf(p *social.Post) platform.Draft {
	d := platform.Draft{Caption: p.Caption, ImageURLs: p.ImageURLs, VideoURL: p.VideoURL}
	if p.ScheduledAt != nil {
		d.At = *p.ScheduledAt
	}
	return d
}

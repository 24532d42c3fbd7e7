package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/salesai/social/internal/social"
)

// Enqueue inserts the job that will publish (or natively schedule) a target,
// inside the transaction that stores it, and returns the job's id.
type Enqueue func(ctx context.Context, tx *sql.Tx, p *social.Post, t *social.Target) (jobID int64, err error)

// CreatePost stores a post and its targets and enqueues each target's job, all
// in one transaction: either everything is stored and queued, or nothing.
func (s *Store) CreatePost(ctx context.Context, p *social.Post, enqueue Enqueue) error {
	now := s.now().UTC()
	p.CreatedAt, p.UpdatedAt = now, now
	images, _ := json.Marshal(nonNil(p.ImageURLs))
	return s.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO posts (user_id, caption, image_urls, video_url, scheduled_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			p.UserID, p.Caption, string(images), p.VideoURL, msPtr(p.ScheduledAt), ms(now), ms(now)).Scan(&p.ID)
		if err != nil {
			return fmt.Errorf("create post: %w", err)
		}
		for i := range p.Targets {
			t := &p.Targets[i]
			t.PostID, t.UpdatedAt = p.ID, now
			if err := insertTarget(ctx, tx, t); err != nil {
				return err
			}
			if enqueue == nil {
				continue
			}
			if t.JobID, err = enqueue(ctx, tx, p, t); err != nil {
				return fmt.Errorf("enqueue target %d: %w", t.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE post_targets SET job_id = $1 WHERE id = $2`, t.JobID, t.ID); err != nil {
				return fmt.Errorf("create post: %w", err)
			}
		}
		return nil
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func insertTarget(ctx context.Context, tx *sql.Tx, t *social.Target) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO post_targets (post_id, account_id, platform, mode, status, platform_post_id,
		permalink, attempts, error_code, error_message, updated_at) VALUES ($1, $2, $3, $4, $5, '', '', 0, '', '', $6) RETURNING id`,
		t.PostID, t.AccountID, t.Platform, t.Mode, t.Status, ms(t.UpdatedAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("create target: %w", err)
	}
	return nil
}

const postColumns = `id, user_id, caption, image_urls, video_url, scheduled_at, created_at, updated_at`

func scanPost(row interface{ Scan(...any) error }) (*social.Post, error) {
	var p social.Post
	var images string
	var sched sql.NullInt64
	var created, updated int64
	if err := row.Scan(&p.ID, &p.UserID, &p.Caption, &images, &p.VideoURL, &sched, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	if err := json.Unmarshal([]byte(images), &p.ImageURLs); err != nil {
		return nil, fmt.Errorf("post %d images: %w", p.ID, err)
	}
	p.ScheduledAt, p.CreatedAt, p.UpdatedAt = fromNullMs(sched), fromMs(created), fromMs(updated)
	return &p, nil
}

const targetColumns = `id, post_id, COALESCE(account_id, 0), platform, mode, status, platform_post_id, permalink, attempts,
	attempt_started_at, published_at, error_code, error_message, COALESCE(job_id, 0), updated_at`

func scanTarget(row interface{ Scan(...any) error }) (*social.Target, error) {
	var t social.Target
	var started, published sql.NullInt64
	var updated int64
	if err := row.Scan(&t.ID, &t.PostID, &t.AccountID, &t.Platform, &t.Mode, &t.Status, &t.PlatformPostID, &t.Permalink,
		&t.Attempts, &started, &published, &t.ErrorCode, &t.ErrorMessage, &t.JobID, &updated); err != nil {
		return nil, notFound(err)
	}
	t.AttemptStartedAt, t.PublishedAt, t.UpdatedAt = fromNullMs(started), fromNullMs(published), fromMs(updated)
	return &t, nil
}

// Post returns one of the user's posts with its targets.
func (s *Store) Post(ctx context.Context, userID, id int64) (*social.Post, error) {
	return s.postTx(ctx, s.db, userID, id)
}

// PostTx is Post inside a transaction.
func (s *Store) PostTx(ctx context.Context, tx *sql.Tx, userID, id int64) (*social.Post, error) {
	return s.postTx(ctx, tx, userID, id)
}

func (s *Store) postTx(ctx context.Context, q queryer, userID, id int64) (*social.Post, error) {
	p, err := scanPost(q.QueryRowContext(ctx, `SELECT `+postColumns+` FROM posts WHERE id = $1 AND user_id = $2`, id, userID))
	if err != nil {
		return nil, err
	}
	if err := loadTargets(ctx, q, []*social.Post{p}); err != nil {
		return nil, err
	}
	return p, nil
}

// PostByID returns a post whoever owns it, for workers.
func (s *Store) PostByID(ctx context.Context, id int64) (*social.Post, error) {
	p, err := scanPost(s.db.QueryRowContext(ctx, `SELECT `+postColumns+` FROM posts WHERE id = $1`, id))
	if err != nil {
		return nil, err
	}
	return p, loadTargets(ctx, s.db, []*social.Post{p})
}

func loadTargets(ctx context.Context, q queryer, posts []*social.Post) error {
	if len(posts) == 0 {
		return nil
	}
	byID := map[int64]*social.Post{}
	ids := make([]string, len(posts))
	for i, p := range posts {
		byID[p.ID] = p
		p.Targets = []social.Target{}
		ids[i] = strconv.FormatInt(p.ID, 10) // integers from our own rows: safe to inline
	}
	rows, err := q.QueryContext(ctx, `SELECT `+targetColumns+` FROM post_targets WHERE post_id IN (`+strings.Join(ids, ",")+`) ORDER BY id`)
	if err != nil {
		return fmt.Errorf("load targets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return err
		}
		byID[t.PostID].Targets = append(byID[t.PostID].Targets, *t)
	}
	return rows.Err()
}

// PostFilter narrows a post listing. Cursor is the last id of the previous page.
type PostFilter struct {
	Status    string // a post status (Post.Status) or a target status
	AccountID int64
	From, To  *time.Time // on the post's time: scheduled_at, else created_at
	Cursor    int64
	Limit     int
}

// Posts lists the user's posts, newest first, one page at a time. It returns
// the cursor of the next page, 0 when there is none. A post-status filter
// ("scheduled", "partially_failed" …) is applied to whole batches until the
// page is full, so pages are never short while more posts match.
func (s *Store) Posts(ctx context.Context, userID int64, f PostFilter) ([]*social.Post, int64, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	postStatus := f.Status != "" && !isTargetStatus(f.Status)
	var out []*social.Post
	for {
		batch, more, err := s.postBatch(ctx, userID, f)
		if err != nil {
			return nil, 0, err
		}
		for _, p := range batch {
			if postStatus && p.Status() != f.Status {
				continue
			}
			if len(out) == f.Limit {
				return out, out[len(out)-1].ID, nil
			}
			out = append(out, p)
		}
		switch {
		case !more:
			return nonNilPosts(out), 0, nil
		case !postStatus: // every post of the batch is on the page
			return out, out[len(out)-1].ID, nil
		}
		f.Cursor = batch[len(batch)-1].ID
	}
}

// postBatch reads up to f.Limit+1 posts after f.Cursor with their targets,
// and reports whether more exist.
func (s *Store) postBatch(ctx context.Context, userID int64, f PostFilter) ([]*social.Post, bool, error) {
	where, args := []string{"p.user_id = $1"}, []any{userID}
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Cursor > 0 {
		where = append(where, "p.id < "+arg(f.Cursor))
	}
	if f.AccountID > 0 {
		where = append(where, "EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = p.id AND t.account_id = "+arg(f.AccountID)+")")
	}
	if isTargetStatus(f.Status) {
		where = append(where, "EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = p.id AND t.status = "+arg(f.Status)+")")
	}
	if f.From != nil {
		where = append(where, "COALESCE(p.scheduled_at, p.created_at) >= "+arg(ms(*f.From)))
	}
	if f.To != nil {
		where = append(where, "COALESCE(p.scheduled_at, p.created_at) < "+arg(ms(*f.To)))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT p.id, p.user_id, p.caption, p.image_urls, p.video_url, p.scheduled_at, p.created_at, p.updated_at FROM posts p WHERE `+
		strings.Join(where, " AND ")+` ORDER BY p.id DESC LIMIT `+strconv.Itoa(f.Limit+1), args...)
	if err != nil {
		return nil, false, fmt.Errorf("list posts: %w", err)
	}
	var posts []*social.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			rows.Close()
			return nil, false, err
		}
		posts = append(posts, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("list posts: %w", err)
	}
	more := len(posts) > f.Limit
	if more {
		posts = posts[:f.Limit]
	}
	return posts, more, loadTargets(ctx, s.db, posts)
}

func nonNilPosts(p []*social.Post) []*social.Post {
	if p == nil {
		return []*social.Post{}
	}
	return p
}

func isTargetStatus(s string) bool {
	switch social.TargetStatus(s) {
	case social.TargetScheduled, social.TargetQueued, social.TargetPublishing, social.TargetPublished,
		social.TargetFailed, social.TargetCanceled:
		return true
	}
	return false
}

// Target returns a target whoever owns it, for workers.
func (s *Store) Target(ctx context.Context, id int64) (*social.Target, error) {
	return scanTarget(s.db.QueryRowContext(ctx, `SELECT `+targetColumns+` FROM post_targets WHERE id = $1`, id))
}

// UpdatePostTx rewrites a post's content and time inside a transaction.
func (s *Store) UpdatePostTx(ctx context.Context, tx *sql.Tx, p *social.Post) error {
	p.UpdatedAt = s.now().UTC()
	images, _ := json.Marshal(nonNil(p.ImageURLs))
	res, err := tx.ExecContext(ctx, `UPDATE posts SET caption = $1, image_urls = $2, video_url = $3, scheduled_at = $4, updated_at = $5
		WHERE id = $6 AND user_id = $7`, p.Caption, string(images), p.VideoURL, msPtr(p.ScheduledAt), ms(p.UpdatedAt), p.ID, p.UserID)
	if err != nil {
		return fmt.Errorf("update post %d: %w", p.ID, err)
	}
	return mustAffect(res)
}

// UpdateTarget writes a target's state when its current status is one of
// from (any status when from is empty). It reports whether it wrote: false
// means another worker or request changed the target first.
func (s *Store) UpdateTarget(ctx context.Context, t *social.Target, from ...social.TargetStatus) (bool, error) {
	return s.updateTarget(ctx, s.db, t, from)
}

// UpdateTargetTx is UpdateTarget inside a transaction.
func (s *Store) UpdateTargetTx(ctx context.Context, tx *sql.Tx, t *social.Target, from ...social.TargetStatus) (bool, error) {
	return s.updateTarget(ctx, tx, t, from)
}

func (s *Store) updateTarget(ctx context.Context, q queryer, t *social.Target, from []social.TargetStatus) (bool, error) {
	t.UpdatedAt = s.now().UTC()
	args := []any{t.Mode, t.Status, t.PlatformPostID, t.Permalink, t.Attempts, msPtr(t.AttemptStartedAt), msPtr(t.PublishedAt),
		t.ErrorCode, t.ErrorMessage, nullID(t.JobID), ms(t.UpdatedAt), t.ID}
	q1 := `UPDATE post_targets SET mode = $1, status = $2, platform_post_id = $3, permalink = $4, attempts = $5,
		attempt_started_at = $6, published_at = $7, error_code = $8, error_message = $9, job_id = $10, updated_at = $11 WHERE id = $12`
	if len(from) > 0 {
		ph := make([]string, len(from))
		for i, st := range from {
			args = append(args, st)
			ph[i] = "$" + strconv.Itoa(len(args))
		}
		q1 += " AND status IN (" + strings.Join(ph, ", ") + ")"
	}
	res, err := q.ExecContext(ctx, q1, args...)
	if err != nil {
		return false, fmt.Errorf("update target %d: %w", t.ID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// PendingTargetsOfAccount lists targets of an account that have not reached an
// end state, for deleting an account or erasing a platform user's data.
func (s *Store) PendingTargetsOfAccount(ctx context.Context, accountID int64) ([]*social.Target, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+targetColumns+` FROM post_targets WHERE account_id = $1 AND status IN ($2, $3, $4)`,
		accountID, social.TargetQueued, social.TargetScheduled, social.TargetPublishing)
	if err != nil {
		return nil, fmt.Errorf("pending targets: %w", err)
	}
	defer rows.Close()
	var out []*social.Target
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// PostForUpdateTx reads one of the user's posts inside a transaction, locking
// its targets on PostgreSQL (SELECT … FOR UPDATE) so a worker cannot claim
// one until the transaction ends; SQLite's immediate transactions already
// serialise writers. Decisions about targets are made on this fresh copy.
func (s *Store) PostForUpdateTx(ctx context.Context, tx *sql.Tx, userID, id int64) (*social.Post, error) {
	p, err := scanPost(tx.QueryRowContext(ctx, `SELECT `+postColumns+` FROM posts WHERE id = $1 AND user_id = $2`, id, userID))
	if err != nil {
		return nil, err
	}
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE"
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+targetColumns+` FROM post_targets WHERE post_id = $1 ORDER BY id`+lock, id)
	if err != nil {
		return nil, fmt.Errorf("lock targets: %w", err)
	}
	defer rows.Close()
	p.Targets = []social.Target{}
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return nil, err
		}
		p.Targets = append(p.Targets, *t)
	}
	return p, rows.Err()
}

// ClaimTarget writes a worker's change to a target only while the target
// still belongs to that worker's job (job_id) and is in one of the from
// statuses. false means a user action (cancel, reschedule, retry) or another
// worker got there first, and the worker must leave the target alone.
func (s *Store) ClaimTarget(ctx context.Context, t *social.Target, jobID int64, from ...social.TargetStatus) (bool, error) {
	t.UpdatedAt = s.now().UTC()
	args := []any{t.Status, t.PlatformPostID, t.Permalink, t.Attempts, msPtr(t.AttemptStartedAt), msPtr(t.PublishedAt),
		t.ErrorCode, t.ErrorMessage, ms(t.UpdatedAt), t.ID, jobID}
	ph := make([]string, len(from))
	for i, st := range from {
		args = append(args, st)
		ph[i] = "$" + strconv.Itoa(len(args))
	}
	res, err := s.db.ExecContext(ctx, `UPDATE post_targets SET status = $1, platform_post_id = $2, permalink = $3, attempts = $4,
		attempt_started_at = $5, published_at = $6, error_code = $7, error_message = $8, updated_at = $9
		WHERE id = $10 AND job_id = $11 AND status IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return false, fmt.Errorf("claim target %d: %w", t.ID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

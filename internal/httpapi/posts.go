package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/salesai/social/internal/publish"
	"github.com/salesai/social/internal/social"
	"github.com/salesai/social/internal/store"
)

// PostJSON is a post as the API shows it (DESIGN §4).
type PostJSON struct {
	ID          int64        `json:"id"`
	Caption     string       `json:"caption"`
	ImageURLs   []string     `json:"image_urls"`
	VideoURL    string       `json:"video_url"`
	ScheduledAt *time.Time   `json:"scheduled_at,omitempty"`
	Status      string       `json:"status"`
	CreatedAt   time.Time    `json:"created_at"`
	Targets     []TargetJSON `json:"targets"`
}

// TargetJSON is one account's part of a post.
type TargetJSON struct {
	ID             int64               `json:"id"`
	AccountID      int64               `json:"account_id"`
	Platform       social.Platform     `json:"platform"`
	Mode           social.TargetMode   `json:"mode"`
	Status         social.TargetStatus `json:"status"`
	PlatformPostID string              `json:"platform_post_id,omitempty"`
	Permalink      string              `json:"permalink,omitempty"`
	Attempts       int                 `json:"attempts"`
	PublishedAt    *time.Time          `json:"published_at,omitempty"`
	Error          *TargetError        `json:"error,omitempty"`
}

// TargetError is why a target failed (or why its last attempt did), with the
// guide's fix when there is one.
type TargetError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

// PostView renders a post for the API and the UI.
func PostView(p *social.Post) PostJSON {
	v := PostJSON{ID: p.ID, Caption: p.Caption, ImageURLs: p.ImageURLs, VideoURL: p.VideoURL, ScheduledAt: p.ScheduledAt,
		Status: p.Status(), CreatedAt: p.CreatedAt, Targets: make([]TargetJSON, len(p.Targets))}
	if v.ImageURLs == nil {
		v.ImageURLs = []string{}
	}
	for i, t := range p.Targets {
		tj := TargetJSON{ID: t.ID, AccountID: t.AccountID, Platform: t.Platform, Mode: t.Mode, Status: t.Status,
			PlatformPostID: t.PlatformPostID, Permalink: t.Permalink, Attempts: t.Attempts, PublishedAt: t.PublishedAt}
		if t.ErrorCode != "" || t.ErrorMessage != "" {
			hint := social.Hints[t.ErrorCode]
			if hint == "" && p.ScheduledAt != nil && t.Status == social.TargetFailed {
				hint = social.Hints["scheduled_post_failed"]
			}
			tj.Error = &TargetError{Code: t.ErrorCode, Message: t.ErrorMessage, Hint: hint}
		}
		v.Targets[i] = tj
	}
	return v
}

// knownStatus are the values the status filter takes: post statuses
// (social.Post.Status) and target statuses.
var knownStatus = map[string]bool{"scheduled": true, "publishing": true, "published": true, "partially_failed": true,
	"failed": true, "canceled": true, "queued": true}

type postInput struct {
	AccountIDs  []int64    `json:"account_ids"`
	Caption     string     `json:"caption"`
	ImageURLs   []string   `json:"image_urls"`
	VideoURL    string     `json:"video_url"`
	ScheduledAt *time.Time `json:"scheduled_at"`
}

func (in postInput) toInput() publish.Input {
	return publish.Input{AccountIDs: in.AccountIDs, Caption: in.Caption, ImageURLs: in.ImageURLs, VideoURL: in.VideoURL, ScheduledAt: in.ScheduledAt}
}

func (s *Server) handlePostValidate(w http.ResponseWriter, r *http.Request) {
	var in postInput
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	probs, err := s.pub.Validate(r.Context(), mustAuth(r).UserID, in.toInput())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if probs == nil {
		probs = social.Problems{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": len(probs) == 0, "problems": probs})
}

func (s *Server) handlePostCreate(w http.ResponseWriter, r *http.Request) {
	var in postInput
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.pub.Create(r.Context(), mustAuth(r).UserID, in.toInput())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, PostView(p))
}

func (s *Server) handlePostList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f store.PostFilter
	var err error
	bad := func(field, what string) {
		s.writeError(w, r, social.Errorf(social.Invalid, "invalid_query", "The %s parameter must be %s.", field, what))
	}
	f.Status = q.Get("status")
	if f.Status != "" && !knownStatus[f.Status] {
		bad("status", "a post status (scheduled, publishing, published, partially_failed, failed, canceled) or a target status (queued)")
		return
	}
	if v := q.Get("account_id"); v != "" {
		if f.AccountID, err = strconv.ParseInt(v, 10, 64); err != nil {
			bad("account_id", "an account id")
			return
		}
	}
	if v := q.Get("cursor"); v != "" {
		if f.Cursor, err = strconv.ParseInt(v, 10, 64); err != nil {
			bad("cursor", "the next_cursor of a previous page")
			return
		}
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 || f.Limit > 200 {
			bad("limit", "a number from 1 to 200")
			return
		}
	}
	for _, tv := range []struct {
		name string
		dst  **time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(tv.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				bad(tv.name, "an RFC 3339 time such as 2026-12-24T09:00:00Z")
				return
			}
			*tv.dst = &t
		}
	}
	posts, next, err := s.store.Posts(r.Context(), mustAuth(r).UserID, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]PostJSON, len(posts))
	for i, p := range posts {
		out[i] = PostView(p)
	}
	resp := map[string]any{"posts": out, "next_cursor": nil}
	if next != 0 {
		resp["next_cursor"] = strconv.FormatInt(next, 10)
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) handlePostGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.store.Post(r.Context(), mustAuth(r).UserID, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, PostView(p))
}

func (s *Server) handlePostPatch(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in struct {
		Caption     *string    `json:"caption"`
		ScheduledAt *time.Time `json:"scheduled_at"`
		ImageURLs   *[]string  `json:"image_urls"`
		VideoURL    *string    `json:"video_url"`
	}
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.pub.Update(r.Context(), mustAuth(r).UserID, id, publish.Change{
		Caption: in.Caption, ScheduledAt: in.ScheduledAt, ImageURLs: in.ImageURLs, VideoURL: in.VideoURL})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, PostView(p))
}

func (s *Server) handlePostCancel(w http.ResponseWriter, r *http.Request) {
	s.postAction(w, r, s.pub.Cancel)
}

func (s *Server) handlePostRetry(w http.ResponseWriter, r *http.Request) {
	s.postAction(w, r, s.pub.Retry)
}

func (s *Server) postAction(w http.ResponseWriter, r *http.Request, act func(ctx context.Context, userID, id int64) (*social.Post, error)) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := act(r.Context(), mustAuth(r).UserID, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, PostView(p))
}

package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// callPlatform runs one platform call for the work's account. An expired token
// is refreshed once and the call tried once more (DESIGN §7).
func (s *Service) callPlatform(ctx context.Context, wk *work, call func(c any, a platform.Account) (platform.Result, error)) (platform.Result, error) {
	c, err := s.client(wk.target.Platform)
	if err != nil {
		return platform.Result{}, err
	}
	res, err := call(c, asAccount(wk.account))
	var pe *platform.Error
	if !errors.As(err, &pe) || pe.Kind != platform.TokenExpired {
		return res, err
	}
	fresh, rerr := s.Refresh(ctx, wk.account)
	if rerr != nil {
		return res, rerr
	}
	wk.account = fresh
	return call(c, asAccount(fresh))
}

// Refresh trades the account's refresh credentials for a new token and saves
// it. Refreshes of one account never overlap, in this process (a mutex) or
// across processes (a lock row), because X and LinkedIn rotate refresh tokens:
// two at once would leave one of them holding a dead token. A refused refresh
// marks the account needs_reconnect and returns a Revoked error.
func (s *Service) Refresh(ctx context.Context, a *social.Account) (*social.Account, error) {
	mu := s.accountMutex(a.ID)
	mu.Lock()
	defer mu.Unlock()
	before := a.Credentials.AccessToken
	until, err := s.lockRefresh(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	defer func() { _ = s.store.UnlockRefresh(context.WithoutCancel(ctx), a.ID, until) }()
	cur, err := s.store.AccountByID(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	if cur.Credentials.AccessToken != before {
		return cur, nil // someone refreshed it while we waited
	}
	c, err := s.client(cur.Platform)
	if err != nil {
		return nil, err
	}
	r, ok := c.(platform.Refresher)
	if !ok || !canRefresh(cur) {
		reason := cur.Platform.Title() + " token expired; reconnect the account"
		if cur.Platform == social.LinkedIn {
			reason = "the token expired and no Refresh Token, Client ID and Client Secret are saved"
		}
		return nil, s.refreshRefused(ctx, cur, "token_expired", reason)
	}
	// Bounded well inside the lock, so the lock cannot lapse mid-refresh.
	rctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	tok, err := r.Refresh(rctx, asAccount(cur))
	if err != nil {
		var pe *platform.Error
		if errors.As(err, &pe) && (pe.Kind == platform.Revoked || pe.Kind == platform.Permanent || pe.Kind == platform.TokenExpired) {
			return nil, s.refreshRefused(ctx, cur, pe.Code, pe.Message)
		}
		return nil, fmt.Errorf("refresh account %d: %w", cur.ID, err)
	}
	applyToken(cur, tok)
	if err := s.store.SaveTokens(ctx, cur); err != nil {
		return nil, err
	}
	s.log.Info("token refreshed", "account_id", cur.ID, "platform", cur.Platform)
	return cur, nil
}

// canRefresh reports whether the account holds what its platform refreshes with.
func canRefresh(a *social.Account) bool {
	switch a.Platform {
	case social.Instagram:
		return a.Credentials.AccessToken != "" // long-lived tokens refresh themselves
	case social.Facebook:
		return false // Page tokens from a long-lived user token do not expire
	case social.LinkedIn:
		c := a.Credentials // a manual account refreshes with its own app credentials
		return c.RefreshToken != "" && (c.ClientID != "" && c.ClientSecret != "" || a.Auth == social.AuthOAuth)
	}
	return a.Credentials.RefreshToken != ""
}

// applyToken stores a refreshed token, keeping the old refresh token when the
// platform sent none.
func applyToken(a *social.Account, tok platform.Token) {
	a.Credentials.AccessToken = social.Secret(tok.AccessToken)
	if tok.RefreshToken != "" {
		a.Credentials.RefreshToken = social.Secret(tok.RefreshToken)
	}
	a.TokenExpiresAt = nil
	if !tok.ExpiresAt.IsZero() {
		t := tok.ExpiresAt.UTC()
		a.TokenExpiresAt = &t
	}
	a.Status, a.LastError = social.StatusConnected, ""
}

// refreshRefused marks the account and returns the guide's error.
func (s *Service) refreshRefused(ctx context.Context, a *social.Account, code, reason string) error {
	msg := reason
	if a.Platform == social.LinkedIn && !strings.HasPrefix(reason, social.MsgLinkedInRefreshFailed) {
		msg = social.MsgLinkedInRefreshFailed + ": " + platformReason(reason)
	}
	if a.Platform == social.LinkedIn {
		code = "linkedin_refresh_failed"
	}
	s.markNeedsReconnect(ctx, a, msg)
	return &platform.Error{Platform: a.Platform, Kind: platform.Revoked, Code: code, Message: msg}
}

// platformReason keeps the platform's own reason (e.g. invalid_grant) short.
func platformReason(msg string) string {
	if msg == "" {
		return "invalid_grant"
	}
	return msg
}

func (s *Service) markNeedsReconnect(ctx context.Context, a *social.Account, msg string) {
	if err := s.store.SetAccountStatus(ctx, a.ID, social.StatusNeedsReconnect, msg); err != nil {
		s.log.Error("mark needs_reconnect", "account_id", a.ID, "error", err)
	}
}

func (s *Service) accountMutex(id int64) *sync.Mutex {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	mu, ok := s.refreshes[id]
	if !ok {
		mu = &sync.Mutex{}
		s.refreshes[id] = mu
	}
	return mu
}

// Refresh lock timing: a refresh call is bounded by refreshTimeout, far
// inside the lock's lifetime, so two processes never refresh at once.
const (
	refreshLockFor = 3 * time.Minute
	refreshTimeout = 45 * time.Second
)

// lockRefresh waits for the cross-process refresh lock of an account and
// returns until when it holds it.
func (s *Service) lockRefresh(ctx context.Context, id int64) (time.Time, error) {
	for {
		until := s.now().Add(refreshLockFor).Truncate(time.Millisecond)
		ok, err := s.store.LockRefresh(ctx, id, until)
		if err != nil || ok {
			return until, err
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

type refreshWorker struct {
	river.WorkerDefaults[RefreshArgs]
	svc *Service
}

// Work refreshes every token expiring within RefreshWindow. A refused refresh
// marks its account; other accounts go on.
func (w *refreshWorker) Work(ctx context.Context, _ *river.Job[RefreshArgs]) error {
	accounts, err := w.svc.store.AccountsExpiringBefore(ctx, w.svc.now().Add(RefreshWindow))
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range accounts {
		if !canRefresh(a) {
			continue
		}
		if _, err := w.svc.Refresh(ctx, a); err != nil {
			var pe *platform.Error
			if !errors.As(err, &pe) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

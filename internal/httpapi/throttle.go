package httpapi

import (
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// loginThrottle slows password guessing: each email gets a burst of attempts,
// then one more every few seconds. It lives in memory, per process, which is
// enough to make guessing impractical.
type loginThrottle struct {
	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	seen     map[string]time.Time
}

const (
	loginBurst = 10
	loginEvery = 6 * time.Second
)

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{limiters: map[string]*rate.Limiter{}, seen: map[string]time.Time{}}
}

// allow reports whether another sign-in attempt for email may go ahead.
func (t *loginThrottle) allow(email string, now time.Time) bool {
	key := strings.ToLower(strings.TrimSpace(email))
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.limiters) > 100000 { // forget idle entries rather than grow forever
		for k, at := range t.seen {
			if now.Sub(at) > loginEvery*loginBurst {
				delete(t.limiters, k)
				delete(t.seen, k)
			}
		}
	}
	l, ok := t.limiters[key]
	if !ok {
		l = rate.NewLimiter(rate.Every(loginEvery), loginBurst)
		t.limiters[key] = l
	}
	t.seen[key] = now
	return l.AllowN(now, 1)
}

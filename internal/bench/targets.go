package bench

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/salesai/social/internal/publish"
)

// QueuePlatforms are the platforms published through our queue (Facebook
// posts are scheduled natively by Facebook, so they are not dispatched here).
var QueuePlatforms = []string{"twitter", "linkedin", "instagram", "youtube"}

// accountCaps are the per-account publishing limits the simulator enforces
// as the platforms do (platforms.md §3.4: 100 tweets per 15 min per user;
// §4: 150 LinkedIn posts per member per day), with a margin. Each run
// connects one account per platform, so a plan gives these platforms at most
// this many targets: more would be (correctly) held back for 15 minutes or a
// day, which measures the platform's limit, not our dispatch.
var accountCaps = map[string]int{"twitter": 90, "linkedin": 140}

// Plan assigns n targets to platforms in turn, within accountCaps.
func Plan(n int, platforms []string) ([]string, error) {
	plan := make([]string, 0, n)
	used := map[string]int{}
	for i := 0; len(plan) < n; i++ {
		if i >= n*len(platforms)+len(platforms) {
			return nil, fmt.Errorf("%d targets do not fit on %v within the per-account limits %v", n, platforms, accountCaps)
		}
		pl := platforms[i%len(platforms)]
		if c, ok := accountCaps[pl]; ok && used[pl] >= c {
			continue
		}
		used[pl]++
		plan = append(plan, pl)
	}
	return plan, nil
}

// token marks each target's caption so its platform calls and posts can be
// told apart: "bench-t000042".
func token(i int) string { return fmt.Sprintf("bench-t%06d", i) }

var tokenRE = regexp.MustCompile(`bench-t(\d{6})`)

// tokenIn finds the target index in a caption, body or query; -1 if none.
func tokenIn(b []byte) int {
	m := tokenRE.FindSubmatch(b)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// poster creates posts for one user, one account per platform.
type poster struct {
	env      *Env
	userID   int64
	accounts map[string]int64
	video    string // video URL for YouTube targets
}

// newPoster signs a user up and connects one account on each platform.
func newPoster(ctx context.Context, e *Env, platforms []string, videoSize int64) (*poster, error) {
	c, err := e.Signup(ctx)
	if err != nil {
		return nil, err
	}
	u, err := e.App.Store.UserByEmail(ctx, c.Email)
	if err != nil {
		return nil, err
	}
	p := &poster{env: e, userID: u.ID, accounts: map[string]int64{}, video: e.Media.VideoURL(videoSize)}
	for _, pl := range platforms {
		accts, err := c.Connect(ctx, pl)
		if err != nil {
			return nil, err
		}
		p.accounts[pl] = accts[0].ID
	}
	return p, nil
}

// input is target i's post: one account, a caption carrying its token, and
// the media its platform requires (Instagram an image, YouTube a video).
func (p *poster) input(platform string, i int, at *time.Time) publish.Input {
	in := publish.Input{AccountIDs: []int64{p.accounts[platform]}, ScheduledAt: at,
		Caption: "SalesAI benchmark post " + token(i)}
	switch platform {
	case "instagram":
		in.ImageURLs = []string{p.env.Media.ImageURL()}
	case "youtube":
		in.VideoURL = p.video
	}
	return in
}

// createAll creates n posts through the publishing service (validation,
// media preflight, post + target + River job in one transaction: what the
// API does after decoding JSON), from workers goroutines: target i on
// plan[i] at at(i).
func (p *poster) createAll(ctx context.Context, plan []string, workers int, at func(i int) *time.Time) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(plan) || ctx.Err() != nil {
					return
				}
				pl := plan[i]
				if _, err := p.env.App.Publish.Create(ctx, p.userID, p.input(pl, i, at(i))); err != nil {
					errs <- fmt.Errorf("create post %d (%s): %w", i, pl, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

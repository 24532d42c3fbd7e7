package publish_test

import (
	"strconv"
	"time"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/platform/sim"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// countPosts counts the platform's live copies of a text (not deleted).
func countPosts(s *apptest.Server, platform, text string) int {
	n := 0
	for _, p := range s.Sim.Posts(platform) {
		if p.Text == text && !p.Deleted {
			n++
		}
	}
	return n
}

func simPost(s *apptest.Server, platform, text string) *sim.Post {
	for _, p := range s.Sim.Posts(platform) {
		if p.Text == text {
			return &p
		}
	}
	return nil
}

var fixedTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

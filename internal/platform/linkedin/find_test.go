package linkedin

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/platform/sim"
)

// An in-doubt share is found even when many of the author's shares were
// published after it (a backlog drained before the crashed job was rescued).
func TestFindPublished_PagesPastNewerShares(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{})
	a := manualAccount(e.connect(t))
	start := e.clock.Now()
	res, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: "The in-doubt one"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2*findCount + 5 {
		e.clock.Advance(time.Second)
		if _, err := e.manual.Publish(context.Background(), a, platform.Draft{Caption: fmt.Sprintf("backlog %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	got, ok, err := e.manual.FindPublished(context.Background(), a, platform.Draft{Caption: "The in-doubt one"}, start)
	if err != nil || !ok || got != res {
		t.Fatalf("FindPublished = %+v, %v, %v; want %+v found", got, ok, err, res)
	}
	pages := e.requests(http.MethodGet, "api.linkedin.com", "/v2/ugcPosts")
	if len(pages) != 3 || !strings.Contains(pages[2].Query, fmt.Sprintf("start=%d&count=%d", 2*findCount, findCount)) {
		t.Errorf("finder pages %d, last query %q; want 3, the last from start=%d", len(pages), pages[len(pages)-1].Query, 2*findCount)
	}

	// A share older than since ends the search: nothing newer is left to read.
	e.sim.ClearRequests()
	if _, ok, err := e.manual.FindPublished(context.Background(), a, platform.Draft{Caption: "never posted"}, start.Add(90*time.Second)); err != nil || ok {
		t.Fatalf("FindPublished of a missing text = %v, %v", ok, err)
	}
	if n := len(e.requests(http.MethodGet, "api.linkedin.com", "/v2/ugcPosts")); n != 1 {
		t.Errorf("%d finder pages, want 1 (its oldest share is before since)", n)
	}
}

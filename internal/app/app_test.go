package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The sandbox publishes to its own simulator with no developer app at all.
func TestSandboxConnectsAndPublishesWithoutAnyApp(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{Sandbox: true})
	if code, _ := get(t, s.URL+"/sandbox/_sim/posts"); code != http.StatusUnauthorized {
		t.Fatalf("sandbox control API without signing in: %d, want 401", code)
	}
	c := s.MustSignup(t)
	accts := c.MustConnect("twitter", "")
	if len(accts) != 1 {
		t.Fatalf("sandbox connect = %+v", accts)
	}
	var p httpapi.PostJSON
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{accts[0].ID}, "caption": "Hello sandbox"}, http.StatusCreated, &p)
	apptest.Eventually(t, 20e9, "the sandbox post to publish", func() bool {
		c.MustJSON("GET", "/api/social/posts/"+itoa(p.ID), nil, http.StatusOK, &p)
		return p.Targets[0].Status == "published"
	})
	_, posts := c.Do("GET", "/sandbox/_sim/posts?platform=twitter", nil)
	if !strings.Contains(string(posts), "Hello sandbox") {
		t.Fatalf("the simulator did not receive the post: %s", posts)
	}
	if code, page := get(t, s.URL+"/login"); code != http.StatusOK || !strings.Contains(page, "Sandbox") {
		t.Fatalf("sandbox banner missing on /login (%d)", code)
	}
}

// Without sandbox or the rewrite, the simulator is unreachable.
func TestSimulatorIsNotMountedOutsideSandbox(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	for _, path := range []string{"/sandbox/_sim/posts", "/sandbox/x.com/i/oauth2/authorize", "/_sim/posts", "/_sim/requests"} {
		if code, _ := get(t, s.URL+path); code != http.StatusNotFound {
			t.Errorf("%s answered %d, want 404", path, code)
		}
	}
}

// /metrics shows what publishing did.
func TestMetricsCountPublishedTargets(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{})
	c := s.MustSignup(t)
	x := c.MustConnect("twitter", "")[0]
	var p httpapi.PostJSON
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{x.ID}, "caption": "Count me"}, http.StatusCreated, &p)
	apptest.Eventually(t, 20e9, "the metric", func() bool {
		_, m := get(t, s.URL+"/metrics")
		return strings.Contains(m, `salesai_targets_total{outcome="published",platform="twitter"} 1`) &&
			strings.Contains(m, `salesai_http_requests_total{route="POST /api/social/posts",status="201"} 1`)
	})
}

func TestMetricsToken(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true, Env: map[string]string{"SALESAI_METRICS_TOKEN": "m-token-123"}})
	if code, _ := get(t, s.URL+"/metrics"); code != http.StatusUnauthorized {
		t.Fatalf("/metrics without the token: %d", code)
	}
	req, _ := http.NewRequest("GET", s.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer m-token-123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics with the token: %d", resp.StatusCode)
	}
}

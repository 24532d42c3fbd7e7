package app_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
)

// issuedTokens are the credentials the simulator saw us use: bearer tokens
// and access_token parameters of every recorded platform request.
func issuedTokens(s *apptest.Server) map[string]bool {
	out := map[string]bool{}
	for _, r := range s.Sim.Requests() {
		if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && len(v) > 8 {
			out[v] = true
		}
		for _, kv := range strings.Split(r.Query, "&") {
			if v, ok := strings.CutPrefix(kv, "access_token="); ok && len(v) > 8 {
				out[v] = true
			}
		}
	}
	return out
}

// No credential appears in the database file, the logs, API answers or pages.
func TestTokensNeverLeak(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{})
	c := s.MustSignup(t)
	var ids []int64
	for _, p := range []string{"facebook", "instagram", "twitter", "linkedin", "youtube"} {
		for _, a := range c.MustConnect(p, "") {
			if p != "youtube" {
				ids = append(ids, a.ID)
			}
		}
	}
	var post httpapi.PostJSON
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": ids[len(ids)-2:], "caption": "Leak check"}, http.StatusCreated, &post)
	apptest.Eventually(t, 20e9, "the post to publish", func() bool {
		c.MustJSON("GET", "/api/social/posts/"+itoa(post.ID), nil, http.StatusOK, &post)
		return post.Status == "published"
	})
	tokens := issuedTokens(s)
	if len(tokens) < 5 {
		t.Fatalf("only %d tokens recorded; the check would prove little", len(tokens))
	}
	var seen strings.Builder
	for _, path := range []string{"/api/social/accounts", "/api/social/posts", "/accounts", "/posts", "/compose"} {
		_, body := c.Do("GET", path, nil)
		seen.Write(body)
	}
	seen.WriteString(s.Logs.String())
	for _, name := range []string{"salesai.db", "salesai.db-wal"} {
		b, err := os.ReadFile(filepath.Join(s.Config.DataDir, name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		seen.Write(b)
	}
	all := seen.String()
	for tok := range tokens {
		if strings.Contains(all, tok) {
			t.Errorf("token %.6s… appears in an answer, a page, the logs or the database file", tok)
		}
	}
}

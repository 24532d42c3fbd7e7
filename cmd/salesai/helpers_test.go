package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
	"github.com/salesai/social/internal/platform/sim"
)

// The tests of this package run the real binary as a subprocess, the way an
// operator runs it: built once, started with an environment, stopped with
// signals (SIGKILL for a crash, SIGTERM for a deploy).

var (
	buildOnce sync.Once
	buildDir  string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// mustBinary builds cmd/salesai once for the whole package.
func mustBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "salesai-bin-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "salesai")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// proc is one running salesai process.
type proc struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	stdout *apptest.SyncBuffer
	stderr *apptest.SyncBuffer
	done   chan struct{} // closed when the process has exited
	exit   error         // cmd.Wait's answer, set before done closes

	killedByTest bool
}

// startProc starts the binary with exactly env (nothing is inherited but
// PATH and HOME, so a developer's DATABASE_URL cannot leak in). The process
// is killed when the test ends, and its logs are dumped if the test failed.
func startProc(t *testing.T, name string, env map[string]string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(mustBinary(t), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &proc{t: t, name: name, cmd: cmd, stdout: &apptest.SyncBuffer{}, stderr: &apptest.SyncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.exit = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.killedByTest = true
		}
		p.kill()
		if t.Failed() {
			t.Logf("---- %s (%v, killed at cleanup %v) stdout ----\n%s\n---- %s stderr ----\n%s",
				name, p.exit, p.killedByTest, p.stdout, name, quiet(p.stderr.String()))
		}
	})
	return p
}

// run runs the binary to completion and returns its exit code and outputs.
func runProc(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	p := startProc(t, strings.Join(args, " "), env, args...)
	if !p.wait(30 * time.Second) {
		t.Fatalf("salesai %s did not exit within 30 s", strings.Join(args, " "))
	}
	return p.code(), p.stdout.String(), p.stderr.String()
}

// kill sends SIGKILL (a crash: no deferred code, no shutdown) and waits.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

func (p *proc) signal(s os.Signal) {
	if err := p.cmd.Process.Signal(s); err != nil {
		p.t.Fatalf("signal %s: %v", p.name, err)
	}
}

// wait reports whether the process exited within d.
func (p *proc) wait(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// code is the exit code of an exited process (-1 when killed by a signal).
func (p *proc) code() int {
	<-p.done
	if st, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && st.Signaled() {
		return -1
	}
	return p.cmd.ProcessState.ExitCode()
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// simServer serves a simulator on loopback for the subprocesses to call.
func simServer(t *testing.T, s *sim.Sim, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	var h http.Handler = s
	if wrap != nil {
		h = wrap(s)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// serveEnv is the environment of a program talking to the simulator at
// simURL, with the simulator's app credentials for every platform.
func serveEnv(dataDir, addr, simURL string) map[string]string {
	env := map[string]string{
		"SALESAI_DATA_DIR":            dataDir,
		"SALESAI_ADDR":                addr,
		"SALESAI_PUBLIC_URL":          "http://" + addr,
		"SALESAI_PLATFORM_ENDPOINT":   simURL,
		"SALESAI_ALLOW_PRIVATE_MEDIA": "1",
	}
	for p, a := range sim.SandboxApps {
		prefix := strings.ToUpper(p) + "_APP_"
		if p == "twitter" || p == "youtube" || p == "linkedin" {
			prefix = strings.ToUpper(p) + "_CLIENT_"
		}
		env[prefix+"ID"], env[prefix+"SECRET"] = a.ID, a.Secret
	}
	return env
}

// with returns a copy of env with extra settings.
func with(env map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(env)+len(kv)/2)
	for k, v := range env {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// healthy reports whether the server at base answers /healthz.
func healthy(base string) bool {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get(base + "/healthz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// mustServe starts `salesai serve` and waits until it answers /healthz.
func mustServe(t *testing.T, name string, env map[string]string) *proc {
	t.Helper()
	p := startProc(t, name, env, "serve")
	base := "http://" + env["SALESAI_ADDR"]
	waitFor(t, 30*time.Second, name+" to answer /healthz", func() bool {
		select {
		case <-p.done:
			t.Fatalf("%s exited early (code %d):\n%s", name, p.code(), p.stderr)
		default:
		}
		return healthy(base)
	})
	return p
}

// waitFor polls cond every 50 ms until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var userSeq atomic.Int64

// newClient is a browser-like client of the server at base, not signed in.
func newClient(t *testing.T, base string) *apptest.Client {
	jar, _ := cookiejar.New(nil)
	return &apptest.Client{TB: t, Base: base, HTTP: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// mustSignup creates a fresh user over HTTP and returns their client.
func mustSignup(t *testing.T, base string) *apptest.Client {
	t.Helper()
	c := newClient(t, base)
	c.Email = fmt.Sprintf("crash%d@example.com", userSeq.Add(1))
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	c.MustJSON("POST", "/api/auth/signup", map[string]string{"email": c.Email, "password": "correct horse battery"}, http.StatusCreated, &out)
	c.CSRF = out.CSRF
	return c
}

// createPost creates a post; safe to call from several goroutines (it
// reports instead of failing the test).
func createPost(c *apptest.Client, body map[string]any) (httpapi.PostJSON, error) {
	var p httpapi.PostJSON
	b, _ := json.Marshal(body)
	req, err := http.NewRequest("POST", c.Base+"/api/social/posts", bytes.NewReader(b))
	if err != nil {
		return p, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-CSRF-Token", c.CSRF)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return p, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return p, fmt.Errorf("create post: %d %s", resp.StatusCode, buf.Bytes())
	}
	return p, json.Unmarshal(buf.Bytes(), &p)
}

// target is a target with its post's caption, as the API lists it.
type target struct {
	httpapi.TargetJSON
	Caption string
}

// mustTargets lists every target of the user's posts, by target id.
func mustTargets(c *apptest.Client) map[int64]target {
	c.TB.Helper()
	out := map[int64]target{}
	cursor := ""
	for {
		var page struct {
			Posts      []httpapi.PostJSON `json:"posts"`
			NextCursor *string            `json:"next_cursor"`
		}
		c.MustJSON("GET", "/api/social/posts?limit=200"+cursor, nil, http.StatusOK, &page)
		for _, p := range page.Posts {
			for _, tg := range p.Targets {
				out[tg.ID] = target{TargetJSON: tg, Caption: p.Caption}
			}
		}
		if page.NextCursor == nil {
			return out
		}
		cursor = "&cursor=" + *page.NextCursor
	}
}

// countStatus counts targets by status.
func countStatus(ts map[int64]target) map[string]int {
	n := map[string]int{}
	for _, t := range ts {
		n[string(t.Status)]++
	}
	return n
}

// simCopies counts the live copies of each text on platform.
func simCopies(s *sim.Sim, platform string) map[string][]sim.Post {
	out := map[string][]sim.Post{}
	for _, p := range s.Posts(platform) {
		if !p.Deleted {
			out[p.Text] = append(out[p.Text], p)
		}
	}
	return out
}

// assertPublishedOnce checks that every target is published, and that the
// simulator holds exactly one copy of each, under the id the target recorded,
// and nothing else.
func assertPublishedOnce(t *testing.T, s *sim.Sim, ts map[int64]target) {
	t.Helper()
	copies := map[string]map[string][]sim.Post{}
	want := map[string]int{}
	for _, tg := range ts {
		pl := string(tg.Platform)
		if copies[pl] == nil {
			copies[pl] = simCopies(s, pl)
		}
		want[pl]++
		got := copies[pl][tg.Caption]
		switch {
		case tg.Status != "published":
			t.Errorf("target %d (%s %q) is %s, want published (error %+v)", tg.ID, pl, tg.Caption, tg.Status, tg.Error)
		case len(got) != 1:
			t.Errorf("target %d (%s %q): %d copies on the platform, want 1", tg.ID, pl, tg.Caption, len(got))
		case got[0].ID != tg.PlatformPostID:
			t.Errorf("target %d (%s %q) recorded id %q, the platform has %q", tg.ID, pl, tg.Caption, tg.PlatformPostID, got[0].ID)
		}
	}
	for pl, n := range want {
		if all := len(s.Posts(pl)); all != n {
			t.Errorf("%s holds %d posts, want %d (one per target)", pl, all, n)
		}
	}
}

// logTargets returns the target_id of every log line with msg=msg.
func logTargets(logs, msg string) []int64 {
	var ids []int64
	for _, line := range strings.Split(logs, "\n") {
		if !strings.Contains(line, " msg="+msg+" ") && !strings.Contains(line, ` msg="`+msg+`" `) {
			continue
		}
		for _, f := range strings.Fields(line) {
			if v, ok := strings.CutPrefix(f, "target_id="); ok {
				if id, err := strconv.ParseInt(v, 10, 64); err == nil {
					ids = append(ids, id)
				}
			}
		}
	}
	return ids
}

// quiet drops the per-request log lines from a dump.
func quiet(logs string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(logs, "\n") {
		if !strings.Contains(line, " msg=http ") {
			b.WriteString(line)
		}
	}
	return b.String()
}

package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salesai/social/internal/config"
)

// --help is the operator's reference: every variable the program reads.
func TestHelpListsEveryVariable(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"help"}, {"serve", "--help"}} {
		code, out, errs := runProc(t, nil, args...)
		text := out + errs
		if code != 0 {
			t.Errorf("salesai %s: exit %d\n%s", strings.Join(args, " "), code, text)
		}
		for _, cmd := range []string{"serve", "worker", "migrate", "user create", "rotate-key"} {
			if !strings.Contains(text, cmd) {
				t.Errorf("salesai %s does not mention the %q command", strings.Join(args, " "), cmd)
			}
		}
		for _, v := range config.Vars {
			if !strings.Contains(text, v.Name) {
				t.Errorf("salesai %s does not list %s", strings.Join(args, " "), v.Name)
			}
		}
	}
	if code, _, errs := runProc(t, nil, "frobnicate"); code != 2 || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Errorf("an unknown command: exit %d, stderr %q", code, errs)
	}
}

// A user created on the command line signs in over HTTP.
func TestUserCreateThenLogin(t *testing.T) {
	t.Parallel()
	env := serveEnv(t.TempDir(), freeAddr(t), "http://127.0.0.1:9") // no platform call is made
	code, out, errs := runProc(t, env, "user", "create", "--email", "owner@acme.example", "--password", "correct horse battery")
	if code != 0 || !strings.Contains(out, "created user") || !strings.Contains(out, "owner@acme.example") {
		t.Fatalf("user create: exit %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out+errs, "correct horse battery") {
		t.Error("user create echoed the password")
	}
	if code, _, errs := runProc(t, env, "user", "create", "--email", "short@acme.example", "--password", "short"); code == 0 {
		t.Errorf("a too-short password was accepted (%s)", errs)
	}

	mustServe(t, "serve", env)
	c := newClient(t, "http://"+env["SALESAI_ADDR"])
	resp, body := c.Do("POST", "/api/auth/login", map[string]string{"email": "owner@acme.example", "password": "wrong password here"})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("login with a wrong password: %d %s", resp.StatusCode, body)
	}
	var out2 struct {
		CSRF string `json:"csrf_token"`
	}
	c.MustJSON("POST", "/api/auth/login", map[string]string{"email": "owner@acme.example", "password": "correct horse battery"}, http.StatusOK, &out2)
	c.CSRF = out2.CSRF
	c.MustJSON("GET", "/api/social/accounts", nil, http.StatusOK, nil)
}

// migrate prepares an empty data dir (created if missing) and can run again.
func TestMigrateEmptyDataDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "new")
	env := serveEnv(dir, freeAddr(t), "http://127.0.0.1:9")
	for range 2 {
		code, out, errs := runProc(t, env, "migrate")
		if code != 0 || !strings.Contains(out, "database is up to date (sqlite)") {
			t.Fatalf("migrate: exit %d\n%s%s", code, out, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "salesai.db")); err != nil {
		t.Fatalf("no database in the data dir: %v", err)
	}
}

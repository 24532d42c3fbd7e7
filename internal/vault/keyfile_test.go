package vault

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// logBuffer is a goroutine-safe log sink for asserting on warnings.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, nil)), b
}

// assertNoKeyMaterial fails if the log shows key in any common encoding.
func assertNoKeyMaterial(t *testing.T, log string, key []byte) {
	t.Helper()
	for _, enc := range []string{
		base64.StdEncoding.EncodeToString(key), base64.RawURLEncoding.EncodeToString(key),
		hex.EncodeToString(key), base64.StdEncoding.EncodeToString(key)[:12],
	} {
		if strings.Contains(log, enc) {
			t.Fatalf("log contains key material %q:\n%s", enc, log)
		}
	}
}

func TestLoadKey_FromEnv(t *testing.T) {
	t.Parallel()
	key := MustKey(t)
	for name, env := range map[string]string{
		"std padded":     base64.StdEncoding.EncodeToString(key),
		"std raw":        base64.RawStdEncoding.EncodeToString(key),
		"url padded":     base64.URLEncoding.EncodeToString(key),
		"url raw":        base64.RawURLEncoding.EncodeToString(key),
		"trailing space": base64.StdEncoding.EncodeToString(key) + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			log, buf := newLogger()
			got, err := LoadKey(env, dir, log)
			if err != nil || !bytes.Equal(got, key) {
				t.Fatalf("LoadKey = %x, %v; want the env key", got, err)
			}
			if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !os.IsNotExist(err) {
				t.Fatalf("a key file was written although SALESAI_SECRET_KEY is set: %v", err)
			}
			if buf.String() != "" {
				t.Fatalf("unexpected log: %s", buf)
			}
		})
	}
}

func TestLoadKey_BadEnv(t *testing.T) {
	t.Parallel()
	key := MustKey(t)
	for name, env := range map[string]string{
		"too short":       base64.StdEncoding.EncodeToString(key[:16]),
		"too long":        base64.StdEncoding.EncodeToString(append(key, 1)),
		"not base64":      "this is not a key!",
		"hex of 32 bytes": hex.EncodeToString(key),
		"passphrase":      "correct horse battery staple",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadKey(env, t.TempDir(), nil)
			if err == nil {
				t.Fatal("LoadKey accepted a bad SALESAI_SECRET_KEY")
			}
			msg := err.Error()
			if !strings.Contains(msg, "SALESAI_SECRET_KEY must be base64 of 32 random bytes (openssl rand -base64 32)") {
				t.Fatalf("error %q does not explain the fix", msg)
			}
			if strings.Contains(msg, env) {
				t.Fatalf("error %q echoes the configured value", msg)
			}
		})
	}
}

func TestLoadKey_GeneratesOnce(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "data", "nested")
	log, buf := newLogger()

	key, err := LoadKey("", dataDir, log)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != KeySize || bytes.Equal(key, make([]byte, KeySize)) {
		t.Fatalf("generated key %d bytes, all zero = %v", len(key), bytes.Equal(key, make([]byte, KeySize)))
	}
	path := filepath.Join(dataDir, KeyFileName)
	if runtime.GOOS != "windows" {
		assertMode(t, path, 0o600)
		assertMode(t, dataDir, 0o700)
	}

	again, err := LoadKey("", dataDir, log)
	if err != nil || !bytes.Equal(again, key) {
		t.Fatalf("second load = %x, %v; want the generated key", again, err)
	}

	out := buf.String()
	if n := strings.Count(out, "level=WARN"); n != 1 {
		t.Fatalf("want exactly one warning over two loads, got %d:\n%s", n, out)
	}
	for _, want := range []string{path, "back", "SALESAI_SECRET_KEY"} {
		if !strings.Contains(out, want) {
			t.Errorf("warning does not mention %q:\n%s", want, out)
		}
	}
	assertNoKeyMaterial(t, out, key)
}

func TestLoadKey_FileWorksAsEnvValue(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key, err := LoadKey("", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	// The backup advice only helps if the file can be pasted into the variable.
	fromEnv, err := LoadKey(string(data), t.TempDir(), nil)
	if err != nil || !bytes.Equal(fromEnv, key) {
		t.Fatalf("key file content as SALESAI_SECRET_KEY = %x, %v", fromEnv, err)
	}
}

func TestLoadKey_ConcurrentFirstRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log, buf := newLogger()
	keys := make([][]byte, 8)
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() { keys[i], errs[i] = LoadKey("", dir, log) })
	}
	wg.Wait()
	for i := range keys {
		if errs[i] != nil || !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("load %d = %x, %v; want every process to agree on one key", i, keys[i], errs[i])
		}
	}
	if n := strings.Count(buf.String(), "level=WARN"); n != 1 {
		t.Fatalf("want one warning, got %d:\n%s", n, buf)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("data dir holds %d entries, want only %s (temporary files left?)", len(entries), KeyFileName)
	}
}

func TestLoadKey_LoosePermissionsWarn(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no unix permissions")
	}
	dir := t.TempDir()
	key := MustKey(t)
	path := filepath.Join(dir, KeyFileName)
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // WriteFile's mode is masked by umask
		t.Fatal(err)
	}
	log, buf := newLogger()
	got, err := LoadKey("", dir, log)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("LoadKey = %x, %v", got, err)
	}
	out := buf.String()
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "chmod 600") || !strings.Contains(out, path) {
		t.Fatalf("want a chmod warning naming %s, got:\n%s", path, out)
	}
	assertNoKeyMaterial(t, out, key)
}

func TestLoadKey_BadKeyFile(t *testing.T) {
	t.Parallel()
	key := MustKey(t)
	for name, setup := range map[string]func(path string) error{
		"garbled": func(p string) error { return os.WriteFile(p, []byte("not a key at all!"), 0o600) },
		"truncated": func(p string) error {
			return os.WriteFile(p, []byte(base64.StdEncoding.EncodeToString(key)[:20]), 0o600)
		},
		"empty":     func(p string) error { return os.WriteFile(p, nil, 0o600) },
		"directory": func(p string) error { return os.Mkdir(p, 0o700) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, KeyFileName)
			if err := setup(path); err != nil {
				t.Fatal(err)
			}
			got, err := LoadKey("", dir, nil)
			if err == nil || got != nil {
				t.Fatalf("LoadKey = %x, %v; want an error, not a new key", got, err)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "SALESAI_SECRET_KEY") {
				t.Fatalf("error %q should name the file and the fix", err)
			}
			if name != "directory" {
				data, _ := os.ReadFile(path)
				if len(data) > 0 && strings.Contains(err.Error(), string(data)) {
					t.Fatalf("error %q echoes the file content", err)
				}
			}
		})
	}
}

func TestLoadOldKey(t *testing.T) {
	t.Parallel()
	key := MustKey(t)
	if got, err := LoadOldKey(""); got != nil || err != nil {
		t.Fatalf("LoadOldKey(\"\") = %x, %v; want nil, nil", got, err)
	}
	if got, err := LoadOldKey(base64.RawURLEncoding.EncodeToString(key)); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("LoadOldKey = %x, %v", got, err)
	}
	_, err := LoadOldKey("short")
	if err == nil || !strings.Contains(err.Error(), "SALESAI_SECRET_KEY_OLD") {
		t.Fatalf("LoadOldKey(bad) err = %v; want one naming SALESAI_SECRET_KEY_OLD", err)
	}
	old, _ := LoadOldKey("")
	if _, err := New(key, old); err != nil {
		t.Fatalf("New with an unset old key: %v", err)
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Fatalf("%s mode = %v, want %v", path, got, want)
	}
}

package vault

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// KeyFileName is the key file generated in the data dir when
// SALESAI_SECRET_KEY is unset.
const KeyFileName = "secret.key"

// LoadKey returns the sealing key. With envValue (SALESAI_SECRET_KEY) set it is
// decoded; otherwise the key is read from dataDir/secret.key, which is
// generated on first run with a single warning, so a fresh install works
// without setup but production is told to manage the key itself.
func LoadKey(envValue, dataDir string, logger *slog.Logger) ([]byte, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if strings.TrimSpace(envValue) != "" {
		key, err := decodeKey(envValue)
		if err != nil {
			return nil, fmt.Errorf("SALESAI_SECRET_KEY must be base64 of %d random bytes (openssl rand -base64 32): %w", KeySize, err)
		}
		return key, nil
	}
	if dataDir == "" {
		dataDir = "."
	}
	path := filepath.Join(dataDir, KeyFileName)
	key, err := readKeyFile(path, logger)
	if errors.Is(err, fs.ErrNotExist) {
		return generateKeyFile(path, logger)
	}
	return key, err
}

// LoadOldKey decodes SALESAI_SECRET_KEY_OLD, the key being rotated away from.
// Empty means no old key (nil, nil).
func LoadOldKey(envValue string) ([]byte, error) {
	if strings.TrimSpace(envValue) == "" {
		return nil, nil
	}
	key, err := decodeKey(envValue)
	if err != nil {
		return nil, fmt.Errorf("SALESAI_SECRET_KEY_OLD must be base64 of %d bytes, the previous SALESAI_SECRET_KEY: %w", KeySize, err)
	}
	return key, nil
}

// decodeKey accepts standard or URL-safe base64, padded or not, because keys
// get pasted from `openssl rand -base64 32` and from URL-safe generators alike.
// Errors never quote the input.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	var lastErr error
	for _, enc := range []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
	} {
		key, err := enc.DecodeString(s)
		if err != nil {
			lastErr = err
			continue
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("decoded to %d bytes, want %d", len(key), KeySize)
		}
		return key, nil
	}
	return nil, fmt.Errorf("not valid base64: %w", lastErr)
}

// readKeyFile reads an existing key file, warning when others can read it.
func readKeyFile(path string, logger *slog.Logger) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("read key file %s: not a regular file; remove it or set SALESAI_SECRET_KEY", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	key, err := decodeKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("read key file %s: garbled (%w); restore it from your backup or set SALESAI_SECRET_KEY", path, err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		logger.Warn("secret key file is readable by other users; run chmod 600 on it",
			"path", path, "mode", info.Mode().Perm().String())
	}
	return key, nil
}

// generateKeyFile creates a random key at path. It writes a temporary file and
// links it into place, so two processes starting together (serve and worker)
// never see a half-written key and both end up with the one that won.
func generateKeyFile(path string, logger *slog.Logger) ([]byte, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir for key file: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	if err := writeNew(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n")); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKeyFile(path, logger)
		}
		return nil, fmt.Errorf("write key file %s: %w", path, err)
	}
	logger.Warn("SALESAI_SECRET_KEY is not set: generated a new secret key; back this file up "+
		"(losing it makes stored credentials unreadable) and set SALESAI_SECRET_KEY in production",
		"path", path)
	return key, nil
}

// writeNew writes data to path with mode 0600, failing with fs.ErrExist if
// path already exists.
func writeNew(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret.key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	err = os.Link(tmp.Name(), path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	// Filesystems without hard links: exclusive create is the next best thing.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

package vault

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// sealer mirrors store.Sealer; the store package is not imported here so this
// package's tests do not depend on the database drivers.
type sealer interface {
	Seal(plaintext, aad []byte) (string, error)
	Open(sealed string, aad []byte) ([]byte, error)
}

var _ sealer = (*Vault)(nil)

// MustKey returns a fresh random key.
func MustKey(tb testing.TB) []byte {
	tb.Helper()
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		tb.Fatal(err)
	}
	return k
}

// MustNew builds a vault or fails the test.
func MustNew(tb testing.TB, current []byte, old ...[]byte) *Vault {
	tb.Helper()
	v, err := New(current, old...)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// MustSeal seals or fails the test.
func MustSeal(tb testing.TB, v *Vault, plaintext, aad string) string {
	tb.Helper()
	s, err := v.Seal([]byte(plaintext), []byte(aad))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestNew_KeyLength(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := New(make([]byte, n)); err == nil || !strings.Contains(err.Error(), "32 bytes") {
			t.Errorf("current key of %d bytes: err = %v, want a 32-byte error", n, err)
		}
		if _, err := New(MustKey(t), make([]byte, n)); err == nil || !strings.Contains(err.Error(), "old key") {
			t.Errorf("old key of %d bytes: err = %v, want an old-key error", n, err)
		}
	}
	if _, err := New(MustKey(t), nil); err != nil {
		t.Errorf("nil old key (SALESAI_SECRET_KEY_OLD unset) must be skipped: %v", err)
	}
}

func TestVault_RoundTrip(t *testing.T) {
	t.Parallel()
	v := MustNew(t, MustKey(t))
	for _, plain := range []string{"", "EAAGm0PX4ZCpsBA-token", strings.Repeat("x", 10000), "ünïcødé \x00 bytes"} {
		sealed := MustSeal(t, v, plain, "account:1")
		got, err := v.Open(sealed, []byte("account:1"))
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		if string(got) != plain {
			t.Fatalf("round trip = %q, want %q", got, plain)
		}
	}
}

func TestVault_SealedFormat(t *testing.T) {
	t.Parallel()
	v := MustNew(t, MustKey(t))
	const plain = "super-secret-access-token"
	a, b := MustSeal(t, v, plain, "account:1"), MustSeal(t, v, plain, "account:1")
	if a == b {
		t.Fatal("two seals of the same plaintext are equal: nonce not random")
	}
	for _, s := range []string{a, b} {
		if strings.Contains(s, plain) || strings.Contains(s, "secret") {
			t.Fatalf("sealed value %q contains the plaintext", s)
		}
		parts := strings.Split(s, ":")
		if len(parts) != 3 || parts[0] != "v1" || parts[1] != v.KeyID() {
			t.Fatalf("sealed = %q, want v1:%s:<payload>", s, v.KeyID())
		}
		if strings.ContainsAny(parts[2], "+/=\n ") {
			t.Fatalf("payload %q is not unpadded base64url", parts[2])
		}
	}
}

func TestVault_KeyIDIsStableAndNotTheKey(t *testing.T) {
	t.Parallel()
	k := MustKey(t)
	if a, b := MustNew(t, k).KeyID(), MustNew(t, bytes.Clone(k)).KeyID(); a != b || len(a) != 8 {
		t.Fatalf("key ids %q, %q: want the same 8-char id for the same key", a, b)
	}
	if MustNew(t, k).KeyID() == MustNew(t, MustKey(t)).KeyID() {
		t.Fatal("different keys share an id")
	}
	if s := fmt.Sprintf("%v %+v", MustNew(t, k), MustNew(t, k)); strings.Contains(s, "{") {
		t.Fatalf("formatting a vault shows its internals: %s", s)
	}
}

func TestVault_AADBinding(t *testing.T) {
	t.Parallel()
	v := MustNew(t, MustKey(t))
	sealed := MustSeal(t, v, "token-of-account-1", "account:1")
	for _, aad := range []string{"account:2", "", "account:10", "account:"} {
		got, err := v.Open(sealed, []byte(aad))
		if !errors.Is(err, ErrInvalid) || got != nil {
			t.Errorf("open with aad %q = %q, %v; want ErrInvalid", aad, got, err)
		}
	}
}

func TestVault_TamperDetection(t *testing.T) {
	t.Parallel()
	v := MustNew(t, MustKey(t))
	sealed := MustSeal(t, v, "a-credential", "account:1")
	firstColon, lastColon := strings.Index(sealed, ":"), strings.LastIndex(sealed, ":")
	tests := map[string]int{
		"version":      0,
		"key id":       firstColon + 1,
		"nonce":        lastColon + 1,
		"ciphertext":   lastColon + 1 + 20, // past the 12-byte nonce (16 base64 chars)
		"tag":          len(sealed) - 1,
		"separator 1":  firstColon,
		"separator 2":  lastColon,
		"mid-key-id":   firstColon + 5,
		"mid-payload":  (lastColon + len(sealed)) / 2,
		"last-nonce-b": lastColon + 16,
	}
	for name, i := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := []byte(sealed)
			b[i] = flip(b[i])
			got, err := v.Open(string(b), []byte("account:1"))
			if err == nil || got != nil {
				t.Fatalf("open of %q tampered at %d = %q, %v; want an error", b, i, got, err)
			}
		})
	}
	for name, s := range map[string]string{
		"truncated":  sealed[:len(sealed)-4],
		"empty":      "",
		"no payload": sealed[:lastColon+1],
		"extended":   sealed + "AAAA",
		"unsealed":   "plain-token-stored-by-mistake",
	} {
		if got, err := v.Open(s, []byte("account:1")); !errors.Is(err, ErrInvalid) || got != nil {
			t.Errorf("%s: open = %q, %v; want ErrInvalid", name, got, err)
		}
	}
}

// flip changes a character to another one that is still valid in its place,
// so the test checks authentication and not merely parsing.
func flip(c byte) byte {
	switch {
	case c == 'A':
		return 'B'
	case c == ':':
		return '-'
	default:
		return 'A'
	}
}

func TestVault_WrongKey(t *testing.T) {
	t.Parallel()
	sealed := MustSeal(t, MustNew(t, MustKey(t)), "a-credential", "account:1")
	got, err := MustNew(t, MustKey(t)).Open(sealed, []byte("account:1"))
	if !errors.Is(err, ErrUnknownKey) || got != nil {
		t.Fatalf("open with another key = %q, %v; want ErrUnknownKey", got, err)
	}
	if !strings.Contains(err.Error(), "SALESAI_SECRET_KEY_OLD") {
		t.Fatalf("error %q does not name the fix", err)
	}
}

func TestVault_WrongKeySameID(t *testing.T) {
	t.Parallel()
	// A value whose key id matches but whose key differs (forged id) must not
	// decrypt to garbage.
	v1, v2 := MustNew(t, MustKey(t)), MustNew(t, MustKey(t))
	sealed := MustSeal(t, v1, "a-credential", "account:1")
	forged := "v1:" + v2.KeyID() + sealed[strings.LastIndex(sealed, ":"):]
	if got, err := v2.Open(forged, []byte("account:1")); !errors.Is(err, ErrInvalid) || got != nil {
		t.Fatalf("open forged = %q, %v; want ErrInvalid", got, err)
	}
}

func TestVault_Rotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := MustKey(t), MustKey(t)
	before := MustNew(t, oldKey)
	sealed := MustSeal(t, before, "long-lived-token", "account:7")
	if before.NeedsReseal(sealed) {
		t.Fatal("value sealed with the current key needs reseal")
	}

	if _, err := MustNew(t, newKey).Open(sealed, []byte("account:7")); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("new key alone: err = %v, want ErrUnknownKey", err)
	}

	after := MustNew(t, newKey, oldKey)
	if after.KeyID() == before.KeyID() {
		t.Fatal("rotation kept the key id")
	}
	if !after.NeedsReseal(sealed) {
		t.Fatal("value sealed with the old key does not need reseal")
	}
	plain, err := after.Open(sealed, []byte("account:7"))
	if err != nil || string(plain) != "long-lived-token" {
		t.Fatalf("open with new+old = %q, %v", plain, err)
	}
	resealed, err := after.Seal(plain, []byte("account:7"))
	if err != nil {
		t.Fatal(err)
	}
	if after.NeedsReseal(resealed) {
		t.Fatal("resealed value still needs reseal")
	}
	plain, err = MustNew(t, newKey).Open(resealed, []byte("account:7"))
	if err != nil || string(plain) != "long-lived-token" {
		t.Fatalf("resealed value does not open with the new key alone: %q, %v", plain, err)
	}
}

func TestVault_NeedsResealMalformed(t *testing.T) {
	t.Parallel()
	v := MustNew(t, MustKey(t))
	for _, s := range []string{"", "garbage", "v2:" + v.KeyID() + ":AAAA"} {
		if !v.NeedsReseal(s) {
			t.Errorf("NeedsReseal(%q) = false; malformed values must be surfaced", s)
		}
	}
}

func TestVault_SameKeyAsOldIsHarmless(t *testing.T) {
	t.Parallel()
	k := MustKey(t)
	v := MustNew(t, k, bytes.Clone(k))
	sealed := MustSeal(t, v, "tok", "a")
	if got, err := v.Open(sealed, []byte("a")); err != nil || string(got) != "tok" {
		t.Fatalf("open = %q, %v", got, err)
	}
}

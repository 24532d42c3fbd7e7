// Package vault seals stored credentials with AES-256-GCM so a copy of the
// database alone never yields a usable token. Every sealed value names the key
// that sealed it, so SALESAI_SECRET_KEY can rotate: the previous key stays
// readable through SALESAI_SECRET_KEY_OLD until `salesai rotate-key` re-seals.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// KeySize is the length of a key in bytes (AES-256).
const KeySize = 32

// version prefixes every sealed value so the format can change later.
const version = "v1"

// Errors callers may test with errors.Is.
var (
	// ErrUnknownKey means the value was sealed with a key that is not configured.
	ErrUnknownKey = errors.New("sealed with a key that is not configured: set SALESAI_SECRET_KEY_OLD to the previous key")
	// ErrInvalid means the value is malformed, was altered, or was sealed for
	// another record (different associated data).
	ErrInvalid = errors.New("sealed credential is damaged or belongs to another record")
)

// Vault seals and opens credentials. It is safe for concurrent use and holds
// no raw key bytes, only the ciphers built from them.
type Vault struct {
	currentID string
	keys      map[string]cipher.AEAD
}

// New builds a Vault that seals with current and opens values sealed with
// current or any of old. Nil entries in old are skipped, so the result of
// LoadOldKey can be passed as is.
func New(current []byte, old ...[]byte) (*Vault, error) {
	v := &Vault{keys: make(map[string]cipher.AEAD, 1+len(old))}
	id, err := v.add(current)
	if err != nil {
		return nil, fmt.Errorf("new vault: current key: %w", err)
	}
	v.currentID = id
	for i, k := range old {
		if k == nil {
			continue
		}
		if _, err := v.add(k); err != nil {
			return nil, fmt.Errorf("new vault: old key %d: %w", i+1, err)
		}
	}
	return v, nil
}

// add registers a key under its id. The same key twice is harmless; two
// different keys with one id (a 1 in 2^32 accident) would make Open ambiguous.
func (v *Vault) add(key []byte) (string, error) {
	if len(key) != KeySize {
		return "", fmt.Errorf("key must be %d bytes, got %d", KeySize, len(key))
	}
	id := keyID(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	if _, dup := v.keys[id]; dup && !sameKey(v.keys[id], aead) {
		return "", fmt.Errorf("key id %s collides with another configured key; generate a new key", id)
	}
	v.keys[id] = aead
	return id, nil
}

// sameKey tells whether two GCM ciphers use the same key, by sealing one probe.
func sameKey(a, b cipher.AEAD) bool {
	nonce := make([]byte, a.NonceSize())
	return hmac.Equal(a.Seal(nil, nonce, nil, nil), b.Seal(nil, nonce, nil, nil))
}

// keyID is a short, non-secret fingerprint of key: it reveals nothing about
// the key but lets Open pick the right one.
func keyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("salesai-key-id"))
	return hex.EncodeToString(m.Sum(nil))[:8]
}

// KeyID is the id of the current key, as it appears in sealed values.
func (v *Vault) KeyID() string { return v.currentID }

// String keeps cipher internals out of logs and %v output.
func (v *Vault) String() string { return "vault(key " + v.currentID + ")" }

// LogValue keeps cipher internals out of structured logs.
func (v *Vault) LogValue() slog.Value { return slog.StringValue(v.String()) }

// Seal encrypts plaintext under the current key. aad binds the result to its
// record (for example the account id), so a sealed value copied to another
// record fails to open. The result is "v1:<keyid>:<base64url(nonce||ciphertext)>",
// safe for a TEXT column.
func (v *Vault) Seal(plaintext, aad []byte) (string, error) {
	aead := v.keys[v.currentID]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal credential: read nonce: %w", err)
	}
	prefix := version + ":" + v.currentID + ":"
	out := aead.Seal(nonce, nonce, plaintext, additional(prefix, aad))
	return prefix + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a value made by Seal with the same aad. It never returns
// garbage: a wrong key, wrong aad or altered value is an error.
func (v *Vault) Open(sealed string, aad []byte) ([]byte, error) {
	id, payload, err := parse(sealed)
	if err != nil {
		return nil, fmt.Errorf("open credential: %w", err)
	}
	aead, ok := v.keys[id]
	if !ok {
		return nil, fmt.Errorf("open credential (key id %s): %w", id, ErrUnknownKey)
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(payload)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, fmt.Errorf("open credential (key id %s): %w", id, ErrInvalid)
	}
	prefix := version + ":" + id + ":"
	n := aead.NonceSize()
	plain, err := aead.Open(nil, raw[:n], raw[n:], additional(prefix, aad))
	if err != nil {
		return nil, fmt.Errorf("open credential (key id %s): %w", id, ErrInvalid)
	}
	return plain, nil
}

// NeedsReseal reports whether sealed was not made with the current key, so
// `salesai rotate-key` should Open and Seal it again. Malformed values also
// report true: Open then says what is wrong instead of the value being skipped.
func (v *Vault) NeedsReseal(sealed string) bool {
	id, _, err := parse(sealed)
	return err != nil || id != v.currentID
}

// parse splits "v1:<keyid>:<payload>".
func parse(sealed string) (id, payload string, err error) {
	ver, rest, ok1 := strings.Cut(sealed, ":")
	id, payload, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 || !isKeyID(id) || payload == "" {
		return "", "", ErrInvalid
	}
	if ver != version {
		// Not echoed: an unsealed value stored by mistake could be a secret.
		return "", "", fmt.Errorf("unsupported format (want %s): %w", version, ErrInvalid)
	}
	return id, payload, nil
}

// isKeyID tells whether s has the shape keyID produces.
func isKeyID(s string) bool {
	_, err := hex.DecodeString(s)
	return len(s) == 8 && err == nil
}

// additional authenticates the version and key id along with the caller's
// aad. The prefix has a fixed shape ending in ':', so the join is unambiguous.
func additional(prefix string, aad []byte) []byte {
	return append([]byte(prefix), aad...)
}

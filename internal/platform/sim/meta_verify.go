package sim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrSignedRequest is wrapped by every VerifySignedRequest failure.
var ErrSignedRequest = errors.New("invalid signed_request")

// SignedRequest builds a Meta signed_request (platforms.md §2.8), the form field
// Meta POSTs to Deauthorize and Data Deletion callbacks:
// base64url(HMAC-SHA256(appSecret, seg)) + "." + seg, seg = base64url(JSON),
// unpadded as Meta sends it. payload is marshalled to JSON, except []byte and
// json.RawMessage, which are used as the JSON text itself (so a test can keep
// a key order).
func SignedRequest(appSecret string, payload any) string {
	var body []byte
	switch p := payload.(type) {
	case []byte:
		body = p
	case json.RawMessage:
		body = p
	default:
		var err error
		if body, err = json.Marshal(payload); err != nil {
			panic("sim: SignedRequest: payload is not JSON: " + err.Error())
		}
	}
	return signPayload(appSecret, body, base64.RawURLEncoding)
}

// signPayload signs the payload segment exactly as it will be sent.
func signPayload(appSecret string, body []byte, enc *base64.Encoding) string {
	seg := enc.EncodeToString(body)
	return enc.EncodeToString(hmacSHA256(appSecret, seg)) + "." + seg
}

// VerifySignedRequest checks a signed_request the way Meta's SDK does: split on
// the first '.', HMAC-SHA256 over the payload segment as received, compared in
// constant time, padded or unpadded base64url, algorithm HMAC-SHA256. Numbers
// in the payload come back as json.Number, so ids keep every digit.
func VerifySignedRequest(appSecret, signed string) (map[string]any, error) {
	sigSeg, seg, ok := strings.Cut(signed, ".")
	if !ok || sigSeg == "" || seg == "" {
		return nil, fmt.Errorf("%w: want SIGNATURE.PAYLOAD", ErrSignedRequest)
	}
	sig, err := decodeBase64URL(sigSeg)
	if err != nil {
		return nil, fmt.Errorf("%w: signature: %w", ErrSignedRequest, err)
	}
	body, err := decodeBase64URL(seg)
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %w", ErrSignedRequest, err)
	}
	if !hmac.Equal(sig, hmacSHA256(appSecret, seg)) {
		return nil, fmt.Errorf("%w: signature mismatch", ErrSignedRequest)
	}
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil || out == nil {
		return nil, fmt.Errorf("%w: payload is not a JSON object", ErrSignedRequest)
	}
	if alg, _ := out["algorithm"].(string); alg != "HMAC-SHA256" {
		return nil, fmt.Errorf("%w: algorithm %q, want HMAC-SHA256", ErrSignedRequest, out["algorithm"])
	}
	return out, nil
}

// AppSecretProof is Graph's appsecret_proof: lowercase hex of
// HMAC-SHA256(key = app secret, message = access token) (platforms.md §1.11).
func AppSecretProof(appSecret, accessToken string) string {
	return hex.EncodeToString(hmacSHA256(appSecret, accessToken))
}

func hmacSHA256(key, msg string) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// decodeBase64URL accepts base64url with or without '=' padding.
func decodeBase64URL(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

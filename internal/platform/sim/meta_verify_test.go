package sim

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// Vectors of platforms.md §0.
const (
	v1Secret  = "foo_app_secret"
	v1Payload = `{"oauth_token":"foo_token","algorithm":"HMAC-SHA256","issued_at":321,"code":"foo_code","state":"foo_state","user_id":123,"foo":"bar"}`
	v1Signed  = "U0_O1MqqNKUt32633zAkdd2Ce-jGVgRgJeRauyx_zC8=.eyJvYXV0aF90b2tlbiI6ImZvb190b2tlbiIsImFsZ29yaXRobSI6IkhNQUMtU0hBMjU2IiwiaXNzdWVkX2F0IjozMjEsImNvZGUiOiJmb29fY29kZSIsInN0YXRlIjoiZm9vX3N0YXRlIiwidXNlcl9pZCI6MTIzLCJmb28iOiJiYXIifQ=="
	v2Signed  = "vlXgu64BQGFSQrY0ZcJBZASMvYvTHu9GQ0YM9rjPSso.eyJhbGdvcml0aG0iOiJITUFDLVNIQTI1NiIsIjAiOiJwYXlsb2FkIn0"
)

func TestSignedRequest_V1Padded(t *testing.T) {
	t.Parallel()
	if got := signPayload(v1Secret, []byte(v1Payload), base64.URLEncoding); got != v1Signed {
		t.Errorf("signed = %q, want V1 %q", got, v1Signed)
	}
	got, err := VerifySignedRequest(v1Secret, v1Signed)
	if err != nil {
		t.Fatalf("verify V1: %v", err)
	}
	if got["user_id"] != json.Number("123") || got["code"] != "foo_code" || got["foo"] != "bar" {
		t.Errorf("payload = %v", got)
	}
}

// The HMAC covers the segment as sent: the unpadded V1 payload has another
// signature (platforms.md §0 notes), and the padded signature does not fit it.
func TestSignedRequest_V1UnpaddedSignsDifferently(t *testing.T) {
	t.Parallel()
	got := signPayload(v1Secret, []byte(v1Payload), base64.RawURLEncoding)
	if sig, _, _ := strings.Cut(got, "."); sig != "zIQqQWqAE39gWywPFfiC-GFdx9a4mebabEFcqNSRKIQ" {
		t.Errorf("unpadded signature = %q", sig)
	}
	if _, err := VerifySignedRequest(v1Secret, got); err != nil {
		t.Errorf("verify unpadded: %v", err)
	}
	sig, seg, _ := strings.Cut(v1Signed, ".")
	if _, err := VerifySignedRequest(v1Secret, sig+"."+strings.TrimRight(seg, "=")); !errors.Is(err, ErrSignedRequest) {
		t.Errorf("padded signature over unpadded segment: err = %v, want ErrSignedRequest", err)
	}
}

func TestSignedRequest_V2Unpadded(t *testing.T) {
	t.Parallel()
	if got := SignedRequest("secret", json.RawMessage(`{"algorithm":"HMAC-SHA256","0":"payload"}`)); got != v2Signed {
		t.Errorf("SignedRequest = %q, want V2 %q", got, v2Signed)
	}
	got, err := VerifySignedRequest("secret", v2Signed)
	if err != nil {
		t.Fatalf("verify V2: %v", err)
	}
	if got["0"] != "payload" {
		t.Errorf("payload = %v", got)
	}
}

func TestBase64URL_V3(t *testing.T) {
	t.Parallel()
	const in, want = `aijkoprstADIJKLOPQTUVX1256!)]-:;"<>?.|~`, "YWlqa29wcnN0QURJSktMT1BRVFVWWDEyNTYhKV0tOjsiPD4_Lnx-"
	if got := base64.RawURLEncoding.EncodeToString([]byte(in)); got != want {
		t.Errorf("encode = %q, want %q", got, want)
	}
	got, err := decodeBase64URL(want)
	if err != nil || string(got) != in {
		t.Errorf("decode = %q, %v; want %q", got, err, in)
	}
}

func TestSignedRequest_RoundTripMap(t *testing.T) {
	t.Parallel()
	signed := SignedRequest("s3cret", map[string]any{"algorithm": "HMAC-SHA256", "user_id": "218471", "issued_at": 1291836800})
	got, err := VerifySignedRequest("s3cret", signed)
	if err != nil || got["user_id"] != "218471" {
		t.Errorf("round trip = %v, %v", got, err)
	}
}

func TestVerifySignedRequest_Rejects(t *testing.T) {
	t.Parallel()
	sig, seg, _ := strings.Cut(v2Signed, ".")
	tests := []struct {
		name, secret, signed string
	}{
		{"wrong secret", "other", v2Signed},
		{"no dot", "secret", sig + seg},
		{"empty payload", "secret", sig + "."},
		{"tampered payload", "secret", sig + "." + seg[:len(seg)-2] + "Q0"},
		{"bad base64", "secret", "!!!." + seg},
		{"other algorithm", "secret", SignedRequest("secret", map[string]any{"algorithm": "HMAC-SHA1"})},
		{"no algorithm", "secret", SignedRequest("secret", map[string]any{"user_id": "1"})},
		{"not an object", "secret", SignedRequest("secret", json.RawMessage(`["HMAC-SHA256"]`))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got, err := VerifySignedRequest(tt.secret, tt.signed); !errors.Is(err, ErrSignedRequest) {
				t.Errorf("VerifySignedRequest = %v, %v; want ErrSignedRequest", got, err)
			}
		})
	}
}

func TestAppSecretProof_V4V5(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, secret, token, want string }{
		{"V4", "shhhhh!is.my.secret", "foo_token", "796ba0d8a6b339e476a7b166a9e8ac0a395f7de736dc37de5f2f4397f5854eb8"},
		{"V5", "foo_secret", "foo_token", "df4256903ba4e23636cc142117aa632133d75c642bd2a68955be1443bd14deb9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := AppSecretProof(tt.secret, tt.token); got != tt.want {
				t.Errorf("AppSecretProof = %s, want %s", got, tt.want)
			}
		})
	}
}

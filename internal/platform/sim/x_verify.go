package sim

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Verifiers for X's request signatures (platforms.md §3.1, §3.6), exported so
// other packages' tests can check what their clients send.

// PKCEChallengeS256 is the RFC 7636 S256 code_challenge of verifier:
// base64url(SHA-256(verifier)) without padding (vector V14).
func PKCEChallengeS256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// pkceMatches reports whether verifier answers challenge under method
// ("S256" or "plain"), in constant time.
func pkceMatches(method, challenge, verifier string) bool {
	if verifier == "" {
		return false
	}
	got := verifier
	if method == "S256" {
		got = PKCEChallengeS256(verifier)
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// OAuth1PercentEncode encodes s per RFC 3986 as X requires (platforms.md §3.6
// step 2, vector V13): only A-Z a-z 0-9 - . _ ~ stay literal; everything else
// becomes %XX with upper-case hex over its UTF-8 bytes.
func OAuth1PercentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// OAuth1ParamString is the normalised parameter string (§3.6 steps 3-4, V9):
// encoded pairs sorted by key then value, joined with "&". oauth_signature is
// left out.
func OAuth1ParamString(params url.Values) string {
	var pairs [][2]string
	for k, vs := range params {
		if k == "oauth_signature" {
			continue
		}
		for _, v := range vs {
			pairs = append(pairs, [2]string{OAuth1PercentEncode(k), OAuth1PercentEncode(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p[0] + "=" + p[1]
	}
	return strings.Join(out, "&")
}

// OAuth1BaseString is the signature base string (§3.6 step 5, V10):
// METHOD&pct(base URL)&pct(parameter string).
func OAuth1BaseString(method, baseURL string, params url.Values) string {
	return strings.ToUpper(method) + "&" + OAuth1PercentEncode(baseURL) + "&" +
		OAuth1PercentEncode(OAuth1ParamString(params))
}

// OAuth1Signature is base64(HMAC-SHA1(pct(consumerSecret)&pct(tokenSecret),
// base)) (§3.6 steps 6-7, V6-V8, V11-V12).
func OAuth1Signature(base, consumerSecret, tokenSecret string) string {
	mac := hmac.New(sha1.New, []byte(OAuth1PercentEncode(consumerSecret)+"&"+OAuth1PercentEncode(tokenSecret)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// OAuth1BaseURL is the RFC 5849 §3.4.1.2 base string URI of u: lower-case
// scheme and host, default port dropped, no query or fragment.
func OAuth1BaseURL(u *url.URL) string {
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && !(scheme == "http" && p == "80") && !(scheme == "https" && p == "443") {
		host += ":" + p
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// ErrOAuth1 is wrapped by every VerifyOAuth1 failure.
var ErrOAuth1 = errors.New("oauth1: could not authenticate")

// ParseOAuth1Header returns the oauth_* parameters of an
// "Authorization: OAuth k="v", …" header, decoded.
func ParseOAuth1Header(h string) (map[string]string, error) {
	rest, ok := strings.CutPrefix(h, "OAuth ")
	if !ok {
		return nil, fmt.Errorf("authorization header is not OAuth: %w", ErrOAuth1)
	}
	out := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return nil, fmt.Errorf("malformed OAuth parameter %q: %w", k, ErrOAuth1)
		}
		dv, err := url.PathUnescape(v[1 : len(v)-1])
		if err != nil {
			return nil, fmt.Errorf("OAuth parameter %q: %w", k, ErrOAuth1)
		}
		out[k] = dv
	}
	return out, nil
}

// OAuth1RequestParams collects what an OAuth 1.0a signature covers (§3.6
// step 1): the query, an application/x-www-form-urlencoded body (multipart
// bodies are excluded, RFC 5849 §3.4.1.3.1) and the header's oauth_*
// parameters. It parses the form, so handlers can still read r.PostForm.
func OAuth1RequestParams(r *http.Request, oauth map[string]string) (url.Values, error) {
	params := url.Values{}
	for k, vs := range r.URL.Query() {
		params[k] = append(params[k], vs...)
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("parse form body: %w", err)
		}
		for k, vs := range r.PostForm {
			params[k] = append(params[k], vs...)
		}
	}
	for k, v := range oauth {
		if k != "realm" {
			params.Set(k, v)
		}
	}
	return params, nil
}

// VerifyOAuth1 checks r's HMAC-SHA1 OAuth 1.0a signature with the given
// secrets. The base URL is r.URL when absolute (a client-side request), else
// the request's Host with https when served over TLS. Timestamps and nonces are
// not checked: the simulator's clock may be fake while the signer's is not.
func VerifyOAuth1(r *http.Request, consumerSecret, tokenSecret string) error {
	oauth, err := ParseOAuth1Header(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	if m := oauth["oauth_signature_method"]; m != "HMAC-SHA1" {
		return fmt.Errorf("signature method %q: %w", m, ErrOAuth1)
	}
	if v, ok := oauth["oauth_version"]; ok && v != "1.0" {
		return fmt.Errorf("oauth_version %q: %w", v, ErrOAuth1)
	}
	params, err := OAuth1RequestParams(r, oauth)
	if err != nil {
		return err
	}
	u := *r.URL
	if u.Host == "" {
		u.Host, u.Scheme = r.Host, "http"
		if r.TLS != nil {
			u.Scheme = "https"
		}
	}
	want := OAuth1Signature(OAuth1BaseString(r.Method, OAuth1BaseURL(&u), params), consumerSecret, tokenSecret)
	if !hmac.Equal([]byte(want), []byte(oauth["oauth_signature"])) {
		return fmt.Errorf("signature mismatch: %w", ErrOAuth1)
	}
	return nil
}

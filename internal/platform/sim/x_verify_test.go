package sim

import (
	"bytes"
	"context"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dghubble/oauth1"
)

// v6Params are the parameters of X's worked signing example (platforms.md §0 V6).
func v6Params() url.Values {
	return url.Values{
		"status":                 {"Hello Ladies + Gentlemen, a signed OAuth request!"},
		"include_entities":       {"true"},
		"oauth_consumer_key":     {"xvz1evFS4wEEPTGEFPHBog"},
		"oauth_nonce":            {"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"},
		"oauth_signature_method": {"HMAC-SHA1"},
		"oauth_timestamp":        {"1318622958"},
		"oauth_token":            {"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"},
		"oauth_version":          {"1.0"},
	}
}

const (
	v6ConsumerSecret = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
	v6TokenSecret    = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
)

func TestOAuth1PercentEncode_V13(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Ladies + Gentlemen": "Ladies%20%2B%20Gentlemen",
		"An encoded string!": "An%20encoded%20string%21",
		"Dogs, Cats & Mice":  "Dogs%2C%20Cats%20%26%20Mice",
		"☃":                  "%E2%98%83",
		"-._~AZaz09":         "-._~AZaz09",
	} {
		if got := OAuth1PercentEncode(in); got != want {
			t.Errorf("OAuth1PercentEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOAuth1ParamAndBaseString_V9V10(t *testing.T) {
	t.Parallel()
	wantParams := "include_entities=true&oauth_consumer_key=xvz1evFS4wEEPTGEFPHBog&oauth_nonce=kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1318622958&oauth_token=370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb&oauth_version=1.0&status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21"
	if got := OAuth1ParamString(v6Params()); got != wantParams {
		t.Errorf("parameter string\n got %s\nwant %s", got, wantParams)
	}
	wantBase := "POST&https%3A%2F%2Fapi.x.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
	if got := OAuth1BaseString("post", "https://api.x.com/1.1/statuses/update.json", v6Params()); got != wantBase {
		t.Errorf("base string\n got %s\nwant %s", got, wantBase)
	}
}

func TestOAuth1ParamString_SortsByKeyThenValue(t *testing.T) {
	t.Parallel()
	got := OAuth1ParamString(url.Values{"a1": {"x"}, "a": {"z", "y"}, "oauth_signature": {"dropped"}})
	if want := "a=y&a=z&a1=x"; got != want {
		t.Errorf("OAuth1ParamString = %q, want %q", got, want)
	}
}

func TestOAuth1Signature_Vectors(t *testing.T) {
	t.Parallel()
	v11 := url.Values{
		"oauth_callback": {"http://localhost/sign-in-with-twitter/"}, "oauth_consumer_key": {"cChZNFj6T5R0TigYB9yd1w"},
		"oauth_nonce": {"ea9ec8429b68d6b77cd5600adbbb0456"}, "oauth_signature_method": {"HMAC-SHA1"},
		"oauth_timestamp": {"1318467427"}, "oauth_version": {"1.0"},
	}
	v12 := url.Values{
		"oauth_consumer_key": {"cChZNFj6T5R0TigYB9yd1w"}, "oauth_nonce": {"a9900fe68e2573b27a37f10fbad6a755"},
		"oauth_signature_method": {"HMAC-SHA1"}, "oauth_timestamp": {"1318467427"}, "oauth_version": {"1.0"},
		"oauth_token": {"NPcudxy0yU5T3tBzho7iCotZ3cnetKwcTIRlX0iwRl0"}, "oauth_verifier": {"uw7NjWHT6OJ1MpJOXsHfNxoAhPKpgI8BlYDhxEjIBY"},
	}
	const v1112Secret = "L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg"
	tests := []struct {
		name, url               string
		params                  url.Values
		consumerSecret, tokSecr string
		want                    string
	}{
		{"V6 api.x.com", "https://api.x.com/1.1/statuses/update.json", v6Params(), v6ConsumerSecret, v6TokenSecret, "Ls93hJiZbQ3akF3HF3x1Bz8/zU4="},
		{"V7 api.twitter.com", "https://api.twitter.com/1.1/statuses/update.json", v6Params(), v6ConsumerSecret, v6TokenSecret, "hCtSmYh+iHYCEqBWrE7C7hYmtUk="},
		{"V8 API v1", "https://api.twitter.com/1/statuses/update.json", v6Params(), v6ConsumerSecret, v6TokenSecret, "tnnArxj06cWHq44gCs1OSKk/jLY="},
		{"V11 request_token", "https://api.twitter.com/oauth/request_token", v11, v1112Secret, "", "F1Li3tvehgcraF8DMJ7OyxO4w9Y="},
		{"V12 access_token", "https://api.twitter.com/oauth/access_token", v12, v1112Secret, "veNRnAWe6inFuo8o2u8SLLZLjolYDmDP7SzL0YfYI", "39cipBtIOHEEnybAR4sATQTpl2I="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := OAuth1BaseString("POST", tt.url, tt.params)
			if got := OAuth1Signature(base, tt.consumerSecret, tt.tokSecr); got != tt.want {
				t.Errorf("signature = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPKCEChallengeS256_V14(t *testing.T) {
	t.Parallel()
	got := PKCEChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
	if want := "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; got != want {
		t.Errorf("PKCEChallengeS256 = %s, want %s", got, want)
	}
	if !pkceMatches("S256", got, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") || pkceMatches("S256", got, "other") ||
		!pkceMatches("plain", "abc", "abc") || pkceMatches("plain", "", "") {
		t.Error("pkceMatches disagrees with RFC 7636")
	}
}

func TestOAuth1BaseURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"HTTPS://API.X.com:443/1.1/x.json?a=b#f": "https://api.x.com/1.1/x.json",
		"http://example.com:80/r%20v":            "http://example.com/r%20v",
		"http://example.com:8080":                "http://example.com:8080/",
	} {
		u, _ := url.Parse(in)
		if got := OAuth1BaseURL(u); got != want {
			t.Errorf("OAuth1BaseURL(%s) = %s, want %s", in, got, want)
		}
	}
}

// xCaptureSigned returns the request dghubble/oauth1 sends for req, signed
// with the V6 consumer and token.
func xCaptureSigned(t *testing.T, req *http.Request) *http.Request {
	t.Helper()
	var got *http.Request
	base := xRoundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r
		return &http.Response{StatusCode: 204, Body: http.NoBody, Request: r}, nil
	})
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: base})
	c := oauth1.NewConfig("xvz1evFS4wEEPTGEFPHBog", v6ConsumerSecret).
		Client(ctx, oauth1.NewToken("370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", v6TokenSecret))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	resp.Body.Close()
	return got
}

type xRoundTripFunc func(*http.Request) (*http.Response, error)

func (f xRoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestVerifyOAuth1_SignedByClientLibrary(t *testing.T) {
	t.Parallel()
	form := func() *http.Request {
		r, _ := http.NewRequest("POST", "https://upload.twitter.com/1.1/media/upload.json?x=1",
			strings.NewReader("media_data=aGk%3D&media_category=tweet_image"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	multi := func() *http.Request {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("media", "bytes that are not signed")
		_ = mw.Close()
		r, _ := http.NewRequest("POST", "https://upload.twitter.com/1.1/media/upload.json", &body)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		return r
	}
	tests := []struct {
		name    string
		req     func() *http.Request
		tamper  func(*http.Request)
		secret  string
		wantErr bool
	}{
		{"form body", form, nil, v6TokenSecret, false},
		{"multipart body excluded", multi, nil, v6TokenSecret, false},
		{"wrong token secret", form, nil, "nope", true},
		{"tampered query", form, func(r *http.Request) { r.URL.RawQuery = "x=2" }, v6TokenSecret, true},
		{"other host", form, func(r *http.Request) { r.URL.Host = "upload.x.com" }, v6TokenSecret, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := xCaptureSigned(t, tt.req())
			if tt.tamper != nil {
				tt.tamper(r)
			}
			err := VerifyOAuth1(r, v6ConsumerSecret, tt.secret)
			if (err != nil) != tt.wantErr {
				t.Fatalf("VerifyOAuth1 = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrOAuth1) {
				t.Errorf("error %v does not wrap ErrOAuth1", err)
			}
		})
	}
}

func TestParseOAuth1Header_Rejects(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"", "Bearer abc", `OAuth oauth_nonce=abc`, `OAuth oauth_nonce="%zz"`} {
		if _, err := ParseOAuth1Header(h); !errors.Is(err, ErrOAuth1) {
			t.Errorf("ParseOAuth1Header(%q) err = %v, want ErrOAuth1", h, err)
		}
	}
}

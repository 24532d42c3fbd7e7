package instagram

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxTokenBody bounds what we read of a token answer.
const maxTokenBody = 1 << 20

// shapedClient is the shared client with tokenShape in front of its
// transport, for the one call to api.instagram.com/oauth/access_token.
func shapedClient(hc *http.Client) *http.Client {
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	return &http.Client{Transport: tokenShape{next: next}, Timeout: hc.Timeout, CheckRedirect: hc.CheckRedirect, Jar: hc.Jar}
}

// tokenShape lets x/oauth2 read Instagram's code-exchange answer, which comes
// in two shapes (platforms.md §2.2, §7 item 7): the documented
// {"data":[{"access_token","user_id":"…","permissions":"a,b"}]} and the
// observed flat {"access_token","user_id":<number>,"permissions":[…]}. It
// rewrites a successful answer to the flat form with user_id as a string (a
// 17-digit id does not survive float64) and permissions comma-joined.
type tokenShape struct{ next http.RoundTripper }

func (t tokenShape) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode/100 != 2 {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read instagram token answer: %w", err)
	}
	if flat, err := flattenToken(body); err == nil {
		body = flat
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// flattenToken turns either token shape into the flat one.
func flattenToken(body []byte) ([]byte, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, fmt.Errorf("token answer: %w", err)
	}
	if data, ok := obj["data"]; ok {
		var items []map[string]json.RawMessage
		if err := json.Unmarshal(data, &items); err != nil || len(items) == 0 {
			return nil, errors.New("token answer: data holds no token")
		}
		obj = items[0]
	}
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[k] = v
	}
	var id flexID
	if raw, ok := obj["user_id"]; ok && json.Unmarshal(raw, &id) == nil {
		out["user_id"] = string(id)
	}
	var perms []string
	if raw, ok := obj["permissions"]; ok && json.Unmarshal(raw, &perms) == nil {
		out["permissions"] = strings.Join(perms, ",")
	}
	return json.Marshal(out)
}

// flexID is an id Meta sends as a JSON string or a number.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("id: %w", err)
	}
	*f = flexID(n.String())
	return nil
}

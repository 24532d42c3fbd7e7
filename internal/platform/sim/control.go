package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The control API: JSON under /_sim/, for tests in other languages, outside
// checkers and the sandbox. ServeHTTP neither records these calls nor applies
// faults to them.
func init() {
	register(func(s *Sim) {
		s.handle("GET /_sim/requests", s.handleRequestList)
		s.handle("DELETE /_sim/requests", s.handleRequestClear)
		s.handle("GET /_sim/posts", s.handlePostList)
		s.handle("POST /_sim/faults", s.handleFaultCreate)
		s.handle("DELETE /_sim/faults", s.handleFaultClear)
		s.handle("POST /_sim/latency", s.handleLatency)
		s.handle("POST /_sim/revoke", s.handleRevoke)
		s.handle("POST /_sim/expire", s.handleExpire)
	})
}

// ClearRequests empties the request log.
func (s *Sim) ClearRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.requests)
	s.reqBase += n
	s.requests = nil
	return n
}

// RequestsTo returns the recorded requests to host ("" = any) whose path starts
// with pathPrefix, oldest first.
func (s *Sim) RequestsTo(host, pathPrefix string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if (host == "" || r.Host == host) && strings.HasPrefix(r.Path, pathPrefix) {
			out = append(out, r)
		}
	}
	return out
}

// handleRequestList answers {"requests":[…]}, filtered by ?host= and ?path_prefix=.
func (s *Sim) handleRequestList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	reqs := s.RequestsTo(q.Get("host"), q.Get("path_prefix"))
	if reqs == nil {
		reqs = []Request{}
	}
	for i := range reqs {
		redact(&reqs[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": reqs})
}

// secretParams are the query parameters the control API never shows: in the
// sandbox, anyone signed in can read the log, and tokens are everyone's.
var secretParams = []string{"access_token", "client_secret", "code", "code_verifier", "refresh_token", "fb_exchange_token", "input_token"}

// redact hides credentials in a recorded request shown over the control API
// (the Go API, Requests(), keeps everything for tests).
func redact(r *Request) {
	for _, h := range []string{"Authorization", "Cookie"} {
		if r.Header.Get(h) != "" {
			r.Header.Set(h, "[redacted]")
		}
	}
	if q, err := url.ParseQuery(r.Query); err == nil {
		for _, k := range secretParams {
			if q.Has(k) {
				q.Set(k, "[redacted]")
			}
		}
		r.Query = q.Encode()
	}
}

func (s *Sim) handleRequestClear(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]int{"cleared": s.ClearRequests()})
}

// handlePostList answers {"posts":[…]} of ?platform= (all when absent).
func (s *Sim) handlePostList(w http.ResponseWriter, r *http.Request) {
	posts := s.Posts(r.URL.Query().Get("platform"))
	if posts == nil {
		posts = []Post{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"posts": posts})
}

// faultJSON is Fault on the wire: snake_case, durations in milliseconds.
type faultJSON struct {
	Path         string  `json:"path"`
	Method       string  `json:"method"`
	Kind         string  `json:"kind"`
	Status       int     `json:"status"`
	Code         int     `json:"code"`
	Times        int     `json:"times"`
	Rate         float64 `json:"rate"`
	RetryAfterMS int64   `json:"retry_after_ms"`
	LatencyMS    int64   `json:"latency_ms"`
}

func (j faultJSON) fault() Fault {
	return Fault{
		Path: j.Path, Method: j.Method, Kind: j.Kind, Status: j.Status, Code: j.Code,
		Times: j.Times, Rate: j.Rate,
		RetryAfter: time.Duration(j.RetryAfterMS) * time.Millisecond,
		Latency:    time.Duration(j.LatencyMS) * time.Millisecond,
	}
}

// handleFaultCreate adds the fault in the body and echoes it with 201.
func (s *Sim) handleFaultCreate(w http.ResponseWriter, r *http.Request) {
	var in faultJSON
	if !decodeControl(w, r, &in) {
		return
	}
	f := in.fault()
	if err := f.validate(); err != nil {
		controlError(w, fmt.Errorf("fault: %w", err))
		return
	}
	s.InjectFault(f)
	writeJSON(w, http.StatusCreated, in)
}

func (s *Sim) handleFaultClear(w http.ResponseWriter, r *http.Request) {
	s.ClearFaults()
	writeJSON(w, http.StatusOK, map[string]bool{"cleared": true})
}

// handleLatency sets the global latency from {"ms":N}.
func (s *Sim) handleLatency(w http.ResponseWriter, r *http.Request) {
	var in struct {
		MS *int64 `json:"ms"`
	}
	if !decodeControl(w, r, &in) {
		return
	}
	if in.MS == nil || *in.MS < 0 {
		controlError(w, errors.New(`latency: "ms" must be a number of milliseconds, 0 or more`))
		return
	}
	s.SetLatency(time.Duration(*in.MS) * time.Millisecond)
	writeJSON(w, http.StatusOK, map[string]int64{"ms": *in.MS})
}

// handleRevoke revokes refresh tokens of {"platform","subject"?}; with
// "access_tokens":true it revokes the access tokens too, as a user removing the
// app on Facebook (which has no refresh tokens) does.
func (s *Sim) handleRevoke(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Platform     string `json:"platform"`
		Subject      string `json:"subject"`
		AccessTokens bool   `json:"access_tokens"`
	}
	if !decodeControl(w, r, &in) || !s.knownPlatform(w, in.Platform) {
		return
	}
	out := map[string]int{"refresh_tokens": s.RevokeRefreshTokens(in.Platform, in.Subject)}
	if in.AccessTokens {
		out["access_tokens"] = s.RevokeAccessTokens(in.Platform, in.Subject)
	}
	writeJSON(w, http.StatusOK, out)
}

// RevokeAccessTokens revokes every access token of platform (subject "" = all).
func (s *Sim) RevokeAccessTokens(platform, subject string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.tokens {
		if t.Platform == platform && !t.Refresh && (subject == "" || t.Subject == subject) && !t.Revoked {
			t.Revoked = true
			n++
		}
	}
	return n
}

// handleExpire makes every access token of {"platform"} expire now.
func (s *Sim) handleExpire(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Platform string `json:"platform"`
	}
	if !decodeControl(w, r, &in) || !s.knownPlatform(w, in.Platform) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"expired": s.ExpireAccessTokens(in.Platform)})
}

func (s *Sim) knownPlatform(w http.ResponseWriter, p string) bool {
	if _, ok := s.opts.Apps[p]; ok {
		return true
	}
	controlError(w, fmt.Errorf("platform %q: want facebook, instagram, twitter, linkedin or youtube", p))
	return false
}

// decodeControl reads a control request's JSON body strictly; false after it
// answered 400.
func decodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	if errors.Is(err, io.EOF) {
		err = errors.New("empty body")
	}
	if err != nil {
		controlError(w, fmt.Errorf("bad JSON body: %w", err))
		return false
	}
	return true
}

func controlError(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
}

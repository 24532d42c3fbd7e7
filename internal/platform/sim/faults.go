package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault kinds. Each answers in the error shape of the platform that owns the
// request's host (see writeFault), so clients are tested against the bodies
// they will really see.
const (
	FaultError        = "error"         // a 5xx the platform marks transient
	FaultRateLimit    = "rate_limit"    // the platform's throttle answer, Retry-After when set
	FaultExpiredToken = "expired_token" // the platform's "access token expired" answer
	FaultDuplicate    = "duplicate"     // the platform's duplicate-content refusal
	FaultLatency      = ""              // no error: only Latency is added, then the call is served
)

// Fault is an injected failure. It matches a request when Path is a prefix of
// "/HOST/PATH" (e.g. "/api.x.com/2/tweets") and Method is "" or the request's.
type Fault struct {
	Path   string
	Method string
	Kind   string // one of the Fault* constants
	// Status overrides the kind's usual HTTP status (0 = the platform's own).
	Status int
	// Code overrides the platform error code where the shape has one: Graph
	// error.code (rate_limit: 4 default, 17, 32, 613) or LinkedIn serviceErrorCode.
	Code int
	// Times is how many next matching calls fail (0 = every matching call).
	Times int
	// Rate is the probability (0..1) that a matching call fails when Times is 0;
	// 0 means always.
	Rate float64
	// RetryAfter sets Retry-After (seconds) and, for X, x-rate-limit-reset.
	RetryAfter time.Duration
	// Latency is waited before the fault (or, for FaultLatency, the call) is served.
	Latency time.Duration
}

// validate reports what makes f unusable, for the control API's 400.
func (f Fault) validate() error {
	switch {
	case !strings.HasPrefix(f.Path, "/"):
		return fmt.Errorf("path must start with /HOST/, e.g. /api.x.com/2/tweets")
	case f.Kind != FaultError && f.Kind != FaultRateLimit && f.Kind != FaultExpiredToken &&
		f.Kind != FaultDuplicate && f.Kind != FaultLatency:
		return fmt.Errorf("kind %q: want error, rate_limit, expired_token, duplicate, or empty with latency", f.Kind)
	case f.Kind == FaultLatency && f.Latency <= 0:
		return fmt.Errorf("a fault without kind needs a latency")
	case f.Times < 0:
		return fmt.Errorf("times must be 0 (every call) or more")
	case f.Rate < 0 || f.Rate > 1:
		return fmt.Errorf("rate must be between 0 and 1")
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("status must be a 4xx or 5xx")
	case f.RetryAfter < 0 || f.Latency < 0:
		return fmt.Errorf("durations must not be negative")
	}
	return nil
}

// faultSet holds the injected faults and the global latency; guarded by Sim.mu.
type faultSet struct {
	list       []*activeFault
	latency    time.Duration
	latencySet bool // SetLatency was called; otherwise Options.Latency applies
}

type activeFault struct {
	Fault
	left int // remaining calls when Times > 0
}

// InjectFault adds a fault; faults are tried in the order they were added. It
// panics on an invalid fault, a programming error in the test that calls it.
func (s *Sim) InjectFault(f Fault) {
	if err := f.validate(); err != nil {
		panic("sim: InjectFault: " + err.Error())
	}
	s.mu.Lock()
	s.faults.list = append(s.faults.list, &activeFault{Fault: f, left: f.Times})
	s.mu.Unlock()
}

// ClearFaults removes every injected fault (the global latency stays).
func (s *Sim) ClearFaults() {
	s.mu.Lock()
	s.faults.list = nil
	s.mu.Unlock()
}

// SetLatency sets the latency added to every platform request, replacing
// Options.Latency.
func (s *Sim) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.faults.latency, s.faults.latencySet = d, true
	s.mu.Unlock()
}

// injectFault applies latency and any matching fault; true when it answered
// (or the client went away while waiting).
func (s *Sim) injectFault(w http.ResponseWriter, r *http.Request) bool {
	f, delay := s.matchFault(r)
	if f != nil {
		delay += f.Latency
	}
	if !wait(r.Context(), delay) {
		return true
	}
	if f == nil || f.Kind == FaultLatency {
		return false
	}
	s.writeFault(w, r, f.Fault)
	return true
}

// matchFault picks the first matching fault that fires and the global latency.
func (s *Sim) matchFault(r *http.Request) (*activeFault, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delay := s.opts.Latency
	if s.faults.latencySet {
		delay = s.faults.latency
	}
	for i, f := range s.faults.list {
		if !strings.HasPrefix(r.URL.Path, f.Path) || (f.Method != "" && !strings.EqualFold(f.Method, r.Method)) {
			continue
		}
		if f.Times > 0 {
			f.left--
			if f.left == 0 {
				s.faults.list = append(s.faults.list[:i:i], s.faults.list[i+1:]...)
			}
			return f, delay
		}
		if f.Rate == 0 || rand.Float64() < f.Rate {
			return f, delay
		}
	}
	return nil, delay
}

// wait sleeps d unless ctx ends first; false when it did.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// writeFault answers f in the error shape of the request's platform.
func (s *Sim) writeFault(w http.ResponseWriter, r *http.Request, f Fault) {
	if f.RetryAfter > 0 && f.Kind == FaultRateLimit {
		w.Header().Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
	}
	host, _ := splitHost(r.URL.Path)
	switch {
	case host == "graph.facebook.com" || host == "graph.instagram.com":
		graphFault(w, f)
	case host == "api.x.com" || host == "api.twitter.com" || host == "upload.twitter.com":
		s.xFault(w, f)
	case host == "api.linkedin.com":
		linkedInFault(w, f)
	case host == "www.googleapis.com" || host == "youtube.googleapis.com":
		googleFault(w, f)
	default:
		plainFault(w, f)
	}
}

// status returns f.Status, or def when the fault leaves it to the platform.
func (f Fault) status(def int) int {
	if f.Status != 0 {
		return f.Status
	}
	return def
}

// graphThrottle are the Graph throttle codes and their messages (platforms.md §1.12).
var graphThrottle = map[int]string{
	4:   "(#4) Application request limit reached",
	17:  "(#17) User request limit reached",
	32:  "(#32) Page request limit reached",
	613: "(#613) Calls to this api have exceeded the rate limit.",
}

// graphFault writes the Graph envelope (platforms.md §1.12, §2.7): HTTP 400 for
// 4xx-class codes, 500 with code 2 for server errors, is_transient as IG adds it.
func graphFault(w http.ResponseWriter, f Fault) {
	e := map[string]any{"type": "OAuthException", "fbtrace_id": newID("A")[:12], "is_transient": false}
	status := http.StatusBadRequest
	switch f.Kind {
	case FaultError:
		status = http.StatusInternalServerError
		e["code"], e["is_transient"] = 2, true
		e["message"] = "An unexpected error has occurred. Please retry your request later."
	case FaultRateLimit:
		code := f.Code
		if _, ok := graphThrottle[code]; !ok {
			code = 4
		}
		e["code"], e["message"], e["is_transient"] = code, graphThrottle[code], true
		if code == 4 {
			w.Header().Set("X-App-Usage", `{"call_count":100,"total_cputime":0,"total_time":0}`)
		}
	case FaultExpiredToken:
		e["code"], e["error_subcode"] = 190, 463
		e["message"] = "Error validating access token: Session has expired."
	case FaultDuplicate:
		e["code"], e["message"] = 506, "(#506) Duplicate status message"
	}
	writeJSON(w, f.status(status), map[string]any{"error": e})
}

// xFault writes X's problem JSON with its rate-limit headers (platforms.md §3.7).
func (s *Sim) xFault(w http.ResponseWriter, f Fault) {
	var status int
	var title, detail string
	switch f.Kind {
	case FaultError:
		status, title = f.status(http.StatusServiceUnavailable), "Service Unavailable"
	case FaultRateLimit:
		status, title = f.status(http.StatusTooManyRequests), "Too Many Requests"
		window := f.RetryAfter
		if window <= 0 {
			window = 15 * time.Minute // X's usual window
		}
		w.Header().Set("x-rate-limit-limit", "300")
		w.Header().Set("x-rate-limit-remaining", "0")
		w.Header().Set("x-rate-limit-reset", strconv.FormatInt(s.opts.Now().Add(window).Unix(), 10))
	case FaultExpiredToken:
		status, title = f.status(http.StatusUnauthorized), "Unauthorized"
	case FaultDuplicate:
		status, title = f.status(http.StatusForbidden), "Forbidden"
		detail = "You are not allowed to create a Tweet with duplicate content."
	}
	if detail == "" {
		detail = title
	}
	body := map[string]any{"title": title, "detail": detail, "type": "about:blank", "status": status}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// linkedInFault writes LinkedIn's {"message","serviceErrorCode","status"}
// (platforms.md §4.6). 65600 is the observed code of an invalid token; the
// expired one's code is not documented, so 65601 is our guess.
func linkedInFault(w http.ResponseWriter, f Fault) {
	var status, code int
	var msg string
	switch f.Kind {
	case FaultError:
		status, code, msg = f.status(http.StatusInternalServerError), 0, "Internal Server Error"
	case FaultRateLimit:
		status, code, msg = f.status(http.StatusTooManyRequests), 0, "Resource level throttle limit for calls to this resource is reached."
	case FaultExpiredToken:
		status, code, msg = f.status(http.StatusUnauthorized), 65601, "Expired access token"
	case FaultDuplicate:
		status, code, msg = f.status(http.StatusUnprocessableEntity), 0, "Content is a duplicate of urn:li:share:6900000000000000000"
	}
	if f.Code != 0 {
		code = f.Code
	}
	writeJSON(w, status, map[string]any{"message": msg, "serviceErrorCode": code, "status": status})
}

// googleFault writes Google's error envelope (platforms.md §5.7).
func googleFault(w http.ResponseWriter, f Fault) {
	status, reason, domain, msg, st := 0, "", "global", "", ""
	switch f.Kind {
	case FaultError:
		status = f.status(http.StatusServiceUnavailable)
		reason, msg, st = "backendError", "Backend Error", "UNAVAILABLE"
		if status == http.StatusInternalServerError {
			reason, msg, st = "internalError", "Internal Error", "INTERNAL"
		}
	case FaultRateLimit:
		status = f.status(http.StatusTooManyRequests)
		reason, domain, msg, st = "rateLimitExceeded", "usageLimits", "Rate Limit Exceeded", "RESOURCE_EXHAUSTED"
		if status == http.StatusForbidden {
			st = "PERMISSION_DENIED"
		}
	case FaultExpiredToken:
		status = f.status(http.StatusUnauthorized)
		reason, msg, st = "authError", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "UNAUTHENTICATED"
	case FaultDuplicate:
		status = f.status(http.StatusBadRequest)
		reason, msg, st = "duplicate", "Duplicate", "INVALID_ARGUMENT"
	}
	item := map[string]any{"message": msg, "domain": domain, "reason": reason}
	if reason == "authError" {
		item["message"], item["location"], item["locationType"] = "Invalid Credentials", "Authorization", "header"
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"code": status, "message": msg, "errors": []any{item}, "status": st,
	}})
}

// plainFault answers hosts without an API error shape (consent and token
// endpoints) with the RFC 6749/6750 {"error","error_description"} shape.
func plainFault(w http.ResponseWriter, f Fault) {
	switch f.Kind {
	case FaultError:
		oauthError(w, f.status(http.StatusInternalServerError), "server_error", "The server encountered an unexpected error.")
	case FaultRateLimit:
		oauthError(w, f.status(http.StatusTooManyRequests), "rate_limit_exceeded", "Too many requests; retry later.")
	case FaultExpiredToken:
		oauthError(w, f.status(http.StatusUnauthorized), "invalid_token", "The access token expired.")
	case FaultDuplicate:
		oauthError(w, f.status(http.StatusConflict), "duplicate", "Duplicate request.")
	}
}

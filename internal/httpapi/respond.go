package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/salesai/social/internal/social"
)

// maxBody is the largest JSON body the API reads (DESIGN §4).
const maxBody = 1 << 20

// statusOf is the one table from error kinds to HTTP statuses.
var statusOf = map[social.Kind]int{
	social.Internal:     http.StatusInternalServerError,
	social.Invalid:      http.StatusBadRequest,
	social.NotFound:     http.StatusNotFound,
	social.Conflict:     http.StatusConflict,
	social.Unauthorized: http.StatusUnauthorized,
	social.Forbidden:    http.StatusForbidden,
	social.Unavailable:  http.StatusServiceUnavailable,
	social.TooMany:      http.StatusTooManyRequests,
	social.TooLarge:     http.StatusRequestEntityTooLarge,
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with the contract's error shape. Validation problems are
// 422 with every problem; internal errors are logged and shown as a generic
// sentence, never with their cause.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var probs social.Problems
	if errors.As(err, &probs) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"error":    errorBody{Code: "invalid_post", Message: probs.Error()},
			"problems": probs,
		})
		return
	}
	var e *social.Error
	if !errors.As(err, &e) || e.Kind == social.Internal {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": errorBody{Code: "internal",
			Message: "Something went wrong on our side. Please try again; if it keeps happening, contact your admin."}})
		return
	}
	status := statusOf[e.Kind]
	if status == 0 {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, map[string]any{"error": errorBody{Code: e.Code, Message: e.Message}})
}

// decode reads a JSON body into v: at most 1 MiB (413), no unknown fields
// (400), nothing after the value.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return social.Errorf(social.Invalid, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json.")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		err = errors.New("more than one JSON value")
	}
	if err == nil {
		return nil
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &social.Error{Kind: social.TooLarge, Code: "body_too_large", Message: "The request body is larger than 1 MiB."}
	}
	msg := err.Error()
	if errors.Is(err, io.EOF) {
		msg = "the body is empty"
	}
	return social.Errorf(social.Invalid, "bad_json", "The request body is not valid JSON for this endpoint: %s.", strings.TrimPrefix(msg, "json: "))
}

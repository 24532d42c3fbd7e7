package sim

import (
	"encoding/json"
	"net/http"
	"strings"
)

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// graphError writes Meta's Graph error envelope (platforms.md §1.12, §2.7):
// {"error":{"message","type","code","error_subcode"?,"fbtrace_id"}}.
func graphError(w http.ResponseWriter, status, code, subcode int, typ, msg string) {
	e := map[string]any{"message": msg, "type": typ, "code": code, "fbtrace_id": newID("A")[:12]}
	if subcode != 0 {
		e["error_subcode"] = subcode
	}
	writeJSON(w, status, map[string]any{"error": e})
}

// oauthError writes the RFC 6749 token-endpoint error shape
// {"error","error_description"} used by X, LinkedIn and Google.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// bearerOrParam returns the access token of a request the way the platforms
// accept it: "Authorization: Bearer T" (or Meta's "OAuth T"), else the
// access_token parameter of the query or of a form body.
func bearerOrParam(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && (strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "OAuth")) {
			return strings.TrimSpace(tok)
		}
	}
	if t := r.URL.Query().Get("access_token"); t != "" {
		return t
	}
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data") {
		return r.FormValue("access_token")
	}
	return ""
}

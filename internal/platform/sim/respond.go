package sim

import (
	"encoding/json"
	"net/http"
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

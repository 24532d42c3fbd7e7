package sim

import "net/http"

// faultSet holds injected faults; the control API edits it. (Filled in by the
// control-API work: per-path error rate, added latency, one-off failures.)
type faultSet struct{}

// injectFault applies latency and any matching fault; true when it answered.
func (s *Sim) injectFault(w http.ResponseWriter, r *http.Request) bool {
	return false
}

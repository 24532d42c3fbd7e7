package publish

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/salesai/social/internal/social"
)

// metrics are the publishing figures an operator watches on /metrics.
type metrics struct {
	outcomes *prometheus.CounterVec   // targets by platform and end state
	lateness *prometheus.HistogramVec // seconds from a queued target's time to its platform call
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salesai_targets_total", Help: "Targets that reached an end state, by platform and outcome (published, failed, scheduled).",
		}, []string{"platform", "outcome"}),
		lateness: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "salesai_publish_lateness_seconds", Help: "Delay between a queued target's scheduled time and its platform call.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60},
		}, []string{"platform"}),
	}
	if reg != nil {
		reg.MustRegister(m.outcomes, m.lateness)
	}
	return m
}

func (m *metrics) outcome(p social.Platform, outcome string) {
	m.outcomes.WithLabelValues(string(p), outcome).Inc()
}

// late records how late a scheduled target's platform call started.
func (m *metrics) late(p social.Platform, at *time.Time, now time.Time) {
	if at != nil {
		m.lateness.WithLabelValues(string(p)).Observe(max(0, now.Sub(*at).Seconds()))
	}
}

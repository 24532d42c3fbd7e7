package bench

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Dist summarizes durations (milliseconds in JSON).
type Dist struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// Summarize computes the percentiles of ds (nearest rank).
func Summarize(ds []time.Duration) Dist {
	if len(ds) == 0 {
		return Dist{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) float64 {
		i := int(q*float64(len(s))+0.5) - 1
		return msOf(s[min(max(i, 0), len(s)-1)])
	}
	return Dist{N: len(s), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: msOf(s[len(s)-1])}
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (d Dist) String() string {
	return fmt.Sprintf("p50 %s  p95 %s  p99 %s  max %s", fmtMs(d.P50), fmtMs(d.P95), fmtMs(d.P99), fmtMs(d.Max))
}

func fmtMs(ms float64) string {
	if ms >= 10000 {
		return fmt.Sprintf("%.1f s", ms/1000)
	}
	return fmt.Sprintf("%.0f ms", ms)
}

// Row is one line of the printed table.
type Row struct{ Measure, Value, Reference string }

// PrintTable writes rows under a title, aligned.
func PrintTable(w io.Writer, title string, rows []Row) {
	fmt.Fprintf(w, "\n%s\n%s\n", title, strings.Repeat("-", len(title)))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "measure\tresult\treference")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Measure, r.Value, r.Reference)
	}
	_ = tw.Flush()
}

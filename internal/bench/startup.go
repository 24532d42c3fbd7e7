package bench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// StartupOptions configures the start-up measurement.
type StartupOptions struct {
	Salesai     string
	Runs        int // default 5
	DatabaseURL string
}

// StartupResult is exec → /readyz 200 on an empty data dir (or schema).
type StartupResult struct {
	Database string `json:"database"`
	Ready    Dist   `json:"exec_to_ready"`
	// Help is exec → exit of `salesai help`: the cost of starting the
	// binary at all, for reference.
	Help Dist `json:"exec_to_help_exit"`
}

// Startup runs `salesai serve` Runs times, each on a fresh empty data dir,
// and times exec to the first 200 from /readyz (polled every 2 ms).
func Startup(ctx context.Context, o StartupOptions) (*StartupResult, error) {
	if o.Runs <= 0 {
		o.Runs = 5
	}
	res := &StartupResult{Database: "sqlite"}
	if o.DatabaseURL != "" {
		res.Database = "postgres"
	}
	var ready, help []time.Duration
	for range o.Runs {
		d, err := startOnce(ctx, o)
		if err != nil {
			return nil, err
		}
		ready = append(ready, d)
		p, err := StartProc(o.Salesai, []string{"help"}, nil, nil)
		if err != nil {
			return nil, err
		}
		<-p.done
		help = append(help, time.Since(p.Start))
	}
	res.Ready, res.Help = Summarize(ready), Summarize(help)
	return res, nil
}

func startOnce(ctx context.Context, o StartupOptions) (time.Duration, error) {
	dir, err := os.MkdirTemp("", "salesai-startup-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	env := []string{"SALESAI_DATA_DIR=" + dir, "SALESAI_ADDR=" + addr}
	if o.DatabaseURL != "" {
		dsn, drop, err := freshSchema(o.DatabaseURL)
		if err != nil {
			return 0, err
		}
		defer drop()
		env = append(env, "DATABASE_URL="+dsn)
	}
	p, err := StartProc(o.Salesai, []string{"serve"}, env, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = p.Stop() }()
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil && !p.Exited() {
		resp, err := hc.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(p.Start), nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("startup: /readyz did not answer 200 within 30 s")
}

// Rows renders the result for PrintTable.
func (r *StartupResult) Rows() []Row {
	return []Row{
		{"exec → /readyz 200 (empty " + r.Database + ")", r.Ready.String(), "exec → exit of `salesai help`: " + r.Help.String()},
	}
}

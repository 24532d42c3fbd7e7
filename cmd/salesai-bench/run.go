package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/salesai/social/internal/bench"
)

// options are the flags of every subcommand.
type options struct {
	json       bool
	cpuprofile string
	salesai    string
	verbose    bool

	targets   int
	latency   time.Duration
	workers   int
	platforms string

	clients  int
	duration time.Duration

	sizes string

	chaosTargets int
	window       time.Duration
	killEvery    time.Duration
	kills        int
	errorRate    float64
	limitRate    float64
}

func parse(cmd string, args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("salesai-bench "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.json, "json", false, "print JSON instead of a table")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the run to this file")
	fs.StringVar(&o.salesai, "salesai", "", "the salesai binary for subprocesses (default: go build ./cmd/salesai)")
	fs.BoolVar(&o.verbose, "v", false, "progress lines and program warnings on stderr")
	fs.IntVar(&o.targets, "n", 10000, "dispatch: targets due in the same second")
	fs.DurationVar(&o.latency, "latency", 50*time.Millisecond, "dispatch: simulator latency per platform request")
	fs.IntVar(&o.workers, "workers", 0, "SALESAI_WORKERS for the program (0: its default)")
	fs.StringVar(&o.platforms, "platforms", strings.Join(bench.QueuePlatforms, ","), "dispatch/chaos: platforms of the targets (X and LinkedIn get at most 90 and 140: their per-account limits)")
	fs.IntVar(&o.clients, "clients", 16, "api: concurrent clients")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "api: how long the clients run")
	fs.StringVar(&o.sizes, "sizes", "10MiB,1GiB", "memory: video sizes (KiB, MiB, GiB)")
	fs.IntVar(&o.chaosTargets, "chaos-n", 1000, "chaos: scheduled targets")
	fs.DurationVar(&o.window, "window", 30*time.Second, "chaos: the targets are due within this window")
	fs.DurationVar(&o.killEvery, "kill-every", 5*time.Second, "chaos: a worker lives at least this long, then is SIGKILLed once it runs jobs")
	fs.IntVar(&o.kills, "kills", 0, "chaos: number of kills (0: 6)")
	fs.Float64Var(&o.errorRate, "error-rate", 0.10, "chaos: share of platform calls answered with a 5xx")
	fs.Float64Var(&o.limitRate, "rate-limit-rate", 0.03, "chaos: share of platform calls answered with a 429")
	fs.Usage = func() { usage(stderr); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return o, nil
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: salesai-bench dispatch|api|memory|chaos|startup|all [flags]

SQLite by default; PostgreSQL when DATABASE_URL is set.

Flags:
`)
}

// Main runs one subcommand and returns the exit code.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		usage(stderr)
		return 2
	}
	cmd := args[0]
	o, err := parse(cmd, args[1:], stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			fmt.Fprintln(stderr, "salesai-bench:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "salesai-bench:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	r := &runner{o: o, getenv: getenv, stdout: stdout, stderr: stderr, results: map[string]any{}}
	err = r.run(ctx, cmd)
	if r.bin != "" {
		_ = os.RemoveAll(filepath.Dir(r.bin))
	}
	if err != nil {
		fmt.Fprintf(stderr, "salesai-bench %s: %v\n", cmd, err)
		return 1
	}
	if o.json {
		r.results["machine"] = machine()
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(r.results)
	}
	return 0
}

// Machine describes where the numbers came from.
type Machine struct {
	CPUs      int    `json:"nproc"`
	CPU       string `json:"cpu"`
	GoVersion string `json:"go"`
	OS        string `json:"os"`
}

func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			m.CPU = strings.TrimSpace(v)
			break
		}
	}
	return m
}

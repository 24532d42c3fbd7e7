package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/salesai/social/internal/bench"
)

// runner runs subcommands and collects their results.
type runner struct {
	o       *options
	getenv  func(string) string
	stdout  io.Writer
	stderr  io.Writer
	results map[string]any
	bin     string
}

func (r *runner) run(ctx context.Context, cmd string) error {
	steps := map[string]func(context.Context) error{
		"dispatch": r.dispatch, "api": r.api, "memory": r.memory, "chaos": r.chaos, "startup": r.startup,
	}
	if cmd == "all" {
		for _, name := range []string{"startup", "api", "dispatch", "memory", "chaos"} {
			if err := steps[name](ctx); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	}
	step, ok := steps[cmd]
	if !ok {
		usage(r.stderr)
		return fmt.Errorf("unknown subcommand %q", cmd)
	}
	return step(ctx)
}

func (r *runner) progress() io.Writer {
	if r.o.verbose {
		return r.stderr
	}
	return nil
}

// env is the program environment the flags ask for.
func (r *runner) env() map[string]string {
	env := map[string]string{}
	if r.o.workers > 0 {
		env["SALESAI_WORKERS"] = fmt.Sprint(r.o.workers)
	}
	return env
}

func (r *runner) show(name, title string, rows []bench.Row, result any) {
	r.results[name] = result
	if !r.o.json {
		bench.PrintTable(r.stdout, title, rows)
	}
}

func (r *runner) dispatch(ctx context.Context) error {
	res, err := bench.Dispatch(ctx, bench.DispatchOptions{Targets: r.o.targets, Latency: r.o.latency,
		Platforms: strings.Split(r.o.platforms, ","), DatabaseURL: r.getenv("DATABASE_URL"), Env: r.env(),
		Log: r.progress(), Progress: r.progress()})
	if err != nil {
		return err
	}
	r.show("dispatch", "Dispatch", res.Rows(), res)
	return nil
}

func (r *runner) api(ctx context.Context) error {
	res, err := bench.API(ctx, bench.APIOptions{Clients: r.o.clients, Duration: r.o.duration,
		DatabaseURL: r.getenv("DATABASE_URL"), Env: r.env(), Log: r.progress()})
	if err != nil {
		return err
	}
	r.show("api", "API", res.Rows(), res)
	if res.Errors > 0 {
		return fmt.Errorf("%d API errors, e.g. %v", res.Errors, res.Samples)
	}
	return nil
}

// salesai returns the binary for subprocesses, building it once if needed.
func (r *runner) salesai(ctx context.Context) (string, error) {
	if r.o.salesai != "" {
		return r.o.salesai, nil
	}
	if r.bin == "" {
		dir, err := os.MkdirTemp("", "salesai-bench-bin-")
		if err != nil {
			return "", err
		}
		if r.bin, err = bench.BuildSalesai(ctx, dir); err != nil {
			return "", err
		}
	}
	return r.bin, nil
}

func (r *runner) memory(ctx context.Context) error {
	bin, err := r.salesai(ctx)
	if err != nil {
		return err
	}
	var sizes []int64
	for _, s := range strings.Split(r.o.sizes, ",") {
		n, err := bench.ParseSize(s)
		if err != nil {
			return err
		}
		sizes = append(sizes, n)
	}
	res, err := bench.Memory(ctx, bench.MemoryOptions{Sizes: sizes, Salesai: bin, DatabaseURL: r.getenv("DATABASE_URL"), Log: r.progress()})
	if err != nil {
		return err
	}
	r.show("memory", "Streaming memory", res.Rows(), res)
	return nil
}

func (r *runner) chaos(ctx context.Context) error {
	bin, err := r.salesai(ctx)
	if err != nil {
		return err
	}
	res, err := bench.Chaos(ctx, bench.ChaosOptions{Targets: r.o.chaosTargets, Window: r.o.window, KillEvery: r.o.killEvery,
		Kills: r.o.kills, ErrorRate: r.o.errorRate, LimitRate: r.o.limitRate, Platforms: strings.Split(r.o.platforms, ","),
		Salesai: bin, DatabaseURL: r.getenv("DATABASE_URL"), Log: r.progress(), Progress: r.progress()})
	if err != nil {
		return err
	}
	r.show("chaos", "Chaos", res.Rows(), res)
	if res.Duplicates > 0 || res.Lost > 0 {
		return fmt.Errorf("%d duplicates, %d lost; duplicated: %v", res.Duplicates, res.Lost, res.DuplicateSamples)
	}
	return nil
}

func (r *runner) startup(ctx context.Context) error {
	bin, err := r.salesai(ctx)
	if err != nil {
		return err
	}
	res, err := bench.Startup(ctx, bench.StartupOptions{Salesai: bin, DatabaseURL: r.getenv("DATABASE_URL")})
	if err != nil {
		return err
	}
	r.show("startup", "Start-up", res.Rows(), res)
	return nil
}

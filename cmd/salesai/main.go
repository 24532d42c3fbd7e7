// Command salesai is SalesAI Social: connect social accounts, compose a post
// once, and publish it now or at a chosen time.
//
//	salesai [serve]        API + web UI + publishing workers (the default)
//	salesai worker         publishing workers only (scale-out with PostgreSQL)
//	salesai migrate        bring the database up to date and exit
//	salesai user create --email E --password P
//	salesai rotate-key     re-seal every credential under SALESAI_SECRET_KEY
//
// Configuration comes from the environment (salesai --help lists it).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// Main runs one command and returns the exit code. It takes its environment
// and outputs as arguments so tests can run it in-process.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = runServe(ctx, args, getenv, stdout, stderr, true)
	case "worker":
		err = runWorker(ctx, args, getenv, stdout, stderr)
	case "migrate":
		err = runMigrate(ctx, args, getenv, stdout, stderr)
	case "user":
		err = runUser(ctx, args, getenv, stdout, stderr)
	case "rotate-key":
		err = runRotateKey(ctx, args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "salesai: unknown command %q\n\n", cmd)
		usage(stderr)
		return 2
	}
	if err == errHelp {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "salesai %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// Command salesai-bench measures SalesAI against its limits, each figure
// beside its reference in the same run, and prints a table (or JSON with
// -json):
//
//	salesai-bench dispatch   N targets due in one second vs bare River (-n, -latency, -workers)
//	salesai-bench api        concurrent clients creating scheduled posts over HTTP (-clients, -duration)
//	salesai-bench memory     peak RSS of a worker publishing a 10 MiB and a 1 GiB YouTube video (-sizes)
//	salesai-bench chaos      scheduled targets while the worker is SIGKILLed and restarted (-n, -kill-every)
//	salesai-bench startup    exec to /readyz 200 on an empty data dir
//	salesai-bench all        every one of them
//
// SQLite by default; PostgreSQL when DATABASE_URL is set. memory, chaos and
// startup run the real `salesai` binary (built from this module unless
// -salesai names one).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// Command citebench is citebot's benchmark and load tool. Its modes:
//
//	citebench [flags]          the benchmark: citebot against a plain Bleve
//	                           index and SQLite FTS5 over the same corpus and
//	                           questions (indexing, latency, answers/s, memory,
//	                           start-up, quote@1/@5), plus a load test of
//	                           POST /api/ask; Markdown tables, results.json
//	                           and a latency plot (see BENCHMARKS.md)
//	citebench load URL         the POST /api/ask load generator, against any
//	                           running citebot serve
//	citebench mix [--reindex]  the mixed load: good and hostile requests to
//	                           every endpoint of a citebot serve it starts,
//	                           optionally while re-indexing (RELIABILITY.md)
//	citebench merge FILES      one report from the results.json of separate runs
//	citebench backends -opensearch URL
//	                           citebot on Bleve and on OpenSearch side by side:
//	                           indexing, latency, answers/s, quote@1 and
//	                           whether both give the same answers
//	citebench phase            one measured phase (the benchmark runs each in a
//	                           process of its own)
//
//	go run ./cmd/citebench -sizes squad,covid,100k -out bench-out
//	go run ./cmd/citebench load -c 64 -n 20000 http://127.0.0.1:8080/api/ask
//	go run ./cmd/citebench mix --reindex
//	go run ./cmd/citebench backends -opensearch http://127.0.0.1:9200 -sizes squad,1m
//
// This package is flag parsing and wiring; each concern is a package
// under internal/.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var ue usageError
	switch {
	case err == nil:
	case errors.As(err, &ue):
		if !errors.Is(err, errHelp) {
			fmt.Fprintln(os.Stderr, "citebench:", err)
		}
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "citebench:", err)
		os.Exit(1)
	}
}

// usageError marks errors in how citebench was invoked (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// errHelp is -h: the usage was printed.
var errHelp = errors.New("help requested")

// modes are citebench's modes after the command name; none is the
// benchmark.
var modes = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) error{
	"load":     runLoad,
	"mix":      runMix,
	"merge":    runMerge,
	"backends": runBackends,
	"phase":    runPhase,
}

// run is citebench with its arguments.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		if mode, ok := modes[args[0]]; ok {
			return mode(ctx, args[1:], stdout, stderr)
		}
	}
	return runBench(ctx, args, stdout, stderr)
}

const modesUsage = `usage:
  citebench [-sizes squad,covid,100k] [-out DIR] [flags]   the benchmark (flags below)
  citebench load [-c 64] [-n 20000] URL                      POST /api/ask load on a running citebot serve
  citebench mix [--reindex] [--requests 10000] [--conns 64]  mixed good and hostile load on a citebot serve it starts
  citebench merge [-out DIR] A/results.json B/results.json   one report from separate runs
  citebench backends -opensearch URL [-sizes squad]          citebot on Bleve and on OpenSearch side by side
  citebench phase -phase NAME -dir DIR …                     one measured phase (the benchmark runs these)
Each mode's -h lists its flags.`

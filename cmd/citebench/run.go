package main

import (
	"context"
	"io"
)

// usageError marks errors in how citebench was invoked (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// run is citebench: `citebench [flags]` runs the benchmark, `citebench
// load` is the HTTP load generator, `citebench mix` the mixed load
// (formerly cmd/citeload), `citebench merge` joins the results of
// separate runs, and `citebench phase` is one measured phase, which the
// benchmark runs in a process of its own.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "load":
			return runLoad(ctx, args[1:], stdout, stderr)
		case "phase":
			return runPhase(ctx, args[1:], stdout, stderr)
		case "mix":
			return runMix(ctx, args[1:], stdout, stderr)
		case "merge":
			return runMerge(ctx, args[1:], stdout, stderr)
		}
	}
	return runBench(ctx, args, stdout, stderr)
}

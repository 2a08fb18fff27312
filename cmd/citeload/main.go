// Command citeload is citebot's mixed-load harness: it starts `citebot
// serve` as a separate process on loopback, with the Slack and Discord
// adapters in HTTP mode pointed at local fake APIs, and sends a bounded
// number of mixed requests at a fixed number of concurrent connections —
// good questions, junk, oversized bodies, bad JSON, bad tokens, and
// validly and badly signed Slack and Discord deliveries — to /api/ask,
// /slack/events, /slack/commands, /slack/interactions and
// /discord/interactions. With --reindex, `citebot index` rebuilds the
// served index in a loop meanwhile (serve follows it).
//
// It reports status codes per kind of request, latency percentiles and
// the server's resident memory before and after, and fails (exit 1) on
// any 5xx, any failed connection, a server that died, or memory grown
// past --max-rss-growth.
//
//	go run ./cmd/citeload                      # 10,000 requests, 64 connections
//	go run ./cmd/citeload --reindex            # the same while re-indexing
//	go run ./cmd/citeload --requests 2000 --json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(cli(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// cli parses flags, runs the load and prints the report; it returns the
// exit code.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("citeload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	fs.StringVar(&o.Citebot, "citebot", "", "the citebot `binary` to serve (default: go build ./cmd/citebot into a temporary folder)")
	fs.StringVar(&o.Corpus, "corpus", "seeds", "index the documents under `DIR`")
	fs.IntVar(&o.Requests, "requests", 10000, "requests to send (at most 1,000,000)")
	fs.IntVar(&o.Conns, "conns", 64, "concurrent connections")
	fs.DurationVar(&o.Timeout, "timeout", 10*time.Minute, "give up after `DURATION` in all")
	fs.BoolVar(&o.Reindex, "reindex", false, "rebuild the served index with `citebot index` in a loop during the load")
	fs.Int64Var(&o.MaxRSSGrowthKB, "max-rss-growth", 256*1024, "fail when the server's resident memory grows by more than `KB`")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.Requests < 1 || o.Requests > 1_000_000 || o.Conns < 1 || o.Conns > 1024 {
		fmt.Fprintln(stderr, "citeload: --requests must be 1 to 1,000,000 and --conns 1 to 1024")
		return 2
	}
	o.Log = stderr
	rep, err := Run(ctx, o)
	if rep != nil {
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			enc.Encode(rep)
		} else {
			rep.Print(stdout)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "citeload:", err)
		return 1
	}
	return 0
}

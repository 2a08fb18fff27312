// Command citebench measures citebot against the floor it is built on
// and a common alternative, over the same corpus and the same questions:
// citebot's full answer from its persisted index, a plain Bleve match
// query on that same index, and SQLite FTS5 (bm25) over the same
// passages. It reports indexing throughput, answer latency, answers/s
// on one and two cores, peak memory, index size, start-up time and
// quality (quote@1, quote@5), on SQuAD, COVID-QA and corpora scaled up
// from their sentences to any size; it load-tests `citebot serve`'s POST
// /api/ask; and it writes a Markdown table, results.json and a
// latency-against-corpus-size plot. See BENCHMARKS.md.
//
//	go run ./cmd/citebench -sizes squad,covid,100k -out bench-out
//	go run ./cmd/citebench load -c 64 -n 20000 http://127.0.0.1:8080/api/ask
//
// main is only wiring: run holds everything, so tests call it in-process.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "citebench:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// Command citebot answers questions about a corpus of documents with
// verbatim, cited quotes, from the command line or as a service.
//
// main is only wiring: run holds everything, so tests call it in-process.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "citebot:", err)
		os.Exit(exitCode(err))
	}
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/citebot/citebot/cmd/citebench/internal/mix"
)

// runMix is `citebench mix`, what cmd/citeload was: the same flags, the
// same report.
func runMix(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("citebench mix", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o mix.Options
	fl.StringVar(&o.Citebot, "citebot", "", "the citebot `binary` to serve (default: go build ./cmd/citebot into a temporary folder)")
	fl.StringVar(&o.Corpus, "corpus", "seeds", "index the documents under `DIR`")
	fl.IntVar(&o.Requests, "requests", 10000, "requests to send (at most 1,000,000)")
	fl.IntVar(&o.Conns, "conns", 64, "concurrent connections")
	fl.DurationVar(&o.Timeout, "timeout", 10*time.Minute, "give up after `DURATION` in all")
	fl.BoolVar(&o.Reindex, "reindex", false, "rebuild the served index with `citebot index` in a loop during the load")
	fl.Int64Var(&o.MaxRSSGrowthKB, "max-rss-growth", 256*1024, "fail when the server's resident memory grows by more than `KB`")
	asJSON := fl.Bool("json", false, "print the report as JSON")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: citebench mix [--reindex] [--requests 10000] [--conns 64] [--json] [flags]\n"+
			"Sends mixed good and hostile requests to every endpoint of a citebot serve it starts; fails (exit 1) on\n"+
			"any 5xx, a request without a response, a status its kind must not get, a lost answer, a dead server\n"+
			"or memory grown past --max-rss-growth.")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return usageError{err}
	}
	if fl.NArg() > 0 {
		return usageError{fmt.Errorf("mix: unexpected argument %q", fl.Arg(0))}
	}
	if o.Requests < 1 || o.Requests > 1_000_000 || o.Conns < 1 || o.Conns > 1024 {
		return usageError{errors.New("mix: --requests must be 1 to 1,000,000 and --conns 1 to 1024")}
	}
	o.Log = stderr
	rep, err := mix.Run(ctx, o)
	if rep != nil {
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			if jerr := enc.Encode(rep); jerr != nil {
				return errors.Join(err, jerr)
			}
		} else {
			rep.Print(stdout)
		}
	}
	return err
}

package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/qaeval"
)

// evalQuotes runs `citebot eval --quotes KIND FILE`: it generates the
// quote-check and attribution cases from the dataset's sentences, indexes
// the even-numbered articles (and the attribution paragraphs) in memory,
// and prints precision and recall per verdict.
func evalQuotes(ctx context.Context, kind, path string, opts qaeval.QuoteSetOptions, verbose bool, given datasetIndex, w io.Writer) error {
	var source func(*qaeval.SQuAD) ([]retrieval.Document, []string)
	switch kind {
	case "squad":
		source = qaeval.SQuADQuoteSource
	case "covidqa":
		source = qaeval.COVIDQuoteSource
	default:
		return usageError{fmt.Errorf("--quotes %q: expected squad or covidqa", kind)}
	}
	s, err := qaeval.LoadSQuAD(path)
	if err != nil {
		return err
	}
	docs, names := source(s)
	set := qaeval.BuildQuoteSet(docs, names, opts)
	if len(set.Quotes) == 0 {
		return fmt.Errorf("%s: no sentences to build quote cases from", path)
	}
	ix, how, err := given.open(ctx, set.Docs)
	if err != nil {
		return err
	}
	defer ix.Close()
	fmt.Fprintf(w, "%s %s: %s; %d quote cases, %d attribution cases (seed %d)\n",
		kind, path, how, len(set.Quotes), len(set.Attributions), opts.Seed)
	start := time.Now()
	rep, err := qaeval.RunQuotes(ctx, ix, set)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "checked in %s\n\n", time.Since(start).Round(time.Millisecond))
	return qaeval.WriteQuoteReport(w, rep, verbose)
}

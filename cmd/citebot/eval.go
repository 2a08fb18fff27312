package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/qaeval"
)

func newEvalCmd(stdout, stderr io.Writer) *cobra.Command {
	var cf corpusFlags
	var qaFile, squadFile, covidFile, quotes string
	var split string
	var verbose, neverDecline bool
	var top int
	var qo qaeval.QuoteSetOptions
	cmd := &cobra.Command{
		Use:   "eval (--qa FILE.jsonl [--index PATH|URL | --corpus DIR…] | --squad FILE [--split] | --covidqa FILE | --quotes squad|covidqa FILE) [--index PATH|URL]",
		Short: "Score answers against a question set or a public QA dataset",
		Long: `Score citebot against questions with known answers.

--qa FILE.jsonl   a question set (id, question, answers[], docs[], unanswerable, kind),
                  asked of the seeds, --corpus or --index; prints answered-right,
                  cited-right, first quote right, short answers right and wrong,
                  declined-right and verbatim, and the same per kind when the set has
                  kinds (-v: one line per question).
--squad FILE      SQuAD dev v1.1 or v2.0 (.json or .json.gz): every article becomes one
                  document; prints how often the first quote, and one of the first five,
                  contains a gold answer, and short answers right and wrong, for all
                  articles and for the halves models are fitted on and held out from;
                  v2.0's unanswerable questions must be declined. With --split (even or
                  odd), half the articles are indexed and the questions about the other
                  half must be declined.
--covidqa FILE    COVID-QA: one document per article; prints how often the first quote
                  overlaps the gold answer span.
--quotes KIND FILE  quote check and "who said it?" on cases generated (with a fixed
                  seed) from the sentences of a SQuAD or COVID-QA FILE (KIND squad or
                  covidqa): prints precision and recall of each verdict (-v: every miss).

The dataset modes index the dataset in memory, unless --index names an index
(a folder or an OpenSearch URL) that already holds its articles, e.g. built
with citebot index --corpus DIR from one .txt file per article: then the
questions are asked of that index, which is how two backends are compared.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			modes := 0
			for _, s := range []string{qaFile, squadFile, covidFile, quotes} {
				if s != "" {
					modes++
				}
			}
			if modes != 1 {
				return usageError{errors.New("give exactly one of --qa, --squad, --covidqa or --quotes")}
			}
			if quotes == "" && len(args) > 0 {
				return usageError{fmt.Errorf("unexpected argument %q", args[0])}
			}
			if qaFile == "" && len(cf.corpus) > 0 {
				return usageError{errors.New("--corpus goes with --qa; the dataset modes index the dataset (or answer from --index)")}
			}
			// The dataset's own in-memory index, or the one --index names.
			var given datasetIndex
			if cf.index != "" && qaFile == "" {
				given = func(ctx context.Context) (*answer.Engine, error) { return cf.open(ctx, stderrLogger(stderr)) }
			}
			switch {
			case quotes != "":
				if len(args) != 1 {
					return usageError{errors.New("--quotes needs the dataset FILE: citebot eval --quotes squad|covidqa FILE")}
				}
				return evalQuotes(ctx, quotes, args[0], qo, verbose, given, stdout)
			case squadFile != "":
				return evalSQuAD(ctx, squadFile, split, neverDecline, given, stdout)
			case covidFile != "":
				return evalCOVID(ctx, covidFile, neverDecline, given, stdout)
			}
			f, err := os.Open(qaFile)
			if err != nil {
				return err
			}
			items, err := qaeval.ReadJSONL(f)
			f.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", qaFile, err)
			}
			ix, err := cf.open(ctx, stderrLogger(stderr))
			if err != nil {
				return err
			}
			defer ix.Close()
			sum, results, err := qaeval.Run(ctx, ix, items, top)
			if err != nil {
				return err
			}
			if verbose {
				if err := qaeval.WriteTable(stdout, results); err != nil {
					return err
				}
				fmt.Fprintln(stdout)
			}
			return qaeval.WriteSummary(stdout, sum)
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&qaFile, "qa", "", "question set `FILE` (JSON Lines)")
	cmd.Flags().StringVar(&squadFile, "squad", "", "SQuAD dev `FILE` (.json or .json.gz)")
	cmd.Flags().StringVar(&covidFile, "covidqa", "", "COVID-QA `FILE` (.json or .json.gz)")
	cmd.Flags().StringVar(&split, "split", "", "with --squad: index only the `even` or `odd`-numbered articles and measure declines on the rest")
	cmd.Flags().StringVar(&quotes, "quotes", "", "quote-check evaluation generated from `KIND` squad or covidqa (the FILE is the argument)")
	cmd.Flags().IntVar(&qo.PerKind, "cases", 100, "with --quotes: cases of each kind")
	cmd.Flags().Uint64Var(&qo.Seed, "seed", 1, "with --quotes: the generator's seed")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print one line per question")
	cmd.Flags().BoolVar(&neverDecline, "never-decline", false, "with --squad or --covidqa: answer every question, to measure the ranking apart from declining")
	cmd.Flags().IntVar(&top, "top", retrieval.DefaultTop, "citations per answer")
	return cmd
}

// datasetIndex opens the index --index names for a dataset mode; nil
// means indexing the dataset in memory.
type datasetIndex func(context.Context) (*answer.Engine, error)

// open returns the engine a dataset's questions are asked of, and how
// the report's first line describes it.
func (di datasetIndex) open(ctx context.Context, docs []retrieval.Document) (*answer.Engine, string, error) {
	start := time.Now()
	if di == nil {
		ix, err := qaeval.NewEngine(ctx, docs)
		if err != nil {
			return nil, "", err
		}
		return ix, fmt.Sprintf("%d documents indexed in %s", len(docs), time.Since(start).Round(time.Millisecond)), nil
	}
	ix, err := di(ctx)
	if err != nil {
		return nil, "", err
	}
	st, err := ix.Stats()
	if err != nil {
		ix.Close()
		return nil, "", err
	}
	return ix, fmt.Sprintf("answering from %s (%d documents, %d passages)", summaryWhere(st.Path), st.Documents, st.Passages), nil
}

func evalSQuAD(ctx context.Context, path string, split string, neverDecline bool, given datasetIndex, w io.Writer) error {
	s, err := qaeval.LoadSQuAD(path)
	if err != nil {
		return err
	}
	var keep func(int) bool
	switch split {
	case "":
	case "even", "odd":
		parity := 0
		if split == "odd" {
			parity = 1
		}
		keep = func(i int) bool { return i%2 == parity }
	default:
		return usageError{fmt.Errorf("--split must be even or odd, not %q", split)}
	}
	docs, qs := qaeval.SQuADCorpus(s, keep)
	ix, how, err := given.open(ctx, docs)
	if err != nil {
		return err
	}
	defer ix.Close()
	fmt.Fprintf(w, "SQuAD %s: %s\n", path, how)
	if split == "" {
		return evalSQuADHalves(ctx, w, ix, qs, qaeval.SQuADImpossible(s, nil), neverDecline)
	}
	var in, out []qaeval.Question
	for _, q := range qs {
		if q.Doc != "" {
			in = append(in, q)
		} else {
			out = append(out, q)
		}
	}
	rin, err := qaeval.RunDataset(ctx, ix, in, qaeval.QuoteContainsGold, neverDecline)
	if err != nil {
		return err
	}
	rout, err := qaeval.RunDataset(ctx, ix, out, qaeval.QuoteContainsGold, neverDecline)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "in-corpus questions      %d: answered %d (%s), quote@1 %s\n", rin.Questions, rin.Answered, qaeval.Pct(rin.Answered, rin.Questions), qaeval.Pct(rin.At1, rin.Questions))
	fmt.Fprintf(w, "out-of-corpus questions  %d: declined %d (%s)\n", rout.Questions, rout.Questions-rout.Answered, qaeval.Pct(rout.Questions-rout.Answered, rout.Questions))
	fmt.Fprintf(w, "verbatim                 %d/%d quotes\n", rin.Verbatim+rout.Verbatim, rin.Quotes+rout.Quotes)
	return nil
}

func evalCOVID(ctx context.Context, path string, neverDecline bool, given datasetIndex, w io.Writer) error {
	s, err := qaeval.LoadSQuAD(path)
	if err != nil {
		return err
	}
	docs, qs := qaeval.COVIDCorpus(s)
	ix, how, err := given.open(ctx, docs)
	if err != nil {
		return err
	}
	defer ix.Close()
	fmt.Fprintf(w, "COVID-QA %s: %s\n", path, how)
	rep, err := qaeval.RunDataset(ctx, ix, qs, qaeval.QuoteOverlapsSpan, neverDecline)
	if err != nil {
		return err
	}
	writeReport(w, rep, "quote overlaps the gold answer span")
	return nil
}

// evalSQuADHalves reports the whole corpus's questions, then those about
// the articles models are fitted on and those about the held-out ones
// (qaeval.FitArticle), and, for SQuAD v2.0, how many of its unanswerable
// questions are declined.
func evalSQuADHalves(ctx context.Context, w io.Writer, ix qaeval.Index, qs, impossible []qaeval.Question, neverDecline bool) error {
	fit := func(q qaeval.Question) bool { return qaeval.FitArticle(q.Title) }
	held := func(q qaeval.Question) bool { return !qaeval.FitArticle(q.Title) }
	asked, err := qaeval.AskAll(ctx, ix, qs, neverDecline)
	if err != nil {
		return err
	}
	rep, err := asked.Report(ix, qaeval.QuoteContainsGold, nil)
	if err != nil {
		return err
	}
	writeReport(w, rep, "quote contains a gold answer")
	for _, h := range []struct {
		name string
		keep func(qaeval.Question) bool
	}{{"fitted articles", fit}, {"held-out articles", held}} {
		r, err := asked.Report(ix, qaeval.QuoteContainsGold, h.keep)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-18s %5d: quote@1 %s  quote@5 %s  answered %s  short right %s wrong %s\n", h.name, r.Questions,
			qaeval.Pct(r.At1, r.Questions), qaeval.Pct(r.At5, r.Questions), qaeval.Pct(r.Answered, r.Questions),
			qaeval.Pct(r.ShortRight, r.Questions), qaeval.Pct(r.ShortWrong, r.Questions))
	}
	if len(impossible) == 0 {
		return nil
	}
	asked, err = qaeval.AskAll(ctx, ix, impossible, neverDecline)
	if err != nil {
		return err
	}
	for _, h := range []struct {
		name string
		keep func(qaeval.Question) bool
	}{{"unanswerable", nil}, {"  fitted articles", fit}, {"  held-out", held}} {
		r, err := asked.Report(ix, qaeval.QuoteContainsGold, h.keep)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-18s %5d: declined %d (%s)\n", h.name, r.Questions, r.Questions-r.Answered, qaeval.Pct(r.Questions-r.Answered, r.Questions))
	}
	return nil
}

func writeReport(w io.Writer, r qaeval.DatasetReport, criterion string) {
	fmt.Fprintf(w, "questions   %d (right = %s)\n", r.Questions, criterion)
	fmt.Fprintf(w, "quote@1     %d  %s\n", r.At1, qaeval.Pct(r.At1, r.Questions))
	fmt.Fprintf(w, "quote@5     %d  %s\n", r.At5, qaeval.Pct(r.At5, r.Questions))
	fmt.Fprintf(w, "answered    %d  %s\n", r.Answered, qaeval.Pct(r.Answered, r.Questions))
	fmt.Fprintf(w, "short       %d right (%s), %d wrong (%s)\n", r.ShortRight, qaeval.Pct(r.ShortRight, r.Questions), r.ShortWrong, qaeval.Pct(r.ShortWrong, r.Questions))
	fmt.Fprintf(w, "verbatim    %d/%d quotes\n", r.Verbatim, r.Quotes)
	if r.Answered > 0 {
		fmt.Fprintf(w, "first quote %d bytes on average\n", r.QuoteBytes/max(1, r.Answered))
	}
	fmt.Fprintf(w, "latency     p50 %s  p90 %s  p99 %s (2 workers)\n", r.P50.Round(time.Microsecond), r.P90.Round(time.Microsecond), r.P99.Round(time.Microsecond))
}

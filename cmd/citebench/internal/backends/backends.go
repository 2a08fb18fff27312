// Package backends measures citebot on its two search backends side by
// side — the embedded Bleve index and an OpenSearch cluster — on the same
// corpus and questions: indexing passages/s, answer latency with one
// asker and with several, answers/s, quote@1, and how often the two give
// the same decision and first quote. It is `citebench backends`; the
// sizing advice in BENCHMARKS.md comes from it.
//
// Unlike the peer benchmark, both backends run in this process: the
// cluster is another process anyway (its memory and CPU are its own),
// and what is compared is the answer path through each backend.
package backends

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/citebot/citebot/cmd/citebench/internal/citebot"
	"github.com/citebot/citebot/cmd/citebench/internal/corpus"
	"github.com/citebot/citebot/cmd/citebench/internal/stats"
)

// Options are `citebench backends`' settings.
type Options struct {
	Source corpus.Source
	Sizes  []corpus.Size
	// OpenSearch is the cluster's base URL (http[s]://HOST:PORT); each
	// corpus is indexed under the alias PREFIX-SIZE there (Prefix
	// "citebench" when empty).
	OpenSearch string
	Prefix     string
	Shards     int
	Replicas   int
	// Questions per corpus, a fixed sample (0: all); Clients ask at once
	// for the concurrent figures.
	Questions int
	Clients   int
	// Work holds the Bleve indexes; Keep leaves them, and the cluster's
	// indexes, in place.
	Work string
	Keep bool
	Log  io.Writer
}

// Result is one backend on one corpus.
type Result struct {
	Corpus   string `json:"corpus"`
	Backend  string `json:"backend"`
	Passages int    `json:"passages"`
	// IndexSeconds is the whole build: analysis, writing and (for
	// OpenSearch) the refresh and alias move.
	IndexSeconds   float64 `json:"index_seconds"`
	PassagesPerSec float64 `json:"passages_per_second"`
	// Serial is one question at a time; Concurrent is Clients at once,
	// with AnswersPerSec the rate they reached.
	Serial        stats.Latency `json:"serial"`
	Concurrent    stats.Latency `json:"concurrent"`
	AnswersPerSec float64       `json:"answers_per_second"`
	Quote1        float64       `json:"quote_at_1"`
	Answered      float64       `json:"answered"`
	// SameAsBleve is the share of questions given the same decision and
	// first quote as the Bleve backend (OpenSearch only); SameTextAsBleve
	// counts a first quote of the same words from another document as the
	// same (corpora with repeated sentences tie, and which of equals
	// makes the cut is arbitrary in either engine).
	SameAsBleve     float64 `json:"same_as_bleve,omitempty"`
	SameTextAsBleve float64 `json:"same_text_as_bleve,omitempty"`
}

// The backends, by the names the report uses.
const (
	Bleve      = "bleve"
	OpenSearch = "opensearch"
)

// Run measures every size on both backends and returns the results in
// order (Bleve then OpenSearch for each corpus).
func Run(ctx context.Context, o Options) ([]Result, error) {
	if o.OpenSearch == "" {
		return nil, errors.New("backends: no OpenSearch URL given")
	}
	if o.Clients < 1 {
		o.Clients = 1
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	work := o.Work
	if work == "" {
		dir, err := os.MkdirTemp("", "citebench-backends-")
		if err != nil {
			return nil, fmt.Errorf("backends: work folder: %w", err)
		}
		work = dir
		if !o.Keep {
			defer os.RemoveAll(dir)
		}
	}
	var out []Result
	for _, sz := range o.Sizes {
		c, err := o.Source.Load(ctx, sz)
		if err != nil {
			return nil, err
		}
		qs := corpus.Sample(c.Questions, o.Questions, o.Source.Seed)
		fmt.Fprintf(o.Log, "%s: %d documents, %d questions\n", c.Name, len(c.Docs), len(qs))

		dir := filepath.Join(work, "bleve-"+c.Name)
		bl, blAnswers, err := measure(ctx, o, c.Name, Bleve, qs,
			func(ctx context.Context) (int, error) { return citebot.Build(ctx, dir, c.Docs) },
			func(ctx context.Context) (asker, error) { return citebot.Open(dir) })
		if err != nil {
			return nil, err
		}
		if !o.Keep {
			os.RemoveAll(dir)
		}
		out = append(out, bl)

		prefix := o.Prefix
		if prefix == "" {
			prefix = "citebench"
		}
		url := o.OpenSearch + "/" + prefix + "-" + c.Name
		target := citebot.OpenSearchTarget{URL: url, Shards: o.Shards, Replicas: o.Replicas}
		osr, osAnswers, err := measure(ctx, o, c.Name, OpenSearch, qs,
			func(ctx context.Context) (int, error) { return citebot.BuildOpenSearch(ctx, target, c.Docs) },
			func(ctx context.Context) (asker, error) { return citebot.OpenOpenSearch(ctx, url) })
		if !o.Keep {
			if derr := citebot.DropOpenSearch(context.WithoutCancel(ctx), url); derr != nil {
				err = errors.Join(err, derr)
			}
		}
		if err != nil {
			return nil, err
		}
		same, sameText := 0, 0
		for i := range qs {
			if sameAnswer(blAnswers[i], osAnswers[i], false) {
				same++
			}
			if sameAnswer(blAnswers[i], osAnswers[i], true) {
				sameText++
			}
		}
		osr.SameAsBleve = float64(same) / float64(max(1, len(qs)))
		osr.SameTextAsBleve = float64(sameText) / float64(max(1, len(qs)))
		out = append(out, osr)
	}
	return out, nil
}

// asker is an open index on either backend.
type asker interface {
	Ask(ctx context.Context, question string, top int) (citebot.Answer, error)
	Close() error
}

// top is how many citations each answer carries, as in the peer
// benchmark.
const top = 5

// measure builds one backend's index, then asks every question once
// serially (latency, quote@1, the answers kept for comparison) and once
// with o.Clients askers at a time (latency under load, answers/s).
func measure(ctx context.Context, o Options, corpusName, backend string, qs []corpus.Question,
	build func(context.Context) (int, error), open func(context.Context) (asker, error)) (Result, []citebot.Answer, error) {
	r := Result{Corpus: corpusName, Backend: backend}
	start := time.Now()
	n, err := build(ctx)
	if err != nil {
		return r, nil, fmt.Errorf("%s on %s: build: %w", backend, corpusName, err)
	}
	r.Passages = n
	r.IndexSeconds = time.Since(start).Seconds()
	r.PassagesPerSec = float64(n) / r.IndexSeconds
	fmt.Fprintf(o.Log, "  %s: %d passages indexed in %.1fs\n", backend, n, r.IndexSeconds)

	ix, err := open(ctx)
	if err != nil {
		return r, nil, fmt.Errorf("%s on %s: open: %w", backend, corpusName, err)
	}
	defer ix.Close()

	answers := make([]citebot.Answer, len(qs))
	serial := make([]time.Duration, len(qs))
	right, answered := 0, 0
	for i, q := range qs {
		t := time.Now()
		a, err := ix.Ask(ctx, q.Question, top)
		if err != nil {
			return r, nil, fmt.Errorf("%s on %s: ask %q: %w", backend, corpusName, q.Question, err)
		}
		serial[i] = time.Since(t)
		answers[i] = a
		if a.Answered {
			answered++
			if len(a.Citations) > 0 && q.Right(quoteOf(a.Citations[0])) {
				right++
			}
		}
	}
	r.Serial = stats.Summarize(serial)
	r.Quote1 = float64(right) / float64(max(1, len(qs)))
	r.Answered = float64(answered) / float64(max(1, len(qs)))

	concurrent := make([]time.Duration, len(qs))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, o.Clients)
	start = time.Now()
	for w := range o.Clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(qs) {
					return
				}
				t := time.Now()
				if _, err := ix.Ask(ctx, qs[i].Question, top); err != nil {
					errs[w] = fmt.Errorf("%s on %s: ask %q: %w", backend, corpusName, qs[i].Question, err)
					return
				}
				concurrent[i] = time.Since(t)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return r, nil, err
	}
	r.AnswersPerSec = float64(len(qs)) / time.Since(start).Seconds()
	r.Concurrent = stats.Summarize(concurrent)
	fmt.Fprintf(o.Log, "  %s: p50 %s p99 %s serial; %.0f answers/s with %d askers\n",
		backend, stats.FormatDuration(r.Serial.P50), stats.FormatDuration(r.Serial.P99), r.AnswersPerSec, o.Clients)
	return r, answers, nil
}

func quoteOf(c citebot.Citation) corpus.Quote {
	return corpus.Quote{Doc: c.Doc, Span: citebot.Span{Start: c.Start, End: c.End}, Text: c.Quote}
}

// sameAnswer: the same decision and, when answered, the same first quote
// (byText: the same words, wherever they come from).
func sameAnswer(a, b citebot.Answer, byText bool) bool {
	if a.Answered != b.Answered {
		return false
	}
	if !a.Answered || len(a.Citations) == 0 || len(b.Citations) == 0 {
		return len(a.Citations) == len(b.Citations)
	}
	x, y := a.Citations[0], b.Citations[0]
	if byText {
		return x.Quote == y.Quote
	}
	return x.Doc == y.Doc && x.Start == y.Start
}

// WriteTable writes the results as a Markdown table.
func WriteTable(w io.Writer, rs []Result, clients int) error {
	fmt.Fprintf(w, "| corpus | backend | passages | indexing | passages/s | p50 | p99 | p50 / p99 at %d askers | answers/s at %d | quote@1 | answered | same as Bleve (same words) |\n", clients, clients)
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rs {
		same := "—"
		if r.Backend == OpenSearch {
			same = fmt.Sprintf("%s (%s)", stats.Percent(100*r.SameAsBleve), stats.Percent(100*r.SameTextAsBleve))
		}
		_, err := fmt.Fprintf(w, "| %s | %s | %s | %.1f s | %s | %s | %s | %s / %s | %s | %s | %s | %s |\n",
			r.Corpus, r.Backend, stats.Thousands(r.Passages), r.IndexSeconds, stats.Count(r.PassagesPerSec),
			stats.FormatDuration(r.Serial.P50), stats.FormatDuration(r.Serial.P99),
			stats.FormatDuration(r.Concurrent.P50), stats.FormatDuration(r.Concurrent.P99),
			stats.Count(r.AnswersPerSec), stats.Percent(100*r.Quote1), stats.Percent(100*r.Answered), same)
		if err != nil {
			return err
		}
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/ingest"
	"github.com/citebot/citebot/retrieval/opensearchindex"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
)

func newIndexCmd(stdout, stderr io.Writer) *cobra.Command {
	var dirs []string
	var path string
	var rebuild, watch, prune bool
	var debounce time.Duration
	cmd := &cobra.Command{
		Use:   "index --corpus [NAME=]DIR… --index PATH|URL [--watch] [--rebuild] [--prune]",
		Short: "Build or update a persisted index (atomically replacing the one at PATH or URL)",
		Long: `Index the documents under each --corpus folder into PATH (a Bleve index folder)
or URL (http[s]://HOST:PORT/NAME: the alias NAME on an OpenSearch cluster, each
generation physical indexes behind it; more nodes, credentials and the shard
layout come from the opensearch section of the configuration). Each folder is
a collection, named after the folder unless given as NAME=DIR.

Re-running on an existing index compares every document's content hash with
what the index holds and re-indexes only documents that were added, changed
or removed; the summary says how many of each. Only the collections named
are touched: documents of other collections the index holds are kept (the
summary names them); --prune removes them instead. Questions keep being answered
from the previous generation until the new one is swapped in atomically, and
a build that is killed midway leaves the previous generation serving.

--watch keeps running: it watches the folders and updates the index a moment
(--debounce) after files change, until interrupted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if path == "" {
				return usageError{errors.New("--index PATH is required")}
			}
			if len(dirs) == 0 {
				return usageError{errors.New("--corpus DIR is required (repeatable)")}
			}
			corpora, err := parseCorpora(dirs)
			if err != nil {
				return usageError{err}
			}
			log := stderrLogger(stderr)
			ix := indexer{corpora: corpora, path: path, rebuild: rebuild, prune: prune, stdout: stdout, stderr: stderr, log: log}
			if osclient.IsURL(path) {
				cf := corpusFlags{cmd: cmd}
				t, err := cf.openSearchTarget(cmd.Context(), path)
				if err != nil {
					return err
				}
				ix.target = &t
			}
			if err := ix.run(cmd.Context()); err != nil {
				return err
			}
			if !watch {
				return nil
			}
			ix.rebuild = false
			log.Info("watching for changes", "corpus", strings.Join(dirs, ", "), "index", summaryWhere(path))
			folders := make([]string, len(corpora))
			for i, c := range corpora {
				folders[i] = c.Dir
			}
			return ingest.Watch(cmd.Context(), folders, debounce, func(ctx context.Context) {
				if err := ix.run(ctx); err != nil && ctx.Err() == nil {
					log.Error("update index", "index", summaryWhere(path), "error", err)
				}
			})
		},
	}
	cmd.Flags().StringArrayVar(&dirs, "corpus", nil, "index the documents under `[NAME=]DIR` as collection NAME (default: the folder's name); repeatable")
	cmd.Flags().StringVar(&path, "index", "", "write the index to `PATH`, or to the OpenSearch index http[s]://HOST:PORT/NAME")
	cmd.Flags().BoolVar(&rebuild, "rebuild", false, "re-index every document of the named collections instead of only the changed ones")
	cmd.Flags().BoolVar(&prune, "prune", false, "remove the collections the index holds that no --corpus names")
	cmd.Flags().BoolVar(&watch, "watch", false, "keep running and update the index when files change")
	cmd.Flags().DurationVar(&debounce, "debounce", ingest.DefaultDebounce, "with --watch, wait this long after the last change before updating")
	return cmd
}

// indexer runs one index update: load, diff, write, report.
type indexer struct {
	corpora []ingest.Corpus
	path    string
	rebuild bool
	// prune makes the index hold only the named collections; without
	// it, the index's other collections are kept.
	prune  bool
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
	// target is the OpenSearch index when path is a URL.
	target *opensearchindex.Target
}

func (x indexer) run(ctx context.Context) error {
	start := time.Now()
	docs, err := loadCorpora(ctx, x.corpora, x.log, newProgress(x.stderr, x.log, "reading"))
	if err != nil {
		return err
	}
	progress := newProgress(x.stderr, x.log, "indexing")
	var st retrieval.BuildStats
	opts := retrieval.UpdateOptions{Collections: x.collections(), Rebuild: x.rebuild}
	if x.prune {
		opts.Collections = nil // the corpora are the whole index
	}
	switch {
	case x.prune && x.rebuild && x.target != nil:
		st, err = opensearchindex.Build(ctx, *x.target, docs, progress)
	case x.prune && x.rebuild:
		st, err = bleveindex.Build(ctx, x.path, docs, progress)
	case x.target != nil:
		st, err = opensearchindex.UpdateWith(ctx, *x.target, docs, progress, opts)
	default:
		st, err = bleveindex.UpdateWith(ctx, x.path, docs, progress, opts)
	}
	if err != nil {
		if x.target != nil {
			return err // says which index already
		}
		return fmt.Errorf("index %s: %w", x.path, err)
	}
	if _, err := fmt.Fprintln(x.stdout, summary(summaryWhere(x.path), st, time.Since(start))); err != nil {
		return err
	}
	if st.Kept > 0 {
		docs := "documents"
		if st.Kept == 1 {
			docs = "document"
		}
		_, err = fmt.Fprintf(x.stdout, "kept %d %s of collections not named: %s (--prune removes them)\n", st.Kept, docs, strings.Join(st.KeptCollections, ", "))
	}
	return err
}

// collections names the collections the corpora form.
func (x indexer) collections() []string {
	out := make([]string, 0, len(x.corpora))
	for _, c := range x.corpora {
		name := c.Collection
		if name == "" {
			name = ingest.CollectionName(c.Dir)
		}
		out = append(out, name)
	}
	return out
}

// summary is the line `citebot index` ends with.
func summary(path string, st retrieval.BuildStats, took time.Duration) string {
	s := fmt.Sprintf("index %s: %d added, %d changed, %d removed, %d unchanged; %d documents, %d passages in %s",
		path, st.Added, st.Changed, st.Removed, st.Unchanged, st.Documents, st.Passages, took.Round(time.Millisecond))
	if !st.Wrote {
		s += " (up to date, nothing re-indexed)"
	}
	return s
}

// parseCorpora reads --corpus values: DIR, or NAME=DIR to name the
// collection (a value that is an existing path is always a DIR), as the
// configuration's corpus entries are read (config.SplitCorpus).
func parseCorpora(args []string) ([]ingest.Corpus, error) {
	out := make([]ingest.Corpus, 0, len(args))
	for _, a := range args {
		name, dir, err := config.SplitCorpus(a)
		if err != nil {
			return nil, fmt.Errorf("--corpus %q: want DIR or NAME=DIR", a)
		}
		out = append(out, ingest.Corpus{Dir: dir, Collection: name})
	}
	return out, nil
}

// loadCorpora loads corpus folders, logging each skipped file; a corpus
// with no documents at all is an error.
func loadCorpora(ctx context.Context, corpora []ingest.Corpus, log *slog.Logger, progress retrieval.Progress) ([]retrieval.Document, error) {
	docs, errs := ingest.LoadCorpora(ctx, corpora, progress)
	for _, e := range errs {
		log.Warn("skipped", "error", e)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		dirs := make([]string, len(corpora))
		for i, c := range corpora {
			dirs[i] = c.Dir
		}
		return nil, fmt.Errorf("no documents found under %s (citebot reads .txt, .md, .html, .pdf, .docx and .jsonl files)", strings.Join(dirs, ", "))
	}
	return docs, nil
}

// progressLogInterval is how often progress is logged when stderr is not a
// terminal.
const progressLogInterval = 5 * time.Second

// newProgress reports a phase's progress: a bar with rate and ETA when
// stderr is a terminal, else a log line every progressLogInterval (and one
// at the end of long phases). Workers call it concurrently.
func newProgress(stderr io.Writer, log *slog.Logger, phase string) retrieval.Progress {
	if isTerminal(stderr) {
		return barProgress(stderr, phase, time.Now)
	}
	return logProgress(log, phase, progressLogInterval, time.Now)
}

// barProgress draws a bar with the count, a rate and an ETA. The rate is
// citebot's own, timed from the phase's first call (the loaders make it
// with nothing done yet) and shown once a second has passed: the bar
// library times from its first drawing, so its first rate was one
// document over microseconds, tens of millions a second.
func barProgress(stderr io.Writer, phase string, now func() time.Time) retrieval.Progress {
	var mu sync.Mutex
	var bar *progressbar.ProgressBar
	var start time.Time
	high := -1
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		t := now()
		if bar == nil {
			start = t
			bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(stderr),
				progressbar.OptionSetDescription(phase),
				progressbar.OptionShowCount(),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
			)
		}
		if done <= high {
			return
		}
		high = done
		bar.Describe(rateNote(phase, done, total, t.Sub(start)))
		_ = bar.Set(done)
		if done >= total {
			_ = bar.Finish()
		}
	}
}

// rateNote is a bar's description: the phase, then, once a second has
// passed, documents a second and the time left.
func rateNote(phase string, done, total int, elapsed time.Duration) string {
	if elapsed < time.Second || done <= 0 {
		return phase
	}
	rate := float64(done) / elapsed.Seconds()
	note := fmt.Sprintf("%s %.0f docs/s", phase, rate)
	if done < total {
		note += fmt.Sprintf(", %s left", (time.Duration(float64(total-done) / rate * float64(time.Second))).Round(time.Second))
	}
	return note
}

// logProgress logs "phase done/total, rate, eta" at most every interval.
func logProgress(log *slog.Logger, phase string, interval time.Duration, now func() time.Time) retrieval.Progress {
	var mu sync.Mutex
	var start, last time.Time
	high := 0
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		t := now()
		if start.IsZero() {
			start, last = t, t
		}
		if done <= high {
			return
		}
		high = done
		finished := done >= total
		if t.Sub(last) < interval && !(finished && t.Sub(start) >= interval) {
			return
		}
		last = t
		elapsed := t.Sub(start).Seconds()
		attrs := []any{"done", done, "total", total}
		if elapsed > 0 {
			rate := float64(done) / elapsed
			attrs = append(attrs, "per_second", fmt.Sprintf("%.1f", rate))
			if rate > 0 && !finished {
				attrs = append(attrs, "eta", (time.Duration(float64(total-done) / rate * float64(time.Second))).Round(time.Second).String())
			}
		}
		log.Info(phase, attrs...)
	}
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/bleveindex"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/qaeval"
)

// A phase is one measured step, run in a process of its own so that its
// peak resident memory is its own: indexing with each system, and asking
// with each. The parent (bench.go) starts `citebench phase -phase NAME …`
// and reads the phaseResult it prints as JSON.
const (
	phaseIndexCitebot = "index-citebot"
	phaseIndexBleve   = "index-bleve"
	phaseIndexFTS     = "index-fts5"
	phaseAskCitebot   = "ask-citebot"
	phaseAskBleve     = "ask-bleve"
	phaseAskFTS       = "ask-fts5"
)

var allPhases = []string{phaseIndexCitebot, phaseIndexBleve, phaseIndexFTS, phaseAskCitebot, phaseAskBleve, phaseAskFTS}

// phaseResult is what one phase measured. Durations are nanoseconds in
// JSON.
type phaseResult struct {
	Phase string `json:"phase"`

	// Indexing phases.
	Documents    int     `json:"documents,omitempty"`
	Passages     int     `json:"passages,omitempty"`
	IndexSeconds float64 `json:"index_seconds,omitempty"`
	// IndexCPUSeconds is the process's user+system CPU time while
	// indexing: on a shared machine it moves less than wall time.
	IndexCPUSeconds float64 `json:"index_cpu_seconds,omitempty"`
	DiskBytes       int64   `json:"disk_bytes,omitempty"`

	// Asking phases: latency of one question at a time, throughput with
	// the Go scheduler on one and on two cores, and quality.
	Questions int           `json:"questions,omitempty"`
	P50       time.Duration `json:"p50_ns,omitempty"`
	P90       time.Duration `json:"p90_ns,omitempty"`
	P99       time.Duration `json:"p99_ns,omitempty"`
	Mean      time.Duration `json:"mean_ns,omitempty"`
	PerSec1   float64       `json:"per_sec_1core,omitempty"`
	PerSec2   float64       `json:"per_sec_2cores,omitempty"`
	At1       int           `json:"quote_at_1"`
	At5       int           `json:"quote_at_5"`
	Answered  int           `json:"answered,omitempty"` // citebot: not declined

	// PeakRSS is the phase's peak resident set (VmHWM), in bytes.
	PeakRSS int64 `json:"peak_rss_bytes,omitempty"`

	// Load is the machine's 1-minute load average when the phase ended:
	// above the core count, other work was competing for the CPU.
	Load float64 `json:"load_average,omitempty"`

	// Runs is how many runs the figures are the median of (-runs).
	Runs int `json:"runs,omitempty"`
}

// PassagesPerCPUSec is the indexing throughput per CPU-second.
func (r *phaseResult) PassagesPerCPUSec() float64 {
	if r == nil || r.IndexCPUSeconds <= 0 {
		return 0
	}
	return float64(r.Passages) / r.IndexCPUSeconds
}

// PassagesPerSec is the indexing throughput.
func (r *phaseResult) PassagesPerSec() float64 {
	if r == nil || r.IndexSeconds <= 0 {
		return 0
	}
	return float64(r.Passages) / r.IndexSeconds
}

// phaseOptions are the flags of `citebench phase`.
type phaseOptions struct {
	phase     string
	docs      string // gob of []retrieval.Document (indexing phases)
	questions string // gob of []question (asking phases)
	dir       string // the index folder, or the SQLite file
	warmup    int
	profile   string // CPU profile of the measured part
	qpsTime   time.Duration
}

func runPhase(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("citebench phase", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o phaseOptions
	fl.StringVar(&o.phase, "phase", "", "the phase to run")
	fl.StringVar(&o.docs, "docs", "", "documents (gob)")
	fl.StringVar(&o.questions, "questions", "", "questions (gob)")
	fl.StringVar(&o.dir, "dir", "", "index folder or SQLite file")
	fl.IntVar(&o.warmup, "warmup", 100, "questions asked before measuring")
	fl.DurationVar(&o.qpsTime, "qps-time", 5*time.Second, "how long to measure answers/s, on each core count")
	fl.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of the measured part to `FILE`")
	if err := fl.Parse(args); err != nil {
		return usageError{err}
	}
	if o.dir == "" {
		return usageError{errors.New("phase: -dir is required")}
	}
	var res *phaseResult
	var err error
	switch o.phase {
	case phaseIndexCitebot, phaseIndexBleve, phaseIndexFTS:
		res, err = indexPhase(ctx, o)
	case phaseAskCitebot, phaseAskBleve, phaseAskFTS:
		res, err = askPhase(ctx, o)
	default:
		return usageError{fmt.Errorf("unknown phase %q", o.phase)}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", o.phase, err)
	}
	if res.PeakRSS == 0 {
		res.PeakRSS = peakRSS()
	}
	res.Load = loadAverage()
	return json.NewEncoder(stdout).Encode(res)
}

// profiled runs f under the CPU profiler when path is set.
func profiled(path string, f func() error) error {
	if path == "" {
		return f()
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return err
	}
	ferr := f()
	pprof.StopCPUProfile()
	return errors.Join(ferr, out.Close())
}

func indexPhase(ctx context.Context, o phaseOptions) (*phaseResult, error) {
	var docs []retrieval.Document
	if err := readGob(o.docs, &docs); err != nil {
		return nil, err
	}
	res := &phaseResult{Phase: o.phase, Documents: len(docs)}
	var measure func() error
	switch o.phase {
	case phaseIndexCitebot:
		measure = func() error {
			st, err := bleveindex.Build(ctx, o.dir, docs, nil)
			res.Passages = st.Passages
			return err
		}
	case phaseIndexBleve:
		// Segmenting is citebot's work, not Bleve's: it is done before
		// the clock starts, and passages are batched as citebot batches
		// them (256 documents a batch).
		segs := segmentAll(docs)
		var batches [][]BaselinePassage
		for start := 0; start < len(docs); start += 256 {
			var b []BaselinePassage
			for i := start; i < min(start+256, len(docs)); i++ {
				for k, p := range segs[i] {
					b = append(b, BaselinePassage{Doc: docs[i].ID, Passage: k, Text: docs[i].Text[p.Start:p.End]})
				}
			}
			batches = append(batches, b)
		}
		measure = func() error {
			n, err := BuildBleveBaseline(ctx, o.dir, batches)
			res.Passages = n
			return err
		}
	case phaseIndexFTS:
		segs := segmentAll(docs)
		var rows []ftsPassage
		for i, ps := range segs {
			for k, p := range ps {
				rows = append(rows, ftsPassage{text: docs[i].Text[p.Start:p.End], doc: docs[i].ID, ord: k, start: p.Start})
			}
		}
		measure = func() error {
			db, err := openFTS(o.dir, true)
			if err != nil {
				return err
			}
			err = buildFTS(ctx, db, rows)
			res.Passages = len(rows)
			return errors.Join(err, db.Close())
		}
	}
	runtime.GC()
	cpu0 := cpuSeconds()
	start := time.Now()
	if err := profiled(o.profile, measure); err != nil {
		return nil, err
	}
	res.IndexSeconds = time.Since(start).Seconds()
	res.IndexCPUSeconds = cpuSeconds() - cpu0
	size, err := diskSize(o.dir)
	if err != nil {
		return nil, err
	}
	res.DiskBytes = size
	return res, nil
}

// system is one thing being measured: ask runs one question as the system
// would serve it (timed); units then turns its result into the quotes it
// offers, best first (not timed).
type system struct {
	ask   func(ctx context.Context, q string) (any, error)
	units func(q *question, res any) ([]unit, error)
	close func() error
}

func askPhase(ctx context.Context, o phaseOptions) (*phaseResult, error) {
	var qs []question
	if err := readGob(o.questions, &qs); err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, errors.New("no questions")
	}
	var sys system
	var err error
	switch o.phase {
	case phaseAskCitebot:
		sys, err = citebotSystem(o.dir)
	case phaseAskBleve:
		sys, err = bleveSystem(o.dir)
	case phaseAskFTS:
		sys, err = ftsSystem(o.dir)
	}
	if err != nil {
		return nil, err
	}
	defer sys.close()
	res := &phaseResult{Phase: o.phase, Questions: len(qs)}

	for i := range min(o.warmup, len(qs)) {
		if _, err := sys.ask(ctx, qs[i].Question); err != nil {
			return nil, err
		}
	}
	out := make([]any, len(qs))
	lat := make([]time.Duration, len(qs))
	err = profiled(o.profile, func() error {
		for i := range qs {
			start := time.Now()
			r, err := sys.ask(ctx, qs[i].Question)
			lat[i] = time.Since(start)
			if err != nil {
				return fmt.Errorf("question %s: %w", qs[i].ID, err)
			}
			out[i] = r
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var total time.Duration
	for _, d := range lat {
		total += d
	}
	res.Mean = total / time.Duration(len(lat))
	res.P50, res.P90, res.P99 = qaeval.Percentile(lat, 50), qaeval.Percentile(lat, 90), qaeval.Percentile(lat, 99)
	if res.PerSec1, err = throughput(ctx, 1, o.qpsTime, qs, sys.ask); err != nil {
		return nil, err
	}
	if res.PerSec2, err = throughput(ctx, 2, o.qpsTime, qs, sys.ask); err != nil {
		return nil, err
	}
	// Peak memory of serving, before the baselines' quote cutting loads
	// document texts it does not need for answering.
	res.PeakRSS = peakRSS()
	for i := range qs {
		us, err := sys.units(&qs[i], out[i])
		if err != nil {
			return nil, err
		}
		if a, ok := out[i].(retrieval.Answer); ok && a.Answered {
			res.Answered++
		}
		for k, u := range us {
			if k == 5 {
				break
			}
			if qs[i].right(u) {
				if k == 0 {
					res.At1++
				}
				res.At5++
				break
			}
		}
	}
	return res, nil
}

// throughput asks the questions over and over from 2×procs goroutines,
// with the Go scheduler limited to procs cores, for about d, and returns
// answers per second.
func throughput(ctx context.Context, procs int, d time.Duration, qs []question, ask func(context.Context, string) (any, error)) (float64, error) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	var next, done atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, 2*procs)
	start := time.Now()
	deadline := start.Add(d)
	for w := range 2 * procs {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				i := int(next.Add(1)) - 1
				if _, err := ask(ctx, qs[i%len(qs)].Question); err != nil {
					errs[w] = err
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	return float64(done.Load()) / time.Since(start).Seconds(), nil
}

// citebotSystem answers with citebot itself from the persisted index: the
// full answer (retrieve, rank sentences, cut quotes, cite), five
// citations.
func citebotSystem(dir string) (system, error) {
	ix, err := bleveindex.Open(dir)
	if err != nil {
		return system{}, err
	}
	eng := answer.New(retrieval.NewLive(ix))
	return system{
		ask: func(ctx context.Context, q string) (any, error) {
			return eng.Ask(ctx, q, retrieval.AskOptions{Top: 5})
		},
		units: func(_ *question, res any) ([]unit, error) {
			a := res.(retrieval.Answer)
			us := make([]unit, 0, len(a.Citations))
			for _, c := range a.Citations {
				us = append(us, unit{Doc: c.Doc, Span: retrieval.Span{Start: c.Start, End: c.End}, Quote: c.Quote})
			}
			return us, nil
		},
		close: eng.Close,
	}, nil
}

// bleveSystem is raw Bleve: a plain match query on citebot's persisted
// index, the five best passages. Quotes are cut afterwards, untimed.
func bleveSystem(dir string) (system, error) {
	ix, err := bleveindex.Open(dir)
	if err != nil {
		return system{}, err
	}
	gen, err := bleveindex.CurrentGeneration(dir)
	if err != nil {
		ix.Close()
		return system{}, err
	}
	bi, err := bleve.OpenUsing(filepath.Join(dir, "gens", gen, "bleve"), map[string]interface{}{"read_only": true})
	if err != nil {
		ix.Close()
		return system{}, fmt.Errorf("open bleve index: %w", err)
	}
	return system{
		ask: func(ctx context.Context, q string) (any, error) {
			return matchPassages(ctx, bi, q, 5)
		},
		units: func(q *question, res any) ([]unit, error) {
			qw := contentWords(q.Question)
			var us []unit
			for _, m := range res.([]PassageMatch) {
				d, err := ix.Document(context.Background(), m.Doc)
				if err != nil {
					return nil, err
				}
				text, ps := d.Text, d.Passages
				if m.Passage >= len(ps) {
					return nil, fmt.Errorf("%s has no passage %d", m.Doc, m.Passage)
				}
				p := ps[m.Passage]
				sp := bestSentence(text, p.Span, p.Sentences, qw)
				us = append(us, unit{Doc: m.Doc, Span: sp, Quote: text[sp.Start:sp.End]})
			}
			return us, nil
		},
		close: func() error { return errors.Join(bi.Close(), ix.Close()) },
	}, nil
}

// ftsSystem is SQLite FTS5: bm25 over the same passages, the five best.
// Quotes are cut afterwards, untimed, from the text FTS5 stores.
func ftsSystem(path string) (system, error) {
	db, err := openFTS(path, false)
	if err != nil {
		return system{}, err
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	query, err := db.Prepare(ftsQuery)
	if err != nil {
		db.Close()
		return system{}, fmt.Errorf("prepare query: %w", err)
	}
	textQ, err := db.Prepare(ftsText)
	if err != nil {
		db.Close()
		return system{}, fmt.Errorf("prepare query: %w", err)
	}
	return system{
		ask: func(ctx context.Context, q string) (any, error) {
			return searchFTS(ctx, query, q, 5)
		},
		units: func(q *question, res any) ([]unit, error) {
			qw := contentWords(q.Question)
			var us []unit
			for _, h := range res.([]ftsHit) {
				var text string
				var start int
				if err := textQ.QueryRow(h.rowid).Scan(&text, &start); err != nil {
					return nil, err
				}
				sp := bestSentence(text, retrieval.Span{End: len(text)}, nil, qw)
				us = append(us, unit{Doc: h.doc, Span: retrieval.Span{Start: start + sp.Start, End: start + sp.End}, Quote: text[sp.Start:sp.End]})
			}
			return us, nil
		},
		close: func() error { return errors.Join(query.Close(), textQ.Close(), db.Close()) },
	}, nil
}

// diskSize totals the sizes of the regular files under path (or of the
// file path).
func diskSize(path string) (int64, error) {
	var n int64
	err := filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("size of %s: %w", path, err)
	}
	return n, nil
}

// loadAverage is the 1-minute load average (/proc/loadavg); 0 where
// there is none.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	x, _ := strconv.ParseFloat(f[0], 64)
	return x
}

// peakRSS reads this process's peak resident set size (VmHWM) from
// /proc/self/status; 0 where there is none.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

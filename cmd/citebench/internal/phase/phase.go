// Package phase is one measured step of the benchmark — indexing a corpus
// with one system, or asking it the questions — run by `citebench phase`
// in a process of its own, so that its peak resident memory and its CPU
// profile are its own. The benchmark starts the process and reads the
// Result it prints as JSON.
package phase

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/citebot/citebot/cmd/citebench/internal/citebot"
	"github.com/citebot/citebot/cmd/citebench/internal/corpus"
	"github.com/citebot/citebot/cmd/citebench/internal/machine"
	"github.com/citebot/citebot/cmd/citebench/internal/peers"
	"github.com/citebot/citebot/cmd/citebench/internal/stats"
)

// The phases: index-SYSTEM and ask-SYSTEM for each of peers.Names.
const (
	indexPrefix = "index-"
	askPrefix   = "ask-"
)

// Index names a system's indexing phase.
func Index(system string) string { return indexPrefix + system }

// Ask names a system's asking phase.
func Ask(system string) string { return askPrefix + system }

// All lists every phase, indexing first.
func All() []string {
	var out []string
	for _, s := range peers.Names {
		out = append(out, Index(s))
	}
	for _, s := range peers.Names {
		out = append(out, Ask(s))
	}
	return out
}

// IsIndex reports whether name is an indexing phase.
func IsIndex(name string) bool { return strings.HasPrefix(name, indexPrefix) }

// System is the system a phase measures ("citebot" for ask-citebot).
func System(name string) string {
	return strings.TrimPrefix(strings.TrimPrefix(name, indexPrefix), askPrefix)
}

// Result is what one phase measured. Durations are nanoseconds in JSON.
type Result struct {
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
func (r *Result) PassagesPerCPUSec() float64 {
	if r == nil || r.IndexCPUSeconds <= 0 {
		return 0
	}
	return float64(r.Passages) / r.IndexCPUSeconds
}

// PassagesPerSec is the indexing throughput.
func (r *Result) PassagesPerSec() float64 {
	if r == nil || r.IndexSeconds <= 0 {
		return 0
	}
	return float64(r.Passages) / r.IndexSeconds
}

// Median is the median of each measured figure over runs of one phase
// (counts that do not vary, such as quote@k, from the first run).
func Median(runs []*Result) *Result {
	if len(runs) == 1 {
		return runs[0]
	}
	m := *runs[0]
	m.IndexSeconds = stats.MedianOf(runs, func(r *Result) float64 { return r.IndexSeconds })
	m.IndexCPUSeconds = stats.MedianOf(runs, func(r *Result) float64 { return r.IndexCPUSeconds })
	m.DiskBytes = stats.MedianOf(runs, func(r *Result) int64 { return r.DiskBytes })
	m.PeakRSS = stats.MedianOf(runs, func(r *Result) int64 { return r.PeakRSS })
	m.P50 = stats.MedianOf(runs, func(r *Result) time.Duration { return r.P50 })
	m.P90 = stats.MedianOf(runs, func(r *Result) time.Duration { return r.P90 })
	m.P99 = stats.MedianOf(runs, func(r *Result) time.Duration { return r.P99 })
	m.Mean = stats.MedianOf(runs, func(r *Result) time.Duration { return r.Mean })
	m.PerSec1 = stats.MedianOf(runs, func(r *Result) float64 { return r.PerSec1 })
	m.PerSec2 = stats.MedianOf(runs, func(r *Result) float64 { return r.PerSec2 })
	m.Load = stats.MedianOf(runs, func(r *Result) float64 { return r.Load })
	m.Runs = len(runs)
	return &m
}

// Options are the flags of `citebench phase`.
type Options struct {
	Phase     string
	Docs      string // gob of []citebot.Document (indexing phases)
	Questions string // gob of []corpus.Question (asking phases)
	Dir       string // the index folder, or the SQLite file
	Warmup    int
	Profile   string // CPU profile of the measured part
	QPSTime   time.Duration
}

// Run runs one phase in this process.
func Run(ctx context.Context, o Options) (*Result, error) {
	var res *Result
	var err error
	switch {
	case !slices.Contains(All(), o.Phase):
		return nil, fmt.Errorf("unknown phase %q", o.Phase)
	case IsIndex(o.Phase):
		res, err = index(ctx, o, System(o.Phase))
	default:
		res, err = ask(ctx, o, System(o.Phase))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Phase, err)
	}
	if res.PeakRSS == 0 {
		res.PeakRSS = machine.SelfMemory().PeakKB << 10
	}
	res.Load = machine.LoadAverage()
	return res, nil
}

// profiled runs f under the CPU profiler when path is set.
func profiled(path string, f func() error) error {
	if path == "" {
		return f()
	}
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return fmt.Errorf("cpu profile: %w", err)
	}
	ferr := f()
	pprof.StopCPUProfile()
	return errors.Join(ferr, out.Close())
}

func index(ctx context.Context, o Options, system string) (*Result, error) {
	var docs []citebot.Document
	if err := corpus.ReadGob(o.Docs, &docs); err != nil {
		return nil, err
	}
	res := &Result{Phase: o.Phase, Documents: len(docs)}
	b, err := peers.NewBuilder(system, o.Dir, docs)
	if err != nil {
		return nil, err
	}
	runtime.GC()
	cpu0 := machine.CPUSeconds()
	start := time.Now()
	err = profiled(o.Profile, func() error {
		n, err := b.Build(ctx)
		res.Passages = n
		return err
	})
	if err != nil {
		return nil, err
	}
	res.IndexSeconds = time.Since(start).Seconds()
	res.IndexCPUSeconds = machine.CPUSeconds() - cpu0
	if res.DiskBytes, err = diskSize(o.Dir); err != nil {
		return nil, err
	}
	return res, nil
}

func ask(ctx context.Context, o Options, system string) (*Result, error) {
	var qs []corpus.Question
	if err := corpus.ReadGob(o.Questions, &qs); err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, errors.New("no questions")
	}
	sys, err := peers.Open(system, o.Dir)
	if err != nil {
		return nil, err
	}
	defer sys.Close()
	res := &Result{Phase: o.Phase, Questions: len(qs)}

	for i := range min(o.Warmup, len(qs)) {
		if _, err := sys.Ask(ctx, qs[i].Question); err != nil {
			return nil, err
		}
	}
	out := make([]peers.Result, len(qs))
	lat := make([]time.Duration, len(qs))
	err = profiled(o.Profile, func() error {
		for i := range qs {
			start := time.Now()
			r, err := sys.Ask(ctx, qs[i].Question)
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
	l := stats.Summarize(lat)
	res.P50, res.P90, res.P99, res.Mean = l.P50, l.P90, l.P99, l.Mean
	if res.PerSec1, err = throughput(ctx, 1, o.QPSTime, qs, sys.Ask); err != nil {
		return nil, err
	}
	if res.PerSec2, err = throughput(ctx, 2, o.QPSTime, qs, sys.Ask); err != nil {
		return nil, err
	}
	// Peak memory of serving, before the peers' quote cutting reads
	// passage texts it does not need for answering.
	res.PeakRSS = machine.SelfMemory().PeakKB << 10
	for i := range qs {
		quotes, answered, err := sys.Quotes(qs[i].Question, out[i])
		if err != nil {
			return nil, err
		}
		if answered {
			res.Answered++
		}
		for k, q := range quotes[:min(5, len(quotes))] {
			if qs[i].Right(q) {
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
func throughput(ctx context.Context, procs int, d time.Duration, qs []corpus.Question, ask func(context.Context, string) (peers.Result, error)) (float64, error) {
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

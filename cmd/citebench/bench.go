package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/citebot/citebot/retrieval"
)

// benchOptions are the flags of a benchmark run.
type benchOptions struct {
	sizes     []size
	out       string
	work      string
	src       source
	questions int
	warmup    int
	qpsTime   time.Duration
	citebot   string // the citebot binary; built when empty
	startups  int    // start-up runs per size (0: skip)
	runs      int    // runs of each phase; the median of each figure is kept
	load      bool
	loadC     int
	loadN     int
	loadLog   string
	profile   bool
	keep      bool
	phases    map[string]bool // nil: all
}

func parseBench(args []string, stderr io.Writer) (*benchOptions, error) {
	fl := flag.NewFlagSet("citebench", flag.ContinueOnError)
	fl.SetOutput(stderr)
	o := &benchOptions{}
	sizes := fl.String("sizes", "squad,covid,100k", "corpora to measure, comma-separated: squad, covid, seeds, or a passage count (100k, 1m) for a corpus scaled up from real sentences")
	fl.StringVar(&o.out, "out", "bench-out", "write results.json, table.md, latency.png (and profiles) to `DIR`")
	fl.StringVar(&o.work, "work", "", "make corpora and indexes under `DIR` (default: the system's temporary folder); removed afterwards unless -keep")
	fl.StringVar(&o.src.shared, "shared", "../shared", "the shared data `DIR` (data/squad, data/covid-qa, qa)")
	fl.StringVar(&o.src.from, "scale-from", "squad+covid", "what scaled corpora are assembled from: squad+covid, or seeds (tiny, for tests)")
	fl.Uint64Var(&o.src.seed, "seed", 1, "seed of the corpus generator and the question sample")
	fl.IntVar(&o.questions, "questions", 2000, "questions per corpus, a fixed sample (0: all)")
	fl.IntVar(&o.warmup, "warmup", 100, "questions asked before measuring, per phase")
	fl.DurationVar(&o.qpsTime, "qps-time", 5*time.Second, "how long answers/s is measured, on one core and on two")
	fl.StringVar(&o.citebot, "citebot", "", "the citebot `BINARY` for start-up and HTTP load (default: go build it)")
	fl.IntVar(&o.runs, "runs", 1, "run every phase this many times and keep the median of each figure (the machine is shared: 3 for reported numbers)")
	fl.IntVar(&o.startups, "startups", 5, "start-up runs per corpus, median reported (0: skip)")
	fl.BoolVar(&o.load, "load", true, "also load-test POST /api/ask of citebot serve on the seeds")
	fl.IntVar(&o.loadC, "load-c", 64, "concurrent clients of the load test")
	fl.IntVar(&o.loadN, "load-n", 20000, "requests of the load test")
	fl.StringVar(&o.loadLog, "load-log-level", "info", "citebot serve's log level during the load test")
	fl.BoolVar(&o.profile, "cpuprofile", false, "write a CPU profile of every measured phase to DIR/profiles")
	fl.BoolVar(&o.keep, "keep", false, "keep the corpora and indexes")
	phases := fl.String("phases", "", "run only these phases, comma-separated (index-citebot, index-bleve, index-fts5, ask-citebot, ask-bleve, ask-fts5; an ask phase needs its index); default all")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: citebench [-sizes squad,covid,100k] [-out DIR] [flags]\n"+
			"       citebench load [-c 64] [-n 20000] URL\n\nflags:")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return nil, usageError{err}
	}
	if fl.NArg() > 0 {
		return nil, usageError{fmt.Errorf("unexpected argument %q", fl.Arg(0))}
	}
	var err error
	if o.sizes, err = parseSizes(*sizes); err != nil {
		return nil, usageError{err}
	}
	if *phases != "" {
		o.phases = map[string]bool{}
		for _, p := range strings.Split(*phases, ",") {
			p = strings.TrimSpace(p)
			if !slices.Contains(allPhases, p) {
				return nil, usageError{fmt.Errorf("-phases: unknown phase %q", p)}
			}
			o.phases[p] = true
		}
	}
	if o.questions < 0 || o.warmup < 0 || o.qpsTime <= 0 || o.startups < 0 || o.runs < 1 || o.loadC < 1 || o.loadN < 1 {
		return nil, usageError{errors.New("counts must not be negative")}
	}
	return o, nil
}

// sizeResult is everything measured on one corpus.
type sizeResult struct {
	Name      string `json:"name"`
	How       string `json:"how"`
	Documents int    `json:"documents"`
	Passages  int    `json:"passages"`
	Questions int    `json:"questions"`

	Citebot       systemResult    `json:"citebot"`
	Bleve         systemResult    `json:"bleve"`
	FTS           systemResult    `json:"fts5"`
	StartupMedian time.Duration   `json:"startup_median_ns,omitempty"`
	StartupRuns   []time.Duration `json:"startup_runs_ns,omitempty"`
	WallSeconds   float64         `json:"wall_seconds"`
}

// systemResult pairs a system's indexing and asking phases.
type systemResult struct {
	Index *phaseResult `json:"index"`
	Ask   *phaseResult `json:"ask"`
}

// report is a whole run, as written to results.json.
type report struct {
	Started time.Time     `json:"started"`
	Machine machine       `json:"machine"`
	Command string        `json:"command"`
	Sizes   []*sizeResult `json:"sizes"`
	Load    *loadResult   `json:"load,omitempty"`
}

// machine describes where the run happened.
type machine struct {
	CPUs      int     `json:"cpus"`
	CPU       string  `json:"cpu"`
	MemoryGiB float64 `json:"memory_gib"`
	Go        string  `json:"go"`
	OS        string  `json:"os"`
	LoadAvg   string  `json:"load_average"` // at the start
}

func describeMachine() machine {
	m := machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
				m.MemoryGiB = kb / (1 << 20)
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(b))
		if len(f) >= 3 {
			m.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	return m
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseBench(args, stderr)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	work, err := os.MkdirTemp(o.work, "citebench-")
	if err != nil {
		return fmt.Errorf("work folder: %w", err)
	}
	if !o.keep {
		defer os.RemoveAll(work)
	}
	logf := func(format string, a ...any) {
		fmt.Fprintf(stderr, "citebench: "+format+"\n", a...)
	}
	rep := &report{Started: time.Now().UTC(), Machine: describeMachine(), Command: "citebench " + strings.Join(args, " ")}
	if (o.startups > 0 || o.load) && o.citebot == "" {
		logf("building citebot")
		if o.citebot, err = buildCitebot(ctx, work); err != nil {
			return err
		}
	}
	if o.profile {
		if err := os.MkdirAll(filepath.Join(o.out, "profiles"), 0o755); err != nil {
			return err
		}
	}
	for _, sz := range o.sizes {
		r, err := benchSize(ctx, o, sz, work, logf, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", sz.name, err)
		}
		rep.Sizes = append(rep.Sizes, r)
		// Print each corpus's table as soon as it is done: a 1m run is
		// long.
		if err := writeSizeTable(stdout, r); err != nil {
			return err
		}
	}
	if o.load {
		logf("load test: %d clients, %d requests, POST /api/ask on the seeds", o.loadC, o.loadN)
		seedsQA := o.src.seedsQAPath()
		if _, err := os.Stat(seedsQA); err != nil {
			seedsQA = "" // the built-in seed questions
		}
		rep.Load, err = serveLoad(ctx, o.citebot, work, seedsQA, o.loadC, o.loadN, o.loadLog, stderr)
		if err != nil {
			return err
		}
		if err := writeLoadTable(stdout, rep.Load); err != nil {
			return err
		}
	}
	if err := writeSummary(stdout, rep); err != nil {
		return err
	}
	return writeOutputs(o.out, rep)
}

// benchSize measures one corpus: it writes the corpus for the phase
// processes, runs the six phases and times start-up.
func benchSize(ctx context.Context, o *benchOptions, sz size, work string, logf func(string, ...any), stderr io.Writer) (*sizeResult, error) {
	began := time.Now()
	logf("%s: preparing the corpus", sz.name)
	c, err := o.src.load(ctx, sz)
	if err != nil {
		return nil, err
	}
	qs := sample(c.Questions, o.questions, o.src.seed)
	dir, err := os.MkdirTemp(work, sz.name+"-")
	if err != nil {
		return nil, err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	docsFile, qsFile := filepath.Join(dir, "docs.gob"), filepath.Join(dir, "questions.gob")
	if err := writeGob(docsFile, c.Docs); err != nil {
		return nil, err
	}
	if err := writeGob(qsFile, qs); err != nil {
		return nil, err
	}
	r := &sizeResult{Name: c.Name, How: c.How, Documents: len(c.Docs), Questions: len(qs)}
	c = nil
	debug.FreeOSMemory() // the phases, not this process, hold the corpus now

	paths := map[string]string{
		"citebot": filepath.Join(dir, "citebot-index"),
		"bleve":   filepath.Join(dir, "bleve-index"),
		"fts5":    filepath.Join(dir, "fts5.db"),
	}
	run := func(phase, path string) (*phaseResult, error) {
		logf("%s: %s", sz.name, phase)
		args := []string{"phase", "-phase", phase, "-dir", path, "-docs", docsFile, "-questions", qsFile, "-warmup", strconv.Itoa(o.warmup), "-qps-time", o.qpsTime.String()}
		if o.profile {
			args = append(args, "-cpuprofile", filepath.Join(o.out, "profiles", sz.name+"-"+phase+".pprof"))
		}
		return runChildPhase(ctx, args, stderr)
	}
	steps := []struct {
		phase, path string
		dst         **phaseResult
	}{
		{phaseIndexCitebot, paths["citebot"], &r.Citebot.Index},
		{phaseIndexBleve, paths["bleve"], &r.Bleve.Index},
		{phaseIndexFTS, paths["fts5"], &r.FTS.Index},
		{phaseAskCitebot, paths["citebot"], &r.Citebot.Ask},
		// Raw Bleve asks citebot's own persisted index: the same
		// postings, so the difference is citebot's work alone.
		{phaseAskBleve, paths["citebot"], &r.Bleve.Ask},
		{phaseAskFTS, paths["fts5"], &r.FTS.Ask},
	}
	for _, s := range steps {
		if o.phases != nil && !o.phases[s.phase] {
			continue
		}
		var runs []*phaseResult
		for range o.runs {
			if s.phase == phaseIndexCitebot || s.phase == phaseIndexBleve || s.phase == phaseIndexFTS {
				os.RemoveAll(s.path) // each build starts from nothing
			}
			res, err := run(s.phase, s.path)
			if err != nil {
				return nil, err
			}
			runs = append(runs, res)
		}
		*s.dst = medianPhase(runs)
	}
	for _, p := range []*phaseResult{r.Citebot.Index, r.Bleve.Index, r.FTS.Index} {
		if p != nil && r.Passages == 0 {
			r.Passages = p.Passages
		}
	}
	// The raw Bleve index was only built to time Bleve's indexing.
	os.RemoveAll(paths["bleve"])

	if o.startups > 0 && o.citebot != "" && len(qs) > 0 && r.Citebot.Index != nil {
		logf("%s: start-up, %d runs", sz.name, o.startups)
		for range o.startups {
			d, err := startup(ctx, o.citebot, paths["citebot"], qs[0].Question)
			if err != nil {
				return nil, err
			}
			r.StartupRuns = append(r.StartupRuns, d)
		}
		r.StartupMedian = median(r.StartupRuns)
	}
	r.WallSeconds = time.Since(began).Seconds()
	return r, nil
}

// runChildPhase runs `citebench phase …` in a new process and decodes
// what it measured.
func runChildPhase(ctx context.Context, args []string, stderr io.Writer) (*phaseResult, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(os.Environ(), envLoadChild+"=1")
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("phase %s: %w", strings.Join(args, " "), err)
	}
	var res phaseResult
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("phase %s printed %q: %w", args[2], out, err)
	}
	return &res, nil
}

// buildCitebot builds the citebot command into dir with the go tool.
func buildCitebot(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "citebot")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/citebot/citebot/cmd/citebot")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build citebot (or pass -citebot BINARY): %w\n%s", err, out.String())
	}
	return bin, nil
}

// startup runs `citebot ask --json --index PATH QUESTION` and returns the
// time from starting the process to the first line of its answer.
func startup(ctx context.Context, citebot, index, q string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, citebot, "ask", "--json", "--index", index, q)
	cmd.Env = cleanEnv()
	cmd.Dir = filepath.Dir(index)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start citebot: %w", err)
	}
	line, rerr := bufio.NewReader(stdout).ReadBytes('\n')
	elapsed := time.Since(start)
	io.Copy(io.Discard, stdout)
	werr := cmd.Wait()
	if rerr != nil || werr != nil {
		return 0, fmt.Errorf("citebot ask --index %s: %w %s", index, errors.Join(rerr, werr), errOut.String())
	}
	var a retrieval.Answer
	if err := json.Unmarshal(line, &a); err != nil {
		return 0, fmt.Errorf("citebot ask printed %q: %w", line, err)
	}
	return elapsed, nil
}

// medianPhase is the median of each measured figure over runs of one
// phase (counts that do not vary, such as quote@k, from the first run).
func medianPhase(runs []*phaseResult) *phaseResult {
	if len(runs) == 1 {
		return runs[0]
	}
	m := *runs[0]
	fl := func(get func(*phaseResult) float64) float64 {
		xs := make([]float64, len(runs))
		for i, r := range runs {
			xs[i] = get(r)
		}
		slices.Sort(xs)
		return xs[len(xs)/2]
	}
	d := func(get func(*phaseResult) time.Duration) time.Duration {
		return time.Duration(fl(func(r *phaseResult) float64 { return float64(get(r)) }))
	}
	m.IndexSeconds = fl(func(r *phaseResult) float64 { return r.IndexSeconds })
	m.IndexCPUSeconds = fl(func(r *phaseResult) float64 { return r.IndexCPUSeconds })
	m.DiskBytes = int64(fl(func(r *phaseResult) float64 { return float64(r.DiskBytes) }))
	m.PeakRSS = int64(fl(func(r *phaseResult) float64 { return float64(r.PeakRSS) }))
	m.P50 = d(func(r *phaseResult) time.Duration { return r.P50 })
	m.P90 = d(func(r *phaseResult) time.Duration { return r.P90 })
	m.P99 = d(func(r *phaseResult) time.Duration { return r.P99 })
	m.Mean = d(func(r *phaseResult) time.Duration { return r.Mean })
	m.PerSec1 = fl(func(r *phaseResult) float64 { return r.PerSec1 })
	m.PerSec2 = fl(func(r *phaseResult) float64 { return r.PerSec2 })
	m.Load = fl(func(r *phaseResult) float64 { return r.Load })
	m.Runs = len(runs)
	return &m
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// Package bench runs the benchmark: for each corpus it writes the
// documents and questions for the phases, runs every phase (index and ask
// with each system) in a process of its own, -runs times, keeping the
// median of each figure, times citebot's start-up, and at the end
// load-tests `citebot serve`'s POST /api/ask with `citebench load` in a
// process of its own.
package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/citebot/citebot/cmd/citebench/internal/corpus"
	"github.com/citebot/citebot/cmd/citebench/internal/load"
	"github.com/citebot/citebot/cmd/citebench/internal/machine"
	"github.com/citebot/citebot/cmd/citebench/internal/peers"
	"github.com/citebot/citebot/cmd/citebench/internal/phase"
	"github.com/citebot/citebot/cmd/citebench/internal/report"
	"github.com/citebot/citebot/cmd/citebench/internal/serveproc"
	"github.com/citebot/citebot/cmd/citebench/internal/stats"
)

// Options are the flags of a benchmark run.
type Options struct {
	Sizes     []corpus.Size
	Out       string
	Work      string
	Source    corpus.Source
	Questions int
	Warmup    int
	QPSTime   time.Duration
	Citebot   string // the citebot binary; built when empty
	Startups  int    // start-up runs per size (0: skip)
	Runs      int    // runs of each phase; the median of each figure is kept
	Load      bool
	LoadC     int
	LoadN     int
	// LoadWarmup requests are sent before the load test's n.
	LoadWarmup int
	LoadLog    string
	// ProfileAll writes a CPU profile of every measured phase to
	// Out/profiles; ProfileCitebot writes one profile of all of
	// citebot's measured phases (indexing and asking, every corpus and
	// run) to the file it names.
	ProfileAll     bool
	ProfileCitebot string
	Keep           bool
	Phases         map[string]bool // nil: all
	Command        string          // as typed, for the report
}

// ChildEnv marks a citebench process started by another one (tests use
// it to run the test binary as citebench).
const ChildEnv = "CITEBENCH_CHILD"

// Run runs the benchmark, printing each corpus's table to stdout as soon
// as it is measured and progress to stderr, and writes the report's
// files to o.Out.
func Run(ctx context.Context, o *Options, stdout, stderr io.Writer) error {
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	work, err := os.MkdirTemp(o.Work, "citebench-")
	if err != nil {
		return fmt.Errorf("work folder: %w", err)
	}
	if !o.Keep {
		defer os.RemoveAll(work)
	}
	logf := func(format string, a ...any) {
		fmt.Fprintf(stderr, "citebench: "+format+"\n", a...)
	}
	rep := &report.Report{Started: time.Now().UTC(), Machine: machine.Describe(), Command: o.Command}
	if (o.Startups > 0 || o.Load) && o.Citebot == "" {
		logf("building citebot")
		if o.Citebot, err = serveproc.Build(ctx, work); err != nil {
			return err
		}
	}
	profiles := &profiles{all: o.ProfileAll, citebotFile: o.ProfileCitebot, dir: filepath.Join(o.Out, "profiles")}
	if o.ProfileCitebot != "" {
		profiles.dir = filepath.Join(work, "profiles")
	}
	if o.ProfileAll || o.ProfileCitebot != "" {
		if err := os.MkdirAll(profiles.dir, 0o755); err != nil {
			return fmt.Errorf("profiles folder: %w", err)
		}
	}
	for _, sz := range o.Sizes {
		r, err := measureSize(ctx, o, sz, work, profiles, logf, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", sz.Name, err)
		}
		rep.Sizes = append(rep.Sizes, r)
		// Print each corpus's table as soon as it is done: a 1m run is
		// long.
		if err := report.WriteSize(stdout, r); err != nil {
			return err
		}
	}
	if err := profiles.mergeCitebot(); err != nil {
		return err
	}
	if o.Load {
		logf("load test: %d clients, %d requests, POST /api/ask on the seeds", o.LoadC, o.LoadN)
		seedsQA := o.Source.SeedsQAPath()
		if _, err := os.Stat(seedsQA); err != nil {
			seedsQA = "" // the built-in seed questions
		}
		rep.Load, err = serveLoad(ctx, o, work, seedsQA, stderr)
		if err != nil {
			return err
		}
		if err := report.WriteLoad(stdout, rep.Load); err != nil {
			return err
		}
	}
	if err := report.WriteSummary(stdout, rep); err != nil {
		return err
	}
	return report.WriteFiles(o.Out, rep)
}

// measureSize measures one corpus: it writes the corpus for the phase
// processes, runs the six phases and times start-up.
func measureSize(ctx context.Context, o *Options, sz corpus.Size, work string, prof *profiles, logf func(string, ...any), stderr io.Writer) (*report.Size, error) {
	began := time.Now()
	logf("%s: preparing the corpus", sz.Name)
	c, err := o.Source.Load(ctx, sz)
	if err != nil {
		return nil, err
	}
	qs := corpus.Sample(c.Questions, o.Questions, o.Source.Seed)
	dir, err := os.MkdirTemp(work, sz.Name+"-")
	if err != nil {
		return nil, fmt.Errorf("corpus folder: %w", err)
	}
	if !o.Keep {
		defer os.RemoveAll(dir)
	}
	docsFile, qsFile := filepath.Join(dir, "docs.gob"), filepath.Join(dir, "questions.gob")
	if err := corpus.WriteGob(docsFile, c.Docs); err != nil {
		return nil, err
	}
	if err := corpus.WriteGob(qsFile, qs); err != nil {
		return nil, err
	}
	r := &report.Size{Name: c.Name, How: c.How, Documents: len(c.Docs), Questions: len(qs)}
	c = nil
	debug.FreeOSMemory() // the phases, not this process, hold the corpus now

	paths := map[string]string{
		peers.Citebot: filepath.Join(dir, "citebot-index"),
		peers.Bleve:   filepath.Join(dir, "bleve-index"),
		peers.FTS5:    filepath.Join(dir, "fts5.db"),
	}
	systems := map[string]*report.System{peers.Citebot: &r.Citebot, peers.Bleve: &r.Bleve, peers.FTS5: &r.FTS}
	for _, name := range phase.All() {
		if o.Phases != nil && !o.Phases[name] {
			continue
		}
		system := phase.System(name)
		var runs []*phase.Result
		for run := range o.Runs {
			if phase.IsIndex(name) {
				os.RemoveAll(paths[system]) // each build starts from nothing
			}
			logf("%s: %s", sz.Name, name)
			args := []string{"phase", "-phase", name, "-dir", paths[system], "-docs", docsFile, "-questions", qsFile,
				"-warmup", strconv.Itoa(o.Warmup), "-qps-time", o.QPSTime.String()}
			if path := prof.path(sz.Name, name, system, run); path != "" {
				args = append(args, "-cpuprofile", path)
			}
			res, err := runChildPhase(ctx, args, stderr)
			if err != nil {
				return nil, err
			}
			runs = append(runs, res)
		}
		s := systems[system]
		if phase.IsIndex(name) {
			s.Index = phase.Median(runs)
			if r.Passages == 0 {
				r.Passages = s.Index.Passages
			}
		} else {
			s.Ask = phase.Median(runs)
			if system == peers.Bleve {
				os.RemoveAll(paths[system]) // asked; only citebot's index is needed further
			}
		}
	}

	if o.Startups > 0 && o.Citebot != "" && len(qs) > 0 && r.Citebot.Index != nil {
		logf("%s: start-up, %d runs", sz.Name, o.Startups)
		for range o.Startups {
			d, err := startup(ctx, o.Citebot, paths[peers.Citebot], qs[0].Question)
			if err != nil {
				return nil, err
			}
			r.StartupRuns = append(r.StartupRuns, d)
		}
		r.StartupMedian = stats.Median(r.StartupRuns)
	}
	r.WallSeconds = time.Since(began).Seconds()
	return r, nil
}

// runChildPhase runs `citebench phase …` in a new process and decodes
// what it measured.
func runChildPhase(ctx context.Context, args []string, stderr io.Writer) (*phase.Result, error) {
	out, err := runSelf(ctx, args, stderr)
	if err != nil {
		return nil, err
	}
	var res phase.Result
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("phase %s printed %q: %w", args[2], out, err)
	}
	return &res, nil
}

// runSelf runs this program with args and returns what it printed.
func runSelf(ctx context.Context, args []string, stderr io.Writer) ([]byte, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find citebench itself: %w", err)
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(os.Environ(), ChildEnv+"=1")
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("citebench %s: %w", strings.Join(args, " "), err)
	}
	return out, nil
}

// startup runs `citebot ask --json --index PATH QUESTION` and returns the
// time from starting the process to the first line of its answer.
func startup(ctx context.Context, citebot, index, q string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, citebot, "ask", "--json", "--index", index, q)
	cmd.Env = serveproc.CleanEnv()
	cmd.Dir = filepath.Dir(index)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, fmt.Errorf("start-up: %w", err)
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
	var a struct {
		Question *string `json:"question"`
	}
	if err := json.Unmarshal(line, &a); err != nil || a.Question == nil {
		return 0, fmt.Errorf("citebot ask printed %q, not an answer: %v", line, err)
	}
	return elapsed, nil
}

// serveLoad starts `citebot serve` on the embedded seeds, runs `citebench
// load` against it as a separate process, and stops the server.
func serveLoad(ctx context.Context, o *Options, workDir, questions string, stderr io.Writer) (*load.AskResult, error) {
	dir, err := os.MkdirTemp(workDir, "serve-")
	if err != nil {
		return nil, fmt.Errorf("serve folder: %w", err)
	}
	defer os.RemoveAll(dir)
	// No configuration file or CITEBOT_* variable may change what is
	// measured: the server runs with defaults, except the per-client
	// rate limit, which is off: every load client shares the loopback
	// address, and what is measured is answering, not the limiter's
	// 429s.
	srv, err := serveproc.Start(ctx, serveproc.Options{
		Binary: o.Citebot, Dir: dir,
		Args: []string{"--log-level", o.LoadLog, "--log-format", "json"},
		Env:  []string{"CITEBOT_LIMITS_PER_CLIENT_RATE=0"},
	})
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	args := []string{"load", "-json", "-c", strconv.Itoa(o.LoadC), "-n", strconv.Itoa(o.LoadN), "-warmup", strconv.Itoa(o.LoadWarmup),
		"-pid", strconv.Itoa(srv.Pid())}
	if questions != "" {
		args = append(args, "-questions", questions)
	}
	out, err := runSelf(ctx, append(args, srv.URL+"/api/ask"), stderr)
	if err != nil {
		return nil, err
	}
	var res load.AskResult
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("citebench load printed %q: %w", out, err)
	}
	res.Server = fmt.Sprintf("citebot serve on the embedded seeds, defaults but no per-client rate limit, log level %s (JSON to a file)", o.LoadLog)
	return &res, nil
}

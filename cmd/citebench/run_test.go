package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pprofile "github.com/google/pprof/profile"

	"github.com/citebot/citebot/cmd/citebench/internal/bench"
	"github.com/citebot/citebot/cmd/citebench/internal/load"
	"github.com/citebot/citebot/cmd/citebench/internal/phase"
	"github.com/citebot/citebot/cmd/citebench/internal/report"
	"github.com/citebot/citebot/cmd/citebench/internal/serveproc"
)

// TestMain lets the test binary stand in for citebench when the benchmark
// starts its phases and load generator as processes of their own.
func TestMain(m *testing.M) {
	if os.Getenv(bench.ChildEnv) == "1" {
		if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
			os.Stderr.WriteString("citebench: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testShared is a ../shared look-alike holding only the seeds' dev
// questions (cmd/citebot's copy), so the test needs no datasets.
func testShared(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "citebot", "testdata", "seeds-dev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "qa"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "qa", "seeds-dev.jsonl"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// buildRaceCitebot builds citebot with -race, reusing the packages this
// test binary was built from.
func buildRaceCitebot(t *testing.T) string {
	t.Helper()
	bin, err := serveproc.Build(context.Background(), t.TempDir(), "-race")
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func profileHasFunction(p *pprofile.Profile, sub string) bool {
	for _, f := range p.Function {
		if strings.Contains(f.Name, sub) {
			return true
		}
	}
	return false
}

func TestUsageErrors(t *testing.T) {
	ctx := context.Background()
	for _, args := range [][]string{
		{"-sizes", "enormous"},
		{"-questions", "-1"},
		{"-phases", "ask-lucene"},
		{"stray"},
		{"load"},
		{"load", "-c", "0", "http://127.0.0.1:1/api/ask"},
		{"phase", "-phase", "nap", "-dir", t.TempDir()},
		{"merge"},
		{"mix", "--requests", "0"},
		{"mix", "--requests", "2000000"},
		{"mix", "--conns", "0"},
		{"mix", "stray"},
	} {
		var out, errb bytes.Buffer
		err := run(ctx, args, &out, &errb)
		var ue usageError
		if err == nil || !errors.As(err, &ue) {
			t.Errorf("%q: %v; want a usage error", args, err)
		}
	}
}

// -h lists every mode.
func TestHelpListsModes(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"-h"}, &out, &errb)
	if !errors.Is(err, errHelp) {
		t.Errorf("-h: %v", err)
	}
	for mode := range modes {
		if !strings.Contains(errb.String(), "citebench "+mode) {
			t.Errorf("-h does not list %q:\n%s", mode, errb.String())
		}
	}
	if !strings.Contains(errb.String(), "-cpuprofile") {
		t.Errorf("-h does not list the benchmark's flags:\n%s", errb.String())
	}
}

// -cpuprofile alone is the switch it always was; with a file, whether
// written -cpuprofile FILE or -cpuprofile=FILE, it names the file.
func TestCPUProfileFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		all  bool
		file string
	}{
		{[]string{"-cpuprofile"}, true, ""},
		{[]string{"-cpuprofile", "-sizes", "squad"}, true, ""},
		{[]string{"-cpuprofile", "cpu.pprof", "-sizes", "squad"}, false, "cpu.pprof"},
		{[]string{"--cpuprofile=cpu.pprof"}, false, "cpu.pprof"},
		{[]string{"-sizes", "squad"}, false, ""},
	} {
		var p cpuProfileFlag
		fl := newTestFlagSet(&p)
		if err := fl.Parse(joinCPUProfileFile(c.args)); err != nil {
			t.Fatalf("%q: %v", c.args, err)
		}
		if p.all != c.all || p.file != c.file {
			t.Errorf("%q: all %v, file %q; want %v, %q", c.args, p.all, p.file, c.all, c.file)
		}
	}
}

// One small end-to-end run: the seeds and a corpus scaled from them, every
// phase in its own process, start-up and the HTTP load test against a
// real `citebot serve`.
func TestBenchEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds citebot and runs a small benchmark")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool to build citebot with")
	}
	ctx := context.Background()
	// A race-built process sleeps a second before it exits (to let
	// other threads report); this run starts dozens.
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	out := t.TempDir()
	profile := filepath.Join(t.TempDir(), "citebot.pprof")
	var stdout, stderr bytes.Buffer
	args := []string{
		"-sizes", "seeds,500", "-scale-from", "seeds", "-shared", testShared(t),
		"-questions", "0", "-warmup", "2", "-qps-time", "100ms", "-startups", "2",
		"-load-c", "8", "-load-n", "120", "-load-warmup", "8", "-out", out, "-work", t.TempDir(),
		"-cpuprofile", profile,
	}
	if raceEnabled {
		// Built from the packages this test was built from.
		args = append(args, "-citebot", buildRaceCitebot(t))
	}
	if err := run(ctx, args, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var rep report.Report
	b, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Sizes) != 2 {
		t.Fatalf("%d sizes; want 2", len(rep.Sizes))
	}
	for _, r := range rep.Sizes {
		for name, s := range map[string]report.System{"citebot": r.Citebot, "bleve": r.Bleve, "fts5": r.FTS} {
			if s.Index == nil || s.Ask == nil {
				t.Fatalf("%s %s: phases missing", r.Name, name)
			}
			if s.Index.Passages != r.Passages || s.Index.PassagesPerSec() <= 0 || s.Index.DiskBytes <= 0 {
				t.Errorf("%s %s index: %+v; want the corpus's %d passages, a rate and a size", r.Name, name, s.Index, r.Passages)
			}
			a := s.Ask
			if a.Questions != r.Questions || a.P50 <= 0 || a.P50 > a.P90 || a.P90 > a.P99 || a.PerSec1 <= 0 || a.PerSec2 <= 0 {
				t.Errorf("%s %s ask: %+v", r.Name, name, a)
			}
			if a.At1 > a.At5 || a.At5 > a.Questions {
				t.Errorf("%s %s: quote@1 %d, quote@5 %d of %d", r.Name, name, a.At1, a.At5, a.Questions)
			}
		}
		// On the seeds, every system finds most answers: a broken judge
		// or quote cutter would find none.
		if r.Name == "seeds" {
			for name, s := range map[string]report.System{"citebot": r.Citebot, "bleve": r.Bleve, "fts5": r.FTS} {
				if s.Ask.At5*2 < s.Ask.Questions {
					t.Errorf("seeds %s: quote@5 %d of %d", name, s.Ask.At5, s.Ask.Questions)
				}
			}
		}
		if r.StartupMedian <= 0 || len(r.StartupRuns) != 2 {
			t.Errorf("%s: start-up %v from %d runs", r.Name, r.StartupMedian, len(r.StartupRuns))
		}
	}
	if p := rep.Sizes[1].Passages; p < 450 || p > 550 {
		t.Errorf("scaled corpus has %d passages; want about 500", p)
	}
	l := rep.Load
	if l == nil || l.OK != 120 || l.Errors != 0 || l.Answered == 0 || l.PerSec <= 0 || l.P50 <= 0 {
		t.Errorf("load test: %+v", l)
	}
	for _, want := range []string{"### seeds", "### 500", "| quote@1 |", "| answer p99 |", "### POST /api/ask under load", "### Targets"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, stdout.String())
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "table.md"))
	if err != nil || !strings.Contains(string(md), "Machine:") {
		t.Errorf("table.md: %v", err)
	}
	// -cpuprofile FILE: one profile of citebot's phases, which spent
	// their time in citebot's packages.
	pf, err := os.Open(profile)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	prof, err := pprofile.Parse(pf)
	if err != nil {
		t.Fatalf("cpu profile: %v", err)
	}
	if len(prof.Sample) == 0 || !profileHasFunction(prof, "retrieval") {
		t.Errorf("the cpu profile has %d samples, none in citebot's retrieval code", len(prof.Sample))
	}
	if _, err := os.Stat(filepath.Join(out, "profiles")); !os.IsNotExist(err) {
		t.Errorf("-cpuprofile FILE also wrote per-phase profiles: %v", err)
	}
	f, err := os.Open(filepath.Join(out, "latency.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("latency.png: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 200 {
		t.Errorf("latency.png is %v", b)
	}
}

// merge joins separate runs: every corpus once, the later file's figures
// for a corpus measured twice, the load test kept.
func TestMerge(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, rep report.Report) string {
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	ask := func(p50 time.Duration) report.System {
		return report.System{Ask: &phase.Result{P50: p50, P99: 2 * p50}}
	}
	a := write("a.json", report.Report{Command: "citebench -sizes squad,100k", Load: &load.AskResult{Clients: 64, PerSec: 1500}, Sizes: []*report.Size{
		{Name: "squad", Passages: 2000, Citebot: ask(time.Millisecond), Bleve: ask(time.Millisecond / 10)},
		{Name: "100k", Passages: 100000, Citebot: ask(9 * time.Millisecond), Bleve: ask(time.Millisecond)},
	}})
	b := write("b.json", report.Report{Command: "citebench -sizes 100k,1m", Sizes: []*report.Size{
		{Name: "100k", Passages: 100000, Citebot: ask(3 * time.Millisecond), Bleve: ask(time.Millisecond)},
		{Name: "1m", Passages: 1000000, Citebot: ask(6 * time.Millisecond), Bleve: ask(4 * time.Millisecond)},
	}})
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"merge", "-out", out, a, b}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	js, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got report.Report
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range got.Sizes {
		names = append(names, s.Name)
		if s.Name == "100k" && s.Citebot.Ask.P50 != 3*time.Millisecond {
			t.Errorf("100k p50 %v; want the later run's 3ms", s.Citebot.Ask.P50)
		}
	}
	if strings.Join(names, ",") != "squad,100k,1m" {
		t.Errorf("sizes %v; want squad,100k,1m", names)
	}
	if got.Load == nil || got.Load.PerSec != 1500 {
		t.Errorf("load %+v; want the first run's", got.Load)
	}
	if _, err := os.Stat(filepath.Join(out, "latency.png")); err != nil {
		t.Errorf("no plot: %v", err)
	}
	if !strings.Contains(stdout.String(), "### 1m") {
		t.Errorf("merged table lacks 1m:\n%s", stdout.String())
	}
	if err := run(context.Background(), []string{"merge"}, &stdout, &stderr); err == nil {
		t.Error("merge with no files succeeded")
	}
}

func newTestFlagSet(p *cpuProfileFlag) *flag.FlagSet {
	fl := flag.NewFlagSet("t", flag.ContinueOnError)
	fl.Var(p, "cpuprofile", "")
	fl.String("sizes", "", "")
	return fl
}

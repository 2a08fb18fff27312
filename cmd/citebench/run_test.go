package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/seeds"
)

// TestMain lets the test binary stand in for citebench when the benchmark
// starts its phases and load generator as processes of their own.
func TestMain(m *testing.M) {
	if os.Getenv(envLoadChild) == "1" {
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

func seedDocs(t *testing.T) []retrieval.Document {
	t.Helper()
	docs, errs := retrieval.LoadFS(context.Background(), seeds.FS, "seeds")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return docs
}

// Scaled corpora are repeatable, keep the originals, reach the size asked
// for, and are made of the pool's real sentences.
func TestAssemble(t *testing.T) {
	docs := seedDocs(t)
	a := assemble(docs, docs, 600, 7)
	if b := assemble(docs, docs, 600, 7); !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with one seed differ")
	}
	if c := assemble(docs, docs, 600, 8); reflect.DeepEqual(a, c) {
		t.Error("another seed gives the same corpus")
	}
	if !reflect.DeepEqual(a[:len(docs)], docs) {
		t.Error("the original documents are not kept as they are")
	}
	n := 0
	for _, c := range segmentCounts(a) {
		n += c
	}
	if n < 570 || n > 630 {
		t.Errorf("%d passages; want about 600", n)
	}
	var pool []string
	for _, d := range docs {
		for _, p := range retrieval.Segment(d.Text) {
			for _, s := range p.Sentences {
				pool = append(pool, d.Text[s.Start:s.End])
			}
		}
	}
	for _, d := range a[len(docs):] {
		if !strings.HasPrefix(d.ID, "assembled-") || d.Title == "" {
			t.Fatalf("assembled document %q titled %q", d.ID, d.Title)
		}
		// Removing every pool sentence leaves only the separators.
		rest := d.Text
		for _, s := range pool {
			rest = strings.ReplaceAll(rest, s, "")
		}
		if strings.TrimSpace(rest) != "" {
			t.Fatalf("%s holds text that is no pool sentence: %q", d.ID, strings.TrimSpace(rest)[:min(80, len(strings.TrimSpace(rest)))])
		}
	}
	if got := assemble(docs, docs, 10, 7); len(got) != len(docs) {
		t.Errorf("a target below the originals added %d documents", len(got)-len(docs))
	}
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes("squad, covid,100k,1M,2500")
	if err != nil {
		t.Fatal(err)
	}
	want := []size{{name: "squad"}, {name: "covid"}, {name: "100k", target: 100000}, {name: "1m", target: 1000000}, {name: "2500", target: 2500}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v; want %+v", got, want)
	}
	for _, bad := range []string{"", "big", "-5k", "0", "10001m"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestSampleIsStable(t *testing.T) {
	var qs []question
	for i := range 100 {
		qs = append(qs, question{ID: string(rune('a' + i%26)), Question: strings.Repeat("q", i+1)})
	}
	a, b := sample(qs, 10, 1), sample(qs, 10, 1)
	if len(a) != 10 || !reflect.DeepEqual(a, b) {
		t.Fatalf("samples differ or have the wrong size: %d, %d", len(a), len(b))
	}
	for i := 1; i < len(a); i++ {
		if len(a[i].Question) <= len(a[i-1].Question) {
			t.Fatal("sample is not in the original order")
		}
	}
	if got := sample(qs, 0, 1); len(got) != 100 {
		t.Errorf("sample 0 kept %d; want all", len(got))
	}
}

// A question goes to FTS5 as quoted words: nothing in it is FTS5 syntax,
// and FTS5 accepts whatever it holds.
func TestFTSMatchIsNeverSyntax(t *testing.T) {
	ctx := context.Background()
	db, err := openFTS(filepath.Join(t.TempDir(), "t.db"), true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows := []ftsPassage{
		{text: "The refugee cap was set at 7,500 for fiscal 2026.", doc: "a", ord: 0, start: 0},
		{text: "Diplomats were told to lobby Europe, Canada and Australia.", doc: "a", ord: 1, start: 60},
		{text: "NEAR the border, officials said nothing.", doc: "b", ord: 0, start: 0},
	}
	if err := buildFTS(ctx, db, rows); err != nil {
		t.Fatal(err)
	}
	st, err := db.Prepare(ftsQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, q := range []string{
		`What was the "refugee cap"?`,
		`NEAR(border officials) AND text:cap* OR -lobby ^Canada {a b}`,
		`"unbalanced quote`,
		`what is the`,
	} {
		if _, err := searchFTS(ctx, st, q, 5); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
	hits, err := searchFTS(ctx, st, "Which regions were diplomats told to lobby?", 5)
	if err != nil || len(hits) == 0 || hits[0].doc != "a" || hits[0].ord != 1 {
		t.Errorf("lobby question: %+v, %v; want passage a/1 first", hits, err)
	}
}

func TestBestSentence(t *testing.T) {
	text := "The council met on Monday. The refugee cap was set at 7,500. Nobody objected."
	sp := bestSentence(text, retrieval.Span{End: len(text)}, nil, contentWords("What was the refugee cap?"))
	if got := text[sp.Start:sp.End]; got != "The refugee cap was set at 7,500." {
		t.Errorf("got %q", got)
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{thousands(0), "0"}, {thousands(999), "999"}, {thousands(1000), "1,000"}, {thousands(1234567), "1,234,567"},
		{thousands(-4500), "-4,500"},
		{ms(850 * time.Microsecond), "850 µs"}, {ms(2345 * time.Microsecond), "2.35 ms"}, {ms(23 * time.Millisecond), "23.0 ms"},
		{ms(12 * time.Second), "12.0 s"}, {ms(0), "–"},
		{times(3, 2), "1.50×"}, {times(3, 0), "–"}, {points(75.5, 68.25), "+7.2 pts"},
		{bytesize(512 << 10), "512 KiB"}, {bytesize(3 << 20), "3.0 MiB"}, {bytesize(5 << 30), "5.00 GiB"},
	} {
		if c.got != c.want {
			t.Errorf("got %q; want %q", c.got, c.want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	ctx := context.Background()
	for _, args := range [][]string{
		{"-sizes", "enormous"},
		{"-questions", "-1"},
		{"stray"},
		{"load"},
		{"load", "-c", "0", "http://127.0.0.1:1/api/ask"},
		{"phase", "-phase", "nap", "-dir", t.TempDir()},
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
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	args := []string{
		"-sizes", "seeds,1500", "-scale-from", "seeds", "-shared", testShared(t),
		"-questions", "0", "-warmup", "2", "-qps-time", "200ms", "-startups", "2",
		"-load-c", "8", "-load-n", "300", "-out", out, "-work", t.TempDir(),
	}
	if err := run(ctx, args, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var rep report
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
		for name, s := range map[string]systemResult{"citebot": r.Citebot, "bleve": r.Bleve, "fts5": r.FTS} {
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
			for name, s := range map[string]systemResult{"citebot": r.Citebot, "bleve": r.Bleve, "fts5": r.FTS} {
				if s.Ask.At5*2 < s.Ask.Questions {
					t.Errorf("seeds %s: quote@5 %d of %d", name, s.Ask.At5, s.Ask.Questions)
				}
			}
		}
		if r.StartupMedian <= 0 || len(r.StartupRuns) != 2 {
			t.Errorf("%s: start-up %v from %d runs", r.Name, r.StartupMedian, len(r.StartupRuns))
		}
	}
	if p := rep.Sizes[1].Passages; p < 1400 || p > 1600 {
		t.Errorf("scaled corpus has %d passages; want about 1,500", p)
	}
	l := rep.Load
	if l == nil || l.OK != 300 || l.Errors != 0 || l.Answered == 0 || l.PerSec <= 0 || l.P50 <= 0 {
		t.Errorf("load test: %+v", l)
	}
	for _, want := range []string{"### seeds", "### 1500", "| quote@1 |", "| answer p99 |", "### POST /api/ask under load", "### Targets"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, stdout.String())
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "table.md"))
	if err != nil || !strings.Contains(string(md), "Machine:") {
		t.Errorf("table.md: %v", err)
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

// medianPhase keeps each figure's median, not one run's figures.
func TestMedianPhase(t *testing.T) {
	runs := []*phaseResult{
		{IndexSeconds: 3, P50: 9 * time.Millisecond, PerSec1: 100, At1: 7},
		{IndexSeconds: 1, P50: 1 * time.Millisecond, PerSec1: 300, At1: 7},
		{IndexSeconds: 2, P50: 5 * time.Millisecond, PerSec1: 200, At1: 7},
	}
	m := medianPhase(runs)
	if m.IndexSeconds != 2 || m.P50 != 5*time.Millisecond || m.PerSec1 != 200 || m.At1 != 7 || m.Runs != 3 {
		t.Errorf("median of %+v, %+v, %+v = %+v", *runs[0], *runs[1], *runs[2], *m)
	}
	if runs[0].IndexSeconds != 3 {
		t.Error("medianPhase changed its input")
	}
}

// merge joins separate runs: every corpus once, the later file's figures
// for a corpus measured twice, the load test kept.
func TestMerge(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, rep report) string {
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
	ask := func(p50 time.Duration) systemResult {
		return systemResult{Ask: &phaseResult{P50: p50, P99: 2 * p50}}
	}
	a := write("a.json", report{Command: "citebench -sizes squad,100k", Load: &loadResult{Clients: 64, PerSec: 1500}, Sizes: []*sizeResult{
		{Name: "squad", Passages: 2000, Citebot: ask(time.Millisecond), Bleve: ask(time.Millisecond / 10)},
		{Name: "100k", Passages: 100000, Citebot: ask(9 * time.Millisecond), Bleve: ask(time.Millisecond)},
	}})
	b := write("b.json", report{Command: "citebench -sizes 100k,1m", Sizes: []*sizeResult{
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
	var got report
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

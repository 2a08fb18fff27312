package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/config/configtest"
	"github.com/citebot/citebot/retrieval/qaeval"
)

// devSet is the shared dev question set, copied into testdata so the tests
// run from any checkout; TestDevSetMatchesShared keeps the copy honest.
const devSet = "testdata/seeds-dev.jsonl"

func TestDevSetMatchesShared(t *testing.T) {
	shared, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "qa", "seeds-dev.jsonl"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("../shared is not beside this checkout; the committed copy is used as is")
	}
	if err != nil {
		t.Fatal(err)
	}
	local, err := os.ReadFile(devSet)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shared, local) {
		t.Errorf("%s differs from ../shared/qa/seeds-dev.jsonl; copy it again", devSet)
	}
}

// runCLI runs citebot in-process and returns stdout and stderr.
func runCLI(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	configtest.Isolate(t)
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

// TestDevQuestionsEndToEnd asks every dev question through the CLI, one
// per line of standard input with --json, and checks each answer the way
// citebot eval scores it: answered questions carry a gold answer in
// "answer" and a citation among the first three from an expected document;
// the rest are declined with closest passages.
func TestDevQuestionsEndToEnd(t *testing.T) {
	f, err := os.Open(devSet)
	if err != nil {
		t.Fatal(err)
	}
	items, err := qaeval.ReadJSONL(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	for _, it := range items {
		in.WriteString(it.Question + "\n")
	}
	out, stderr, err := runCLI(t, in.String(), "ask", "--json")
	if err != nil {
		t.Fatalf("citebot ask: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(items) {
		t.Fatalf("%d answers for %d questions", len(lines), len(items))
	}
	for i, it := range items {
		var a struct {
			Question  string `json:"question"`
			Answered  bool   `json:"answered"`
			Answer    string `json:"answer"`
			Citations []struct {
				Doc   string `json:"doc"`
				Quote string `json:"quote"`
			} `json:"citations"`
			Closest []json.RawMessage `json:"closest"`
		}
		if err := json.Unmarshal([]byte(lines[i]), &a); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if a.Question != it.Question {
			t.Errorf("%s: answer %d is for %q; answers must come in order", it.ID, i+1, a.Question)
		}
		if it.Unanswerable {
			if a.Answered || len(a.Closest) == 0 {
				t.Errorf("%s %q: answered=%v (%q), %d closest; want a decline with closest passages", it.ID, it.Question, a.Answered, a.Answer, len(a.Closest))
			}
			continue
		}
		if !a.Answered || !qaeval.ContainsAny(a.Answer, it.Answers) {
			t.Errorf("%s %q: answer %q; want one of %q", it.ID, it.Question, a.Answer, it.Answers)
			continue
		}
		cited := false
		for k, c := range a.Citations {
			if k < 3 && contains(it.Docs, c.Doc) {
				cited = true
			}
		}
		if !cited {
			t.Errorf("%s: no citation among the first three from %v", it.ID, it.Docs)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestAskJSONContract pins the JSON field names other tools depend on.
func TestAskJSONContract(t *testing.T) {
	out, _, err := runCLI(t, "", "ask", "--json", "--top", "2", refugeeQ)
	if err != nil {
		t.Fatal(err)
	}
	var a map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, k := range []string{"question", "answered", "answer", "citations", "closest"} {
		if _, ok := a[k]; !ok {
			t.Errorf("answer has no %q field: %s", k, out)
		}
	}
	var cites []map[string]json.RawMessage
	if err := json.Unmarshal(a["citations"], &cites); err != nil || len(cites) == 0 || len(cites) > 2 {
		t.Fatalf("citations %s (err %v); want 1 or 2", a["citations"], err)
	}
	want := []string{"doc", "title", "publisher", "author", "date", "url", "paragraph", "start", "end", "quote", "score"}
	for _, k := range want {
		if _, ok := cites[0][k]; !ok {
			t.Errorf("citation has no %q field", k)
		}
	}
	if string(a["closest"]) != "[]" {
		t.Errorf("closest = %s; want [] when answered", a["closest"])
	}
	if !strings.HasSuffix(out, "}\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("want exactly one JSON object on one line, got %q", out)
	}
}

// flushRecorder records what was written at each Flush.
type flushRecorder struct {
	bytes.Buffer
	flushes []int
}

func (f *flushRecorder) Flush() error {
	f.flushes = append(f.flushes, f.Len())
	return nil
}

// TestAskStdinFlushesEachAnswer: in streaming mode each answer is written
// and flushed before the next question is read.
func TestAskStdinFlushesEachAnswer(t *testing.T) {
	configtest.Isolate(t)
	pr, pw := io.Pipe()
	out := &flushRecorder{}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"ask", "--json"}, pr, out, io.Discard)
	}()
	w := bufio.NewWriter(pw)
	for _, q := range []string{refugeeQ, "", "What is the population of Canada?"} {
		w.WriteString(q + "\n")
		w.Flush()
	}
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d answers for two questions (blank lines skipped): %q", len(lines), out.String())
	}
	if len(out.flushes) != 2 || out.flushes[0] != len(lines[0])+1 {
		t.Errorf("flushes at %v; want one after each answer (first at %d)", out.flushes, len(lines[0])+1)
	}
}

func TestAskTextOutput(t *testing.T) {
	out, _, err := runCLI(t, "", "ask", refugeeQ)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"A: 7,500", "[1] “", "— Life Pulse Daily", "paragraph"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runCLI(t, "", "ask", "What is the refugee cap for fiscal 2027?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Not in the documents") || !strings.Contains(out, "Closest passages:") {
		t.Errorf("decline output:\n%s", out)
	}
}

// TestAskQuerySyntax: query syntax and junk on the command line are
// questions like any other: an answer or a decline, exit status 0.
func TestAskQuerySyntax(t *testing.T) {
	for _, q := range []string{"refugee* cap~2 +fiscal:2026", `"unbalanced (`, strings.Repeat("§", 5000)} {
		out, stderr, err := runCLI(t, "", "ask", "--json", q)
		if err != nil {
			t.Errorf("ask %.30q: %v %s", q, err, stderr)
			continue
		}
		var a struct {
			Answered bool `json:"answered"`
		}
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Errorf("ask %.30q: %v", q, err)
		}
	}
}

func TestAskUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"ask", "--top", "0", "q"},
		{"ask", "--top", "99", "q"},
		{"ask", "--index", "x", "--corpus", "y", "q"},
		{"ask", "--no-such-flag"},
		// An empty question is a usage error, not an answer.
		{"ask", ""},
		{"ask", "  ", "\t"},
		{"quote", ""},
	} {
		_, _, err := runCLI(t, "", args...)
		if exitCode(err) != 2 {
			t.Errorf("citebot %v: exit %d (%v); want 2", args, exitCode(err), err)
		}
	}
	_, _, err := runCLI(t, "", "ask", "--index", filepath.Join(t.TempDir(), "none"), "q")
	if err == nil || !strings.Contains(err.Error(), "citebot index") {
		t.Errorf("ask on a missing index: %v; want an error saying how to build one", err)
	}
}

// TestAskCorpusReportsBadFiles: a file that cannot be read is named on
// stderr and skipped; the rest still answer.
func TestAskCorpusReportsBadFiles(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "good.txt"), []byte("Budget Story\n\nThe city council approved a budget of 4.2 million dollars on Tuesday.\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "junk.txt"), []byte("\x00\x01\x02binary\x00junk"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "notes.md"), []byte("---\ntitle: Council notes\nauthor: A. Writer\n---\n# Council\n\nThe vote was 7 to 2.\n"), 0o644))
	out, stderr, err := runCLI(t, "", "ask", "--json", "--corpus", dir, "How much was the budget the city council approved?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "junk.txt") {
		t.Errorf("stderr does not name the bad file:\n%s", stderr)
	}
	if !strings.Contains(out, `"answer":"4.2 million`) {
		t.Errorf("answer: %s", out)
	}
}

// TestIndexThenAsk: citebot index writes a persisted index that ask
// --index answers from without the documents.
func TestIndexThenAsk(t *testing.T) {
	corpus := t.TempDir()
	if err := os.WriteFile(filepath.Join(corpus, "story.txt"), []byte("Harbour Report\nBy Ana Ruiz\n\nThe harbour handled 1,250 ships in 2024, up from 980 in 2023.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ix := filepath.Join(t.TempDir(), "ix")
	if _, stderr, err := runCLI(t, "", "index", "--corpus", corpus, "--index", ix); err != nil {
		t.Fatalf("index: %v %s", err, stderr)
	}
	if err := os.RemoveAll(corpus); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "", "ask", "--json", "--index", ix, "How many ships did the harbour handle in 2024?")
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Answer    string `json:"answer"`
		Citations []struct {
			Author string `json:"author"`
			Title  string `json:"title"`
		} `json:"citations"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if a.Answer != "1,250" || len(a.Citations) == 0 || a.Citations[0].Author != "Ana Ruiz" || a.Citations[0].Title != "Harbour Report" {
		t.Errorf("answer %+v; want 1,250 cited to Harbour Report by Ana Ruiz", a)
	}
}

// TestEvalDevSet: citebot eval scores the dev set and prints the figures.
func TestEvalDevSet(t *testing.T) {
	out, _, err := runCLI(t, "", "eval", "--qa", mustAbs(t, devSet), "-v")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"answered-right  16/16", "cited-right     16/16", "declined-right  4/4", "verbatim"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
	ok := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "ok ") {
			ok++
		}
	}
	if ok != 20 {
		t.Errorf("per-question table shows %d ok lines; want 20:\n%s", ok, out)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestEvalScoring pins how eval scores an answer, on a question set whose
// answers are known to be right and wrong.
func TestEvalScoring(t *testing.T) {
	dir := t.TempDir()
	set := filepath.Join(dir, "set.jsonl")
	lines := []string{
		`{"id":"right","question":"What was the FY2026 refugee cap?","answers":["7500"],"docs":["002_af087fb2e48502ed","000_49e5d4ef9c47bd09"]}`,
		`{"id":"wrongdoc","question":"What was the FY2026 refugee cap?","answers":["7,500"],"docs":["nope"]}`,
		`{"id":"wrong","question":"What was the FY2026 refugee cap?","answers":["12,000"],"docs":["000_49e5d4ef9c47bd09"]}`,
		`{"id":"decline","question":"What is the refugee cap for fiscal 2027?","answers":[],"docs":[],"unanswerable":true}`,
	}
	if err := os.WriteFile(set, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "", "eval", "--qa", set)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"answered-right  2/3", "cited-right     1/3", "declined-right  1/1"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
}

// TestNormalizeForScoring: eval's matching ignores case, punctuation and
// thousands separators, and respects word boundaries.
func TestNormalizeForScoring(t *testing.T) {
	tests := []struct {
		text  string
		golds []string
		want  bool
	}{
		{"7,500", []string{"7500"}, true},
		{"a record low of 7,500.", []string{"7,500"}, true},
		{"Europe, Canada, and Australia", []string{"Europe, Canada and Australia"}, true},
		{"17,500", []string{"7,500"}, false},
		{"New York Times", []string{"york"}, true},
		{"Trumpet", []string{"Trump"}, false},
	}
	for _, tt := range tests {
		if got := qaeval.ContainsAny(tt.text, tt.golds); got != tt.want {
			t.Errorf("ContainsAny(%q, %q) = %v; want %v", tt.text, tt.golds, got, tt.want)
		}
	}
}

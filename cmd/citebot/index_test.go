package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/ingest"
	"github.com/citebot/citebot/retrieval/ingest/ingesttest"
)

// writeDoc writes a document's text at path, making its folders.
func writeDoc(t *testing.T, path, text string) {
	t.Helper()
	ingesttest.WriteFile(t, path, []byte(text))
}

// smallCorpus writes four stories and returns their folder.
func smallCorpus(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "metro")
	writeDoc(t, filepath.Join(dir, "bridge.txt"), "Mill Road bridge closes\n\nThe Mill Road bridge was closed on Monday after the Clear River rose two metres overnight, the county engineer said.\n")
	writeDoc(t, filepath.Join(dir, "budget.md"), "---\ntitle: School budget grows\ndate: 2025-02-11\n---\nThe school board adopted a $182 million budget on Monday.\n")
	writeDoc(t, filepath.Join(dir, "parks.html"), "<html><head><title>Playground opens</title></head><body><article><p>The parks department opened a playground on Elm Street on Saturday.</p></article></body></html>")
	writeDoc(t, filepath.Join(dir, "archive.jsonl"), `{"id": "a1", "title": "Library hours", "text": "The central library will stay open until 8 p.m. on Saturdays."}`+"\n")
	return dir
}

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr adaptertest.Logs
	err := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// runJSON runs citebot args… in-process, which must succeed, and
// decodes what it printed (one JSON object, as --json writes) into v;
// it returns what it printed.
func runJSON(t *testing.T, v any, args ...string) string {
	t.Helper()
	out, stderr, err := runCmd(t, args...)
	if err != nil {
		t.Fatalf("citebot %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("citebot %s printed %q: %v", strings.Join(args, " "), out, err)
	}
	return out
}

var summaryRe = regexp.MustCompile(`^index .+: (\d+) added, (\d+) changed, (\d+) removed, (\d+) unchanged; (\d+) documents, (\d+) passages in \S+( \(up to date, nothing re-indexed\))?$`)

// counts parses a summary line into added, changed, removed, unchanged,
// documents, and whether it reported nothing re-indexed.
func counts(t *testing.T, line string) (c [5]int, upToDate bool) {
	t.Helper()
	m := summaryRe.FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		t.Fatalf("summary %q does not match %s", line, summaryRe)
	}
	for i := range c {
		fmt.Sscan(m[i+1], &c[i])
	}
	return c, m[7] != ""
}

// TestIndexIncrementalCommand: `citebot index` re-indexes only what
// changed and says how many documents of each kind.
func TestIndexIncrementalCommand(t *testing.T) {
	corpus := smallCorpus(t)
	path := filepath.Join(t.TempDir(), "ix")
	out, _, err := runCmd(t, "index", "--corpus", corpus, "--index", path)
	if err != nil {
		t.Fatal(err)
	}
	if c, upToDate := counts(t, out); c != [5]int{4, 0, 0, 0, 4} || upToDate {
		t.Errorf("first run: %q", out)
	}
	out, _, err = runCmd(t, "index", "--corpus", corpus, "--index", path)
	if err != nil {
		t.Fatal(err)
	}
	if c, upToDate := counts(t, out); c != [5]int{0, 0, 0, 4, 4} || !upToDate {
		t.Errorf("unchanged run: %q", out)
	}
	writeDoc(t, filepath.Join(corpus, "bridge.txt"), "Mill Road bridge reopens\n\nThe Mill Road bridge reopened on Friday after inspectors found no damage.\n")
	writeDoc(t, filepath.Join(corpus, "new", "zoning.txt"), "The zoning board approved a 14-storey tower on Pine Avenue.\n")
	if err := os.Remove(filepath.Join(corpus, "parks.html")); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCmd(t, "index", "--corpus", corpus, "--index", path)
	if err != nil {
		t.Fatal(err)
	}
	if c, upToDate := counts(t, out); c != [5]int{1, 1, 1, 2, 4} || upToDate {
		t.Errorf("changed run: %q", out)
	}
	var a retrieval.Answer
	runJSON(t, &a, "ask", "--json", "--index", path, "When did the Mill Road bridge reopen?")
	if !a.Answered || a.Citations[0].Doc != "bridge" || !strings.Contains(a.Citations[0].Quote, "Friday") || a.Citations[0].Collection != "metro" {
		t.Errorf("answer after update: %s", out)
	}
	// --rebuild re-indexes everything.
	out, _, err = runCmd(t, "index", "--rebuild", "--corpus", corpus, "--index", path)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := counts(t, out); c != [5]int{4, 0, 0, 0, 4} {
		t.Errorf("rebuild: %q", out)
	}
}

// TestIndexSkipsBadFiles: a broken file is reported by name on stderr and
// the run still indexes the rest.
func TestIndexSkipsBadFiles(t *testing.T) {
	corpus := smallCorpus(t)
	writeDoc(t, filepath.Join(corpus, "broken.pdf"), "%PDF-1.4 truncated")
	writeDoc(t, filepath.Join(corpus, "junk.txt"), "\x00\x01\x02\x03binary")
	path := filepath.Join(t.TempDir(), "ix")
	out, stderr, err := runCmd(t, "index", "--corpus", corpus, "--index", path)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := counts(t, out); c[4] != 4 {
		t.Errorf("summary %q; want the 4 good documents", out)
	}
	for _, name := range []string{"broken.pdf", "junk.txt"} {
		if !strings.Contains(stderr, name) {
			t.Errorf("stderr does not name %s:\n%s", name, stderr)
		}
	}
}

// TestCorpusNamedCollection: --corpus NAME=DIR names the collection.
func TestCorpusNamedCollection(t *testing.T) {
	corpus := smallCorpus(t)
	var a retrieval.Answer
	out := runJSON(t, &a, "ask", "--json", "--corpus", "desk="+corpus, "Why was the Mill Road bridge closed?")
	if !a.Answered || a.Citations[0].Collection != "desk" {
		t.Errorf("answer %s; want a citation from collection desk", out)
	}
	if _, _, err := runCmd(t, "ask", "--corpus", "=x", "q"); err == nil || exitCode(err) != 2 {
		t.Errorf("--corpus =x: %v; want a usage error", err)
	}
}

func TestParseCorpora(t *testing.T) {
	dir := t.TempDir()
	odd := filepath.Join(dir, "a=b") // a folder whose name has "="
	if err := os.Mkdir(odd, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := parseCorpora([]string{"news", "desk=/srv/embargoed", odd})
	if err != nil {
		t.Fatal(err)
	}
	want := []ingest.Corpus{{Dir: "news"}, {Dir: "/srv/embargoed", Collection: "desk"}, {Dir: odd}}
	if !slices.Equal(got, want) {
		t.Errorf("parseCorpora = %+v; want %+v", got, want)
	}
	for _, bad := range []string{"=dir", "name="} {
		if _, err := parseCorpora([]string{bad}); err == nil {
			t.Errorf("parseCorpora(%q) accepted", bad)
		}
	}
}

// TestIndexWatch: `index --watch` picks up a new file and updates the
// index until interrupted.
func TestIndexWatch(t *testing.T) {
	corpus := smallCorpus(t)
	path := filepath.Join(t.TempDir(), "ix")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr adaptertest.Logs
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"index", "--watch", "--debounce", "100ms", "--corpus", corpus, "--index", path}, strings.NewReader(""), &stdout, &stderr)
	}()
	lines := func() []string { return strings.Split(strings.TrimSpace(stdout.String()), "\n") }
	deadline := time.Now().Add(60 * time.Second)
	for stdout.String() == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no initial index; stderr:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Add files until an update reports them (a file written before the
	// watcher is set up would go unseen).
	for i := 0; len(lines()) < 2; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("no update after adding files; stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
		}
		writeDoc(t, filepath.Join(corpus, fmt.Sprintf("late%d.txt", i)), fmt.Sprintf("Late story %d about the harbor ferry.\n", i))
		time.Sleep(300 * time.Millisecond)
	}
	c, _ := counts(t, lines()[1])
	if c[0] < 1 || c[1] != 0 || c[2] != 0 || c[3] != 4 {
		t.Errorf("update %q; want the late files added and the rest unchanged", lines()[1])
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("index --watch returned %v", err)
	}
	ix, err := bleveindex.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Document(context.Background(), "late0"); err != nil {
		t.Errorf("late0 not indexed: %v", err)
	}
}

// TestIndexHelperProcess is not a test: TestIndexKilledMidBuild runs the
// test binary as `citebot` through it.
func TestIndexHelperProcess(t *testing.T) {
	if os.Getenv("CITEBOT_TEST_INDEX_HELPER") != "1" {
		return
	}
	args := strings.Split(os.Getenv("CITEBOT_TEST_INDEX_ARGS"), "\x1f")
	err := run(context.Background(), args, os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "citebot:", err)
		os.Exit(exitCode(err))
	}
	os.Exit(0)
}

// TestIndexKilledMidBuild: kill -9 a `citebot index` while it writes a new
// generation; `ask --index` still answers from the previous one, and the
// next `citebot index` completes and cleans up after the killed one.
func TestIndexKilledMidBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a large corpus; skipped with -short")
	}
	small := smallCorpus(t)
	path := filepath.Join(t.TempDir(), "ix")
	if _, _, err := runCmd(t, "index", "--corpus", small, "--index", path); err != nil {
		t.Fatal(err)
	}
	before, err := bleveindex.CurrentGeneration(path)
	if err != nil {
		t.Fatal(err)
	}

	// A corpus big enough that indexing it takes a while.
	big := filepath.Join(t.TempDir(), "metro")
	words := strings.Fields("council budget harbor ferry bridge school tower zoning library river police transit housing water election parks museum hospital")
	for i := range 4000 {
		var b strings.Builder
		fmt.Fprintf(&b, "Story %d\n\n", i)
		for j := range 40 {
			fmt.Fprintf(&b, "The %s report number %d mentions the %s plan. ", words[(i+j)%len(words)], i*40+j, words[(i*7+j)%len(words)])
		}
		writeDoc(t, filepath.Join(big, fmt.Sprintf("s%04d.txt", i)), b.String())
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestIndexHelperProcess$")
	cmd.Env = append(os.Environ(), "CITEBOT_TEST_INDEX_HELPER=1",
		"CITEBOT_TEST_INDEX_ARGS="+strings.Join([]string{"index", "--corpus", big, "--index", path}, "\x1f"))
	var childOut adaptertest.Logs
	cmd.Stdout, cmd.Stderr = &childOut, &childOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Kill it as soon as its new generation appears: it is writing it.
	deadline := time.After(3 * time.Minute)
	var partial string
wait:
	for {
		select {
		case err := <-exited:
			t.Fatalf("index exited before it was killed (%v):\n%s", err, childOut.String())
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("no new generation appeared:\n%s", childOut.String())
		case <-time.After(2 * time.Millisecond):
		}
		entries, _ := os.ReadDir(filepath.Join(path, "gens"))
		for _, e := range entries {
			if e.Name() != before {
				partial = e.Name()
				break wait
			}
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup runs
		t.Fatal(err)
	}
	<-exited

	if cur, _ := bleveindex.CurrentGeneration(path); cur != before {
		t.Fatalf("CURRENT = %s after the kill; want the previous %s (did the build finish first?)", cur, before)
	}
	if _, err := os.Stat(filepath.Join(path, "gens", partial)); err != nil {
		t.Fatalf("the killed build's generation %s is gone: %v", partial, err)
	}
	var a retrieval.Answer
	out := runJSON(t, &a, "ask", "--json", "--index", path, "Why was the Mill Road bridge closed?")
	if !a.Answered || a.Citations[0].Doc != "bridge" {
		t.Errorf("answer from the previous generation: %s", out)
	}

	// The lock died with the process: a new run completes.
	writeDoc(t, filepath.Join(small, "ferry.txt"), "The harbor ferry will run every 20 minutes from June.\n")
	out, _, err = runCmd(t, "index", "--corpus", small, "--index", path)
	if err != nil {
		t.Fatalf("index after the kill: %v", err)
	}
	if c, _ := counts(t, out); c != [5]int{1, 0, 0, 4, 5} {
		t.Errorf("index after the kill: %q", out)
	}
	if _, err := os.Stat(filepath.Join(path, "gens", partial)); !os.IsNotExist(err) {
		t.Errorf("the killed build's generation %s was not cleaned up (%v)", partial, err)
	}
	out, _, err = runCmd(t, "ask", "--json", "--index", path, "How often will the harbor ferry run?")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil || !a.Answered || a.Citations[0].Doc != "ferry" {
		t.Errorf("answer after the new run: %s (%v)", out, err)
	}
}

// TestLogProgress: without a terminal, progress is logged at most once an
// interval, with a rate and an ETA, and at the end of a long phase.
func TestLogProgress(t *testing.T) {
	var buf adaptertest.Logs
	log := slog.New(slog.NewTextHandler(&buf, nil))
	now := time.Unix(0, 0)
	clock := func() time.Time { return now }
	p := logProgress(log, "indexing", 5*time.Second, clock)
	p(10, 100) // starts the clock
	now = now.Add(time.Second)
	p(20, 100) // too soon
	now = now.Add(5 * time.Second)
	p(60, 100)
	p(50, 100) // out of order: ignored
	now = now.Add(3 * time.Second)
	p(100, 100) // the end of a phase longer than the interval
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("logged %d lines; want 2:\n%s", len(lines), buf.String())
	}
	for _, want := range []string{"msg=indexing", "done=60", "total=100", "per_second=10.0", "eta=4s"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("%q lacks %q", lines[0], want)
		}
	}
	if !strings.Contains(lines[1], "done=100") || strings.Contains(lines[1], "eta=") {
		t.Errorf("final line %q", lines[1])
	}
}

// TestBarProgressFirstRate: the terminal bar times its rate from the
// phase's start and shows none before a second has passed, so the first
// reading is never one document over microseconds.
func TestBarProgressFirstRate(t *testing.T) {
	var buf adaptertest.Logs
	now := time.Unix(0, 0)
	p := barProgress(&buf, "indexing", func() time.Time { return now })
	p(0, 100) // the phase starts
	now = now.Add(time.Microsecond)
	p(1, 100)
	if out := buf.String(); strings.Contains(out, "/s") || !strings.Contains(out, "indexing") {
		t.Errorf("first drawing %q; want the phase and no rate yet", out)
	}
	for _, tc := range []struct {
		done    int
		elapsed time.Duration
		want    string
	}{
		{1, time.Microsecond, "indexing"},
		{60, 6 * time.Second, "indexing 10 docs/s, 4s left"},
		{100, 8 * time.Second, "indexing 12 docs/s"},
	} {
		if got := rateNote("indexing", tc.done, 100, tc.elapsed); got != tc.want {
			t.Errorf("rateNote(%d done in %s) = %q; want %q", tc.done, tc.elapsed, got, tc.want)
		}
	}
}

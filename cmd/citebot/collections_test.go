package main

import (
	"encoding/json"
	stdlog "log"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/citebot/citebot/config/configtest"
	"github.com/citebot/citebot/retrieval"
)

// twoCollections writes two corpus folders, metro and courts, that each
// hold a story.txt, and returns their folders.
func twoCollections(t *testing.T) (metro, courts string) {
	t.Helper()
	root := t.TempDir()
	metro, courts = filepath.Join(root, "metro"), filepath.Join(root, "courts")
	writeDoc(t, filepath.Join(metro, "story.txt"), "Mill Road bridge closes\n\nThe Mill Road bridge was closed on Monday after the Clear River rose two metres overnight, the county engineer said.\n")
	writeDoc(t, filepath.Join(metro, "parks.txt"), "Playground opens\n\nThe parks department opened a playground on Elm Street on Saturday.\n")
	writeDoc(t, filepath.Join(courts, "story.txt"), "Judge blocks tower\n\nA county judge blocked the 14-storey Pine Avenue tower on Thursday, ruling the zoning board skipped a hearing.\n")
	return metro, courts
}

// sourcesOf lists an index's documents as `citebot sources --json` does.
func sourcesOf(t *testing.T, args ...string) []retrieval.Source {
	t.Helper()
	out, stderr, err := runCmd(t, append([]string{"sources", "--json"}, args...)...)
	if err != nil {
		t.Fatalf("sources: %v\n%s", err, stderr)
	}
	var list []retrieval.Source
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var s retrieval.Source
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			t.Fatalf("sources line %q: %v", line, err)
		}
		list = append(list, s)
	}
	return list
}

func docIDs(list []retrieval.Source) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.Collection+"/"+s.ID)
	}
	return out
}

// TestIndexKeepsCollectionsNotNamed: re-indexing one collection leaves
// the others alone; --prune removes the collections not named. Two
// collections that each hold story.txt are both indexed and cited
// distinctly.
func TestIndexKeepsCollectionsNotNamed(t *testing.T) {
	metro, courts := twoCollections(t)
	path := filepath.Join(t.TempDir(), "ix")
	if _, stderr, err := runCmd(t, "index", "--corpus", metro, "--corpus", courts, "--index", path); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	all := docIDs(sourcesOf(t, "--index", path))
	if want := []string{"metro/parks", "metro/story", "courts/courts:story"}; !sameSet(all, want) {
		t.Fatalf("indexed %v; want both story.txt files, metro's with its plain id (%v)", all, want)
	}
	for _, tc := range []struct{ q, doc, coll string }{
		{"Why was the Mill Road bridge closed?", "story", "metro"},
		{"Which tower did the judge block?", "courts:story", "courts"},
	} {
		var a retrieval.Answer
		out := runJSON(t, &a, "ask", "--json", "--index", path, tc.q)
		if !a.Answered || a.Citations[0].Doc != tc.doc || a.Citations[0].Collection != tc.coll {
			t.Errorf("%q: %s; want a citation of %s in %s", tc.q, out, tc.doc, tc.coll)
		}
	}

	// Re-indexing metro alone keeps courts.
	writeDoc(t, filepath.Join(metro, "parks.txt"), "Playground reopens\n\nThe Elm Street playground reopened on Sunday after repairs.\n")
	out, stderr, err := runCmd(t, "index", "--corpus", metro, "--index", path)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if c, _ := counts(t, strings.SplitN(out, "\n", 2)[0]); c[2] != 0 {
		t.Errorf("re-indexing metro removed %d documents: %s", c[2], out)
	}
	if !strings.Contains(out, "courts") {
		t.Errorf("summary %q does not say the courts collection was kept", out)
	}
	if got := docIDs(sourcesOf(t, "--index", path)); !sameSet(got, all) {
		t.Errorf("after re-indexing metro: %v; want %v", got, all)
	}
	// So does --rebuild of metro alone.
	if _, stderr, err := runCmd(t, "index", "--rebuild", "--corpus", metro, "--index", path); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if got := docIDs(sourcesOf(t, "--index", path)); !sameSet(got, all) {
		t.Errorf("after --rebuild of metro: %v; want %v", got, all)
	}
	// --prune removes what is not named.
	if _, stderr, err := runCmd(t, "index", "--prune", "--corpus", metro, "--index", path); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if got := docIDs(sourcesOf(t, "--index", path)); !sameSet(got, []string{"metro/parks", "metro/story"}) {
		t.Errorf("after --prune: %v; want metro only", got)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestSourcesCommand: citebot sources lists documents one per line
// (JSON Lines with --json, the fields of /api/sources items), filtered
// by collection and paged with --limit and --after.
func TestSourcesCommand(t *testing.T) {
	metro, courts := twoCollections(t)
	corpus := []string{"--corpus", metro, "--corpus", courts}
	all := sourcesOf(t, corpus...)
	if len(all) != 3 {
		t.Fatalf("sources %v; want 3", docIDs(all))
	}
	for _, s := range all {
		if s.Passages == 0 || s.Bytes == 0 || s.Title == "" {
			t.Errorf("source %+v lacks passages, bytes or title", s)
		}
	}
	if got := docIDs(sourcesOf(t, append(corpus, "--collection", "courts")...)); !slices.Equal(got, []string{"courts/courts:story"}) {
		t.Errorf("--collection courts: %v", got)
	}
	// Pages of one, each after the last id seen, cover the list once.
	var paged []retrieval.Source
	after := ""
	for range 5 {
		args := append(slices.Clone(corpus), "--limit", "1")
		if after != "" {
			args = append(args, "--after", after)
		}
		page := sourcesOf(t, args...)
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		after = page[len(page)-1].ID
	}
	if !slices.Equal(docIDs(paged), docIDs(all)) {
		t.Errorf("paged %v; want %v", docIDs(paged), docIDs(all))
	}
	out, _, err := runCmd(t, append([]string{"sources"}, corpus...)...)
	if err != nil || !strings.Contains(out, "courts:story") || !strings.Contains(out, "Judge blocks tower") || !strings.Contains(out, "undated") {
		t.Errorf("sources as text: %v\n%s", err, out)
	}
}

// TestCollectionFlags: --collection limits ask and quote; an unknown
// collection is a usage error naming the known ones.
func TestCollectionFlags(t *testing.T) {
	metro, courts := twoCollections(t)
	corpus := []string{"--corpus", metro, "--corpus", courts}
	var a retrieval.Answer
	runJSON(t, &a, append([]string{"ask", "--json", "--collection", "metro"}, append(corpus, "Which tower did the judge block?")...)...)
	for _, c := range append(a.Citations, a.Closest...) {
		if c.Collection != "metro" {
			t.Errorf("--collection metro cited %s from %s", c.Doc, c.Collection)
		}
	}
	var qc retrieval.QuoteCheck
	out := runJSON(t, &qc, append([]string{"quote", "--json", "--collection", "courts"}, append(corpus, "the Mill Road bridge was closed on Monday")...)...)
	if qc.Verdict == retrieval.VerdictExact {
		t.Errorf("quote --collection courts found metro's words: %s", out)
	}
	for _, cmd := range []string{"ask", "quote", "sources"} {
		args := append([]string{cmd, "--collection", "sport"}, corpus...)
		if cmd != "sources" {
			args = append(args, "anything at all")
		}
		_, _, err := runCmd(t, args...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "sport") || !strings.Contains(err.Error(), "courts") || !strings.Contains(err.Error(), "metro") {
			t.Errorf("%s --collection sport: %v (exit %d); want a usage error naming the known collections", cmd, err, exitCode(err))
		}
	}
}

// TestServeCorpusNamed: serve's --corpus NAME=DIR (and CITEBOT_CORPUS)
// pass configuration checks and name the collection.
func TestServeCorpusNamed(t *testing.T) {
	metro, _ := twoCollections(t)
	configtest.Isolate(t)
	out, stderr, err := runCmd(t, "config", "check", "--corpus", "desk="+metro)
	if err != nil || !strings.Contains(out, "no problems found") {
		t.Errorf("config check --corpus desk=DIR: %v\n%s%s", err, out, stderr)
	}
	t.Setenv("CITEBOT_CORPUS", "desk="+metro)
	out, stderr, err = runCmd(t, "config", "check")
	if err != nil || !strings.Contains(out, "no problems found") {
		t.Errorf("CITEBOT_CORPUS=desk=DIR: %v\n%s%s", err, out, stderr)
	}
}

// TestConfigTypeProblemsExit2: a value of the wrong type is reported in
// plain words with every other problem, and serve and config check exit 2
// (a usage error) before anything starts; an unknown CITEBOT_* variable
// is a warning.
func TestConfigTypeProblemsExit2(t *testing.T) {
	configtest.Isolate(t)
	t.Setenv("CITEBOT_SLACK_ENABLED", "maybe")
	t.Setenv("CITEBOT_HTTP_SHUTDOWN_TIMEOUT", "fifteen")
	t.Setenv("CITEBOT_LOG_LEVEL", "loud")
	t.Setenv("CITEBOT_HTTPADDR", "127.0.0.1:9")
	for _, args := range [][]string{{"config", "check"}, {"serve", "--addr", "127.0.0.1:0"}} {
		out, _, err := runCmd(t, args...)
		if err == nil || exitCode(err) != 2 {
			t.Fatalf("%v: %v (exit %d); want a usage error", args, err, exitCode(err))
		}
		msg := err.Error()
		for _, want := range []string{
			`slack.enabled: is "maybe" (from CITEBOT_SLACK_ENABLED); expected true or false`,
			`http.shutdown_timeout: is "fifteen" (from CITEBOT_HTTP_SHUTDOWN_TIMEOUT); expected a duration`,
			`log.level`,
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("%v: %q lacks %q", args, msg, want)
			}
		}
		if args[0] == "config" && !strings.Contains(out, "# warning: CITEBOT_HTTPADDR names no citebot setting") {
			t.Errorf("config check output lacks the warning:\n%s", out)
		}
	}
}

// TestServeLogsOneFormat: what is logged through the default logger or
// the standard log package while serve runs (folder watching, libraries)
// comes out as JSON lines like the rest, not as plain text among them.
func TestServeLogsOneFormat(t *testing.T) {
	configtest.Isolate(t)
	_, logs, stop := startServe(t)
	slog.Warn("watch: probe from a helper", "dir", "x")
	stdlog.Print("probe from a library")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if !strings.HasPrefix(line, "{") {
			t.Errorf("a plain-text line among JSON logs: %q", line)
		}
	}
	for _, probe := range []string{"probe from a helper", "probe from a library"} {
		if !strings.Contains(logs.String(), probe) {
			t.Errorf("serve's log lacks %q:\n%s", probe, logs)
		}
	}
}

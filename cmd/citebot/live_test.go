package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/bleveindex"
)

// waitFor polls cond until it holds, making a change before each try (a
// change made before a watcher is set up goes unseen).
func waitFor(t *testing.T, what string, change func(i int), cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; !cond(); i++ {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		change(i)
		time.Sleep(500 * time.Millisecond)
	}
}

func liveIDs(t *testing.T, live *answer.Engine) []string {
	t.Helper()
	srcs, err := live.Sources()
	if err != nil {
		t.Fatal(err)
	}
	return retrieval.SourceIDs(srcs)
}

// TestOpenEngineWatchesCorpus: serving from corpus folders with watch, new
// files are answered from without a restart.
func TestOpenEngineWatchesCorpus(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	corpus := smallCorpus(t)
	cf := corpusFlags{corpus: []string{"metro=" + corpus}}
	live, err := cf.openEngine(ctx, true, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if ids := liveIDs(t, live); len(ids) != 4 {
		t.Fatalf("serving %v", ids)
	}
	waitFor(t, "the new file to be served", func(i int) {
		if i%8 != 0 {
			return // each write restarts the debounce: leave it time to fire
		}
		writeDoc(t, filepath.Join(corpus, "late.txt"), fmt.Sprintf("The harbor ferry will run every %d minutes.\n", 20+i))
	}, func() bool { return slices.Contains(liveIDs(t, live), "late") })
	a, err := live.Ask(ctx, "How often will the harbor ferry run?", retrieval.AskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Answered || a.Citations[0].Doc != "late" || a.Citations[0].Collection != "metro" {
		t.Errorf("answer %+v", a)
	}
}

// TestOpenEngineFollowsIndex: serving a persisted index with watch, the
// generations `citebot index` writes are picked up.
func TestOpenEngineFollowsIndex(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	corpus := smallCorpus(t)
	path := filepath.Join(t.TempDir(), "ix")
	if _, _, err := runCmd(t, "index", "--corpus", corpus, "--index", path); err != nil {
		t.Fatal(err)
	}
	cf := corpusFlags{index: path}
	live, err := cf.openEngine(ctx, true, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	writeDoc(t, filepath.Join(corpus, "late.txt"), "The harbor ferry will run every 20 minutes.\n")
	if _, _, err := runCmd(t, "index", "--corpus", corpus, "--index", path); err != nil {
		t.Fatal(err)
	}
	want, _ := bleveindex.CurrentGeneration(path)
	waitFor(t, "the new generation to be served", func(int) {}, func() bool { return live.Live().Generation() == want })
	if !slices.Contains(liveIDs(t, live), "late") {
		t.Errorf("serving %v", liveIDs(t, live))
	}
	st, err := live.Stats()
	if err != nil || st.Generation != want || st.Built.IsZero() {
		t.Errorf("stats %+v, %v", st, err)
	}
}

package phase

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/citebot/citebot/cmd/citebench/internal/citebot"
	"github.com/citebot/citebot/cmd/citebench/internal/corpus"
	"github.com/citebot/citebot/cmd/citebench/internal/peers"
)

// Median keeps each figure's median, not one run's figures.
func TestMedian(t *testing.T) {
	runs := []*Result{
		{IndexSeconds: 3, P50: 9 * time.Millisecond, PerSec1: 100, At1: 7},
		{IndexSeconds: 1, P50: 1 * time.Millisecond, PerSec1: 300, At1: 7},
		{IndexSeconds: 2, P50: 5 * time.Millisecond, PerSec1: 200, At1: 7},
	}
	m := Median(runs)
	if m.IndexSeconds != 2 || m.P50 != 5*time.Millisecond || m.PerSec1 != 200 || m.At1 != 7 || m.Runs != 3 {
		t.Errorf("median of %+v, %+v, %+v = %+v", *runs[0], *runs[1], *runs[2], *m)
	}
	if runs[0].IndexSeconds != 3 {
		t.Error("Median changed its input")
	}
}

func TestNames(t *testing.T) {
	all := All()
	if len(all) != 2*len(peers.Names) || all[0] != "index-citebot" || all[len(all)-1] != "ask-fts5" {
		t.Errorf("phases %v", all)
	}
	if !IsIndex(Index(peers.FTS5)) || IsIndex(Ask(peers.FTS5)) {
		t.Error("IsIndex")
	}
	for _, s := range peers.Names {
		if System(Index(s)) != s || System(Ask(s)) != s {
			t.Errorf("System of %s's phases: %q, %q", s, System(Index(s)), System(Ask(s)))
		}
	}
}

// Both halves of a system in this process: indexing the seeds and
// asking their questions, each figure filled in.
func TestIndexThenAsk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	docs, err := citebot.Seeds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	qs := []corpus.Question{
		{ID: "cap", Question: "What was the FY2026 refugee cap?", Golds: []string{"7,500"}},
		{ID: "none", Question: "What is the airspeed of an unladen swallow?", Golds: []string{"24 miles an hour"}},
	}
	docsFile, qsFile := filepath.Join(dir, "docs.gob"), filepath.Join(dir, "qs.gob")
	if err := corpus.WriteGob(docsFile, docs); err != nil {
		t.Fatal(err)
	}
	if err := corpus.WriteGob(qsFile, qs); err != nil {
		t.Fatal(err)
	}
	index := filepath.Join(dir, "bleve")
	ix, err := Run(ctx, Options{Phase: Index(peers.Bleve), Docs: docsFile, Dir: index})
	if err != nil {
		t.Fatal(err)
	}
	if ix.Documents != len(docs) || ix.Passages == 0 || ix.IndexSeconds <= 0 || ix.DiskBytes <= 0 || ix.PeakRSS <= 0 {
		t.Errorf("index: %+v", ix)
	}
	a, err := Run(ctx, Options{Phase: Ask(peers.Bleve), Questions: qsFile, Dir: index, Warmup: 1, QPSTime: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if a.Questions != 2 || a.P50 <= 0 || a.P99 < a.P50 || a.PerSec1 <= 0 || a.PerSec2 <= 0 {
		t.Errorf("ask: %+v", a)
	}
	if a.At1 != 1 || a.At5 != 1 {
		t.Errorf("quote@1 %d, quote@5 %d; want the cap found first and the swallow nowhere", a.At1, a.At5)
	}
	if _, err := Run(ctx, Options{Phase: "ask-lucene", Dir: index}); err == nil {
		t.Error("an unknown phase ran")
	}
}

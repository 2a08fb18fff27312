package retrieval_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/seeds"
)

// The baselines must find the same passages citebot indexes, by the
// numbers Segment gives them, and never read a question as query syntax.
func TestMatchPassages(t *testing.T) {
	ctx := context.Background()
	ix := seedIndex(t)
	for _, q := range []string{
		"What was the FY2026 refugee cap?",
		`refugee +cap -admissions "State Department`,
		"title: cable AND text: borders^5 OR /regex/ ~fuzzy* (",
	} {
		hits, err := ix.MatchPassages(ctx, q, 5)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if len(hits) == 0 || len(hits) > 5 {
			t.Fatalf("%q: %d hits; want 1 to 5", q, len(hits))
		}
		for i, h := range hits {
			text, err := ix.DocumentText(h.Doc)
			if err != nil {
				t.Fatalf("%q: hit %+v: %v", q, h, err)
			}
			if ps := retrieval.Segment(text); h.Passage < 0 || h.Passage >= len(ps) {
				t.Errorf("%q: hit %+v: the document has %d passages", q, h, len(ps))
			}
			if i > 0 && h.Score > hits[i-1].Score {
				t.Errorf("%q: hits out of score order: %+v after %+v", q, h, hits[i-1])
			}
		}
	}
	// The best passage for the cap question is one that states it.
	hits, _ := ix.MatchPassages(ctx, "refugee admissions cap 7,500", 1)
	text, _ := ix.DocumentText(hits[0].Doc)
	p := retrieval.Segment(text)[hits[0].Passage]
	if got := text[p.Start:p.End]; !strings.Contains(got, "7,500") {
		t.Errorf("best passage for the cap does not state it: %q", got)
	}
	if hits, err := ix.MatchPassages(ctx, "the of and", 5); err != nil || len(hits) != 0 {
		t.Errorf("stop words only: %d hits, %v; want none", len(hits), err)
	}
}

func TestBuildBleveBaseline(t *testing.T) {
	ctx := context.Background()
	docs, errs := retrieval.LoadFS(ctx, seeds.FS, "seeds")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var batches [][]retrieval.BaselinePassage
	want := 0
	for _, d := range docs {
		var b []retrieval.BaselinePassage
		for k, p := range retrieval.Segment(d.Text) {
			b = append(b, retrieval.BaselinePassage{Doc: d.ID, Passage: k, Text: d.Text[p.Start:p.End]})
			want++
		}
		batches = append(batches, b)
	}
	dir := t.TempDir()
	n, err := retrieval.BuildBleveBaseline(ctx, dir, batches)
	if err != nil {
		t.Fatal(err)
	}
	if n != want || n == 0 {
		t.Errorf("indexed %d passages; want %d", n, want)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "bleve"))
	if err != nil || len(entries) == 0 {
		t.Errorf("no Bleve index written: %v", err)
	}
	// It refuses to build over an existing index rather than mix two.
	if _, err := retrieval.BuildBleveBaseline(ctx, dir, batches); err == nil {
		t.Error("a second build into the same folder succeeded")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := retrieval.BuildBleveBaseline(cancelled, t.TempDir(), batches); err == nil {
		t.Error("a cancelled build succeeded")
	}
}

package answer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/ingest/seedtest"
	"github.com/citebot/citebot/retrieval/question"
	rtext "github.com/citebot/citebot/retrieval/text"
	"github.com/citebot/citebot/retrieval/text/texttest"
	"github.com/citebot/citebot/seeds"
)

// squadDev loads SQuAD v1.1 dev from ../shared (one document per article)
// and its questions; benchmarks skip when the dataset is not beside the
// checkout.
func squadDev(b *testing.B) ([]retrieval.Document, []string) {
	b.Helper()
	d, err := texttest.SharedSQuAD(b, "squad/dev-v1.1.json.gz")
	if err != nil {
		b.Skipf("SQuAD dev not available: %v", err)
	}
	var docs []retrieval.Document
	var qs []string
	for i, a := range d.Data {
		var parts []string
		for _, p := range a.Paragraphs {
			parts = append(parts, p.Context)
			for _, q := range p.QAs {
				qs = append(qs, q.Question)
			}
		}
		docs = append(docs, retrieval.Document{ID: fmt.Sprintf("squad-%02d", i), Metadata: retrieval.Metadata{Title: a.Title}, Text: strings.Join(parts, "\n\n")})
	}
	return docs, qs
}

func BenchmarkIndexSeeds(b *testing.B) {
	docs := seedtest.Docs(b)
	b.ReportAllocs()
	for b.Loop() {
		ix, err := bleveindex.NewMemory(context.Background(), docs)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

// BenchmarkIndexSQuAD indexes the 2,067 SQuAD dev paragraphs in memory;
// passages/s is the throughput.
func BenchmarkIndexSQuAD(b *testing.B) {
	docs, _ := squadDev(b)
	b.ReportAllocs()
	var passages int
	for b.Loop() {
		ix, err := bleveindex.NewMemory(context.Background(), docs)
		if err != nil {
			b.Fatal(err)
		}
		st, _ := ix.Stats(context.Background())
		passages = st.Passages
		ix.Close()
	}
	b.ReportMetric(float64(passages)*float64(b.N)/b.Elapsed().Seconds(), "passages/s")
}

func BenchmarkAskSeeds(b *testing.B) {
	ix := seedEngine(b)
	qs := []string{"What was the FY2026 refugee cap?", "Who said a nation without borders is not a nation?", "What is the population of Canada?"}
	askInTurn(b, ix, qs)
}

// BenchmarkAskSQuAD answers SQuAD dev questions over the whole dev set.
func BenchmarkAskSQuAD(b *testing.B) {
	docs, qs := squadDev(b)
	ix := newEngine(b, docs)
	askInTurn(b, ix, qs)
}

// askInTurn times e answering qs, one question an operation, in turn.
func askInTurn(b *testing.B, e *Engine, qs []string) {
	inTurn(b, len(qs), func(k int) error {
		_, err := e.Ask(context.Background(), qs[k], retrieval.AskOptions{})
		return err
	})
}

// inTurn times op on the items 0 to n-1, one an operation, in turn,
// allocations reported; an error stops the benchmark.
func inTurn(b *testing.B, n int, op func(k int) error) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := op(i % n); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkAnalyzeQuestion is question analysis alone.
func BenchmarkAnalyzeQuestion(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		question.Analyze("Which principle of the 1951 Refugee Convention could asylum rollbacks challenge?")
	}
}

// BenchmarkSegment splits a seed article into passages and sentences.
func BenchmarkSegment(b *testing.B) {
	text, err := seeds.FS.ReadFile("000_49e5d4ef9c47bd09.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		rtext.Segment(string(text))
	}
}

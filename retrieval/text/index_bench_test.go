package text

import (
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/text/texttest"
)

// squadArticles is SQuAD dev as one text per article (paragraphs joined
// by blank lines), or a skip when the dataset is not beside the checkout.
func squadArticles(b *testing.B) []string {
	b.Helper()
	d, err := texttest.SharedSQuAD(b, "squad/dev-v1.1.json.gz")
	if err != nil {
		b.Skipf("SQuAD dev not available: %v", err)
	}
	var out []string
	for _, a := range d.Data {
		var parts []string
		for _, p := range a.Paragraphs {
			parts = append(parts, p.Context)
		}
		out = append(out, strings.Join(parts, "\n\n"))
	}
	return out
}

// BenchmarkIndexDocumentSQuAD is index-time analysis (segmentation,
// tokens, entities) of the SQuAD dev articles, one article an operation.
func BenchmarkIndexDocumentSQuAD(b *testing.B) {
	arts := squadArticles(b)
	b.ReportAllocs()
	i, passages := 0, 0
	for b.Loop() {
		d := IndexDocument(retrieval.Document{ID: "d", Text: arts[i%len(arts)]})
		passages += len(d.Passages)
		i++
	}
	b.ReportMetric(float64(passages)/b.Elapsed().Seconds(), "passages/s")
}

// BenchmarkAmountEntitiesSQuAD is amount, date and number finding alone
// over every sentence of the SQuAD dev articles, one article an operation.
func BenchmarkAmountEntitiesSQuAD(b *testing.B) {
	arts := squadArticles(b)
	sents := make([][]retrieval.Span, len(arts))
	for k, a := range arts {
		for _, p := range Segment(a) {
			sents[k] = append(sents[k], p.Sentences...)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := i % len(arts)
		for _, s := range sents[k] {
			amountEntities(arts[k], s)
		}
		i++
	}
}

package retrieval_test

import (
	"context"
	"testing"

	"github.com/citebot/citebot/retrieval"
)

// BenchmarkBuildSQuAD builds a persisted index of the 2,067 SQuAD dev
// paragraphs (segmenting, document store, Bleve, fsync, swap) — the
// path citebench's index-citebot phase measures at scale. passages/s is
// the throughput.
func BenchmarkBuildSQuAD(b *testing.B) {
	docs, _ := squadDev(b)
	b.ReportAllocs()
	var passages int
	for b.Loop() {
		st, err := retrieval.Build(context.Background(), b.TempDir(), docs, nil)
		if err != nil {
			b.Fatal(err)
		}
		passages = st.Passages
	}
	b.ReportMetric(float64(passages)*float64(b.N)/b.Elapsed().Seconds(), "passages/s")
}

package bleveindex_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/ingest"
	"github.com/citebot/citebot/retrieval/ingest/ingesttest"
	"github.com/citebot/citebot/retrieval/qaeval"
)

// BenchmarkBuildSQuAD builds a persisted index of the 2,067 SQuAD dev
// paragraphs (segmenting, analysing, document store, Bleve, fsync, swap)
// — the path citebench's index-citebot phase measures at scale.
// passages/s is the throughput.
func BenchmarkBuildSQuAD(b *testing.B) {
	s, err := qaeval.LoadSQuAD(filepath.Join("..", "..", "..", "shared", "data", "squad", "dev-v1.1.json.gz"))
	if err != nil {
		b.Skipf("SQuAD dev not available: %v", err)
	}
	docs, _ := qaeval.SQuADCorpus(s, nil)
	b.ReportAllocs()
	var passages int
	for b.Loop() {
		st, err := bleveindex.Build(context.Background(), b.TempDir(), docs, nil)
		if err != nil {
			b.Fatal(err)
		}
		passages = st.Passages
	}
	b.ReportMetric(float64(passages)*float64(b.N)/b.Elapsed().Seconds(), "passages/s")
}

// BenchmarkUpdateUnchanged is a re-index of an unchanged 2,000-document
// corpus: load and hash every file, compare with the index, write nothing.
//
//	go test ./retrieval/bleveindex -run '^$' -bench UpdateUnchanged -benchtime 5x
func BenchmarkUpdateUnchanged(b *testing.B) {
	ctx := context.Background()
	corpus := b.TempDir()
	for i := range 2000 {
		ingesttest.WriteFile(b, filepath.Join(corpus, fmt.Sprintf("d%02d", i%20), fmt.Sprintf("s%04d.txt", i)),
			fmt.Appendf(nil, "Story %d\n\nThe council met on day %d to discuss the harbor budget. The mayor said the ferry would run.\n\nResidents asked about item %d.\n", i, i, i*7))
	}
	path := filepath.Join(b.TempDir(), "index")
	docs, _ := ingest.LoadDir(ctx, corpus, "c")
	if _, err := bleveindex.Update(ctx, path, docs, nil); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		docs, _ := ingest.LoadDir(ctx, corpus, "c")
		st, err := bleveindex.Update(ctx, path, docs, nil)
		if err != nil || st.Wrote {
			b.Fatalf("%+v %v", st, err)
		}
	}
}

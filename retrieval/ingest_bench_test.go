package retrieval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Parser speed per fixture file:
//   go test ./retrieval -run '^$' -bench 'Parse' -benchmem

func benchParser(b *testing.B, parse parser, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePDF(b *testing.B)  { benchParser(b, parsePDF, fixturePDF(b)) }
func BenchmarkParseDOCX(b *testing.B) { benchParser(b, parseDOCX, fixtureDOCX(b)) }

func BenchmarkParseHTML(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "ingest", "flood.html"))
	if err != nil {
		b.Fatal(err)
	}
	benchParser(b, parseHTML, data)
}

// BenchmarkUpdateUnchanged is a re-index of an unchanged 2,000-document
// corpus: load and hash every file, compare with the index, write nothing.
//
//	go test ./retrieval -run '^$' -bench UpdateUnchanged -benchtime 5x
func BenchmarkUpdateUnchanged(b *testing.B) {
	ctx := context.Background()
	corpus := b.TempDir()
	for i := range 2000 {
		writeFile(b, filepath.Join(corpus, fmt.Sprintf("d%02d", i%20), fmt.Sprintf("s%04d.txt", i)),
			fmt.Appendf(nil, "Story %d\n\nThe council met on day %d to discuss the harbor budget. The mayor said the ferry would run.\n\nResidents asked about item %d.\n", i, i, i*7))
	}
	path := filepath.Join(b.TempDir(), "index")
	docs, _ := LoadDir(ctx, corpus, "c")
	if _, err := Update(ctx, path, docs, nil); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		docs, _ := LoadDir(ctx, corpus, "c")
		st, err := Update(ctx, path, docs, nil)
		if err != nil || st.Wrote {
			b.Fatalf("%+v %v", st, err)
		}
	}
}

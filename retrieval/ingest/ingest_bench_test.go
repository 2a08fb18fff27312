package ingest

import (
	"context"
	"testing"

	"github.com/citebot/citebot/retrieval/ingest/ingesttest"
)

// Parser speed per fixture file:
//   go test ./retrieval/ingest -run '^$' -bench 'Parse' -benchmem

func benchParser(b *testing.B, parse parser, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePDF(b *testing.B)  { benchParser(b, parsePDF, ingesttest.PDF(b)) }
func BenchmarkParseDOCX(b *testing.B) { benchParser(b, parseDOCX, ingesttest.DOCX(b)) }

func BenchmarkParseHTML(b *testing.B) {
	benchParser(b, parseHTML, ingesttest.File(b, "flood.html"))
}

package ingest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval/ingest/ingesttest"
)

// Fuzz tests for every parser entry point. Plain `go test` runs only the
// seeds (the fixture files and a few hostile shapes); explore with, e.g.,
// go test ./retrieval -run '^$' -fuzz FuzzParsePDF -fuzztime 60s

// checkExtracted asserts what every parser promises of a successful parse.
func checkExtracted(t *testing.T, x extracted) {
	t.Helper()
	if !utf8.ValidString(x.Text) {
		t.Errorf("text is not UTF-8: %q", x.Text)
	}
	prev := 0
	for i, p := range x.Pages {
		if p.Start < prev || p.End < p.Start || p.End > len(x.Text) {
			t.Fatalf("page %d span %v out of order or outside the text (%d bytes)", i+1, p, len(x.Text))
		}
		prev = p.End
	}
	for _, f := range []string{x.Meta.Title, x.Meta.Author, x.Meta.Date, x.Meta.Publisher, x.Meta.URL} {
		if !utf8.ValidString(f) {
			t.Errorf("metadata is not UTF-8: %q", f)
		}
	}
}

// fuzzParser fuzzes parse: a parse may fail, and one that succeeds
// keeps what every parser promises (checkExtracted).
func fuzzParser(f *testing.F, parse func(context.Context, []byte) (extracted, error)) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if x, err := parse(context.Background(), b); err == nil {
			checkExtracted(t, x)
		}
	})
}

func seedFile(f *testing.F, name string) {
	f.Add(ingesttest.File(f, name))
}

func FuzzDecodeText(f *testing.F) {
	seedFile(f, "council.txt")
	f.Add([]byte("Caf\xe9 \x93quoted\x94\r\nline"))
	f.Add([]byte("\xef\xbb\xbfBOM text"))
	f.Add([]byte("\x00\x01\x02binary"))
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := parseText(context.Background(), b)
		if err != nil {
			return
		}
		checkExtracted(t, x)
		if strings.Contains(x.Text, "\r") {
			t.Errorf("line endings not normalised: %q", x.Text)
		}
	})
}

func FuzzParseMarkdown(f *testing.F) {
	seedFile(f, "budget.md")
	f.Add([]byte("---\ntitle: x\n---\n"))
	f.Add([]byte("---\n: [\n---\n# h"))
	f.Add([]byte("| a |\n|---|\n| <b>x</b> |\n\n```\ncode\n```"))
	fuzzParser(f, parseMarkdown)
}

func FuzzParseHTML(f *testing.F) {
	seedFile(f, "flood.html")
	f.Add([]byte("<html><head><meta charset=shift_jis></head><body><p>\x82\xa0</p>"))
	f.Add([]byte("<article><article><p>nested</p></article></article><script>x</script>"))
	f.Add([]byte(`<script type="application/ld+json">{"@type":"NewsArticle","author":[{"name":1}]}</script><p>t</p>`))
	fuzzParser(f, parseHTML)
}

func FuzzParsePDF(f *testing.F) {
	f.Add(ingesttest.PDF(f))
	f.Add(handPDF("BT /F1 12 Tf 72 700 Td [(Hello)-333(world)] TJ ET", "/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"))
	f.Add(handPDF("q 1 0 0 1 0 0 cm BT /F1 9 Tf (x) ' ET Q Q Q", "/F1 << /Type /Font /Subtype /Type0 /Encoding /Identity-H /DescendantFonts [<< /W [1 [500 600] 3 9 700] >>] >>"))
	f.Add(cyclicPDF())
	f.Add([]byte("%PDF-1.7\n"))
	fuzzParser(f, parsePDF)
}

func FuzzParseDOCX(f *testing.F) {
	f.Add(ingesttest.DOCX(f))
	parts := ingesttest.DOCXParts()
	parts["word/document.xml"] = `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>nested</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl></w:body></w:document>`
	f.Add(ingesttest.ZipParts(f, parts))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	fuzzParser(f, parseDOCX)
}

func FuzzLoadJSONL(f *testing.F) {
	seedFile(f, "archive.jsonl")
	f.Add([]byte(`{"id": 1e400, "text": "x"}` + "\n" + `{"id": "a#1", "text": "\u0000"}`))
	f.Add([]byte("\n\n{}\r\n[1,2]\n\"s\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		docs, errs := LoadJSONL(context.Background(), bytes.NewReader(b), "f")
		seen := map[string]bool{}
		for _, d := range docs {
			if seen[d.ID] {
				t.Errorf("id %q loaded twice", d.ID)
			}
			seen[d.ID] = true
			if !strings.HasPrefix(d.ID, "f/") || strings.TrimSpace(d.Text) == "" || !utf8.ValidString(d.Text) {
				t.Errorf("bad document %+v", d)
			}
		}
		for _, e := range errs {
			if !strings.HasPrefix(e.Error(), ":") {
				t.Errorf("error %q does not start with the line number", e)
			}
		}
	})
}

func FuzzSidecar(f *testing.F) {
	f.Add(ingesttest.File(f, "council.meta.yaml"))
	f.Add([]byte("author: [a, [b], {c: d}]\ndate: 2024-13-45\npublished: !!binary aGk=\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fsys := fstest.MapFS{"a.txt": {Data: []byte("Body.")}, "a.meta.yaml": {Data: b}}
		d, err := LoadFile(fsys, "a.txt")
		if err != nil {
			if !strings.Contains(err.Error(), "sidecar") {
				t.Errorf("error %v does not name the sidecar", err)
			}
			return
		}
		checkExtracted(t, extracted{Text: d.Text, Meta: d.Metadata})
	})
}

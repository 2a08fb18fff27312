package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"codeberg.org/go-pdf/fpdf"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/ingest/ingesttest"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenName is the golden file of a document id.
func goldenName(id string) string {
	return filepath.Join("testdata", "golden", strings.ReplaceAll(id, "/", "__")+".txt")
}

// TestGoldenExtraction loads the fixture corpus (one real file per format)
// and compares each document's metadata, page spans and text with its
// golden file. Run with -update to rewrite them after a deliberate change.
func TestGoldenExtraction(t *testing.T) {
	dir := ingesttest.Corpus(t)
	docs, errs := LoadDir(context.Background(), dir, "newsroom")

	wantIDs := []string{"archive/2024-031", "archive/42", "budget", "council", "flood", "memo", "reports/water"}
	var gotIDs []string
	for _, d := range docs {
		gotIDs = append(gotIDs, d.ID)
	}
	if strings.Join(gotIDs, " ") != strings.Join(wantIDs, " ") {
		t.Errorf("loaded %v; want %v", gotIDs, wantIDs)
	}
	// The JSON Lines file's bad lines are reported by line number.
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, strings.TrimPrefix(e.Error(), dir+string(filepath.Separator)))
	}
	wantMsgs := []string{
		"archive.jsonl:3: invalid JSON: unexpected end of JSON input",
		`archive.jsonl:4: no "text"`,
		`archive.jsonl:6: id "2024-031" repeats line 1`,
	}
	if strings.Join(msgs, "\n") != strings.Join(wantMsgs, "\n") {
		t.Errorf("load errors:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(wantMsgs, "\n"))
	}

	for _, d := range docs {
		got := describe(d)
		path := goldenName(d.ID)
		if *updateGolden {
			ingesttest.WriteFile(t, path, []byte(got))
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./retrieval -run TestGoldenExtraction -update)", err)
		}
		if got != string(want) {
			t.Errorf("%s: extracted\n%s\nwant (%s)\n%s", d.ID, got, path, want)
		}
	}
}

// TestExtractionDetails pins what each format must and must not yield,
// independently of the golden files.
func TestExtractionDetails(t *testing.T) {
	dir := ingesttest.Corpus(t)
	docs, _ := LoadDir(context.Background(), dir, "newsroom")
	byID := map[string]retrieval.Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	checks := []struct {
		id           string
		has, hasNot  []string
		title, date  string
		author, pubr string
	}{
		// Sidecar beats the text's first line; its date is normalised.
		{id: "council", has: []string{"voted 7-2"}, title: "Council backs Harbor Street bike lanes", date: "2025-03-04", author: "Maria Lopez", pubr: "The Harbor Gazette"},
		// Front matter beats the first heading; markup is gone.
		{id: "budget", has: []string{"$182 million budget", "Salaries | $120 million"}, hasNot: []string{"**", "](", "---"}, title: "School budget grows by 3 percent", date: "2025-02-11", author: "Dana Whitfield, Omar Haddad", pubr: "Valley Courier"},
		// The article, not the page chrome; og:title beats <title>.
		{id: "flood", has: []string{"Mill Road bridge was closed", "$2.3 million"}, hasNot: []string{"Home", "Sports", "Related stories", "Storm knocks out power", "All rights reserved", "Share on", "analytics"}, title: "River flooding closes Mill Road bridge", date: "2025-01-20", author: "Priya Natarajan", pubr: "The Riverside Times"},
		// Runs joined, deleted text and field codes and the textbox
		// fallback left out, table rows kept; core properties read.
		{id: "memo", has: []string{"from $2.00 to $2.25 on July 1", "Riders over 65 keep", "Adult | $2.00 | $2.25"}, hasNot: []string{"4-3 vote", "PAGE"}, title: "Transit fare memo", date: "2025-02-27", author: "Jordan Blake"},
		// Words separated, accents and curly quotes of the embedded
		// font decoded, no page markers in the text.
		{id: "reports/water", has: []string{"tested 1,248 samples", "Zoë Martínez, the authority’s chief chemist", "cut treatment costs by 18 percent"}, hasNot: []string{"\f", "\x00"}, title: "Annual water quality report", date: "2025-03-18", author: "Greenfield Water Authority"},
		{id: "archive/42", has: []string{"Central Plaza"}, title: "Farmers market moves downtown", date: "2024-05-05", author: "Lee Park, Ana Costa"},
	}
	for _, c := range checks {
		d, ok := byID[c.id]
		if !ok {
			t.Errorf("%s not loaded", c.id)
			continue
		}
		for _, s := range c.has {
			if !strings.Contains(d.Text, s) {
				t.Errorf("%s: text lacks %q:\n%s", c.id, s, d.Text)
			}
		}
		for _, s := range c.hasNot {
			if strings.Contains(d.Text, s) {
				t.Errorf("%s: text has %q:\n%s", c.id, s, d.Text)
			}
		}
		if d.Title != c.title || d.Date != c.date || d.Author != c.author || d.Publisher != c.pubr {
			t.Errorf("%s: metadata %q / %q / %q / %q; want %q / %q / %q / %q", c.id, d.Title, d.Date, d.Author, d.Publisher, c.title, c.date, c.author, c.pubr)
		}
	}

	// The PDF's pages are located in the text, in order, without gaps
	// that hold text.
	pdf := byID["reports/water"]
	if len(pdf.Pages) != 3 {
		t.Fatalf("PDF pages = %v; want 3", pdf.Pages)
	}
	for i, want := range []string{"tested 1,248 samples", "Cedar Lake", "home test kit"} {
		p := pdf.Pages[i]
		if !strings.Contains(pdf.Text[p.Start:p.End], want) {
			t.Errorf("page %d = %q; want it to hold %q", i+1, pdf.Text[p.Start:p.End], want)
		}
		if i > 0 && strings.TrimSpace(pdf.Text[pdf.Pages[i-1].End:p.Start]) != "" {
			t.Errorf("text between pages %d and %d", i, i+1)
		}
	}
}

// TestMetadataPrecedence: a sidecar beats embedded metadata, which beats
// heuristics on the text, field by field.
func TestMetadataPrecedence(t *testing.T) {
	fsys := fstest.MapFS{
		"a.md":        {Data: []byte("---\ntitle: Front matter title\nauthor: Front Author\ndate: 2024-01-02\n---\n# Heading title\n\nBy Text Author\n\nBody text here.\n")},
		"a.meta.yaml": {Data: []byte("headline: Sidecar title\n")},
		"b.md":        {Data: []byte("# Heading title\n\nBy Text Author\n\nBody text here.\n")},
		"c.html": {Data: []byte(`<html><head><title>Title tag</title><meta name="author" content="Meta Author">` +
			`<meta property="article:published_time" content="2024-05-06T10:00:00+02:00"></head>` +
			`<body><article><p>First paragraph of the story, long enough to be the story.</p></article></body></html>`)},
		"c.meta.yml": {Data: []byte("author: Sidecar Author\ndate: 7 June 2024\n")},
		// A JSON sidecar, as the Wikinews corpus ships them.
		"d.txt":       {Data: []byte("Headline in the text\n\nBody text here.\n")},
		"d.meta.json": {Data: []byte(`{"title": "JSON headline", "publisher": "Wikinews", "date": "2019-01-04", "url": "https://en.wikinews.org/wiki/X"}`)},
	}
	docs, errs := LoadFS(context.Background(), fsys, "")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := map[string]retrieval.Metadata{
		"a": {Title: "Sidecar title", Author: "Front Author", Date: "2024-01-02"},
		"b": {Title: "Heading title", Author: "Text Author"},
		"c": {Title: "Title tag", Author: "Sidecar Author", Date: "2024-06-07"},
		"d": {Title: "JSON headline", Publisher: "Wikinews", Date: "2019-01-04", URL: "https://en.wikinews.org/wiki/X"},
	}
	if len(docs) != len(want) {
		t.Errorf("loaded %d documents; want %d (sidecars are not documents)", len(docs), len(want))
	}
	for _, d := range docs {
		if d.Metadata != want[d.ID] {
			t.Errorf("%s: metadata %+v; want %+v", d.ID, d.Metadata, want[d.ID])
		}
	}
}

// loadOneFile writes name=data into a corpus beside a good file and loads
// it, returning the error reported for it; the good file must still load.
func loadOneFile(t *testing.T, name string, write func(path string)) error {
	t.Helper()
	dir := t.TempDir()
	ingesttest.WriteFile(t, filepath.Join(dir, "good.txt"), []byte("A good document.\n\nIt still loads."))
	write(filepath.Join(dir, name))
	docs, errs := LoadDir(context.Background(), dir, "c")
	if len(docs) != 1 || docs[0].ID != "good" {
		t.Errorf("%s: loaded %d documents; want only good", name, len(docs))
	}
	if len(errs) != 1 {
		t.Fatalf("%s: errors %v; want one", name, errs)
	}
	var le *LoadError
	if !errors.As(errs[0], &le) || le.Path != filepath.Join(dir, name) {
		t.Errorf("%s: error %v does not name the file", name, errs[0])
	}
	return errs[0]
}

// TestHostileFiles: broken and hostile files are skipped with a clear
// message naming them, and the rest of the corpus still loads.
func TestHostileFiles(t *testing.T) {
	pdfBytes := ingesttest.PDF(t)
	cases := []struct {
		name  string
		write func(path string)
		want  string
	}{
		{"truncated.pdf", func(p string) { ingesttest.WriteFile(t, p, pdfBytes[:len(pdfBytes)/2]) }, "not a readable PDF"},
		{"junk.pdf", func(p string) { ingesttest.WriteFile(t, p, []byte("%PDF-1.4\n\x00\x01garbage")) }, "not a readable PDF"},
		{"encrypted.pdf", func(p string) { ingesttest.WriteFile(t, p, encryptedPDF(t)) }, "encrypted PDF"},
		{"bomb.pdf", func(p string) { ingesttest.WriteFile(t, p, bombPDF(t)) }, "decodes to more than"},
		{"cyclic.pdf", func(p string) { ingesttest.WriteFile(t, p, cyclicPDF()) }, "cyclic"},
		{"scan.pdf", func(p string) { ingesttest.WriteFile(t, p, handPDF("", "")) }, "no text in PDF"},
		{"bomb.docx", func(p string) { ingesttest.WriteFile(t, p, bombDOCX(t, false)) }, "limit"},
		{"lying.docx", func(p string) { ingesttest.WriteFile(t, p, bombDOCX(t, true)) }, "zip"},
		{"notzip.docx", func(p string) { ingesttest.WriteFile(t, p, []byte("PK\x03\x04 not really")) }, "not a DOCX"},
		{"empty.docx", func(p string) {
			ingesttest.WriteFile(t, p, ingesttest.ZipParts(t, map[string]string{"readme.txt": "hi"}))
		}, "no word/document.xml"},
		{"huge.html", func(p string) {
			// 200 MB without writing them: a sparse file.
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(200 << 20); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}, "file is 200 MiB, larger than the 64 MiB limit"},
		{"binary.txt", func(p string) {
			ingesttest.WriteFile(t, p, []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
		}, "binary content"},
		{"empty.txt", func(p string) { ingesttest.WriteFile(t, p, []byte("  \n\n ")) }, "no text"},
		{"bad-front.md", func(p string) { ingesttest.WriteFile(t, p, []byte("---\ntitle: [unclosed\n---\nBody")) }, "front matter"},
		{"bad.meta.txt", func(p string) {
			ingesttest.WriteFile(t, p, []byte("Body text."))
			ingesttest.WriteFile(t, strings.TrimSuffix(p, ".txt")+".meta.yaml", []byte("headline: [x"))
		}, "metadata sidecar"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := loadOneFile(t, c.name, c.write)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v; want it to say %q", err, c.want)
			}
		})
	}
}

// TestWindows1252Text: text that is not UTF-8 is read as Windows-1252, not
// rejected and not mangled.
func TestWindows1252Text(t *testing.T) {
	fsys := fstest.MapFS{"old.txt": {Data: []byte("Caf\xe9 owner \x93Ren\xe9e\x94 said yes.")}}
	d, err := LoadFile(fsys, "old.txt")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Café owner “Renée” said yes."; d.Text != want {
		t.Errorf("text %q; want %q", d.Text, want)
	}
}

// TestHTMLCharset: a page in a declared legacy charset is decoded by it.
func TestHTMLCharset(t *testing.T) {
	page := []byte("<html><head><meta charset=\"iso-8859-2\"><title>T</title></head><body><article><p>Zaj\xeac\xed w \xa3odzi zamkni\xeate na zawsze, m\xf3wi rada.</p></article></body></html>")
	x, err := parseHTML(context.Background(), page)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(x.Text, "Łodzi") {
		t.Errorf("text %q; want Łodzi decoded as ISO-8859-2", x.Text)
	}
}

// TestPDFWordSpacing: words spaced by positioning (TJ offsets, as TeX and
// many layout programs write them) are separated, kerning is not a space,
// and a hyphenated line break keeps the word whole.
func TestPDFWordSpacing(t *testing.T) {
	content := "BT /F1 12 Tf 72 700 Td [(The)-333(quick)-20(er)-333(fox)] TJ 0 -14 Td (is well-) Tj 0 -14 Td (known here.) Tj ET"
	x, err := parsePDF(context.Background(), handPDF(content, "/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "The quicker fox is well-known here."; x.Text != want {
		t.Errorf("text %q; want %q", x.Text, want)
	}
}

// TestPDFCitationPage: a quote from a PDF carries its page number.
func TestPDFCitationPage(t *testing.T) {
	fsys := fstest.MapFS{"water.pdf": {Data: ingesttest.PDF(t)}}
	docs, errs := LoadFS(context.Background(), fsys, "")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	ix, err := bleveindex.NewMemory(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	eng := answer.New(retrieval.NewLive(ix))
	defer eng.Close()
	d, err := ix.Document(context.Background(), "water")
	if err != nil {
		t.Fatal(err)
	}
	for page, phrase := range map[int]string{1: "1,248 samples", 2: "Cedar Lake", 3: "home test kit"} {
		at := strings.Index(d.Text, phrase)
		if got := d.PageAt(at); got != page {
			t.Errorf("PageAt(%q) = %d; want %d", phrase, got, page)
		}
	}
	ans, err := eng.Ask(context.Background(), "Which filtration plant cut treatment costs by 18 percent?", retrieval.AskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered || len(ans.Citations) == 0 {
		t.Fatalf("declined: %+v", ans)
	}
	c := ans.Citations[0]
	if !strings.Contains(c.Quote, "Cedar Lake") || c.Page != 2 {
		t.Errorf("citation page %d quote %q; want page 2 quoting the Cedar Lake sentence", c.Page, c.Quote)
	}
}

// handPDF writes a one-page PDF by hand (with a correct xref table) whose
// page draws content with the given font resources.
func handPDF(content, fonts string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << " + fonts + " >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}
	return assemblePDF(objs, "")
}

// assemblePDF numbers objs from 1 and writes header, objects, xref and
// trailer (with extra trailer entries).
func assemblePDF(objs []string, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailer, xref)
	return b.Bytes()
}

// bombPDF's one content stream inflates from a few hundred kilobytes to
// 64 MiB of spaces.
func bombPDF(t *testing.T) []byte {
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.BestCompression)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i < 64; i++ {
		w.Write(chunk)
	}
	w.Close()
	// zlib framing around the deflate data: header, data, (bogus) checksum.
	data := append([]byte{0x78, 0xda}, z.Bytes()...)
	data = append(data, 0, 0, 0, 0)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(data), data),
	}
	return assemblePDF(objs, "")
}

// cyclicPDF's page tree contains itself.
func cyclicPDF() []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
		"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
		"<< /Length 0 >>\nstream\n\nendstream",
	}
	return assemblePDF(objs, "")
}

// encryptedPDF is the fixture PDF protected by a user password.
func encryptedPDF(t *testing.T) []byte {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetProtection(0, "secret", "owner")
	p.AddPage()
	p.SetFont("Helvetica", "", 12)
	p.Cell(40, 10, "Confidential budget draft")
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombDOCX's document.xml inflates to 100 MiB. With lie, its zip header
// claims 1 KiB, as a crafted bomb's would.
func bombDOCX(t *testing.T, lie bool) []byte {
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.BestSpeed)
	crc := crc32.NewIEEE()
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	io.WriteString(w, `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>`)
	crc.Write([]byte(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>`))
	size := uint64(len(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>`))
	for i := 0; i < 100; i++ {
		w.Write(chunk)
		crc.Write(chunk)
		size += uint64(len(chunk))
	}
	w.Close()
	if lie {
		size = 1024
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	fw, err := zw.CreateRaw(&zip.FileHeader{
		Name: "word/document.xml", Method: zip.Deflate,
		CRC32: crc.Sum32(), CompressedSize64: uint64(z.Len()), UncompressedSize64: size,
	})
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(z.Bytes())
	zw.Close()
	return buf.Bytes()
}

// describe renders a document for golden files: metadata, pages, text.
func describe(d retrieval.Document) string {
	var b strings.Builder
	b.WriteString("id: " + d.ID + "\n")
	b.WriteString("collection: " + d.Collection + "\n")
	b.WriteString("title: " + d.Title + "\n")
	b.WriteString("publisher: " + d.Publisher + "\n")
	b.WriteString("author: " + d.Author + "\n")
	b.WriteString("date: " + d.Date + "\n")
	b.WriteString("url: " + d.URL + "\n")
	for i, p := range d.Pages {
		b.WriteString("page " + strconv.Itoa(i+1) + ": " + strconv.Itoa(p.Start) + "-" + strconv.Itoa(p.End) + "\n")
	}
	b.WriteString("----\n")
	b.WriteString(d.Text)
	b.WriteString("\n")
	return b.String()
}

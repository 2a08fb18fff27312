// Package ingesttest holds the ingestion fixture corpus for tests: one
// real file per format. Text formats are committed under testdata/corpus;
// the PDF and DOCX are generated here, by a real PDF writer (fpdf) and the
// zip layout Word writes, so no binaries live in git. Tests of every room
// that reads documents (ingest, the backends, answering) use it.
package ingesttest

import (
	"archive/zip"
	"bytes"
	"embed"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"codeberg.org/go-fonts/liberation/liberationserifregular"
	"codeberg.org/go-pdf/fpdf"
)

//go:embed testdata/corpus testdata/localnews
var corpus embed.FS

// PDF is a three-page report: page 1 in a standard font (WinAnsi
// encoding), page 2 in an embedded TrueType font (a composite font with a
// ToUnicode map, as modern writers produce), page 3 blank but for a
// footer-less paragraph, with title, author and creation date set.
func PDF(t testing.TB) []byte {
	t.Helper()
	p := newPDF("A4", "Annual water quality report", "Greenfield Water Authority",
		time.Date(2025, 3, 18, 9, 30, 0, 0, time.UTC), time.Date(2025, 3, 19, 10, 0, 0, 0, time.UTC))

	p.AddPage()
	setParagraphs(p, "Helvetica", 18, 9, 0, "Annual water quality report")
	p.Ln(4)
	setParagraphs(p, "Helvetica", 11, 5.5, 4,
		"The Greenfield Water Authority tested 1,248 samples from the city's "+
			"reservoirs and taps during 2024. Every sample met the federal limits for lead "+
			"and copper, and the average lead level fell to 2.1 parts per billion.",
		"Chlorine levels stayed between 0.8 and 1.4 milligrams per litre throughout the year.")

	p.AddPage()
	setParagraphs(p, "serif", 12, 6, 5,
		"Zoë Martínez, the authority’s chief chemist, said the new "+
			"filtration plant at Cedar Lake cut treatment costs by 18 percent.",
		"The plant opened in September and now treats 40 million litres a day.")

	p.AddPage()
	setParagraphs(p, "Helvetica", 11, 5.5, 0, "Residents can request a free home test kit by calling the authority.")
	return pdfBytes(t, p)
}

// newPDF starts a PDF of page size ("A4", "Letter") with title, author
// and its dates set, the embedded serif font (Liberation Serif) as
// "serif", and no automatic page breaks.
func newPDF(size, title, author string, created, modified time.Time) *fpdf.Fpdf {
	p := fpdf.New("P", "mm", size, "")
	p.SetCreationDate(created)
	p.SetModificationDate(modified)
	p.SetTitle(title, true)
	p.SetAuthor(author, true)
	p.SetAutoPageBreak(false, 10)
	p.AddUTF8FontFromBytes("serif", "", liberationserifregular.TTF)
	return p
}

// setParagraphs sets paras left-aligned in the font family at size, with
// lines lineHeight apart and gap between one paragraph and the next.
func setParagraphs(p *fpdf.Fpdf, family string, size, lineHeight, gap float64, paras ...string) {
	p.SetFont(family, "", size)
	for i, para := range paras {
		if i > 0 {
			p.Ln(gap)
		}
		p.MultiCell(0, lineHeight, para, "", "L", false)
	}
}

// pdfBytes writes p out.
func pdfBytes(t testing.TB, p *fpdf.Fpdf) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatalf("write the fixture PDF: %v", err)
	}
	return buf.Bytes()
}

// DOCXParts are the parts of the fixture DOCX, as Word lays them out.
func DOCXParts() map[string]string {
	const w = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
		`xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" ` +
		`xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"`
	return map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`,
		"docProps/core.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Transit fare memo</dc:title><dc:creator>Jordan Blake</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">2025-02-27T16:05:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2025-03-01T08:00:00Z</dcterms:modified></cp:coreProperties>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ` + w + `><w:body>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Transit fare memo</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Bus fares will rise from $2.00 to </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>$2.</w:t></w:r><w:r><w:t>25 on July 1, the transit board decided.</w:t></w:r><w:del w:id="1" w:author="Ed"><w:r><w:delText> on a 4-3 vote</w:delText></w:r></w:del></w:p>
<w:p><w:r><w:t>Riders over 65</w:t></w:r><w:r><w:tab/><w:t>keep the reduced fare of $1.00.</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>Monthly passes stay at $70.</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Monthly passes stay at $70.</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Fare</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Now</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>From July</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>Adult</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>$2.00</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>$2.25</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t>Questions go to the fares office.</w:t></w:r></w:p>
<w:sectPr/></w:body></w:document>`,
	}
}

// ZipParts writes parts as a zip archive, in name order.
func ZipParts(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedKeys(parts) {
		f, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(f, parts[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func DOCX(t testing.TB) []byte { return ZipParts(t, DOCXParts()) }

// Corpus copies the fixture corpus into a temporary folder named
// "newsroom" and adds the generated PDF and DOCX.
func Corpus(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "newsroom")
	copyDir(t, "testdata/corpus", dir)
	WriteFile(t, filepath.Join(dir, "reports", "water.pdf"), PDF(t))
	WriteFile(t, filepath.Join(dir, "memo.docx"), DOCX(t))
	return dir
}

func copyDir(t testing.TB, from, to string) {
	t.Helper()
	entries, err := corpus.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			copyDir(t, path.Join(from, e.Name()), filepath.Join(to, e.Name()))
			continue
		}
		b, err := corpus.ReadFile(path.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		WriteFile(t, filepath.Join(to, e.Name()), b)
	}
}

// File returns a committed fixture file by its path in the corpus
// ("council.meta.yaml", "archive.jsonl").
func File(t testing.TB, name string) []byte {
	t.Helper()
	b, err := corpus.ReadFile(path.Join("testdata/corpus", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// WriteFile writes b at path, making its folders.
func WriteFile(t testing.TB, name string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

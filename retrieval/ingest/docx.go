package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/citebot/citebot/retrieval"
)

// DOCX files are read with the standard library's archive/zip and
// encoding/xml: a .docx is a zip of XML parts, and the text lives in
// word/document.xml as w:p paragraphs of w:r runs of w:t text. The
// libraries that wrap this add templating or writing, not better reading,
// and none guards against zip bombs; here every part is read through a
// hard size limit (archive/zip also refuses entries that inflate past
// their declared size) and the XML is streamed token by token, so memory
// stays bounded by the limit whatever the archive claims.
const (
	maxDOCXEntries   = 10_000
	maxDOCXPartBytes = 64 << 20
	maxDOCXCoreBytes = 1 << 20
)

// WordprocessingML and core-properties namespaces.
const (
	nsW       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsMC      = "http://schemas.openxmlformats.org/markup-compatibility/2006"
	nsDC      = "http://purl.org/dc/elements/1.1/"
	nsDCTerms = "http://purl.org/dc/terms/"
	relOffice = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)

// parseDOCX extracts a Word document's paragraphs (table rows become one
// paragraph, cells separated by " | ") and its core properties: dc:title,
// dc:creator and dcterms:created (else dcterms:modified).
func parseDOCX(ctx context.Context, b []byte) (extracted, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return extracted{}, fmt.Errorf("not a DOCX (zip) file: %w", err)
	}
	if len(zr.File) > maxDOCXEntries {
		return extracted{}, fmt.Errorf("DOCX has %d parts, more than the %d limit", len(zr.File), maxDOCXEntries)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	main := "word/document.xml"
	if rels, ok := files["_rels/.rels"]; ok {
		if target := officeDocumentTarget(rels); target != "" && files[target] != nil {
			main = target
		}
	}
	f, ok := files[main]
	if !ok {
		return extracted{}, errors.New("not a Word document: no word/document.xml")
	}
	text, err := readDOCXText(ctx, f)
	if err != nil {
		return extracted{}, err
	}
	x := extracted{Text: text}
	if core, ok := files["docProps/core.xml"]; ok {
		x.Meta = docxCore(core)
		x.PropDate, x.Meta.Date = x.Meta.Date, "" // when the file was made, not published
	}
	return x, nil
}

// openPart opens a zip entry for reading at most limit bytes, refusing
// entries that declare more.
func openPart(f *zip.File, limit int64) (io.ReadCloser, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%s inflates to %d MiB, more than the %d MiB limit", f.Name, f.UncompressedSize64>>20, limit>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{&limitedPart{r: rc, left: limit, name: f.Name}, rc}, nil
}

// limitedPart fails, rather than silently truncating, once a part yields
// more than its limit.
type limitedPart struct {
	r    io.Reader
	left int64
	name string
}

func (l *limitedPart) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, fmt.Errorf("%s inflates to more than its size limit (a zip bomb?)", l.name)
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// officeDocumentTarget reads the package relationships for the main part.
func officeDocumentTarget(f *zip.File) string {
	rc, err := openPart(f, maxDOCXCoreBytes)
	if err != nil {
		return ""
	}
	defer rc.Close()
	var rels struct {
		Rel []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if xml.NewDecoder(rc).Decode(&rels) != nil {
		return ""
	}
	for _, r := range rels.Rel {
		if r.Type == relOffice {
			return path.Clean(strings.TrimPrefix(r.Target, "/"))
		}
	}
	return ""
}

// docxCore reads docProps/core.xml; a broken one only loses metadata.
func docxCore(f *zip.File) retrieval.Metadata {
	rc, err := openPart(f, maxDOCXCoreBytes)
	if err != nil {
		return retrieval.Metadata{}
	}
	defer rc.Close()
	var core struct {
		Title    string `xml:"http://purl.org/dc/elements/1.1/ title"`
		Creator  string `xml:"http://purl.org/dc/elements/1.1/ creator"`
		Created  string `xml:"http://purl.org/dc/terms/ created"`
		Modified string `xml:"http://purl.org/dc/terms/ modified"`
	}
	if xml.NewDecoder(rc).Decode(&core) != nil {
		return retrieval.Metadata{}
	}
	m := retrieval.Metadata{Title: core.Title, Author: core.Creator, Date: core.Created}
	if strings.TrimSpace(m.Date) == "" {
		m.Date = core.Modified
	}
	if looksLikeFileName(m.Title) {
		m.Title = ""
	}
	return truncateMeta(m)
}

// readDOCXText streams word/document.xml. Text is the w:t of runs; tabs
// and breaks are spaces; deleted text (w:delText), field codes
// (w:instrText) and the fallback copy of alternate content (mc:Fallback,
// which repeats mc:Choice) are left out.
func readDOCXText(ctx context.Context, f *zip.File) (string, error) {
	rc, err := openPart(f, maxDOCXPartBytes)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var out strings.Builder
	var para strings.Builder // the paragraph being read
	var row []string         // cells of the table row being read
	var cell strings.Builder // the cell being read
	tableDepth := 0
	inText := false
	skip := 0 // depth inside elements whose text is not document text
	emit := func(s string) {
		s = cleanSpaces(s)
		if s == "" {
			return
		}
		if out.Len() > 0 {
			out.WriteString("\n\n")
		}
		out.WriteString(s)
	}
	endPara := func() {
		s := cleanSpaces(para.String())
		para.Reset()
		if tableDepth > 0 {
			if s != "" {
				if cell.Len() > 0 {
					cell.WriteByte(' ')
				}
				cell.WriteString(s)
			}
			return
		}
		emit(s)
	}
	for tokens := 0; ; tokens++ {
		if tokens&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return "", err
			}
		}
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) {
			return "", fmt.Errorf("corrupt %s (damaged, or inflating past the size its zip header declares): %w", f.Name, err)
		}
		if err != nil {
			return "", fmt.Errorf("malformed %s: %w", f.Name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			if t.Name.Space == nsMC && t.Name.Local == "Fallback" {
				skip = 1
				continue
			}
			if t.Name.Space != nsW {
				continue
			}
			switch t.Name.Local {
			case "delText", "instrText", "delInstrText":
				skip = 1
			case "t":
				inText = true
			case "tab", "br", "cr", "ptab":
				para.WriteByte(' ')
			case "noBreakHyphen":
				para.WriteByte('-')
			case "tbl":
				tableDepth++
			case "tr":
				if tableDepth == 1 {
					row = row[:0]
				}
			case "tc":
				if tableDepth == 1 {
					cell.Reset()
				}
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if t.Name.Space != nsW {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				endPara()
			case "tc":
				if tableDepth == 1 {
					row = append(row, strings.TrimSpace(cell.String()))
					cell.Reset()
				}
			case "tr":
				if tableDepth == 1 {
					emit(strings.Join(row, " | "))
					row = row[:0]
				}
			case "tbl":
				tableDepth = max(0, tableDepth-1)
			}
		case xml.CharData:
			if inText && skip == 0 {
				para.Write(t)
				if para.Len()+out.Len() > maxDOCXPartBytes {
					return "", errors.New("document text larger than its size limit")
				}
			}
		}
	}
	endPara()
	return out.String(), nil
}

package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	rtext "github.com/citebot/citebot/retrieval/text"

	"github.com/citebot/citebot/retrieval"
	"github.com/ledongthuc/pdf"
)

// PDF text is read with github.com/ledongthuc/pdf, the maintained fork of
// rsc.io/pdf: pure Go (no cgo, no Poppler), it parses the file structure,
// xref streams, filters and fonts (encodings, Differences, ToUnicode
// CMaps). Its own text helpers glue words together (they ignore glyph
// positions), so citebot interprets each page's content stream itself with
// the library's Interpret and Font, places every glyph, and rebuilds words,
// lines and paragraphs from the gaps between them.
//
// The library trusts its input: it panics on malformed objects, decodes
// streams without limit and follows parent chains without end. Every entry
// here is therefore guarded: panics are recovered (parseBounded), the page
// tree and parent chains are walked with budgets, each stream's decoded
// size is measured against a budget before it is interpreted, and the
// interpreter checks ctx as it goes.
const (
	maxPDFPages = 20_000
	// maxPDFStreamBytes bounds one decoded content stream, ToUnicode map
	// or form; maxPDFDecodedBytes all of a document's.
	maxPDFStreamBytes  = 32 << 20
	maxPDFDecodedBytes = 256 << 20
	// maxPDFGlyphs bounds the text a document may yield.
	maxPDFGlyphs = 32 << 20
	// maxPDFFormDepth bounds nested forms (XObjects drawing XObjects).
	maxPDFFormDepth = 8
)

// parsePDF extracts a PDF's text page by page, recording each page's span
// so a citation can name its page, and reads title, author and creation
// date from the document information dictionary.
func parsePDF(ctx context.Context, b []byte) (x extracted, err error) {
	defer func() {
		if r := recover(); r != nil {
			x, err = extracted{}, fmt.Errorf("malformed PDF (%v)", r)
		}
	}()
	if !bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")) {
		return extracted{}, errors.New("not a PDF (no %PDF- header)")
	}
	// Object streams that extend one another can send the library round
	// a cycle forever; they are vanishingly rare in real files.
	if bytes.Contains(b, []byte("/Extends")) {
		return extracted{}, errors.New("unsupported PDF: extended object streams")
	}
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) {
			return extracted{}, errors.New("encrypted PDF: a password is needed to read it")
		}
		return extracted{}, fmt.Errorf("not a readable PDF: %w", err)
	}
	pages, err := pdfPages(r)
	if err != nil {
		return extracted{}, err
	}
	x = extracted{Meta: pdfInfo(r.Trailer().Key("Info"))}
	x.PropDate, x.Meta.Date = x.Meta.Date, "" // when the file was made, not published
	var sb strings.Builder
	st := &pdfState{ctx: ctx, budget: maxPDFDecodedBytes, glyphBudget: maxPDFGlyphs, checked: map[string]bool{}}
	for i, p := range pages {
		if err := ctx.Err(); err != nil {
			return extracted{}, err
		}
		text, err := st.pageText(p)
		if err != nil {
			return extracted{}, fmt.Errorf("page %d: %w", i+1, err)
		}
		if text != "" && sb.Len() > 0 {
			sb.WriteString("\n\n")
		}
		start := sb.Len()
		sb.WriteString(text)
		x.Pages = append(x.Pages, retrieval.Span{Start: start, End: sb.Len()})
	}
	x.Text = sb.String()
	if strings.TrimSpace(x.Text) == "" {
		return extracted{}, errors.New("no text in PDF (a scan? citebot does no OCR)")
	}
	return x, nil
}

// pdfPages lists the leaves of the page tree in order, refusing trees that
// are too large or cyclic.
func pdfPages(r *pdf.Reader) ([]pdf.Page, error) {
	root := r.Trailer().Key("Root").Key("Pages")
	if root.IsNull() {
		return nil, errors.New("malformed PDF: no page tree")
	}
	var pages []pdf.Page
	nodes := 0
	var walk func(v pdf.Value, depth int) error
	walk = func(v pdf.Value, depth int) error {
		nodes++
		if nodes > 2*maxPDFPages || depth > 64 {
			return fmt.Errorf("malformed PDF: page tree too large or cyclic (more than %d pages?)", maxPDFPages)
		}
		kids := v.Key("Kids")
		if v.Key("Type").Name() == "Pages" || (kids.Kind() == pdf.Array && v.Key("Type").Name() != "Page") {
			for i := 0; i < kids.Len(); i++ {
				if err := walk(kids.Index(i), depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if v.Kind() == pdf.Dict {
			pages = append(pages, pdf.Page{V: v})
		}
		return nil
	}
	if err := walk(root, 0); err != nil {
		return nil, err
	}
	return pages, nil
}

// pdfInfo reads the document information dictionary. Titles that are only
// a file name ("Microsoft Word - draft3.docx", "scan0001.pdf") are left
// out, so the headline heuristic can do better.
func pdfInfo(info pdf.Value) retrieval.Metadata {
	if info.Kind() != pdf.Dict {
		return retrieval.Metadata{}
	}
	str := func(key string) string {
		v := info.Key(key)
		if v.Kind() != pdf.String {
			return ""
		}
		s := strings.ToValidUTF8(v.Text(), "")
		return strings.TrimSpace(strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, s))
	}
	m := retrieval.Metadata{Title: str("Title"), Author: str("Author")}
	if looksLikeFileName(m.Title) {
		m.Title = ""
	}
	for _, key := range []string{"CreationDate", "ModDate"} {
		if d := pdfDate(str(key)); d != "" {
			m.Date = d
			break
		}
	}
	return truncateMeta(m)
}

func looksLikeFileName(s string) bool {
	l := strings.ToLower(s)
	if strings.HasPrefix(l, "microsoft word - ") || strings.HasPrefix(l, "untitled") {
		return true
	}
	for _, ext := range []string{".doc", ".docx", ".pdf", ".indd", ".txt", ".rtf", ".odt", ".tif", ".jpg", ".png"} {
		if strings.HasSuffix(l, ext) {
			return true
		}
	}
	return false
}

// pdfDate reads a PDF date ("D:20240315093000+01'00'") as ISO 8601.
func pdfDate(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "D:")
	if len(s) < 4 {
		return ""
	}
	digits := 0
	for digits < len(s) && digits < 14 && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	for _, l := range []struct {
		n      int
		layout string
	}{{14, "20060102150405"}, {12, "200601021504"}, {8, "20060102"}, {6, "200601"}, {4, "2006"}} {
		if digits >= l.n {
			t, err := time.Parse(l.layout, s[:l.n])
			if err != nil {
				continue
			}
			switch l.n {
			case 6:
				return t.Format("2006-01")
			case 4:
				return t.Format("2006")
			}
			return t.Format("2006-01-02")
		}
	}
	return ""
}

// pdfState carries budgets across a document's pages.
type pdfState struct {
	ctx         context.Context
	budget      int // decoded stream bytes left
	glyphBudget int
	// checked holds the streams already measured (a font's map is
	// shared by many pages), by the library's "<<header>>@offset" form.
	checked map[string]bool
	ops     int
}

// pdfAbort carries an error out of the interpreter's callback, which
// cannot return one.
type pdfAbort struct{ err error }

// measure decodes a stream (or array of streams) to count its bytes,
// failing when it is larger than maxPDFStreamBytes or than the document's
// remaining budget. Decoding is streamed, so a compression bomb costs at
// most the limit in time and nothing in memory.
func (st *pdfState) measure(v pdf.Value, what string) error {
	var streams []pdf.Value
	switch v.Kind() {
	case pdf.Stream:
		streams = []pdf.Value{v}
	case pdf.Array:
		for i := 0; i < v.Len() && i < 10_000; i++ {
			streams = append(streams, v.Index(i))
		}
	default:
		return nil
	}
	for _, s := range streams {
		if s.Kind() != pdf.Stream {
			continue
		}
		key := s.String()
		if st.checked[key] {
			continue
		}
		limit := min(maxPDFStreamBytes, st.budget)
		rc := s.Reader()
		n, err := io.Copy(io.Discard, io.LimitReader(rc, int64(limit)+1))
		rc.Close()
		if err != nil {
			return fmt.Errorf("unreadable %s: %w", what, err)
		}
		if n > int64(limit) {
			if limit < maxPDFStreamBytes {
				return fmt.Errorf("decoded content larger than %d MiB in all", maxPDFDecodedBytes>>20)
			}
			return fmt.Errorf("%s decodes to more than %d MiB", what, maxPDFStreamBytes>>20)
		}
		st.budget -= int(n)
		st.checked[key] = true
	}
	return nil
}

// pageText interprets one page and lays its glyphs out as text.
func (st *pdfState) pageText(p pdf.Page) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			if a, ok := r.(pdfAbort); ok {
				err = a.err
				return
			}
			err = fmt.Errorf("malformed page content (%v)", r)
		}
	}()
	// Resources are inherited through Parent links, which the library
	// follows without end; refuse cycles first.
	v := p.V
	for i := 0; !v.IsNull(); i++ {
		if i > 64 {
			return "", errors.New("malformed PDF: cyclic page tree")
		}
		v = v.Key("Parent")
	}
	contents := p.V.Key("Contents")
	if contents.IsNull() {
		return "", nil
	}
	if err := st.measure(contents, "content stream"); err != nil {
		return "", err
	}
	in := &pdfInterp{st: st}
	in.run(p, contents, ident, 0)
	return layoutGlyphs(in.glyphs), nil
}

// mat is a PDF transformation matrix [a b c d e f], applied to row vectors.
type mat [6]float64

var ident = mat{1, 0, 0, 1, 0, 0}

func (m mat) mul(n mat) mat {
	return mat{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func translate(x, y float64) mat { return mat{1, 0, 0, 1, x, y} }

// glyph is one shown character (or ligature) in page space.
type glyph struct {
	x, y, x2 float64 // origin and end of the advance
	size     float64 // font size in page space
	s        string
}

// pdfFont is a font as text placement needs it, read once: how to split
// shown strings into character codes, each code's text and its width.
type pdfFont struct {
	// uni is the font's ToUnicode map, which wins over its encoding.
	uni *toUnicode
	// simple fonts (one byte per code): text and width of every byte.
	simple bool
	text   [256]string
	widths [256]float64
	// composite fonts (Type0): widths by CID, DW for the rest, and the
	// library's decoder when there is no ToUnicode map.
	cidWidths map[int]float64
	dw        float64
	enc       pdf.TextEncoding
}

// fallbackFont stands in when a page shows text before selecting a font.
var fallbackFont = func() *pdfFont {
	f := &pdfFont{simple: true, dw: 500}
	for i := range f.text {
		f.text[i] = string(rune(i))
	}
	return f
}()

func (st *pdfState) loadFont(page pdf.Page, name string) *pdfFont {
	fv := page.Font(name).V
	if fv.Kind() != pdf.Dict {
		return fallbackFont
	}
	pf := &pdfFont{dw: 1000}
	if tu := fv.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		if err := st.measure(tu, "font map"); err != nil {
			panic(pdfAbort{err})
		}
		pf.uni = readToUnicode(tu)
	}
	if fv.Key("Subtype").Name() == "Type0" {
		desc := fv.Key("DescendantFonts").Index(0)
		if dw := desc.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			pf.dw = dw.Float64()
		}
		pf.cidWidths = cidWidths(desc.Key("W"))
		if pf.uni == nil {
			f := page.Font(name)
			pf.enc = f.Encoder()
		}
		return pf
	}
	pf.simple = true
	f := page.Font(name)
	var enc pdf.TextEncoding
	if pf.uni == nil || fv.Key("Encoding").Kind() != pdf.Null {
		// Names a base encoding or Differences; without either the
		// library falls back to the (possibly broken) ToUnicode map.
		enc = f.Encoder()
	}
	first := int(fv.Key("FirstChar").Int64())
	ws := fv.Key("Widths")
	for i := 0; i < 256; i++ {
		code := string([]byte{byte(i)})
		if pf.uni != nil {
			if t, ok := pf.uni.lookup(uint32(i), 1); ok {
				pf.text[i] = t
			}
		}
		if pf.text[i] == "" && enc != nil {
			pf.text[i] = enc.Decode(code)
		}
		if j := i - first; j >= 0 && j < ws.Len() {
			pf.widths[i] = ws.Index(j).Float64()
		}
	}
	return pf
}

// codes splits a shown string into character codes: single bytes for
// simple fonts, by the ToUnicode map's code space ranges for composite
// ones (two bytes, Identity-H, when it has none).
func (f *pdfFont) codes(raw string) []pdfCode {
	var out []pdfCode
	for i := 0; i < len(raw); {
		n := 1
		if !f.simple {
			n = 2
			if f.uni != nil {
				n = f.uni.codeLen(raw[i:])
			}
		}
		if i+n > len(raw) {
			break
		}
		var c uint32
		for _, b := range []byte(raw[i : i+n]) {
			c = c<<8 | uint32(b)
		}
		out = append(out, pdfCode{code: c, n: n})
		i += n
	}
	return out
}

type pdfCode struct {
	code uint32
	n    int // bytes
}

// decode returns a code's text and width (in thousandths of an em).
func (f *pdfFont) decode(c pdfCode) (string, float64) {
	if f.simple {
		b := byte(c.code)
		return f.text[b], f.widths[b]
	}
	w, ok := f.cidWidths[int(c.code)]
	if !ok {
		w = f.dw
	}
	if f.uni != nil {
		t, _ := f.uni.lookup(c.code, c.n)
		return t, w
	}
	if f.enc != nil {
		raw := make([]byte, c.n)
		for i := range raw {
			raw[i] = byte(c.code >> (8 * (c.n - 1 - i)))
		}
		return f.enc.Decode(string(raw)), w
	}
	return "", w
}

// cidWidths reads a composite font's W array: "c [w1 w2 …]" or
// "cfirst clast w" entries.
func cidWidths(w pdf.Value) map[int]float64 {
	out := map[int]float64{}
	n := w.Len()
	for i := 0; i < n && len(out) < 1<<16; {
		c := int(w.Index(i).Int64())
		if i+1 >= n {
			break
		}
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && j < 1<<16; j++ {
				out[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= n {
			break
		}
		last := int(next.Int64())
		wd := w.Index(i + 2).Float64()
		for c2 := c; c2 <= last && c2-c < 1<<16; c2++ {
			out[c2] = wd
		}
		i += 3
	}
	return out
}

// pdfInterp is the text state machine of PDF 32000-1 §9.4, enough to place
// glyphs: text and line matrices, CTM, font, size, spacing and rise.
type pdfInterp struct {
	st     *pdfState
	glyphs []glyph
}

type textState struct {
	ctm, tm, tlm          mat
	tc, tw, th, tl, trise float64
	tfs                   float64
	font                  *pdfFont
}

// run interprets a content stream (a page's, or a form's) drawn with ctm.
func (in *pdfInterp) run(res pdf.Page, strm pdf.Value, ctm mat, depth int) {
	g := textState{ctm: ctm, tm: ident, tlm: ident, th: 1}
	var stack []textState
	fonts := map[string]*pdfFont{}
	font := func(name string) *pdfFont {
		f, ok := fonts[name]
		if !ok {
			f = in.st.loadFont(res, name)
			fonts[name] = f
		}
		return f
	}
	num := func(args []pdf.Value, i int) float64 {
		if i >= len(args) {
			return 0
		}
		f := args[i].Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0
		}
		return f
	}
	matrix := func(args []pdf.Value) mat {
		var m mat
		for i := range m {
			m[i] = num(args, i)
		}
		return m
	}
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		in.st.ops++
		if in.st.ops&4095 == 0 {
			if err := in.st.ctx.Err(); err != nil {
				panic(pdfAbort{err})
			}
		}
		n := stk.Len()
		if n > 64 { // operands no operator takes: drop them
			n = 64
		}
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		for stk.Len() > 0 {
			stk.Pop()
		}
		switch op {
		case "q":
			if len(stack) < 1024 {
				stack = append(stack, g)
			}
		case "Q":
			if len(stack) > 0 {
				g = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		case "cm":
			if len(args) == 6 {
				g.ctm = matrix(args).mul(g.ctm)
			}
		case "BT":
			g.tm, g.tlm = ident, ident
		case "Tc":
			g.tc = num(args, 0)
		case "Tw":
			g.tw = num(args, 0)
		case "Tz":
			g.th = num(args, 0) / 100
		case "TL":
			g.tl = num(args, 0)
		case "Ts":
			g.trise = num(args, 0)
		case "Tf":
			if len(args) == 2 {
				g.font = font(args[0].Name())
				g.tfs = num(args, 1)
			}
		case "Td", "TD":
			if op == "TD" {
				g.tl = -num(args, 1)
			}
			g.tlm = translate(num(args, 0), num(args, 1)).mul(g.tlm)
			g.tm = g.tlm
		case "Tm":
			if len(args) == 6 {
				g.tm = matrix(args)
				g.tlm = g.tm
			}
		case "T*":
			g.tlm = translate(0, -g.tl).mul(g.tlm)
			g.tm = g.tlm
		case "Tj":
			if len(args) == 1 {
				in.show(&g, args[0].RawString())
			}
		case "'", "\"":
			if op == "\"" && len(args) == 3 {
				g.tw, g.tc = num(args, 0), num(args, 1)
				args = args[2:]
			}
			g.tlm = translate(0, -g.tl).mul(g.tlm)
			g.tm = g.tlm
			if len(args) == 1 {
				in.show(&g, args[0].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			a := args[0]
			for i := 0; i < a.Len(); i++ {
				e := a.Index(i)
				if e.Kind() == pdf.String {
					in.show(&g, e.RawString())
					continue
				}
				tx := -e.Float64() / 1000 * g.tfs * g.th
				g.tm = translate(tx, 0).mul(g.tm)
			}
		case "Do":
			if len(args) == 1 && depth < maxPDFFormDepth {
				in.form(res, args[0].Name(), g.ctm, depth)
			}
		}
	})
}

// form draws a form XObject: its own content stream, resources and matrix.
func (in *pdfInterp) form(res pdf.Page, name string, ctm mat, depth int) {
	x := res.Resources().Key("XObject").Key(name)
	if x.Kind() != pdf.Stream || x.Key("Subtype").Name() != "Form" {
		return
	}
	if err := in.st.measure(x, "form"); err != nil {
		panic(pdfAbort{err})
	}
	m := ident
	if fm := x.Key("Matrix"); fm.Len() == 6 {
		for i := range m {
			m[i] = fm.Index(i).Float64()
		}
	}
	formRes := res
	if !x.Key("Resources").IsNull() {
		formRes = pdf.Page{V: x}
	}
	in.run(formRes, x, m.mul(ctm), depth+1)
}

// show places the glyphs of one shown string.
func (in *pdfInterp) show(g *textState, raw string) {
	f := g.font
	if f == nil {
		f = fallbackFont
	}
	for _, c := range f.codes(raw) {
		s, w0 := f.decode(c)
		if w0 <= 0 {
			w0 = 500 // unknown width: half an em, so words still separate
		}
		trm := mat{g.tfs * g.th, 0, 0, g.tfs, 0, g.trise}.mul(g.tm).mul(g.ctm)
		tx := w0/1000*g.tfs + g.tc
		if c.n == 1 && c.code == ' ' {
			tx += g.tw
		}
		tx *= g.th
		g.tm = translate(tx, 0).mul(g.tm)
		end := mat{g.tfs * g.th, 0, 0, g.tfs, 0, g.trise}.mul(g.tm).mul(g.ctm)
		in.st.glyphBudget--
		if in.st.glyphBudget < 0 {
			panic(pdfAbort{fmt.Errorf("more than %d characters of text", maxPDFGlyphs)})
		}
		in.glyphs = append(in.glyphs, glyph{
			x: trm[4], y: trm[5], x2: end[4],
			size: math.Hypot(trm[2], trm[3]),
			s:    s,
		})
	}
}

// layoutGlyphs rebuilds text from placed glyphs, in the order they were
// drawn (the reading order of nearly every generator). A gap wider than a
// fraction of the font size is a space; a change of baseline is a new
// line. A paragraph starts after a line spacing clearly wider than the
// page's usual one, a jump back up the page (a new column), a change of
// font size (a heading), or a line ending a sentence well short of the
// right margin.
func layoutGlyphs(gs []glyph) string {
	type line struct {
		y, size      float64
		left, lastX2 float64
		text         strings.Builder
		last         rune
	}
	var lines []*line
	var cur *line
	for _, g := range gs {
		if g.s == "" || math.IsNaN(g.x) || math.IsNaN(g.y) || math.IsInf(g.x, 0) || math.IsInf(g.y, 0) {
			continue
		}
		size := g.size
		if size <= 0 || math.IsInf(size, 0) || math.IsNaN(size) {
			size = 1
		}
		newLine := cur == nil || math.Abs(g.y-cur.y) > 0.5*max(size, cur.size) ||
			g.x < cur.lastX2-2*size
		if newLine {
			cur = &line{y: g.y, size: size, left: g.x}
			lines = append(lines, cur)
		} else if gap := g.x - cur.lastX2; gap > 0.15*size && cur.last != ' ' && !strings.HasPrefix(g.s, " ") {
			cur.text.WriteByte(' ')
			cur.last = ' '
		}
		for _, r := range g.s {
			if r == utf8.RuneError || (unicode.IsControl(r) && !unicode.IsSpace(r)) || r == '\u00ad' {
				continue
			}
			if unicode.IsSpace(r) {
				r = ' '
			}
			cur.text.WriteRune(r)
			cur.last = r
		}
		cur.lastX2 = max(g.x2, g.x)
		cur.size = max(cur.size, size)
	}

	// The page's line pitch: the smallest step down between lines of one
	// size (paragraph gaps are larger, superscripts are not lines).
	pitch := math.Inf(1)
	right := math.Inf(-1)
	for i, l := range lines {
		right = max(right, l.lastX2)
		if i == 0 {
			continue
		}
		p := lines[i-1]
		if d := p.y - l.y; d > 0.5*l.size && d < 3*l.size && math.Abs(p.size-l.size) <= 0.15*l.size {
			pitch = min(pitch, d)
		}
	}

	var out strings.Builder
	var para strings.Builder
	flush := func() {
		if s := strings.TrimSpace(para.String()); s != "" {
			if out.Len() > 0 {
				out.WriteString("\n\n")
			}
			out.WriteString(s)
		}
		para.Reset()
	}
	var prev *line
	var prevText string
	for _, l := range lines {
		t := cleanSpaces(l.text.String())
		if t == "" {
			continue
		}
		if prev != nil {
			d := prev.y - l.y
			sizeChange := math.Abs(l.size-prev.size) > 0.15*max(l.size, prev.size)
			wide := !math.IsInf(pitch, 1) && d > 1.3*pitch || math.IsInf(pitch, 1) && d > 2*l.size
			end, _ := utf8.DecodeLastRuneInString(prevText)
			short := strings.ContainsRune(".!?:\"”’", end) && prev.lastX2 < right-0.2*(right-prev.left)
			if d <= 0 || wide || sizeChange || short {
				flush()
			}
		}
		if para.Len() > 0 {
			last, _ := utf8.DecodeLastRuneInString(prevText)
			first, _ := utf8.DecodeRuneInString(t)
			beforeHyphen, _ := utf8.DecodeLastRuneInString(strings.TrimSuffix(prevText, "-"))
			if !(last == '-' && unicode.IsLetter(beforeHyphen) && unicode.IsLower(first)) {
				para.WriteByte(' ')
			}
		}
		para.WriteString(t)
		prev, prevText = l, t
	}
	flush()
	return out.String()
}

// truncateMeta bounds metadata fields read from files, which may hold
// anything.
func truncateMeta(m retrieval.Metadata) retrieval.Metadata {
	for _, f := range []*string{&m.Title, &m.Publisher, &m.Author, &m.Date, &m.URL} {
		*f = rtext.Truncate(cleanSpaces(*f), 300)
	}
	return m
}

package ingest

import (
	"io"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// toUnicode is a font's ToUnicode CMap (PDF 32000-1 §9.10.3): which text
// each character code stands for. The library has a reader too, but it
// looks codes up by linear scan (slow on large fonts) and adds range
// offsets to the last byte only, so the common "<0000> <FFFF> <0000>"
// identity range (which writers such as fpdf emit) decodes wrongly above
// 0xFF; this one uses maps and whole-number offsets.
type toUnicode struct {
	spaces [4][]codeRange // code space ranges by code length - 1
	chars  map[cmapKey]string
	ranges []cmapRange // sorted by lo
}

type cmapKey struct {
	code uint32
	n    int
}

type codeRange struct{ lo, hi uint32 }

type cmapRange struct {
	n      int
	lo, hi uint32
	dst    []uint16   // UTF-16 of lo's text, offset by code-lo
	dstArr [][]uint16 // or one text per code
}

// maxCMapEntries bounds a map's entries and operands (the decoded stream
// is bounded already; this bounds what it can expand to).
const maxCMapEntries = 1 << 18

// readToUnicode parses a ToUnicode stream, whose decoded size measure
// has bounded already. A broken map yields what could be read.
func readToUnicode(v pdf.Value) *toUnicode {
	m := &toUnicode{chars: map[cmapKey]string{}}
	rc := v.Reader()
	b, _ := io.ReadAll(io.LimitReader(rc, maxPDFStreamBytes))
	rc.Close()
	entries := 0
	var args []cmapOperand
	lex := cmapLexer{b: b}
	for {
		tok, ok := lex.next()
		if !ok {
			break
		}
		if tok.keyword == "" {
			if len(args) < 3*maxCMapEntries {
				args = append(args, tok)
			}
			continue
		}
		switch tok.keyword {
		case "endcodespacerange":
			for i := 0; i+1 < len(args); i += 2 {
				lo, hi := args[i].str, args[i+1].str
				if len(lo) == 0 || len(lo) > 4 || len(lo) != len(hi) {
					continue
				}
				m.spaces[len(lo)-1] = append(m.spaces[len(lo)-1], codeRange{codeValue(lo), codeValue(hi)})
			}
		case "endbfchar":
			for i := 0; i+1 < len(args) && entries < maxCMapEntries; i += 2 {
				src := args[i].str
				if len(src) == 0 || len(src) > 4 {
					continue
				}
				m.chars[cmapKey{codeValue(src), len(src)}] = string(utf16.Decode(utf16Units(args[i+1].str)))
				entries++
			}
		case "endbfrange":
			for i := 0; i+2 < len(args) && entries < maxCMapEntries; i += 3 {
				lo, hi := args[i].str, args[i+1].str
				if len(lo) == 0 || len(lo) > 4 || len(lo) != len(hi) {
					continue
				}
				r := cmapRange{n: len(lo), lo: codeValue(lo), hi: codeValue(hi)}
				if r.hi < r.lo {
					continue
				}
				if d := args[i+2]; d.arr != nil {
					for _, e := range d.arr {
						r.dstArr = append(r.dstArr, utf16Units(e))
					}
				} else {
					r.dst = utf16Units(d.str)
				}
				m.ranges = append(m.ranges, r)
				entries++
			}
		}
		args = args[:0]
	}
	sort.SliceStable(m.ranges, func(a, b int) bool { return m.ranges[a].lo < m.ranges[b].lo })
	return m
}

// cmapOperand is a token of a CMap: a keyword, or an operand (a string,
// hex or literal, or an array of strings; numbers and names are kept as
// empty strings, since no entry citebot reads uses them).
type cmapOperand struct {
	keyword string
	str     string
	arr     []string
}

// cmapLexer splits a CMap (a small PostScript program) into tokens. It
// is a lexer of its own rather than the library's PostScript interpreter,
// which needs dictionary plumbing it does not export.
type cmapLexer struct {
	b []byte
	i int
}

func (l *cmapLexer) next() (cmapOperand, bool) {
	for l.i < len(l.b) {
		c := l.b[l.i]
		switch {
		case c == '%':
			for l.i < len(l.b) && l.b[l.i] != '\n' && l.b[l.i] != '\r' {
				l.i++
			}
		case c <= ' ':
			l.i++
		case c == '<' && l.i+1 < len(l.b) && l.b[l.i+1] == '<', c == '>' && l.i+1 < len(l.b) && l.b[l.i+1] == '>':
			l.i += 2
		case c == '<':
			return cmapOperand{str: l.hex()}, true
		case c == '(':
			return cmapOperand{str: l.literal()}, true
		case c == '[':
			l.i++
			var arr []string
			for {
				t, ok := l.next()
				if !ok || t.keyword == "]" {
					break
				}
				if t.keyword == "" && len(arr) < maxCMapEntries {
					arr = append(arr, t.str)
				}
			}
			if arr == nil {
				arr = []string{}
			}
			return cmapOperand{arr: arr}, true
		case c == ']':
			l.i++
			return cmapOperand{keyword: "]"}, true
		default:
			start := l.i
			for l.i < len(l.b) && !strings.ContainsRune(" \t\r\n\f\x00()<>[]{}/%", rune(l.b[l.i])) {
				l.i++
			}
			if l.i == start { // a lone '/', '{' or '}'
				l.i++
				continue
			}
			w := string(l.b[start:l.i])
			if c == '/' || c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') {
				return cmapOperand{}, true
			}
			return cmapOperand{keyword: w}, true
		}
	}
	return cmapOperand{}, false
}

// hex reads <4E6F> as bytes (an odd last digit counts as followed by 0).
func (l *cmapLexer) hex() string {
	l.i++ // '<'
	var out []byte
	var hi byte
	half := false
	for l.i < len(l.b) && l.b[l.i] != '>' {
		c := l.b[l.i]
		l.i++
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		out = append(out, hi<<4)
	}
	l.i++ // '>'
	return string(out)
}

// literal reads (…) with nesting and backslash escapes.
func (l *cmapLexer) literal() string {
	l.i++ // '('
	var out []byte
	depth := 1
	for l.i < len(l.b) {
		c := l.b[l.i]
		l.i++
		switch c {
		case '\\':
			if l.i >= len(l.b) {
				return string(out)
			}
			e := l.b[l.i]
			l.i++
			switch e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v := int(e - '0')
				for k := 0; k < 2 && l.i < len(l.b) && l.b[l.i] >= '0' && l.b[l.i] <= '7'; k++ {
					v = v*8 + int(l.b[l.i]-'0')
					l.i++
				}
				out = append(out, byte(v))
			case '\n', '\r':
			default:
				out = append(out, e)
			}
		case '(':
			depth++
			out = append(out, c)
		case ')':
			depth--
			if depth == 0 {
				return string(out)
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

func codeValue(s string) uint32 {
	var c uint32
	for i := 0; i < len(s); i++ {
		c = c<<8 | uint32(s[i])
	}
	return c
}

// utf16Units reads big-endian UTF-16 code units (an odd last byte is
// dropped).
func utf16Units(s string) []uint16 {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return u
}

// codeLen returns how many bytes the code at the start of raw takes, by
// the code space ranges (two when none matches, the Identity-H width).
func (m *toUnicode) codeLen(raw string) int {
	for n := 1; n <= 4 && n <= len(raw); n++ {
		c := codeValue(raw[:n])
		for _, r := range m.spaces[n-1] {
			if r.lo <= c && c <= r.hi {
				return n
			}
		}
	}
	return 2
}

// lookup returns the text of an n-byte code.
func (m *toUnicode) lookup(code uint32, n int) (string, bool) {
	if s, ok := m.chars[cmapKey{code, n}]; ok {
		return s, true
	}
	// The last range starting at or below code that holds it.
	i := sort.Search(len(m.ranges), func(i int) bool { return m.ranges[i].lo > code })
	for j := i - 1; j >= 0 && j >= i-64; j-- {
		r := m.ranges[j]
		if r.n != n || code > r.hi {
			continue
		}
		off := code - r.lo
		if r.dstArr != nil {
			if int(off) < len(r.dstArr) {
				return string(utf16.Decode(r.dstArr[off])), true
			}
			return "", false
		}
		if len(r.dst) == 0 {
			return "", false
		}
		u := append([]uint16(nil), r.dst...)
		last := uint32(u[len(u)-1]) + off
		if last > 0xFFFF {
			// Past the end of the BMP: encode the code point as a pair.
			return string(utf16.Decode(u[:len(u)-1])) + string(rune(last)), true
		}
		u[len(u)-1] = uint16(last)
		return string(utf16.Decode(u)), true
	}
	return "", false
}

package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file cleans text extracted from documents of the characters that
// layout programs put in and readers never type: the typographic
// ligatures (ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ, U+FB00–U+FB06), which PDF fonts map glyphs
// to, and invisible format characters (soft hyphens, zero-width spaces,
// word joiners, byte-order marks, bidirectional marks). A document's text
// is cleaned once, when it is read, so every quote cut from it is what a
// reporter can paste and search for ("Sheriff", not "Sheriﬀ"), and the
// quote still equals the document text byte for byte.
//
// It is deliberately not NFKC: ellipses (…), superscripts (²), fractions,
// curly quotes, non-breaking spaces and full-width forms stay as the
// source has them, because a reader sees and may type them.

// ligatures are the Latin compatibility ligatures and what they stand for.
var ligatures = map[rune]string{
	'\uFB00': "ff", '\uFB01': "fi", '\uFB02': "fl", '\uFB03': "ffi", '\uFB04': "ffl",
	'\uFB05': "st", // ſt, long s + t
	'\uFB06': "st",
}

// dropped reports a format character (Unicode category Cf) that is
// invisible in running text and that no reader types, given the runes
// around it. The zero-width joiner and non-joiner are kept where they
// shape a script (Persian, Devanagari) or join an emoji sequence, and
// dropped only between Latin letters, where they are stray. Tag
// characters (U+E0020–U+E007F) are kept: they spell emoji flags.
func dropped(r, prev, next rune) bool {
	switch r {
	case '\u00AD', // soft hyphen
		'\u180E',           // Mongolian vowel separator (formerly a space)
		'\u200B',           // zero-width space
		'\u200E', '\u200F', // left-to-right and right-to-left marks
		'\u2060', '\u2061', '\u2062', // word joiner, invisible operators
		'\u2063', '\u2064',
		'\uFEFF': // byte-order mark, zero-width no-break space
		return true
	case '\u200C', '\u200D': // zero-width non-joiner and joiner
		return isLatinLetter(prev) || isLatinLetter(next)
	}
	switch {
	case r >= '\u202A' && r <= '\u202E', // bidirectional embeddings and overrides
		r >= '\u2066' && r <= '\u2069', // bidirectional isolates
		r == '\u061C':                  // Arabic letter mark
		return true
	}
	return false
}

func isLatinLetter(r rune) bool { return r >= 0 && unicode.Is(unicode.Latin, r) }

// needsCleaning reports whether s holds a rune CleanExtracted changes;
// all of them are outside ASCII, so ASCII text is passed over quickly.
func needsCleaning(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[i:])
		if _, ok := ligatures[r]; ok || unicode.Is(unicode.Cf, r) {
			return true
		}
	}
	return false
}

// CleanExtracted returns s with compatibility ligatures spelt out and
// invisible format characters removed (see above). Text without them is
// returned as it is.
func CleanExtracted(s string) string {
	out, _ := CleanExtractedSpans(s, nil)
	return out
}

// CleanExtractedSpans cleans s as CleanExtracted does and moves byte
// offsets into s (the page spans of a PDF, for instance) so they point at
// the same text in the result. A span boundary inside a removed character
// moves to where the character was.
func CleanExtractedSpans(s string, offsets []int) (string, []int) {
	if !needsCleaning(s) {
		return s, offsets
	}
	moved := make([]int, len(offsets))
	// order visits offsets from low to high, so each is moved once.
	order := make([]int, len(offsets))
	for i := range order {
		order[i] = i
	}
	sortByOffset(order, offsets)
	k := 0
	var b strings.Builder
	b.Grow(len(s))
	prev := rune(-1)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		for k < len(order) && offsets[order[k]] < i+size {
			moved[order[k]] = b.Len()
			k++
		}
		next := rune(-1)
		if i+size < len(s) {
			next, _ = utf8.DecodeRuneInString(s[i+size:])
		}
		switch lig, isLig := ligatures[r]; {
		case isLig:
			b.WriteString(lig)
			prev = r
		case dropped(r, prev, next):
			// prev stays the letter before, so a run of joiners between
			// Latin letters is dropped whole.
		default:
			b.WriteString(s[i : i+size])
			prev = r
		}
		i += size
	}
	for ; k < len(order); k++ {
		moved[order[k]] = b.Len()
	}
	return b.String(), moved
}

// sortByOffset sorts the indexes in order by the offsets they name
// (insertion sort: callers pass a handful of page boundaries, already in
// order).
func sortByOffset(order, offsets []int) {
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && offsets[order[j]] < offsets[order[j-1]]; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
}

package answer

import (
	"unicode"
	"unicode/utf8"
)

// Scanners for the answering path. Each does what a strings function
// over a whole sentence did (strings.Fields, strings.FieldsFunc after
// strings.ToLower) with the same result, without building the slice of
// all the words: ranking calls them on every candidate sentence.

// countFields is len(strings.Fields(s)): the runs of non-space runes.
func countFields(s string) int {
	n := 0
	inField := false
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if isSpace(r) {
			inField = false
		} else if !inField {
			inField = true
			n++
		}
	}
	return n
}

// leadingFields returns the first fields of s, as strings.Fields(s)
// would give them, up to len(dst), in dst; it reads no further into s
// than the last field it returns.
func leadingFields(s string, dst []string) []string {
	n := 0
	start := -1
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				dst[n] = s[start:i]
				n++
				start = -1
				if n == len(dst) {
					return dst[:n]
				}
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 && n < len(dst) {
		dst[n] = s[start:]
		n++
	}
	return dst[:n]
}

// wordPairs yields the adjacent pairs of words of a text as surfacePairs
// splits them (lower case; a word is a run of letters, digits and
// apostrophes), each as "first second" in a buffer reused from pair to
// pair.
type wordPairs struct {
	s         string
	at        int
	prev, cur []byte // the last two words read
	pair      []byte
	started   bool // prev holds a word
}

// next returns the next pair, valid until the following call, or false
// at the end of the text.
func (w *wordPairs) next() ([]byte, bool) {
	for {
		if !w.word() {
			return nil, false
		}
		if !w.started {
			w.started = true
			w.prev, w.cur = w.cur, w.prev
			continue
		}
		w.pair = append(append(append(w.pair[:0], w.prev...), ' '), w.cur...)
		w.prev, w.cur = w.cur, w.prev
		return w.pair, true
	}
}

// word reads the next word into cur, lower-cased; false at the end.
func (w *wordPairs) word() bool {
	w.cur = w.cur[:0]
	inWord := false
	for w.at < len(w.s) {
		r, size := rune(w.s[w.at]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(w.s[w.at:])
		}
		var lr rune
		var inWordRune bool
		if r < utf8.RuneSelf {
			lr = rune(asciiLower[r])
			inWordRune = asciiWord[r]
		} else {
			lr = unicode.ToLower(r)
			inWordRune = unicode.IsLetter(lr) || unicode.IsDigit(lr)
		}
		if !inWordRune {
			w.at += size
			if inWord {
				return true
			}
			continue
		}
		inWord = true
		w.cur = utf8.AppendRune(w.cur, lr)
		w.at += size
	}
	return inWord
}

// isSpace is unicode.IsSpace with a table for ASCII.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiSpace[r]
	}
	return unicode.IsSpace(r)
}

// ASCII tables: unicode.IsSpace; unicode.ToLower; and the runes of a
// word for wordPairs (unicode.IsLetter or unicode.IsDigit of the lower
// case, or an apostrophe).
var asciiSpace, asciiWord, asciiLower = func() (sp, word [utf8.RuneSelf]bool, lower [utf8.RuneSelf]byte) {
	for c := range utf8.RuneSelf {
		r := rune(c)
		sp[c] = unicode.IsSpace(r)
		l := unicode.ToLower(r)
		lower[c] = byte(l)
		word[c] = unicode.IsLetter(l) || unicode.IsDigit(l) || l == '\''
	}
	return
}()

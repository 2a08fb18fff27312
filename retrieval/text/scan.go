package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scanners for the answering path. Each does what a strings function
// over a whole sentence did (strings.Fields, strings.FieldsFunc after
// strings.ToLower) with the same result, without building the slice of
// all the words: ranking calls them on every candidate sentence. Their
// tests are answering's (retrieval/answer scan_test.go), which checks
// them against the strings functions and the word pairs ranking reads.

// CountFields is len(strings.Fields(s)): the runs of non-space runes.
func CountFields(s string) int {
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

// LeadingFields returns the first fields of s, as strings.Fields(s)
// would give them, up to len(dst), in dst; it reads no further into s
// than the last field it returns.
func LeadingFields(s string, dst []string) []string {
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

// wordPairs reads the words of a text as PairTable splits them (lower
// case; a word is a run of letters, digits and apostrophes: what
// strings.FieldsFunc gives after strings.ToLower).
type wordPairs struct {
	s   string
	at  int
	cur []byte // the last word read
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

// PairTable counts which of a question's word pairs ("a b", adjacent
// words as wordPairs splits them) a text holds, without building the
// text's pairs: a word of the text is looked up among the few words of
// the question's pairs, and a pair of them in a table. Ranking uses it
// for the share of the question's phrases a sentence repeats.
type PairTable struct {
	words  []string  // the distinct words of the pairs
	hashes []uint32  // their wordHash
	mask   uint64    // bit hash%64 of each of those hashes: a quick "no"
	first  [4]uint64 // first bytes of words
	pair   []int     // pair[a*len(words)+b]: the number of pair "a b", or -1
	seen   []bool    // by pair number, for one count
}

// NewPairTable builds the table of pairs ("a b").
func NewPairTable(pairs map[string]bool) PairTable {
	var t PairTable
	index := func(w string) int {
		for i, x := range t.words {
			if x == w {
				return i
			}
		}
		t.words = append(t.words, w)
		t.hashes = append(t.hashes, wordHash(w))
		t.mask |= 1 << (wordHash(w) & 63)
		if w != "" {
			t.first[w[0]>>6] |= 1 << (w[0] & 63)
		}
		return len(t.words) - 1
	}
	type ab struct{ a, b int }
	var all []ab
	for p := range pairs {
		a, b, _ := strings.Cut(p, " ") // words hold no spaces
		all = append(all, ab{index(a), index(b)})
	}
	n := len(t.words)
	t.pair = make([]int, n*n)
	for i := range t.pair {
		t.pair[i] = -1
	}
	for k, p := range all {
		t.pair[p.a*n+p.b] = k
	}
	t.seen = make([]bool, len(all))
	return t
}

// word returns w's index among the pair words, or -1.
func (t *PairTable) word(w []byte) int {
	if len(w) == 0 || t.first[w[0]>>6]&(1<<(w[0]&63)) == 0 {
		return -1
	}
	for i, x := range t.words {
		if x == string(w) {
			return i
		}
	}
	return -1
}

// Count is how many distinct pairs of the table text holds.
func (t *PairTable) Count(text string) int {
	if len(t.seen) == 0 {
		return 0
	}
	clear(t.seen)
	var buf [64]byte
	w := wordPairs{s: text, cur: buf[:0]}
	found, prev := 0, -1
	for w.word() {
		i := t.word(w.cur)
		if t.firstSight(prev, i) {
			found++
		}
		prev = i
	}
	return found
}

// CountWords is Count for a text whose words are known (PairWords), with
// their WordHashes.
func (t *PairTable) CountWords(words []string, hashes []uint32) int {
	if len(t.seen) == 0 {
		return 0
	}
	clear(t.seen)
	found, prev := 0, -1
	for k, w := range words {
		i := -1
		if t.mask&(1<<(hashes[k]&63)) != 0 {
			for j, h := range t.hashes {
				if h == hashes[k] && t.words[j] == w {
					i = j
					break
				}
			}
		}
		if t.firstSight(prev, i) {
			found++
		}
		prev = i
	}
	return found
}

// firstSight reports whether the words of indexes prev and i, one after
// the other, are a pair of the table not seen before in this count, and
// marks it seen; -1 is a word not among the pair words.
func (t *PairTable) firstSight(prev, i int) bool {
	if prev < 0 || i < 0 {
		return false
	}
	p := t.pair[prev*len(t.words)+i]
	if p < 0 || t.seen[p] {
		return false
	}
	t.seen[p] = true
	return true
}

// wordHash is FNV-1a of a word: a quick first comparison.
func wordHash(w string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(w); i++ {
		h ^= uint32(w[i])
		h *= 16777619
	}
	return h
}

// WordHashes is wordHash of each word.
func WordHashes(words []string) []uint32 {
	out := make([]uint32, len(words))
	for i, w := range words {
		out[i] = wordHash(w)
	}
	return out
}

// PairWords is text's words as PairTable splits them, lower case (slices
// of one string).
func PairWords(text string) []string {
	var b strings.Builder
	var ends []int
	w := wordPairs{s: text}
	for w.word() {
		b.Write(w.cur)
		ends = append(ends, b.Len())
	}
	all := b.String()
	words := make([]string, len(ends))
	from := 0
	for i, e := range ends {
		words[i] = all[from:e]
		from = e
	}
	return words
}

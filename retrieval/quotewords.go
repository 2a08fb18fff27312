package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// This file is the quote checker's normaliser: it turns a text into the
// words a quote check compares, each keeping its byte offsets into the
// original so differences can be marked in the document itself.
//
// Two texts say "the same words" when their words are equal after:
//   - case folding and accent folding ("Élan" = "elan");
//   - apostrophe folding: ’ ‘ ʼ ′ ` inside a word are ' ("don’t" = "don't");
//   - thousands separators dropped ("7,500" = "7500");
//   - everything else that is not a letter or digit (quotation marks
//     straight or curly, dashes, hyphens, commas, brackets, white space)
//     separating words rather than being compared.
//
// In the text being checked (not in documents), an ellipsis — "…", "...",
// ". . .", with or without brackets — stands for omitted words: the word
// after it is marked gap, and any run of document words may be skipped
// there.

// qword is one normalised word.
type qword struct {
	norm       string // the folded form compared
	start, end int    // byte offsets of the word in its text
	// gap marks a word that follows an ellipsis in the checked text.
	gap bool
}

// QuoteWords returns the words of s as a quote check compares them
// (folded as described above; ellipses are not words). Two texts with the
// same QuoteWords are an exact match for each other.
func QuoteWords(s string) []string {
	ws := splitWords(s, true)
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.norm
	}
	return out
}

// isApostrophe reports the characters typed for an apostrophe.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', '′', '`':
		return true
	}
	return false
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// splitWords returns the normalised words of s. With ellipses set,
// ellipses mark the following word as a gap. Invalid UTF-8 bytes
// separate words; offsets always index s.
func splitWords(s string, ellipses bool) []qword {
	var out []qword
	var b strings.Builder
	start := -1
	gap := false
	ascii := true
	flush := func(end int) {
		if start < 0 {
			return
		}
		norm := b.String()
		if !ascii {
			norm = string(foldDiacritics([]byte(strings.ToLower(norm))))
		} else {
			norm = strings.ToLower(norm)
		}
		if norm != "" {
			out = append(out, qword{norm: norm, start: start, end: end, gap: gap})
			gap = false
		}
		b.Reset()
		start, ascii = -1, true
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			flush(i)
			i++
			continue
		}
		switch {
		case isApostrophe(r):
			// Inside a word ("don’t", "nation’s") it is part of it;
			// elsewhere it is a quotation mark.
			if start >= 0 {
				if next, _ := utf8.DecodeRuneInString(s[i+size:]); isWordRune(next) && !isApostrophe(next) {
					b.WriteByte('\'')
					i += size
					continue
				}
			}
		case isWordRune(r):
			if start < 0 {
				start = i
			}
			if r >= utf8.RuneSelf {
				ascii = false
			}
			b.WriteRune(r)
			i += size
			continue
		case start >= 0 && r == ',' && isDigitByte(s[i-1]) && thousandsGroupAt(s, i+1):
			// "7,500" and "7500" are one number.
			i += size
			continue
		case start >= 0 && r == '.' && isDigitByte(s[i-1]) && i+1 < len(s) && isDigitByte(s[i+1]):
			// "3.5" keeps its point.
			b.WriteByte('.')
			i += size
			continue
		}
		flush(i)
		if ellipses {
			if n := ellipsisAt(s, i); n > 0 {
				gap = true
				i += n
				continue
			}
		}
		i += size
	}
	flush(len(s))
	return out
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// thousandsGroupAt reports three digits at s[i:] not followed by a
// fourth: the group after a thousands separator.
func thousandsGroupAt(s string, i int) bool {
	return i+3 <= len(s) && isDigitByte(s[i]) && isDigitByte(s[i+1]) && isDigitByte(s[i+2]) && (i+3 == len(s) || !isDigitByte(s[i+3]))
}

// ellipsisAt returns the length of an ellipsis starting at s[i] ("…",
// "...", ". . ."), or 0.
func ellipsisAt(s string, i int) int {
	if strings.HasPrefix(s[i:], "…") {
		return len("…")
	}
	dots, j := 0, i
	for j < len(s) {
		switch {
		case s[j] == '.':
			dots++
			j++
		case s[j] == ' ' && j+1 < len(s) && s[j+1] == '.' && dots > 0:
			j++
		default:
			goto done
		}
	}
done:
	if dots >= 3 {
		return j - i
	}
	return 0
}

// stopWords are English function words; they weigh less than content
// words when quotes are compared, so two unrelated sentences sharing
// "the", "of" and "in" do not look alike.
var stopWords = func() analysis.TokenMap {
	m := analysis.NewTokenMap()
	if err := m.LoadBytes(en.EnglishStopWords); err != nil {
		panic(err) // the list is compiled in
	}
	return m
}()

// Word weights in a quote alignment.
const (
	contentWeight = 1.0
	stopWeight    = 0.5
)

func wordWeight(w string) float64 {
	if stopWords[w] {
		return stopWeight
	}
	return contentWeight
}

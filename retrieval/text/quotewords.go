package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/citebot/citebot/retrieval"
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

// Word is one normalised word of a text.
type Word struct {
	Norm       string // the folded form compared
	Start, End int    // byte offsets of the word in its text
	// Gap marks a word that follows an ellipsis in the checked text.
	Gap bool
}

// QuoteWords returns the words of s as a quote check compares them
// (folded as described above; ellipses are not words). Two texts with the
// same QuoteWords are an exact match for each other.
func QuoteWords(s string) []string {
	ws := Words(s, true)
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Norm
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

// Words returns the normalised words of s. With ellipses set,
// ellipses mark the following word as a gap. Invalid UTF-8 bytes
// separate words; offsets always index s.
func Words(s string, ellipses bool) []Word {
	var out []Word
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
			out = append(out, Word{Norm: norm, Start: start, End: end, Gap: gap})
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

// WordWeight is how much a normalised word counts when quotes are
// compared: function words count half.
func WordWeight(w string) float64 {
	if stopWords[w] {
		return stopWeight
	}
	return contentWeight
}

// QuotedSpans finds text between matching double quotes: straight "…",
// curly “…” and guillemets «…».
func QuotedSpans(s string) []retrieval.Span {
	var out []retrieval.Span
	open := -1
	var want rune
	for i, r := range s {
		if open < 0 {
			switch r {
			case '"':
				open, want = i+1, '"'
			case '“':
				open, want = i+len("“"), '”'
			case '«':
				open, want = i+len("«"), '»'
			}
			continue
		}
		if r == want || (want == '”' && r == '"') {
			if i > open {
				out = append(out, retrieval.Span{Start: open, End: i})
			}
			open = -1
		}
	}
	return out
}

// nonNames are capitalised words that start sentences or clauses without
// naming anything.
var nonNames = map[string]bool{
	"The": true, "A": true, "An": true, "In": true, "On": true, "At": true, "It": true, "Its": true,
	"This": true, "That": true, "These": true, "Those": true, "He": true, "She": true, "They": true,
	"We": true, "I": true, "His": true, "Her": true, "Their": true, "Our": true, "But": true,
	"And": true, "Or": true, "If": true, "As": true, "For": true, "With": true, "By": true,
	"From": true, "To": true, "Of": true, "After": true, "Before": true, "During": true,
	"While": true, "When": true, "Where": true, "Who": true, "What": true, "Which": true,
	"However": true, "Although": true, "Since": true, "Because": true, "Most": true, "Some": true,
	"Many": true, "All": true, "Other": true, "Such": true, "Also": true, "Yet": true, "So": true,
	"There": true, "Here": true, "Then": true, "Now": true, "Today": true, "According": true,
	"Under": true, "Over": true, "Despite": true, "Although,": true, "Each": true, "Both": true,
	"Several": true, "One": true, "Two": true, "Key": true, "Recent": true, "Main": true,
	"Summary": true, "Introduction": true, "Conclusion": true, "Analysis": true, "Background": true,
	"Sources": true, "Source": true, "Yes": true, "No": true, "Not": true, "Do": true, "Does": true,
	"Did": true, "Is": true, "Are": true, "Was": true, "Were": true, "Will": true, "Can": true,
	"Would": true, "Should": true, "Could": true, "May": false, "Mr": true, "Mrs": true, "Ms": true,
	"Dr": true, "Prof": true, "Sen": true, "Rep": true, "Gov": true, "Gen": true, "St": false,
}

// IsNonName reports a capitalised word that starts sentences or clauses
// without naming anything ("The", "However", "Mr").
func IsNonName(w string) bool { return nonNames[w] }

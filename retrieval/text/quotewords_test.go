package text

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestQuoteWordsNormalise(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"case and white space", "  A Nation\twithout\n\nBORDERS ", []string{"a", "nation", "without", "borders"}},
		{"curly and straight quotes", "“a nation,” \"is\" ‘not’", []string{"a", "nation", "is", "not"}},
		{"apostrophes inside words", "the cable’s don't rock ʼn roll", []string{"the", "cable's", "don't", "rock", "n", "roll"}},
		{"thousands separators", "7,500 and 100,000+ or 3.5%", []string{"7500", "and", "100000", "or", "3.5"}},
		{"a list comma is not a separator", "1,2 and 12,3456", []string{"1", "2", "and", "12", "3456"}},
		{"dashes and hyphens separate", "pro-migration—and then – more", []string{"pro", "migration", "and", "then", "more"}},
		{"accents fold", "Zoë Martínez CAFÉ", []string{"zoe", "martinez", "cafe"}},
		{"ellipses are not words", "one … two ... three . . . four", []string{"one", "two", "three", "four"}},
		{"punctuation only", " “…” — !? ", []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := QuoteWords(tc.in)
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("QuoteWords(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSplitWordsGapsAndOffsets(t *testing.T) {
	in := "“We will …  win [...] it all.” Then… done"
	ws := Words(in, true)
	var gaps []string
	for _, w := range ws {
		if !strings.EqualFold(in[w.Start:w.End], w.Norm) {
			t.Errorf("word %q at [%d,%d) is %q in the text", w.Norm, w.Start, w.End, in[w.Start:w.End])
		}
		if w.Gap {
			gaps = append(gaps, w.Norm)
		}
	}
	if want := []string{"win", "it", "done"}; !reflect.DeepEqual(gaps, want) {
		t.Errorf("words after an ellipsis = %q; want %q", gaps, want)
	}
	// In documents an ellipsis is punctuation, not a gap.
	for _, w := range Words(in, false) {
		if w.Gap {
			t.Errorf("document word %q marked as a gap", w.Norm)
		}
	}
	// Invalid UTF-8 separates words; offsets still index the input.
	bad := "fo\xffo b\xc3ar"
	for _, w := range Words(bad, true) {
		if w.Start < 0 || w.End > len(bad) || w.Start >= w.End || !utf8.ValidString(w.Norm) {
			t.Errorf("word %q has offsets [%d,%d) in %q", w.Norm, w.Start, w.End, bad)
		}
	}
}

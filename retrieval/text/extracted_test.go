package text

import (
	"slices"
	"testing"
)

func TestCleanExtracted(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"ligatures", "The Sheriﬀ’s oﬃce ﬁled ﬂat ﬄ ﬅ ﬆ", "The Sheriff’s office filed flat ffl st st"},
		{"soft hyphen", "repre\u00adsents", "represents"},
		{"zero-width space and word joiner", "strike\u200b notice\u2060", "strike notice"},
		{"byte-order mark inside", "a\uFEFFb", "ab"},
		{"bidirectional marks", "\u202Aabc\u202C \u200Fdef\u2066g\u2069", "abc defg"},
		{"joiners between Latin letters", "of\u200dfice co\u200coperate", "office cooperate"},
		// What a reader sees and may type stays.
		{"ellipsis, superscript, curly quotes, no-break space", "“Wait…” 10² m\u00a0away", "“Wait…” 10² m\u00a0away"},
		{"full-width forms are not folded", "ＡＢＣ", "ＡＢＣ"},
		{"emoji sequence keeps its joiner", "👩\u200d🔬", "👩\u200d🔬"},
		{"Persian keeps its non-joiner", "می\u200cخواهم", "می\u200cخواهم"},
		{"flag tags stay", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"},
		{"plain text is untouched", "Nothing to do here.", "Nothing to do here."},
	} {
		if got := CleanExtracted(tc.in); got != tc.want {
			t.Errorf("%s: CleanExtracted(%q) = %q; want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// TestCleanExtractedSpans: offsets (PDF page boundaries) keep pointing at
// the same text after ligatures grow and format characters go.
func TestCleanExtractedSpans(t *testing.T) {
	page1, page2 := "The ﬁrst oﬃce\u00ad", "Sheriﬀ\u200b Ortiz"
	in := page1 + "\n\n" + page2
	offsets := []int{len(in), 0, len(page1) + 2, len(page1)} // out of order on purpose
	out, moved := CleanExtractedSpans(in, offsets)
	if want := "The first office\n\nSheriff Ortiz"; out != want {
		t.Fatalf("text %q; want %q", out, want)
	}
	if got := []string{out[moved[1]:moved[3]], out[moved[2]:moved[0]]}; !slices.Equal(got, []string{"The first office", "Sheriff Ortiz"}) {
		t.Errorf("pages %q; want the two pages' cleaned text", got)
	}
	if _, moved := CleanExtractedSpans("plain", []int{0, 5}); !slices.Equal(moved, []int{0, 5}) {
		t.Errorf("offsets of clean text moved to %v", moved)
	}
}

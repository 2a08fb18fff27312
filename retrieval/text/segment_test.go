package text

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"
)

// sentencesOf splits text (one paragraph) and returns the sentence texts.
func sentencesOf(text string) []string {
	var out []string
	for _, sp := range SplitSentences(text, retrieval.Span{Start: 0, End: len(text)}) {
		out = append(out, text[sp.Start:sp.End])
	}
	return out
}

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"abbreviation U.S.", "The U.S. cable was sent on Friday. It went to dozens of embassies.",
			[]string{"The U.S. cable was sent on Friday.", "It went to dozens of embassies."}},
		{"U.S. before a name", "It was issued by the U.S. State Department. The department said no.",
			[]string{"It was issued by the U.S. State Department.", "The department said no."}},
		{"e.g.", "Some groups, e.g. refugees, were named. Others were not.",
			[]string{"Some groups, e.g. refugees, were named.", "Others were not."}},
		{"initials", "J. R. R. Tolkien wrote it. He was born in 1892.",
			[]string{"J. R. R. Tolkien wrote it.", "He was born in 1892."}},
		{"decimals", "The rate rose 3.5 percent. Prices fell 0.2 points.",
			[]string{"The rate rose 3.5 percent.", "Prices fell 0.2 points."}},
		{"straight quotes", `He said, "a nation without borders is not a nation." Then he left.`,
			[]string{`He said, "a nation without borders is not a nation."`, "Then he left."}},
		{"curly quotes", "“We encourage your government.” The cable said so.",
			[]string{"“We encourage your government.”", "The cable said so."}},
		{"titles and times", "Dr. Smith met Mr. Jones at 5 p.m. on Monday. They talked.",
			[]string{"Dr. Smith met Mr. Jones at 5 p.m. on Monday.", "They talked."}},
		{"figure reference", "Cases rose (see Fig. 2). Deaths fell.",
			[]string{"Cases rose (see Fig. 2).", "Deaths fell."}},
		{"thousands", "The cap was set at 7,500. That is down from 100,000.",
			[]string{"The cap was set at 7,500.", "That is down from 100,000."}},
		{"question then answer", "Is this legally binding? No; it’s diplomatic guidance.",
			[]string{"Is this legally binding?", "No; it’s diplomatic guidance."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sentencesOf(tt.text)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("SplitSentences(%q)\n got  %q\n want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestParagraphs(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"blank lines", "First paragraph.\n\nSecond paragraph.\n", []string{"First paragraph.", "Second paragraph."}},
		{"one per line", "Introduction\nIn a significant move, the cable was sent.\nSummary\nIt was sent.",
			[]string{"Introduction", "In a significant move, the cable was sent.", "Summary", "It was sent."}},
		{"hard wrapped", "The State Department issued a cable asking U.S. diplomats to\npress allied governments to curb pro-migration measures and to\nreport crimes.\n\nNext.",
			[]string{"The State Department issued a cable asking U.S. diplomats to\npress allied governments to curb pro-migration measures and to\nreport crimes.", "Next."}},
		{"list items", "Key points:\n- Scope: Europe.\n- Goals: reports.", []string{"Key points:", "- Scope: Europe.", "- Goals: reports."}},
		{"windows line endings are text too", "A.\r\n\r\nB.", []string{"A.", "B."}},
		{"only white space", " \n\t\n ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, sp := range paragraphs(tt.text) {
				got = append(got, tt.text[sp.Start:sp.End])
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("paragraphs(%q)\n got  %q\n want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestSegmentWindowsLongParagraphs: a paragraph longer than
// maxPassageBytes becomes overlapping windows that share its paragraph
// number, and every sentence is in some window.
func TestSegmentWindowsLongParagraphs(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 60; i++ {
		b.WriteString("Sentence number ")
		b.WriteString(strings.Repeat("x", i%7+1))
		b.WriteString(" of a long paragraph keeps going for a while. ")
	}
	text := "Headline\n\n" + b.String()
	ps := Segment(text)
	if len(ps) < 3 {
		t.Fatalf("got %d passages; want the headline and several windows", len(ps))
	}
	seen := map[int]bool{}
	for _, p := range ps[1:] {
		if p.Paragraph != 2 {
			t.Errorf("window %v has paragraph %d; want 2", p.Span, p.Paragraph)
		}
		if p.End-p.Start > windowBytes+maxSentenceBytes {
			t.Errorf("window %v is %d bytes", p.Span, p.End-p.Start)
		}
		for _, s := range p.Sentences {
			seen[s.Start] = true
		}
	}
	all := SplitSentences(text, ps[1].Span)
	for _, s := range SplitSentences(text, retrieval.Span{Start: ps[1].Start, End: ps[len(ps)-1].End}) {
		if !seen[s.Start] {
			t.Errorf("sentence at %d is in no window", s.Start)
		}
	}
	if len(all) == 0 {
		t.Fatal("no sentences")
	}
}

// checkSegmentation asserts the invariants every segmentation keeps:
// passages and sentences are in order, inside the text, trimmed, on rune
// boundaries, and sentences lie inside their passage.
func checkSegmentation(t *testing.T, text string, ps []retrieval.Passage) {
	t.Helper()
	prevPara := 0
	for i, p := range ps {
		if p.Start < 0 || p.End > len(text) || p.Start >= p.End {
			t.Fatalf("passage %d span %v outside text of %d bytes", i, p.Span, len(text))
		}
		if p.Paragraph < prevPara || p.Paragraph < 1 {
			t.Fatalf("passage %d paragraph %d after %d", i, p.Paragraph, prevPara)
		}
		prevPara = p.Paragraph
		if len(p.Sentences) == 0 {
			t.Fatalf("passage %d has no sentences", i)
		}
		last := p.Start
		for _, s := range p.Sentences {
			if s.Start < last || s.End > p.End || s.Start >= s.End {
				t.Fatalf("sentence %v outside passage %v or out of order", s, p.Span)
			}
			if !utf8.RuneStart(text[s.Start]) || (s.End < len(text) && !utf8.RuneStart(text[s.End])) {
				t.Fatalf("sentence %v not on rune boundaries", s)
			}
			q := text[s.Start:s.End]
			if strings.TrimSpace(q) != q {
				t.Fatalf("sentence %q not trimmed", q)
			}
			last = s.End
		}
	}
}

func TestSegmentInvariants(t *testing.T) {
	for _, text := range []string{
		"",
		"One.",
		"The U.S. refugee cap was 7,500.\n\nBy Humeyra Pamuk\n\n“Quote.” Unquote.",
		strings.Repeat("word ", 2000),
		strings.Repeat("Déjà vu — naïve café. ", 300),
		"a\n\n\n\nb\n \n c",
	} {
		checkSegmentation(t, text, Segment(text))
	}
}

// FuzzSegment feeds arbitrary bytes (as a document text would arrive after
// decoding) to the segmenter; it must never panic and must keep its
// invariants.
func FuzzSegment(f *testing.F) {
	for _, s := range []string{
		"The U.S. cable was sent on Friday. It went to dozens of embassies.",
		"Introduction\nIn a significant move.\n\n- item\n| a | b |",
		"Cases rose (see Fig. 2). Deaths fell.",
		"“We encourage your government.” The cable said so.",
		strings.Repeat("x", 3000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			text = strings.ToValidUTF8(text, "?")
		}
		checkSegmentation(t, text, Segment(text))
	})
}

package bot

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"
)

func citation(quote, answer string, offset int) retrieval.Citation {
	c := retrieval.Citation{
		Doc: "doc1", Metadata: retrieval.Metadata{Title: "Refugee cap cut", Publisher: "CRBC News", Author: "A. Writer", Date: "2025-10-31", URL: "https://example.org/a"},
		Paragraph: 3, Start: offset, End: offset + len(quote), Quote: quote,
	}
	if i := strings.Index(quote, answer); answer != "" && i >= 0 {
		c.Highlight = &retrieval.Span{Start: offset + i, End: offset + i + len(answer)}
	}
	return c
}

func TestPlanSegmentsEmphasiseTheAnswerSpan(t *testing.T) {
	r := Reply{Answer: retrieval.Answer{Question: "q", Answered: true, Short: "7,500",
		Citations: []retrieval.Citation{citation("The cap is 7,500 refugees — the lowest ever.", "7,500", 120)}}}
	p := NewPlan(r, PlanLimits{})
	if len(p.Quotes) != 1 {
		t.Fatalf("%d quotes; want 1", len(p.Quotes))
	}
	want := []Segment{{"The cap is ", false}, {"7,500", true}, {" refugees — the lowest ever.", false}}
	if got := p.Quotes[0].Segments; !slices.Equal(got, want) {
		t.Errorf("segments = %+v; want %+v", got, want)
	}
	if got := p.Quotes[0].Text(); got != r.Citations[0].Quote {
		t.Errorf("Text() = %q; want the verbatim quote", got)
	}
	src := p.Quotes[0].Source
	if src.Line() != "Refugee cap cut — CRBC News, A. Writer, 2025-10-31" || src.URL != "https://example.org/a" || src.Paragraph != 3 {
		t.Errorf("source = %+v (line %q)", src, src.Line())
	}

	// A highlight outside the quote, or cutting a rune, is ignored.
	bad := citation("Ünïcode quote", "", 0)
	bad.Highlight = &retrieval.Span{Start: 1, End: 3} // inside "Ü"'s two bytes
	if got := NewPlan(Reply{Answer: retrieval.Answer{Answered: true, Citations: []retrieval.Citation{bad}}}, PlanLimits{}).Quotes[0].Segments; len(got) != 1 || got[0].Emphasis {
		t.Errorf("segments with a highlight splitting a rune = %+v; want the plain quote", got)
	}
}

func TestPlanElidesLongQuotesAroundTheAnswer(t *testing.T) {
	long := strings.Repeat("lorem ipsum dolor ", 200) + "the cap is 7,500 now " + strings.Repeat("sit amet elit ", 200)
	p := NewPlan(Reply{Answer: retrieval.Answer{Answered: true, Short: "7,500", Citations: []retrieval.Citation{citation(long, "7,500", 0)}}}, PlanLimits{MaxQuoteRunes: 300})
	segs := p.Quotes[0].Segments
	text := p.Quotes[0].Text()
	if !strings.HasPrefix(text, "… ") || !strings.HasSuffix(text, " …") {
		t.Errorf("elided quote %q; want ellipses at both cut ends", text)
	}
	if n := utf8.RuneCountInString(text); n > 300+4 {
		t.Errorf("elided quote has %d runes; want at most 300 plus ellipses", n)
	}
	found := false
	for _, s := range segs {
		if s.Emphasis {
			found = s.Text == "7,500"
		}
	}
	if !found {
		t.Errorf("the answer span did not survive eliding: %+v", segs)
	}
	// The kept text is a verbatim slice of the quote, cut at spaces.
	inner := strings.TrimSuffix(strings.TrimPrefix(text, "… "), " …")
	if !strings.Contains(long, inner) || strings.HasPrefix(inner, " ") || strings.HasSuffix(inner, " ") {
		t.Errorf("elided text %q is not a word-bounded slice of the quote", inner)
	}
}

func TestPlanKeepAndMoreNote(t *testing.T) {
	var cites []retrieval.Citation
	for range 5 {
		cites = append(cites, citation("q", "", 0))
	}
	p := NewPlan(Reply{Answer: retrieval.Answer{Answered: true, Citations: cites}}, PlanLimits{MaxQuotes: 4})
	if len(p.Quotes) != 4 || p.More != 1 || p.MoreNote() != "… (1 more quote)" {
		t.Errorf("MaxQuotes 4 of 5: %d quotes, More %d, note %q", len(p.Quotes), p.More, p.MoreNote())
	}
	p = p.Keep(1)
	if len(p.Quotes) != 1 || p.More != 4 || p.MoreNote() != "… (4 more quotes)" {
		t.Errorf("Keep(1): %d quotes, More %d, note %q", len(p.Quotes), p.More, p.MoreNote())
	}
	if p.Keep(3).More != 4 {
		t.Error("Keep with more than there are changed the plan")
	}
	declined := NewPlan(Reply{Answer: retrieval.Answer{Answered: false, Reason: "no document mentions 2027", Closest: cites[:2]}}, PlanLimits{})
	if declined.Answered || len(declined.Quotes) != 2 || declined.Reason == "" || declined.MoreNote() != "" {
		t.Errorf("declined plan = %+v; want the closest passages and the reason", declined)
	}
}

func TestDefuseMentionsAndLinkURL(t *testing.T) {
	for _, s := range []string{"@channel", "hey @HERE now", "@everyone!", "to @all:"} {
		got := DefuseMentions(s)
		if got == s || !strings.Contains(got, "@\u2060") || strings.ReplaceAll(got, "\u2060", "") != s {
			t.Errorf("DefuseMentions(%q) = %q; want the same text with a word joiner after @", s, got)
		}
	}
	for _, s := range []string{"@channelling", "no mentions", "mail@example.org"} {
		if got := DefuseMentions(s); got != s {
			t.Errorf("DefuseMentions(%q) = %q; want it unchanged", s, got)
		}
	}
	c := citation("Tell @everyone", "", 0)
	c.Title, c.Publisher = "@here first", "@channel Times"
	p := NewPlan(Reply{Answer: retrieval.Answer{Answered: true, Short: "@everyone", Citations: []retrieval.Citation{c}}}, PlanLimits{})
	for _, s := range []string{p.Short, p.Quotes[0].Text(), p.Quotes[0].Source.Title, p.Quotes[0].Source.Byline} {
		if broadcast.MatchString(s) {
			t.Errorf("plan text %q still has a live mass mention", s)
		}
	}
	for in, want := range map[string]string{
		"https://example.org/a?b=1": "https://example.org/a?b=1",
		"javascript:alert(1)":       "",
		"slack://open":              "",
		"/relative":                 "",
		"":                          "",
	} {
		if got := LinkURL(in); got != want {
			t.Errorf("LinkURL(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestPlacePagesAndParagraphs: a PDF's quote is placed by page and
// paragraph (numbered in the whole document), others by paragraph, and
// the plan's sources carry the page.
func TestPlacePagesAndParagraphs(t *testing.T) {
	for _, c := range []struct {
		page, paragraph int
		want            string
	}{
		{2, 12, "p. 2 · paragraph 12"},
		{0, 12, "paragraph 12"},
		{3, 0, "p. 3"},
		{0, 0, ""},
	} {
		if got := Place(c.page, c.paragraph); got != c.want {
			t.Errorf("Place(%d, %d) = %q; want %q", c.page, c.paragraph, got, c.want)
		}
	}
	pdf := citation("The levy rises to 2.1 percent.", "2.1 percent", 900)
	pdf.Paragraph, pdf.Page = 12, 2
	p := NewPlan(Reply{Answer: retrieval.Answer{Question: "q", Answered: true, Short: "2.1 percent", Citations: []retrieval.Citation{pdf}}}, PlanLimits{})
	if got := p.Quotes[0].Source.Place(); got != "p. 2 · paragraph 12" {
		t.Errorf("the plan places the PDF quote at %q; want p. 2 · paragraph 12", got)
	}
	q := NewQuotePlan(QuoteReply{QuoteCheck: retrieval.QuoteCheck{Text: "levy", Verdict: retrieval.VerdictExact,
		Matches: []retrieval.QuoteMatch{{Citation: pdf}}}}, PlanLimits{})
	if got := q.Quotes[0].Source.Place(); got != "p. 2 · paragraph 12" {
		t.Errorf("the quote plan places the PDF passage at %q; want p. 2 · paragraph 12", got)
	}
}

// TestPlanCautionsUnsureAnswers: an answer under LowConfidence carries
// the caution; one at or over it does not, nor does a decline, however
// unsure.
func TestPlanCautionsUnsureAnswers(t *testing.T) {
	c := citation("The cap is 7,500 refugees.", "7,500", 0)
	for _, tc := range []struct {
		answered   bool
		confidence float64
		want       string
	}{
		{true, 0.428, LowConfidenceNote},
		{true, LowConfidence, ""},
		{true, 0.846, ""},
		{false, 0.1, ""},
	} {
		r := Reply{Answer: retrieval.Answer{Question: "q", Answered: tc.answered, Confidence: tc.confidence}}
		if tc.answered {
			r.Short, r.Citations = "7,500", []retrieval.Citation{c}
		} else {
			r.Closest = []retrieval.Citation{c}
		}
		if got := NewPlan(r, PlanLimits{}).Caution; got != tc.want {
			t.Errorf("answered %v, confidence %v: caution %q; want %q", tc.answered, tc.confidence, got, tc.want)
		}
	}
}

// TestTextHead: the plain-text head of an answer carries the caution
// only when confidence is low and the sources note when one is known; a
// decline says why, and neither lists quotes (the surface does, from
// Quotes: the citations, or the closest passages of a decline).
func TestTextHead(t *testing.T) {
	sure := Reply{Answer: retrieval.Answer{Question: "What is the cap?", Answered: true, Short: "7,500", Confidence: 0.9,
		Agreement: &retrieval.Agreement{Summary: "2 sources agree: 7,500"}, AsOf: "2025-10-31",
		Citations: []retrieval.Citation{citation("The cap is 7,500.", "7,500", 0)}}}
	unsure := sure
	unsure.Confidence, unsure.Agreement, unsure.AsOf = LowConfidence/2, nil, ""
	declined := Reply{Answer: retrieval.Answer{Question: "Who won?", Reason: "no document mentions 1966",
		Closest: []retrieval.Citation{citation("The cap is 7,500.", "", 0)}}}
	for _, c := range []struct {
		name string
		r    Reply
		want string
	}{
		{"sure, with sources", sure, "Q: What is the cap?\nA: 7,500\n   2 sources agree: 7,500 · as of 2025-10-31\n"},
		{"unsure", unsure, "Q: What is the cap?\n" + LowConfidenceNote + "\nA: 7,500\n"},
		{"declined", declined, "Q: Who won?\nNot in the documents (no document mentions 1966).\n"},
		{"declined, no reason", Reply{Answer: retrieval.Answer{Question: "Who won?"}}, "Q: Who won?\nNot in the documents.\n"},
	} {
		if got := TextHead(c.r); got != c.want {
			t.Errorf("%s: TextHead = %q; want %q", c.name, got, c.want)
		}
	}
	if got := sure.Quotes(); len(got) != 1 || got[0].Highlight == nil {
		t.Errorf("an answer's Quotes = %+v; want its one citation", got)
	}
	if got := declined.Quotes(); len(got) != 1 || got[0].Highlight != nil {
		t.Errorf("a decline's Quotes = %+v; want its one closest passage", got)
	}
}

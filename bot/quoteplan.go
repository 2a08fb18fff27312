package bot

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"
)

// QuotePlan is a quote check (NewQuotePlan) or an attribution
// (NewWhoPlan) laid out for a chat message, as Plan is for answers:
// the verdict in words, then each place with its passage split into
// segments (the matched words emphasised, document words that differ
// from the checked text marked Differs), its source line, its
// differences or speaker. Every document-derived string has passed
// DefuseMentions; platform escaping is still the adapter's job.
//
// A Discord adapter renders it as Slack's does (adapters/slack
// quoteMessage): Headline, then per passage the segments (Emphasis bold,
// Differs marked), Source.Line(), DifferencesNote or the Speaker.
type QuotePlan struct {
	// Text is the checked text.
	Text string
	// Who marks an attribution ("who said it?").
	Who bool
	// Verdict is exact, near or not_found for a quote check; attributed,
	// unattributed or not_found for an attribution.
	Verdict string
	// Headline says the verdict in words; for an attribution of a text
	// the documents hold only nearly, it says so before naming anyone.
	Headline string
	// Speaker is who the documents say said it (attributed).
	Speaker string
	// Quotes are the places found, best first.
	Quotes []QuotePassage
	// Others are further passages under OthersTitle: the same words
	// worded differently elsewhere (exact), or the closest passages
	// (not_found).
	OthersTitle string
	Others      []QuotePassage
	// More counts the passages left out (Keep).
	More int
}

// QuotePassage is one place a checked text was found.
type QuotePassage struct {
	Segments []QuoteSegment
	Source   Source
	// Speaker is who the passage says spoke (NewWhoPlan), "" when it
	// names no one.
	Speaker string
	// Differences are where the passage's words differ from the checked
	// text's, in order.
	Differences []Difference
}

// QuoteSegment is a run of a passage's text. Emphasis marks the matched
// words; Differs marks document words that differ from the checked text.
// An elided passage starts or ends with a segment "… " / " …".
type QuoteSegment struct {
	Text     string
	Emphasis bool
	Differs  bool
}

// Difference is a run of words where a checked text and the document
// part ways: Expected is what the checked text says, Found what the
// document says (either may be empty).
type Difference struct {
	Expected, Found string
}

// Text is the passage without marks.
func (q QuotePassage) Text() string {
	var b strings.Builder
	for _, s := range q.Segments {
		b.WriteString(s.Text)
	}
	return b.String()
}

// NewQuotePlan lays a quote check out within lim.
func NewQuotePlan(r QuoteReply, lim PlanLimits) QuotePlan {
	p := QuotePlan{Text: DefuseMentions(cut(r.Text, lim.MaxShortRunes)), Verdict: string(r.Verdict), Headline: quoteHeadline(r)}
	for _, m := range r.Matches {
		p.Quotes = append(p.Quotes, matchQuote(m.Citation, m.Differences, lim))
	}
	others, title := r.Variants, "Worded differently elsewhere"
	if r.Verdict != retrieval.VerdictExact && r.Verdict != retrieval.VerdictNear {
		others, title = r.Closest, "Closest passages"
	}
	if len(others) > 0 {
		p.OthersTitle = title
		for _, m := range others {
			p.Others = append(p.Others, matchQuote(m.Citation, m.Differences, lim))
		}
	}
	return p.fit(lim)
}

// quoteHeadline says a quote check's verdict in words.
func quoteHeadline(r QuoteReply) string {
	switch r.Verdict {
	case retrieval.VerdictExact:
		return fmt.Sprintf("Exact: the documents say this word for word (%s).", places(r.Matches))
	case retrieval.VerdictNear:
		return "Near: not word for word. The closest passages are below, their differing words marked."
	}
	return "Not found in the documents."
}

// NewWhoPlan lays an attribution out within lim.
func NewWhoPlan(r WhoReply, lim PlanLimits) QuotePlan {
	p := QuotePlan{Text: DefuseMentions(cut(r.Text, lim.MaxShortRunes)), Who: true, Verdict: string(r.Verdict)}
	if r.Verdict == retrieval.Attributed {
		p.Speaker = DefuseMentions(cut(r.Speaker, lim.MaxFieldRunes))
	}
	p.Headline = whoHeadline(r, p.Speaker)
	// Places that name a speaker first, keeping their order otherwise.
	srcs := append([]retrieval.AttributedQuote(nil), r.Sources...)
	sort.SliceStable(srcs, func(i, j int) bool { return srcs[i].Speaker != "" && srcs[j].Speaker == "" })
	for _, s := range srcs {
		q := matchQuote(s.Citation, s.Differences, lim)
		q.Speaker = DefuseMentions(cut(s.Speaker, lim.MaxFieldRunes))
		p.Quotes = append(p.Quotes, q)
	}
	return p.fit(lim)
}

// whoHeadline says an attribution's verdict in words, naming speaker (the
// reply's, as the surface shows it). A misquote says so before anyone is
// named: the documents hold only a different wording, and who said that
// is not who said this.
func whoHeadline(r WhoReply, speaker string) string {
	near := r.QuoteVerdict == retrieval.VerdictNear
	switch {
	case r.Verdict == retrieval.Attributed && near:
		return "Near: not word for word, the differing words are marked below. The documents attribute their wording to " + speaker + "."
	case r.Verdict == retrieval.Attributed:
		return "Attributed to " + speaker + "."
	case r.Verdict == retrieval.Unattributed && near:
		return "Near: not word for word, the differing words are marked below. The documents do not say who said their wording."
	case r.Verdict == retrieval.Unattributed:
		return "Unattributed: the documents hold these words but do not say who said them."
	}
	return "Not found in the documents."
}

// places is "1 place", "3 places in 2 documents".
func places(ms []retrieval.QuoteMatch) string {
	docs := map[string]bool{}
	for _, m := range ms {
		docs[m.Doc] = true
	}
	if len(docs) <= 1 {
		return plural(len(ms), "place") + " in 1 document"
	}
	return plural(len(ms), "place") + " in " + plural(len(docs), "document")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// fit keeps at most lim.MaxQuotes passages.
func (p QuotePlan) fit(lim PlanLimits) QuotePlan {
	if lim.MaxQuotes > 0 && len(p.Quotes)+len(p.Others) > lim.MaxQuotes {
		return p.Keep(lim.MaxQuotes)
	}
	return p
}

// Keep returns the plan with only its first n passages (Quotes, then
// Others), counting the rest in More.
func (p QuotePlan) Keep(n int) QuotePlan {
	n = max(n, 0)
	total := len(p.Quotes) + len(p.Others)
	if n >= total {
		return p
	}
	p.More += total - n
	if n <= len(p.Quotes) {
		p.Quotes, p.Others = p.Quotes[:n:n], nil
		p.OthersTitle = ""
		return p
	}
	p.Others = p.Others[: n-len(p.Quotes) : n-len(p.Quotes)]
	return p
}

// Len is how many passages the plan shows.
func (p QuotePlan) Len() int { return len(p.Quotes) + len(p.Others) }

// MoreNote is "… (n more passages)" when passages were left out, else "".
func (p QuotePlan) MoreNote() string { return moreNote(p.More, "passage") }

// DifferencesNote is "your text: “voters” → document: “citizens”; …" for
// a passage's differences, "" when there are none. Missing words show as
// "—".
func (q QuotePassage) DifferencesNote() string {
	var parts []string
	for _, d := range q.Differences {
		exp, found := "“"+d.Expected+"”", "“"+d.Found+"”"
		if d.Expected == "" {
			exp = "—"
		}
		if d.Found == "" {
			found = "—"
		}
		parts = append(parts, exp+" → "+found)
	}
	if len(parts) == 0 {
		return ""
	}
	return "Your text → the document: " + strings.Join(parts, "; ")
}

// matchQuote lays out one matched passage.
func matchQuote(c retrieval.Citation, diffs []retrieval.Difference, lim PlanLimits) QuotePassage {
	q := QuotePassage{Segments: markedSegments(c, diffs, lim.MaxQuoteRunes), Source: sourceOf(c, lim.MaxFieldRunes)}
	for i := range q.Segments {
		q.Segments[i].Text = DefuseMentions(q.Segments[i].Text)
	}
	for _, d := range diffs {
		q.Differences = append(q.Differences, Difference{
			Expected: DefuseMentions(cut(d.Expected, lim.MaxFieldRunes)),
			Found:    DefuseMentions(cut(d.Found, lim.MaxFieldRunes)),
		})
	}
	return q
}

// markedSegments splits a citation's quote at its highlight (Emphasis)
// and at the found words of its differences (Differs). A quote longer
// than limit runes is elided around its highlight as for answers, without
// difference marks (DifferencesNote still lists them).
func markedSegments(c retrieval.Citation, diffs []retrieval.Difference, limit int) []QuoteSegment {
	q := c.Quote
	if limit > 0 && utf8.RuneCountInString(q) > limit || !utf8.ValidString(q) {
		var out []QuoteSegment
		for _, s := range segments(c, limit) {
			out = append(out, QuoteSegment{Text: s.Text, Emphasis: s.Emphasis})
		}
		return out
	}
	inQuote := func(s, e int) bool {
		return s >= c.Start && e <= c.End && s <= e && utf8.RuneStart(byteAt(q, s-c.Start)) && utf8.RuneStart(byteAt(q, e-c.Start))
	}
	emph := make([]bool, len(q))
	differs := make([]bool, len(q))
	if h := c.Highlight; h != nil && inQuote(h.Start, h.End) {
		for i := h.Start; i < h.End; i++ {
			emph[i-c.Start] = true
		}
	}
	for _, d := range diffs {
		if inQuote(d.Start, d.End) {
			for i := d.Start; i < d.End; i++ {
				differs[i-c.Start] = true
			}
		}
	}
	var out []QuoteSegment
	start := 0
	for i := 1; i <= len(q); i++ {
		if i == len(q) || emph[i] != emph[start] || differs[i] != differs[start] {
			out = append(out, QuoteSegment{Text: q[start:i], Emphasis: emph[start], Differs: differs[start]})
			start = i
		}
	}
	return out
}

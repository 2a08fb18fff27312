package bot

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"
)

// Plan is a Reply laid out for a chat message, so every chat adapter
// shows the same content and only the markup differs (Block Kit for
// Slack, embeds for Discord): the short answer, each quote with its
// answer span marked for emphasis and its source line, or the decline
// with the closest passages; and how many quotes were left out to fit.
//
// Every document-derived string in a Plan (quotes, headlines, bylines,
// the short answer) has passed DefuseMentions. Platform escaping (Slack's
// & < >, Discord's markdown) is still the adapter's job.
type Plan struct {
	Question string
	Answered bool
	// Short is the short answer, empty when declined.
	Short string
	// Caution is LowConfidenceNote when the answer's Confidence is under
	// LowConfidence, else "". Adapters show it before the short answer
	// and do not set a cautioned short answer in bold: it is a lead to
	// check against the quote, not a fact.
	Caution string
	// Reason says why the documents do not answer, when declined and
	// known.
	Reason string
	// Agreement is the answer's agreement summary ("2 sources agree:
	// 7,500", "Sources differ: …, newest first"), AsOf the document date
	// it stands on; both empty when unknown (see SourcesNote).
	Agreement string
	AsOf      string
	// Quotes are the citations when answered, the closest passages when
	// declined; best first.
	Quotes []Quote
	// More counts the quotes left out (Keep); adapters show MoreNote.
	More int
}

// Quote is one verbatim passage, split into segments so the answer span
// can be emphasised without re-typing the text.
type Quote struct {
	Segments []Segment
	Source   Source
}

// Segment is a run of a quote's text. Emphasis marks the answer span.
// An elided quote starts or ends with a segment "… " / " …".
type Segment struct {
	Text     string
	Emphasis bool
}

// Text is the quote without emphasis.
func (q Quote) Text() string {
	var b strings.Builder
	for _, s := range q.Segments {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Source says where a quote comes from.
type Source struct {
	Doc string
	// Title is the headline, or the document ID when it has none.
	Title string
	// Byline is "publisher, author, date", with the parts a document
	// lacks left out.
	Byline string
	// URL is the document's http(s) address; empty when it has none (or
	// one of another scheme, which is not linked).
	URL       string
	Paragraph int
	// Page is the quote's page in a paginated source (PDF), 0 for
	// sources without pages.
	Page int
}

// Line is "headline — publisher, author, date", the citation line of
// every surface.
func (s Source) Line() string {
	if s.Byline == "" {
		return s.Title
	}
	return s.Title + " — " + s.Byline
}

// Place is where the quote is in its document (see Place).
func (s Source) Place() string { return Place(s.Page, s.Paragraph) }

// Place is where a quote is in its document, as every citation line
// words it after the source: "p. 2 · paragraph 12" for a paginated
// source (PDF), "paragraph 12" for one without pages, "" when neither is
// known. Paragraphs are numbered in the whole document, not per page.
func Place(page, paragraph int) string {
	var parts []string
	if page > 0 {
		parts = append(parts, fmt.Sprintf("p. %d", page))
	}
	if paragraph > 0 {
		parts = append(parts, fmt.Sprintf("paragraph %d", paragraph))
	}
	return strings.Join(parts, " · ")
}

// PlanLimits bound a Plan to what a platform can show. Zero fields mean
// no limit.
type PlanLimits struct {
	// MaxQuotes keeps at most this many quotes (the rest count in More).
	MaxQuotes int
	// MaxQuoteRunes elides a longer quote around its answer span.
	MaxQuoteRunes int
	// MaxShortRunes cuts a longer short answer (one that is a whole
	// passage).
	MaxShortRunes int
	// MaxFieldRunes cuts longer headlines and bylines.
	MaxFieldRunes int
}

// NewPlan lays out r within lim.
func NewPlan(r Reply, lim PlanLimits) Plan {
	p := Plan{
		Question: r.Question,
		Answered: r.Answered,
		Short:    DefuseMentions(cut(r.Short, lim.MaxShortRunes)),
		Caution:  r.Caution(),
		Reason:   DefuseMentions(cut(r.Reason, lim.MaxShortRunes)),
		AsOf:     DefuseMentions(cut(r.AsOf, lim.MaxFieldRunes)),
	}
	if r.Agreement != nil {
		p.Agreement = DefuseMentions(cut(r.Agreement.Summary, lim.MaxShortRunes))
	}
	for _, c := range r.Quotes() {
		q := Quote{Segments: segments(c, lim.MaxQuoteRunes), Source: sourceOf(c, lim.MaxFieldRunes)}
		for i := range q.Segments {
			q.Segments[i].Text = DefuseMentions(q.Segments[i].Text)
		}
		p.Quotes = append(p.Quotes, q)
	}
	if lim.MaxQuotes > 0 && len(p.Quotes) > lim.MaxQuotes {
		p = p.Keep(lim.MaxQuotes)
	}
	return p
}

// LowConfidence is the Confidence under which an answer is shown with
// LowConfidenceNote (retrieval.LowConfidence): below it, the first quote
// is more often wrong than right.
const LowConfidence = retrieval.LowConfidence

// LowConfidenceNote is what every surface says with an answer whose
// Confidence is under LowConfidence.
const LowConfidenceNote = "This may not answer your question — check the quote."

// Caution is LowConfidenceNote for an answer whose Confidence is under
// LowConfidence, "" for a surer answer and for a decline (which says
// itself that the documents do not answer).
func (r Reply) Caution() string {
	if r.Answered && r.Confidence < LowConfidence {
		return LowConfidenceNote
	}
	return ""
}

// Quotes are what a reply shows under its answer: the citations when
// answered, the closest passages when declined; best first.
func (r Reply) Quotes() []Citation {
	if r.Answered {
		return r.Citations
	}
	return r.Closest
}

// Keep returns the plan with only its first n quotes, counting the others
// in More. Adapters call it with fewer quotes until a message fits their
// platform's limits.
func (p Plan) Keep(n int) Plan {
	if n < 0 {
		n = 0
	}
	if n >= len(p.Quotes) {
		return p
	}
	p.More += len(p.Quotes) - n
	p.Quotes = p.Quotes[:n:n]
	return p
}

// MoreNote is "… (n more quotes)" when quotes were left out, else "".
func (p Plan) MoreNote() string { return moreNote(p.More, "quote") }

// moreNote is "… (1 more noun)" or "… (n more nouns)" for n left out, ""
// for none: the note under every plan that had to leave some out.
func moreNote(n int, noun string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "… (1 more " + noun + ")"
	}
	return fmt.Sprintf("… (%d more %ss)", n, noun)
}

// SourcesNote is what the answer says about its sources (see
// SourcesNote).
func (p Plan) SourcesNote() string { return SourcesNote(p.Agreement, p.AsOf) }

// SourcesNote is what an answer says about its sources, for a line under
// the short answer, from its agreement summary and as-of date: "2 sources
// agree: 7,500 · as of 2025-11-28", "as of 2025-11-28", or "" when
// nothing is known.
func SourcesNote(agreement, asOf string) string {
	var parts []string
	if agreement != "" {
		parts = append(parts, agreement)
	}
	if asOf != "" {
		parts = append(parts, "as of "+asOf)
	}
	return strings.Join(parts, " · ")
}

// TextHead is how a plain-text surface (the terminal, an MCP client)
// starts a reply: "Q: question", then for an answer the caution when its
// confidence is low, "A: short answer" and its SourcesNote; for a decline
// "Not in the documents (reason).". The quotes that follow (Quotes) are
// the surface's to lay out.
func TextHead(r Reply) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Q: %s\n", r.Question)
	if !r.Answered {
		b.WriteString("Not in the documents")
		if r.Reason != "" {
			fmt.Fprintf(&b, " (%s)", r.Reason)
		}
		b.WriteString(".\n")
		return b.String()
	}
	if caution := r.Caution(); caution != "" {
		fmt.Fprintf(&b, "%s\n", caution)
	}
	fmt.Fprintf(&b, "A: %s\n", r.Short)
	summary := ""
	if r.Agreement != nil {
		summary = r.Agreement.Summary
	}
	if note := SourcesNote(summary, r.AsOf); note != "" {
		fmt.Fprintf(&b, "   %s\n", note)
	}
	return b.String()
}

// Byline is "publisher, author, date" with missing parts left out.
func Byline(m retrieval.Metadata) string {
	var parts []string
	for _, s := range []string{m.Publisher, m.Author, m.Date} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// LinkURL returns u when it is an absolute http(s) URL safe to link, else
// "": a document's metadata must not turn into a javascript: or
// slack:// link.
func LinkURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

func sourceOf(c retrieval.Citation, limit int) Source {
	title := strings.TrimSpace(c.Title)
	if title == "" {
		title = c.Doc
	}
	return Source{
		Doc:       c.Doc,
		Title:     DefuseMentions(cut(title, limit)),
		Byline:    DefuseMentions(cut(Byline(c.Metadata), limit)),
		URL:       LinkURL(c.URL),
		Paragraph: c.Paragraph,
		Page:      c.Page,
	}
}

// segments splits a citation's quote around its highlight, eliding it to
// at most max runes (plus ellipses) around the highlight when longer.
func segments(c retrieval.Citation, limit int) []Segment {
	q := []rune(strings.ToValidUTF8(c.Quote, "\uFFFD"))
	hs, he := 0, 0
	if h := c.Highlight; h != nil && h.Start >= c.Start && h.End <= c.End && h.Start < h.End &&
		utf8.ValidString(c.Quote) && utf8.RuneStart(byteAt(c.Quote, h.Start-c.Start)) && utf8.RuneStart(byteAt(c.Quote, h.End-c.Start)) {
		hs = utf8.RuneCountInString(c.Quote[:h.Start-c.Start])
		he = utf8.RuneCountInString(c.Quote[:h.End-c.Start])
	}
	from, to := 0, len(q)
	if limit > 0 && len(q) > limit {
		// A window of limit runes, centred on the highlight (or the
		// start), moved to word boundaries.
		from = max((hs+he)/2-limit/2, 0)
		if he-hs >= limit || hs == he {
			from = hs
		}
		to = min(len(q), from+limit)
		from = max(min(from, to-limit), 0)
		if from > 0 {
			if i := indexSpace(q[from:to]); i >= 0 && i < limit/4 {
				from += i + 1
			}
		}
		if to < len(q) {
			if i := lastIndexSpace(q[from:to]); i > 3*(to-from)/4 {
				to = from + i
			}
		}
	}
	var out []Segment
	add := func(s string, emph bool) {
		if s != "" {
			out = append(out, Segment{Text: s, Emphasis: emph})
		}
	}
	if from > 0 {
		add("… ", false)
	}
	clamp := func(i int) int { return min(max(i, from), to) }
	add(string(q[from:clamp(hs)]), false)
	add(string(q[clamp(hs):clamp(he)]), true)
	add(string(q[clamp(he):to]), false)
	if to < len(q) {
		add(" …", false)
	}
	return out
}

func byteAt(s string, i int) byte {
	if i >= len(s) {
		return 0 // the end is a boundary
	}
	return s[i]
}

func indexSpace(r []rune) int {
	for i, c := range r {
		if unicode.IsSpace(c) {
			return i
		}
	}
	return -1
}

func lastIndexSpace(r []rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if unicode.IsSpace(r[i]) {
			return i
		}
	}
	return -1
}

// cut shortens s to limit runes, ending it with "…".
func cut(s string, limit int) string {
	s = strings.TrimSpace(s)
	if limit <= 0 || utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:limit-1])) + "…"
}

// broadcast matches the words chat platforms turn into mass
// notifications when they follow an "@".
var broadcast = regexp.MustCompile(`(?i)@(channel|here|everyone|all)\b`)

// DefuseMentions makes mass-mention words in text inert on every
// platform: "@channel", "@here", "@everyone" and "@all" get a word
// joiner (U+2060, invisible) after the "@", so they read the same but no
// client takes them for a mention, whatever the platform's parse
// settings. Slack's <!channel> syntax is defused by escaping < and >,
// which the Slack adapter does; Discord adapters also send
// allowed_mentions with no parse.
func DefuseMentions(text string) string {
	if !strings.Contains(text, "@") {
		return text
	}
	return broadcast.ReplaceAllString(text, "@\u2060$1")
}

package mcp

import (
	"fmt"
	"strings"

	"github.com/citebot/citebot/bot"
)

// The text renderings of tool results, for clients that show text only.
// Quotes are the documents' text as it stands: never cut, re-typed or
// marked up, so an assistant can quote them exactly.

// replyText renders an answer: the short answer (after the caution when
// its confidence is low) and what the sources say about it, then each
// quote with its citation; or the decline with the closest passages.
func replyText(r bot.Reply) string {
	var b strings.Builder
	b.WriteString(bot.TextHead(r))
	if !r.Answered && len(r.Closest) > 0 {
		b.WriteString("Closest passages (they do not answer the question):\n")
	}
	for i, c := range r.Quotes() {
		writePassage(&b, i+1, c)
	}
	return b.String()
}

// quoteText renders a quote check: the verdict, then each place with its
// differences, then the passages worded differently or the closest ones.
func quoteText(r bot.QuoteReply) string {
	var b strings.Builder
	plan := bot.NewQuotePlan(r, bot.PlanLimits{})
	headline := plan.Headline
	if r.Verdict == "near" {
		// The chat wording promises marks a text rendering has not.
		headline = "Near: not word for word. The closest passages follow, each with the words that differ."
	}
	fmt.Fprintf(&b, "Quote: “%s”\n%s\n", r.Text, headline)
	n := 0
	list := func(ms []bot.QuoteMatch) {
		for _, m := range ms {
			n++
			writePassage(&b, n, m.Citation)
			writeDifferences(&b, m.Differences)
		}
	}
	list(r.Matches)
	others := r.Variants
	if r.Verdict == "not_found" {
		others = r.Closest
	}
	if len(others) > 0 {
		fmt.Fprintf(&b, "\n%s:\n", plan.OthersTitle)
		list(others)
	}
	return b.String()
}

// whoText renders an attribution: the verdict and speaker, then each
// place with who it says spoke.
func whoText(r bot.WhoReply) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Quote: “%s”\n%s\n", r.Text, bot.NewWhoPlan(r, bot.PlanLimits{}).Headline)
	for i, s := range r.Sources {
		writePassage(&b, i+1, s.Citation)
		switch {
		case s.Speaker != "" && s.Verb != "":
			fmt.Fprintf(&b, "    said by %s (%s)\n", s.Speaker, s.Verb)
		case s.Speaker != "":
			fmt.Fprintf(&b, "    said by %s\n", s.Speaker)
		default:
			b.WriteString("    no speaker named\n")
		}
		writeDifferences(&b, s.Differences)
	}
	return b.String()
}

// sourcesText renders a page of documents, one per line.
func sourcesText(p SourcesPage) string {
	var b strings.Builder
	switch len(p.Sources) {
	case 0:
		b.WriteString("No documents.\n")
	case 1:
		b.WriteString("1 document:\n")
	default:
		fmt.Fprintf(&b, "%d documents:\n", len(p.Sources))
	}
	for _, d := range p.Sources {
		line := d.Title
		if line == "" {
			line = d.ID
		}
		if by := bot.Byline(d.Metadata); by != "" {
			line += " — " + by
		}
		fmt.Fprintf(&b, "- %s: %s", d.ID, line)
		if d.Collection != "" {
			fmt.Fprintf(&b, " · collection %s", d.Collection)
		}
		fmt.Fprintf(&b, " · %d passages\n", d.Passages)
	}
	if p.Next != "" {
		fmt.Fprintf(&b, "More follow: call list_sources with after %q.\n", p.Next)
	}
	return b.String()
}

// writePassage writes a numbered quote and its citation line: "headline
// — publisher, author, date · p. P · paragraph N · URL · doc ID".
func writePassage(b *strings.Builder, n int, c bot.Citation) {
	fmt.Fprintf(b, "\n[%d] “%s”\n", n, c.Quote)
	title := c.Title
	if title == "" {
		title = c.Doc
	}
	line := title
	if by := bot.Byline(c.Metadata); by != "" {
		line += " — " + by
	}
	if place := bot.Place(c.Page, c.Paragraph); place != "" {
		line += " · " + place
	}
	if u := bot.LinkURL(c.URL); u != "" {
		line += " · " + u
	}
	fmt.Fprintf(b, "    %s · doc %s\n", line, c.Doc)
}

// writeDifferences writes where a passage's words differ from the
// checked text's, as the chat adapters word it.
func writeDifferences(b *strings.Builder, diffs []bot.QuoteDifference) {
	p := bot.QuotePassage{}
	for _, d := range diffs {
		p.Differences = append(p.Differences, bot.Difference{Expected: d.Expected, Found: d.Found})
	}
	if note := p.DifferencesNote(); note != "" {
		fmt.Fprintf(b, "    %s\n", note)
	}
}

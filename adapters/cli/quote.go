package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/citebot/citebot/bot"
)

// Checker checks quotes; *bot.Bot is one.
type Checker = bot.Quoter

// QuoteOptions control quote-check output.
type QuoteOptions struct {
	JSON bool // one JSON object per check, on its own line
	Who  bool // say who said it instead of checking the quote
	Top  int  // near matches per check; 0 for the default
	// Collections limits the documents searched; empty means all.
	Collections []string
	// Bold emphasises matched words (ANSI bold) and underlines the
	// document's differing words (for terminals).
	Bold bool
	// Workers is how many texts from a stream are checked at once; 0
	// means GOMAXPROCS.
	Workers int
}

// QuoteOne checks one text (or says who said it) and writes the result.
func QuoteOne(ctx context.Context, c Checker, text string, w io.Writer, opts QuoteOptions) error {
	return quoteWrite(ctx, c, text, w, opts)
}

// QuoteLines checks each non-empty line of r, on opts.Workers goroutines
// (GOMAXPROCS when 0), writing the results in input order, each as soon
// as it and every result before it are ready.
func QuoteLines(ctx context.Context, c Checker, r io.Reader, w io.Writer, opts QuoteOptions) error {
	return eachLine(ctx, r, w, opts.JSON, "quotes", opts.Workers, func(ctx context.Context, text string) ([]byte, error) {
		var b bytes.Buffer
		if err := quoteWrite(ctx, c, text, &b, opts); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	})
}

// jsonQuoteError is the JSON line written for a check that failed.
type jsonQuoteError struct {
	Text  string       `json:"text"`
	Error errorMessage `json:"error"`
}

func quoteWrite(ctx context.Context, c Checker, text string, w io.Writer, opts QuoteOptions) error {
	req := bot.QuoteRequest{Text: text, Top: opts.Top, Collections: opts.Collections, Adapter: "cli"}
	var v any
	var plan bot.QuotePlan
	var err error
	if opts.Who {
		var r bot.WhoReply
		r, err = c.WhoSaid(ctx, req)
		v, plan = r, bot.NewWhoPlan(r, bot.PlanLimits{})
	} else {
		var r bot.QuoteReply
		r, err = c.QuoteCheck(ctx, req)
		v, plan = r, bot.NewQuotePlan(r, bot.PlanLimits{})
	}
	if opts.JSON {
		if err != nil {
			v = jsonQuoteError{Text: text, Error: errorOf(err)}
		}
		return writeLine(w, v, "quote check")
	}
	if err != nil {
		_, err := fmt.Fprintf(w, "Quote: %s\nerror: %s\n", text, bot.ErrorMessage(err))
		return err
	}
	_, err = io.WriteString(w, QuoteText(plan, opts.Bold))
	return err
}

// QuoteText renders a quote check or an attribution for a person
// reading a terminal: the verdict, then each passage with its citation
// line and its differences (a quote check) or its speaker (who said it).
func QuoteText(p bot.QuotePlan, bold bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Quote: “%s”\n%s\n", p.Text, p.Headline)
	n := 0
	list := func(ps []bot.QuotePassage) {
		for _, q := range ps {
			n++
			fmt.Fprintf(&b, "\n[%d] “%s”\n", n, marked(q, bold))
			fmt.Fprintf(&b, "    %s\n", passageLine(q))
			switch {
			case p.Who && q.Speaker != "":
				fmt.Fprintf(&b, "    said by %s\n", q.Speaker)
			case p.Who:
				b.WriteString("    no speaker named\n")
			}
			if note := q.DifferencesNote(); note != "" {
				fmt.Fprintf(&b, "    %s\n", note)
			}
		}
	}
	list(p.Quotes)
	if len(p.Others) > 0 {
		fmt.Fprintf(&b, "\n%s:\n", p.OthersTitle)
		list(p.Others)
	}
	if note := p.MoreNote(); note != "" {
		fmt.Fprintf(&b, "\n%s\n", note)
	}
	return b.String()
}

// marked joins a passage's segments, with ANSI bold on the matched words
// and underline on the document's differing words when bold is set.
func marked(q bot.QuotePassage, bold bool) string {
	var b strings.Builder
	for _, s := range q.Segments {
		switch {
		case bold && s.Differs:
			b.WriteString("\x1b[1;4m" + s.Text + "\x1b[0m")
		case bold && s.Emphasis:
			b.WriteString("\x1b[1m" + s.Text + "\x1b[0m")
		default:
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

// passageLine is CitationLine for a laid-out passage: "headline —
// publisher, author, date · p. P · paragraph N".
func passageLine(q bot.QuotePassage) string {
	line := q.Source.Line()
	if place := q.Source.Place(); place != "" {
		line += " · " + place
	}
	if q.Source.URL != "" {
		line += " · " + q.Source.URL
	}
	return line
}

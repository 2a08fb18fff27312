package adaptertest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/ingest"
	"github.com/citebot/citebot/seeds"
)

// This file is the one place the adapters' tests use the retrieval
// package: newIndex and newEngine are the calls into its loaders and
// index, and the rest builds the value types of quote checks and
// agreement that bot does not alias. Everything else, here and in the adapters' tests,
// goes through bot (bot.Citation, bot.Metadata, …). When retrieval's
// names move, this file is what changes.

// newEngine indexes docs in memory (the embedded Bleve backend) and
// returns the answering engine over them.
func newEngine(docs []retrieval.Document) (*answer.Engine, error) {
	ix, err := bleveindex.NewMemory(context.Background(), docs)
	if err != nil {
		return nil, err
	}
	return answer.New(retrieval.NewLive(ix)), nil
}

// newIndex builds a real in-memory index of the seed articles and
// extra, and the answering engine over it.
func newIndex(extra ...retrieval.Document) (*answer.Engine, error) {
	docs, errs := ingest.LoadFS(context.Background(), seeds.FS, "seeds")
	if len(errs) > 0 {
		return nil, fmt.Errorf("load the seed articles: %w", errors.Join(errs...))
	}
	return newEngine(append(docs, extra...))
}

// NewEngine indexes docs in memory and returns the answering engine a
// bot asks, closed when the test ends.
func NewEngine(t testing.TB, docs []retrieval.Document) *answer.Engine {
	t.Helper()
	e, err := newEngine(docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

var seed struct {
	once sync.Once
	ix   *answer.Engine
	err  error
}

// SeedIndex is one real in-memory index of the seed articles (the
// answering engine over it), built once per test binary and shared,
// read-only, by its tests.
func SeedIndex(t testing.TB) *answer.Engine {
	t.Helper()
	seed.once.Do(func() { seed.ix, seed.err = newIndex() })
	if seed.err != nil {
		t.Fatal(seed.err)
	}
	return seed.ix
}

// kitIndex is the conformance kit's index: the seeds, a hostile document
// whose headline, byline and text are full of mention syntax, and a long
// one of many similar paragraphs.
func kitIndex(t testing.TB) bot.Index {
	t.Helper()
	hostile := retrieval.Document{
		ID: "siren-codes",
		Metadata: bot.Metadata{
			Title: "<!channel> Harbour siren codes @everyone", Publisher: "@here Gazette",
			Author: "<@U024BE7LH> and <@&123456789012345678>", Date: "2025-05-01", URL: "javascript:alert(1)",
		},
		Text: "Harbour siren codes\n\n" +
			"The harbour siren code is 4411, announced with <!channel> <!here> <!everyone> <@U024BE7LH> " +
			"<!subteam^S0614TZR7|@newsroom> <#C0123456789> @channel @here @everyone @all <@&123456789012345678> to every berth.\n",
	}
	var long strings.Builder
	long.WriteString("Harbour budget hearings\n\n")
	for i := range 30 {
		// One sentence of about 2,500 characters per paragraph, so each
		// quote is long.
		fmt.Fprintf(&long, "At hearing %d the council said the zebra crossing budget would be reviewed again", i+1)
		long.WriteString(strings.Repeat(", and members debated the zebra crossing budget, the harbour lights and the ferry timetable at length", 24))
		long.WriteString(".\n\n")
	}
	budget := retrieval.Document{ID: "budget-hearings", Metadata: bot.Metadata{Title: "Harbour budget hearings", Publisher: "Town Crier", Date: "2025-06-01"}, Text: long.String()}
	ix, err := newIndex(hostile, budget)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// Agreed is r with its sources agreeing on the answer, as of a date.
func Agreed(r bot.Reply) bot.Reply {
	r.AsOf = "2025-11-28"
	r.Agreement = &retrieval.Agreement{Status: retrieval.AgreementAgree, Summary: "2 sources agree: 7,500"}
	return r
}

// Passage is one place a checked quote was found: the passage quoted
// from a document (at offset Start, in paragraph Paragraph), the words
// in it that matched, and the differences as (checked, found) pairs.
type Passage struct {
	Quote, Matched string
	Start          int
	Meta           bot.Metadata
	Paragraph      int
	Score          float64
	Diffs          [][2]string
}

func (p Passage) match() retrieval.QuoteMatch {
	m := retrieval.QuoteMatch{Citation: Cite(p.Quote, p.Matched, p.Start, p.Meta, p.Paragraph), Differences: []retrieval.Difference{}}
	m.Score = p.Score
	for _, d := range p.Diffs {
		i := strings.Index(p.Quote, d[1])
		m.Differences = append(m.Differences, retrieval.Difference{Expected: d[0], Found: d[1], Start: p.Start + i, End: p.Start + i + len(d[1])})
	}
	return m
}

// QuoteTurn is the turn of a quote check of text: its verdict ("exact",
// "near" or "not_found"), the passages that match, and those that word
// it differently.
func QuoteTurn(text, verdict string, matches []Passage, variants ...Passage) bot.Turn {
	c := retrieval.QuoteCheck{Text: text, Verdict: retrieval.Verdict(verdict), Matches: []retrieval.QuoteMatch{}}
	for _, p := range matches {
		c.Matches = append(c.Matches, p.match())
	}
	for _, p := range variants {
		c.Variants = append(c.Variants, p.match())
	}
	return bot.Turn{Action: bot.ActionQuote, Quote: &bot.QuoteReply{QuoteCheck: c}}
}

// Hostile is a quote check in a platform's own mention and markup
// syntax: the text checked (saying "4411 @everyone"), and the passage
// of a document (with metadata in that syntax too) that nearly matches
// it (saying "4412 @here" instead), with the words matched.
type Hostile struct {
	Meta           bot.Metadata
	Text           string
	Passage, Match string
}

// QuoteCases are the quote checks every chat adapter's rendering is
// checked on, by name: an exact match with a variant worded otherwise,
// a near match in two documents, none found, who said it (attributed,
// with each place's speaker), and the platform's hostile case. first
// and second are the documents' metadata.
func QuoteCases(first, second bot.Metadata, hostile Hostile) map[string]bot.Turn {
	const (
		citizens = "\"We encourage your government to ensure that policies protect your citizens from the negative social impacts of mass migration.\""
		voters   = "Talking points encourage ensuring policies “protect your voters from the adverse social impacts of mass migration.”"
		voted    = "protect your voters from the adverse social impacts"
		cited    = "protect your citizens from the negative social impacts"
	)
	who := retrieval.Attribution{
		Text: "a nation without borders is not a nation", Verdict: retrieval.Attributed, Speaker: "Trump", QuoteVerdict: retrieval.VerdictExact,
		Sources: []retrieval.AttributedQuote{
			{Citation: Cite("The cable quotes the president saying, \"a nation without borders is not a nation.\"", "the president", 2351, first, 13), Speaker: "the president", Verb: "saying"},
			{Citation: Cite("- Trump Quote: “A nation without borders is not a nation.”", "", 3849, second, 20)},
			{Citation: Cite("It quotes Trump stating, “a nation without borders is not a nation.”", "Trump", 1635, second, 7), Speaker: "Trump", Verb: "stating"},
		},
	}
	return map[string]bot.Turn{
		"quote_exact": QuoteTurn(voted, "exact",
			[]Passage{{Quote: voters, Matched: voted, Start: 2797, Meta: second, Paragraph: 13, Score: 1}},
			Passage{Quote: citizens, Matched: cited, Start: 1421, Meta: first, Paragraph: 9, Score: 0.69, Diffs: [][2]string{{"voters", "citizens"}, {"adverse", "negative"}}}),
		"quote_near": QuoteTurn("protect your voters from the negative social impacts", "near", []Passage{
			{Quote: voters, Matched: voted, Start: 2797, Meta: second, Paragraph: 13, Score: 0.846, Diffs: [][2]string{{"negative", "adverse"}}},
			{Quote: citizens, Matched: cited, Start: 1421, Meta: first, Paragraph: 9, Score: 0.846, Diffs: [][2]string{{"voters", "citizens"}}},
		}),
		"quote_not_found": QuoteTurn("The weather in Paris was lovely", "not_found", nil),
		"quote_who":       {Action: bot.ActionQuote, Who: &bot.WhoReply{Attribution: who}},
		"quote_hostile": QuoteTurn(hostile.Text, "near", []Passage{{Quote: hostile.Passage, Matched: hostile.Match, Meta: hostile.Meta, Paragraph: 1, Score: 0.8,
			Diffs: [][2]string{{"4411 @everyone", "4412 @here"}}}}),
	}
}

// LocalNews answers from a corpus that is not the seeds: a local paper's
// two collections, courts and metro (one story each, the courts story
// first in id order), for tests that check nothing of the seed articles
// shows where they are not what is served (SeedPhrases).
func LocalNews(t testing.TB) *answer.Engine {
	t.Helper()
	return NewEngine(t, []retrieval.Document{
		{ID: "courts/ferry", Collection: "courts",
			Metadata: retrieval.Metadata{Title: "Judge delays ruling on the ferry contract", Publisher: "Riverton Ledger", Date: "2026-03-05"},
			Text:     "Judge delays ruling on the ferry contract\n\nJudge Alma Ortiz said on Thursday she would rule on the ferry contract by April 30.\n"},
		{ID: "metro/budget", Collection: "metro",
			Metadata: retrieval.Metadata{Title: "Riverton council passes a $412 million budget", Publisher: "Riverton Ledger", Date: "2026-03-04"},
			Text:     "Riverton council passes a $412 million budget\n\nThe council voted 6-1 on Tuesday to pass a $412 million budget for the coming year.\n"},
	})
}

// SeedPhrases are words of the seed articles, and of the examples once
// taken from them, that help and the web page must not show when the
// seeds are not what is served.
var SeedPhrases = []string{"refugee", "FY2026", "fiscal 2024", "7,500", "encourage your government", "nation without borders", "protect your voters"}

// NoSeedText fails t when text shows any of SeedPhrases.
func NoSeedText(t testing.TB, what, text string) {
	t.Helper()
	for _, p := range SeedPhrases {
		if strings.Contains(strings.ToLower(text), strings.ToLower(p)) {
			t.Errorf("%s quotes the seed articles (%q) though they are not served:\n%s", what, p, text)
		}
	}
}

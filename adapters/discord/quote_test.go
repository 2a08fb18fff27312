package discord

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval"
)

// match is a quote match of quote at start, the words hl matched, and
// differences given as (expected, found) pairs located in quote.
func match(quote, hl string, start int, meta retrieval.Metadata, paragraph int, score float64, diffs ...[2]string) retrieval.QuoteMatch {
	m := retrieval.QuoteMatch{Citation: doc(quote, hl, start, meta, paragraph), Differences: []retrieval.Difference{}}
	m.Score = score
	for _, d := range diffs {
		i := strings.Index(quote, d[1])
		m.Differences = append(m.Differences, retrieval.Difference{Expected: d[0], Found: d[1], Start: start + i, End: start + i + len(d[1])})
	}
	return m
}

const (
	citizens = "\"We encourage your government to ensure that policies protect your citizens from the negative social impacts of mass migration.\""
	voters   = "Talking points encourage ensuring policies “protect your voters from the adverse social impacts of mass migration.”"
)

func TestRenderQuoteGolden(t *testing.T) {
	hostileMeta := retrieval.Metadata{Title: "<@1> wire **now**", Publisher: "@here Daily"}
	cases := map[string]bot.Turn{
		"quote_exact": {Action: bot.ActionQuote, Quote: &bot.QuoteReply{QuoteCheck: retrieval.QuoteCheck{
			Text: "protect your voters from the adverse social impacts", Verdict: retrieval.VerdictExact,
			Matches:  []retrieval.QuoteMatch{match(voters, "protect your voters from the adverse social impacts", 2797, ledger, 13, 1)},
			Variants: []retrieval.QuoteMatch{match(citizens, "protect your citizens from the negative social impacts", 1421, crbc, 9, 0.69, [2]string{"voters", "citizens"}, [2]string{"adverse", "negative"})},
		}}},
		"quote_near": {Action: bot.ActionQuote, Quote: &bot.QuoteReply{QuoteCheck: retrieval.QuoteCheck{
			Text: "protect your voters from the negative social impacts", Verdict: retrieval.VerdictNear,
			Matches: []retrieval.QuoteMatch{
				match(voters, "protect your voters from the adverse social impacts", 2797, ledger, 13, 0.846, [2]string{"negative", "adverse"}),
				match(citizens, "protect your citizens from the negative social impacts", 1421, crbc, 9, 0.846, [2]string{"voters", "citizens"}),
			},
		}}},
		"quote_not_found": {Action: bot.ActionQuote, Quote: &bot.QuoteReply{QuoteCheck: retrieval.QuoteCheck{
			Text: "The weather in Paris was lovely", Verdict: retrieval.VerdictNotFound, Matches: []retrieval.QuoteMatch{},
		}}},
		"quote_who": {Action: bot.ActionQuote, Who: &bot.WhoReply{Attribution: retrieval.Attribution{
			Text: "a nation without borders is not a nation", Verdict: retrieval.Attributed, Speaker: "Trump", QuoteVerdict: retrieval.VerdictExact,
			Sources: []retrieval.AttributedQuote{
				{Citation: doc("The cable quotes the president saying, \"a nation without borders is not a nation.\"", "the president", 2351, crbc, 13), Speaker: "the president", Verb: "saying"},
				{Citation: doc("- Trump Quote: “A nation without borders is not a nation.”", "", 3849, ledger, 20)},
				{Citation: doc("It quotes Trump stating, “a nation without borders is not a nation.”", "Trump", 1635, ledger, 7), Speaker: "Trump", Verb: "stating"},
			},
		}}},
		"quote_hostile": {Action: bot.ActionQuote, Quote: &bot.QuoteReply{QuoteCheck: retrieval.QuoteCheck{
			Text: "<@123> sirens at 4411 @everyone", Verdict: retrieval.VerdictNear,
			Matches: []retrieval.QuoteMatch{match("Sirens: <@&5> 4412 @here <@123456789012345678> *loud* [x](https://evil.example) & more.", "Sirens: <@&5> 4412 @here", 0, hostileMeta, 1, 0.8,
				[2]string{"4411 @everyone", "4412 @here"})},
		}}},
	}
	for name, turn := range cases {
		t.Run(name, func(t *testing.T) {
			m := sent(quoteMessage(turn))
			golden(t, name, m)
			raw := marshal(t, m)
			if p := Pings(raw); len(p) > 0 {
				t.Errorf("the message would notify: %q", p)
			}
			if err := LimitError(raw); err != nil {
				t.Error(err)
			}
		})
	}

	// The differing words are the underlined runs, in order.
	m := quoteMessage(cases["quote_near"])
	var marked []string
	for _, f := range m.Embeds[0].Fields {
		for _, s := range regexp.MustCompile(`__([^_]+)__`).FindAllStringSubmatch(f.Value, -1) {
			marked = append(marked, s[1])
		}
	}
	if strings.Join(marked, ",") != "adverse,citizens" {
		t.Errorf("underlined words = %q; want adverse, citizens", marked)
	}

	agreed := answered()
	agreed.AsOf = "2025-11-28"
	agreed.Agreement = &retrieval.Agreement{Status: "agree", Summary: "2 sources agree: 7,500"}
	golden(t, "answer_agreement", sent(answerMessage(agreed, view{answerID: "0190aaaaaaaa01234567"})))
}

// TestRenderQuoteTrimsToDiscordLimits renders a check with 20 long
// passages: it fits, keeps the first, and counts the rest.
func TestRenderQuoteTrimsToDiscordLimits(t *testing.T) {
	para := strings.Repeat("The council debated the *harbour* budget at length. ", 30)
	var ms []retrieval.QuoteMatch
	for i := range 20 {
		ms = append(ms, match(para, "harbour", i*4000, crbc, i+1, 0.8, [2]string{"port", "budget"}))
	}
	m := quoteMessage(bot.Turn{Action: bot.ActionQuote, Quote: &bot.QuoteReply{QuoteCheck: retrieval.QuoteCheck{
		Text: "the port budget", Verdict: retrieval.VerdictNear, Matches: ms}}})
	if err := LimitError(marshal(t, sent(m))); err != nil {
		t.Fatal(err)
	}
	kept := len(m.Embeds[0].Fields)
	if m.Embeds[0].Footer == nil {
		t.Fatalf("all %d passages kept in one embed; want some left out", kept)
	}
	more := regexp.MustCompile(`… \((\d+) more passages\)`).FindStringSubmatch(m.Embeds[0].Footer.Text)
	if kept == 0 || more == nil || more[1] != strconv.Itoa(20-kept) {
		t.Errorf("kept %d passages, footer %q; want some kept and the rest counted", kept, m.Embeds[0].Footer.Text)
	}
}

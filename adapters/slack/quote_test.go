package slack

import (
	"encoding/json"
	"regexp"
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
	hostileMeta := retrieval.Metadata{Title: "<!channel> wire", Publisher: "@here Daily"}
	cases := map[string]bot.Turn{
		"quote_exact": {Action: bot.ActionQuote, Quote: &bot.QuoteReply{QuoteCheck: retrieval.QuoteCheck{
			Text: "protect your voters from the adverse social impacts", Verdict: retrieval.VerdictExact,
			Matches:  []retrieval.QuoteMatch{match(voters, "protect your voters from the adverse social impacts", 2797, nyt, 13, 1)},
			Variants: []retrieval.QuoteMatch{match(citizens, "protect your citizens from the negative social impacts", 1421, crbc, 9, 0.69, [2]string{"voters", "citizens"}, [2]string{"adverse", "negative"})},
		}}},
		"quote_near": {Action: bot.ActionQuote, Quote: &bot.QuoteReply{QuoteCheck: retrieval.QuoteCheck{
			Text: "protect your voters from the negative social impacts", Verdict: retrieval.VerdictNear,
			Matches: []retrieval.QuoteMatch{
				match(voters, "protect your voters from the adverse social impacts", 2797, nyt, 13, 0.846, [2]string{"negative", "adverse"}),
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
				{Citation: doc("- Trump Quote: “A nation without borders is not a nation.”", "", 3849, nyt, 20)},
				{Citation: doc("It quotes Trump stating, “a nation without borders is not a nation.”", "Trump", 1635, nyt, 7), Speaker: "Trump", Verb: "stating"},
			},
		}}},
		"quote_hostile": {Action: bot.ActionQuote, Quote: &bot.QuoteReply{QuoteCheck: retrieval.QuoteCheck{
			Text: "<!channel> sirens at 4411 @everyone", Verdict: retrieval.VerdictNear,
			Matches: []retrieval.QuoteMatch{match("Sirens: <!channel> 4412 @here <@U024BE7LH> <#C1|general> & more.", "Sirens: <!channel> 4412 @here", 0, hostileMeta, 1, 0.8,
				[2]string{"4411 @everyone", "4412 @here"})},
		}}},
	}
	for name, turn := range cases {
		t.Run(name, func(t *testing.T) {
			blocks, text := quoteMessage(turn)
			golden(t, name, rendered{text, blocks})
			raw, _ := json.Marshal(blocks)
			if p := Pings(raw, text, ""); len(p) > 0 {
				t.Errorf("the message would notify: %q", p)
			}
			if !fits(blocks) {
				t.Errorf("the message exceeds Slack's limits: %+v", measure(blocks))
			}
		})
	}

	// The differing words are the code-styled elements, in order.
	blocks, _ := quoteMessage(cases["quote_near"])
	raw, _ := json.Marshal(blocks)
	var coded []string
	for _, m := range regexp.MustCompile(`"text":"([^"]*)","style":\{"code":true\}`).FindAllStringSubmatch(string(raw), -1) {
		coded = append(coded, m[1])
	}
	if strings.Join(coded, ",") != "adverse,citizens" {
		t.Errorf("code-styled words = %q; want adverse, citizens", coded)
	}

	agreed := answered()
	agreed.AsOf = "2025-11-28"
	agreed.Agreement = &retrieval.Agreement{Status: "agree", Summary: "2 sources agree: 7,500"}
	blocks, text := answerMessage(agreed, view{answerID: "0190aaaaaaaa01234567"})
	golden(t, "answer_agreement", rendered{text, blocks})
}

// TestRenderQuoteTrimsToSlackLimits renders a check with 20 long
// passages: it fits, keeps the first, and counts the rest.
func TestRenderQuoteTrimsToSlackLimits(t *testing.T) {
	para := strings.Repeat("The council debated the harbour budget at length. ", 20)
	var ms []retrieval.QuoteMatch
	for i := range 20 {
		ms = append(ms, match(para, "harbour budget", i*4000, crbc, i+1, 0.8, [2]string{"port", "harbour"}))
	}
	blocks, _ := quoteMessage(bot.Turn{Action: bot.ActionQuote, Quote: &bot.QuoteReply{QuoteCheck: retrieval.QuoteCheck{
		Text: "the port budget", Verdict: retrieval.VerdictNear, Matches: ms}}})
	if !fits(blocks) {
		t.Fatalf("not within limits: %+v", measure(blocks))
	}
	raw, _ := json.Marshal(blocks)
	kept := strings.Count(string(raw), `"rich_text_quote"`)
	more := regexp.MustCompile(`… \((\d+) more passages\)`).FindStringSubmatch(string(raw))
	if kept == 0 || more == nil || more[1] != itoa(20-kept) {
		t.Errorf("kept %d passages, note %q; want some kept and the rest counted", kept, more)
	}
}

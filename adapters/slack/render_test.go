package slack

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/bot"
)

// rendered is what a render produces, as Slack receives it.
type rendered struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

// check compares a rendering with its golden file and checks it pings
// nobody (but asker, the "asked by" line's) and fits Slack's limits.
func check(t *testing.T, name string, blocks []slack.Block, text, asker string) {
	t.Helper()
	raw, _ := json.Marshal(blocks)
	adaptertest.Rendered(t, name, rendered{text, blocks}, Pings(raw, text, asker), LimitError(raw))
}

var (
	crbc = bot.Metadata{Title: "US slashes refugee cap to 7,500", Publisher: "CRBC News", Author: "Humeyra Pamuk", Date: "2025-10-31", URL: "https://example.org/news/refugees?id=7&src=x"}
	nyt  = bot.Metadata{Title: "Cable urges allies to curb migration", Publisher: "The Ledger", Date: "2025-11-02"}
)

func TestRenderGolden(t *testing.T) {
	hostileMeta := bot.Metadata{Title: "<!channel> Breaking & <@U024BE7LH> *alert*", Publisher: "@everyone Daily", Author: "<!subteam^S123|@team>", Date: "2025", URL: "javascript:alert(1)"}
	hostile := bot.Reply{Answer: bot.Answer{
		Question: "What is the siren code <!here>?", Answered: true, Short: "<!channel> 4411", Confidence: 0.9,
		Citations: []bot.Citation{adaptertest.Cite("Sirens: <!channel> 4411 @everyone @here <@U024BE7LH> <#C1|general> <https://evil.example|click> & more.", "<!channel> 4411", 0, hostileMeta, 1)},
	}}
	answered := adaptertest.Answered(crbc, nyt)
	cases := map[string]struct {
		reply bot.Reply
		view  view
	}{
		"answer_private":   {answered, view{answerID: "0190aaaaaaaa01234567", private: true}},
		"answer_thread":    {answered, view{answerID: "0190aaaaaaaa01234567"}},
		"answer_shared":    {answered, view{answerID: "0190aaaaaaaa01234567", askedBy: "U2CERLKJA"}},
		"answer_follow_up": {answered, view{answerID: "0190aaaaaaaa01234567", readAs: "What was the fiscal 2024 refugee cap?"}},
		"declined":         {adaptertest.Declined(nyt), view{answerID: "0190aaaaaaaa01234568"}},
		"hostile":          {hostile, view{answerID: "0190aaaaaaaa01234569", askedBy: "U2CERLKJA"}},
		"no_record":        {answered, view{}},
		"answer_unsure":    {adaptertest.Unsure(crbc), view{answerID: "0190aaaaaaaa01234571"}},
		"answer_pdf":       {adaptertest.FromPDF(nyt), view{answerID: "0190aaaaaaaa01234570"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			blocks, text := answerMessage(c.reply, c.view)
			check(t, name, blocks, text, c.view.askedBy)
		})
	}
	help, text := helpMessage("/ask", bot.GenericExamples)
	check(t, "help", help, text, "")
	src, text := sourcesMessage(adaptertest.Sources(crbc, hostileMeta))
	check(t, "sources", src, text, "")
}

// TestRenderHostileDocumentIsInert checks what the golden file shows: the
// document's control sequences and broadcast words are text, and its
// javascript: URL is not linked.
func TestRenderHostileDocumentIsInert(t *testing.T) {
	meta := bot.Metadata{Title: "<!channel> news", Publisher: "@here Times", URL: "javascript:alert(1)"}
	r := bot.Reply{Answer: bot.Answer{Question: "q", Answered: true, Short: "@everyone",
		Citations: []bot.Citation{adaptertest.Cite("<!channel> <!here> <!everyone> @channel @here @everyone <@U123ABC> <!subteam^S1>", "", 0, meta, 1)}}}
	blocks, text := answerMessage(r, view{answerID: "x"})
	raw, _ := json.Marshal(blocks)
	if p := Pings(raw, text, ""); len(p) > 0 {
		t.Errorf("pings %q in %s", p, raw)
	}
	if strings.Contains(string(raw), "javascript") && strings.Contains(string(raw), "\\u003cjavascript") {
		t.Errorf("a javascript: URL is linked: %s", raw)
	}
	// The checker itself must catch live mentions.
	for _, live := range []string{`[{"type":"section","text":{"type":"mrkdwn","text":"hi <!channel>"}}]`,
		`[{"type":"rich_text","elements":[{"type":"rich_text_section","elements":[{"type":"broadcast","range":"here"}]}]}]`,
		`[{"type":"context","elements":[{"type":"mrkdwn","text":"@everyone look"}]}]`,
		`[{"type":"section","text":{"type":"mrkdwn","text":"<@U999> asked"}}]`} {
		if len(Pings(json.RawMessage(live), "", "U2CERLKJA")) == 0 {
			t.Errorf("Pings found nothing in %s", live)
		}
	}
	if p := Pings(json.RawMessage(`[{"type":"context","elements":[{"type":"mrkdwn","text":"<@U2CERLKJA> asked: q"}]}]`), "", "U2CERLKJA"); len(p) > 0 {
		t.Errorf("the asker's own mention counted as a ping: %q", p)
	}
}

// longCites are 20 citations of a long paragraph, answering "harbour
// budget".
func longCites(repeat int) []bot.Citation {
	para := strings.Repeat("The council debated the harbour budget at length. ", repeat)
	var cites []bot.Citation
	for i := range 20 {
		cites = append(cites, adaptertest.Cite(para, "harbour budget", i*4000, crbc, i+1))
	}
	return cites
}

// TestRenderTrimsToSlackLimits renders an answer of 20 long quotes: it
// must fit Slack's limits, keep the first quotes, and say how many were
// left out.
func TestRenderTrimsToSlackLimits(t *testing.T) {
	r := bot.Reply{Answer: bot.Answer{Question: "q", Answered: true, Short: strings.Repeat("long answer ", 100), Citations: longCites(60)}} // ~3,000 characters a quote
	blocks, _ := answerMessage(r, view{answerID: "x", private: true})
	checkTrimmed(t, blocks, 20, "quotes")
	if m := measure(blocks); m.text > MaxBlockText || m.blocks > MaxBlocks || m.longest > MaxTextObject {
		t.Errorf("measure = %+v", m)
	}
	for _, b := range blocks {
		if a, ok := b.(*slack.ActionBlock); ok && len(a.Elements.ElementSet) == 3 {
			return
		}
	}
	t.Error("trimming dropped the buttons")
}

func TestRenderQuoteGolden(t *testing.T) {
	cases := adaptertest.QuoteCases(crbc, nyt, adaptertest.Hostile{
		Meta: bot.Metadata{Title: "<!channel> wire", Publisher: "@here Daily"},
		Text: "<!channel> sirens at 4411 @everyone", Passage: "Sirens: <!channel> 4412 @here <@U024BE7LH> <#C1|general> & more.", Match: "Sirens: <!channel> 4412 @here",
	})
	for name, turn := range cases {
		t.Run(name, func(t *testing.T) {
			blocks, text := quoteMessage(turn)
			check(t, name, blocks, text, "")
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

	blocks, text := answerMessage(adaptertest.Agreed(adaptertest.Answered(crbc, nyt)), view{answerID: "0190aaaaaaaa01234567"})
	check(t, "answer_agreement", blocks, text, "")
}

// TestRenderQuoteTrimsToSlackLimits renders a check with 20 long
// passages: it fits, keeps the first, and counts the rest.
func TestRenderQuoteTrimsToSlackLimits(t *testing.T) {
	para := strings.Repeat("The council debated the harbour budget at length. ", 20)
	var ps []adaptertest.Passage
	for i := range 20 {
		ps = append(ps, adaptertest.Passage{Quote: para, Matched: "harbour budget", Start: i * 4000, Meta: crbc, Paragraph: i + 1, Score: 0.8, Diffs: [][2]string{{"port", "harbour"}}})
	}
	blocks, _ := quoteMessage(adaptertest.QuoteTurn("the port budget", "near", ps))
	checkTrimmed(t, blocks, 20, "passages")
}

// checkTrimmed checks a message trimmed from n quoted items (what, in
// its note: "quotes", "passages"): it fits Slack's limits, keeps some
// and its note counts the rest.
func checkTrimmed(t *testing.T, blocks []slack.Block, n int, what string) {
	t.Helper()
	if !fits(blocks) {
		t.Fatalf("not within limits: %+v", measure(blocks))
	}
	raw, _ := json.Marshal(blocks)
	kept := strings.Count(string(raw), `"rich_text_quote"`)
	more := regexp.MustCompile(`… \((\d+) more ` + what + `\)`).FindStringSubmatch(string(raw))
	if kept == 0 || more == nil || more[1] != strconv.Itoa(n-kept) {
		t.Errorf("kept %d %s, note %q; want some kept and the rest counted", kept, what, more)
	}
}

// BenchmarkAnswerMessage renders an answer of 20 long quotes, fitting it
// to Slack's limits (the worst case of the fitting loop).
func BenchmarkAnswerMessage(b *testing.B) {
	r := bot.Reply{Answer: bot.Answer{Question: "q", Answered: true, Short: "the harbour budget", Citations: longCites(60)}}
	for b.Loop() {
		answerMessage(r, view{answerID: "x", private: true})
	}
}

// TestRenderCautionsUnsureAnswer: an answer under bot.LowConfidence
// opens with the caution, and its short answer is plain text, not bold;
// a surer answer has no caution and a bold short answer.
func TestRenderCautionsUnsureAnswer(t *testing.T) {
	for _, c := range []struct {
		reply    bot.Reply
		cautious bool
	}{{adaptertest.Unsure(crbc), true}, {adaptertest.Answered(crbc, nyt), false}} {
		blocks, text := answerMessage(c.reply, view{})
		raw, _ := json.Marshal(blocks)
		first, _ := json.Marshal(blocks[0])
		cautioned := strings.Contains(string(first), bot.LowConfidenceNote) && strings.HasPrefix(text, bot.LowConfidenceNote)
		shortBold := strings.Contains(string(raw), `{"type":"text","text":`+strconv.Quote(c.reply.Short)+`,"style":{"bold":true}}`)
		if cautioned != c.cautious || shortBold == c.cautious {
			t.Errorf("confidence %v: cautioned first %v, short answer bold %v; want cautioned %v, bold %v\n%s\n%s",
				c.reply.Confidence, cautioned, shortBold, c.cautious, !c.cautious, raw, text)
		}
	}
}

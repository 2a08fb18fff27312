package discord

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/bot"
)

// sent is a message as a reply posts it.
func sent(m message) *discordgo.MessageSend {
	return &discordgo.MessageSend{Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: noPings()}
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// check compares a rendering with its golden file, as a reply posts it,
// and checks it pings nobody and fits Discord's limits.
func check(t *testing.T, name string, m message) {
	t.Helper()
	s := sent(m)
	raw := marshal(t, s)
	adaptertest.Rendered(t, name, s, Pings(raw), LimitError(raw))
}

var (
	crbc   = bot.Metadata{Title: "US slashes refugee cap to 7,500", Publisher: "CRBC News", Author: "Humeyra Pamuk", Date: "2025-10-31", URL: "https://example.org/news/refugees_(2025)?id=7&src=x"}
	ledger = bot.Metadata{Title: "Cable urges allies to curb migration", Publisher: "The Ledger", Date: "2025-11-02"}
)

func TestRenderGolden(t *testing.T) {
	hostileMeta := bot.Metadata{Title: "@everyone *Breaking* <@123456789012345678> [click](https://evil.example)", Publisher: "@here Daily",
		Author: "<@&123456789012345678> __team__", Date: "2025", URL: "javascript:alert(1)"}
	hostile := bot.Reply{Answer: bot.Answer{
		Question: "What is the siren code @here?", Answered: true, Short: "@everyone 4411 ||spoiler||", Confidence: 0.9,
		Citations: []bot.Citation{adaptertest.Cite("# Sirens\n> code: @everyone 4411 @here <@123456789012345678> <@!1> <@&2> <#3> <t:1:R> `x` ~~y~~ **z** \\<@4> - 1. item",
			"4411", 0, hostileMeta, 1)},
	}}
	answered := adaptertest.Answered(crbc, ledger)
	cases := map[string]struct {
		reply bot.Reply
		view  view
	}{
		"answer":           {answered, view{answerID: "0190aaaaaaaa01234567"}},
		"answer_follow_up": {answered, view{answerID: "0190aaaaaaaa01234567", readAs: "What was the fiscal 2024 refugee cap?"}},
		"declined":         {adaptertest.Declined(ledger), view{answerID: "0190aaaaaaaa01234568"}},
		"hostile":          {hostile, view{answerID: "0190aaaaaaaa01234569", readAs: "<@123456789012345678> @everyone siren?"}},
		"no_record":        {answered, view{}},
		"answer_unsure":    {adaptertest.Unsure(crbc), view{answerID: "0190aaaaaaaa01234571"}},
		"answer_pdf":       {adaptertest.FromPDF(ledger), view{answerID: "0190aaaaaaaa01234570"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { check(t, name, answerMessage(c.reply, c.view)) })
	}
	check(t, "help", helpMessage(bot.GenericExamples))
	check(t, "sources", sourcesMessage(adaptertest.Sources(crbc, hostileMeta)))
	adaptertest.Golden(t, "commands_guild", Commands(false))
	adaptertest.Golden(t, "commands_global", Commands(true))
	// The commands are registered once, whatever the corpus will be.
	adaptertest.NoSeedText(t, "the slash commands", string(marshal(t, Commands(true))))
}

// TestRenderHostileDocumentIsInert checks what the hostile golden file
// shows: mention syntax and Markdown from a document are text, and a
// javascript: URL is not linked; and that the checker itself catches
// live mentions.
func TestRenderHostileDocumentIsInert(t *testing.T) {
	meta := bot.Metadata{Title: "<@1> news", Publisher: "@here Times", URL: "javascript:alert(1)"}
	r := bot.Reply{Answer: bot.Answer{Question: "q", Answered: true, Short: "@everyone",
		Citations: []bot.Citation{adaptertest.Cite("@everyone @here <@123> <@!123> <@&456> \\<@789> *bold* [x](https://evil.example)", "", 0, meta, 1)}}}
	m := answerMessage(r, view{answerID: "x"})
	raw := marshal(t, sent(m))
	if p := Pings(raw); len(p) > 0 {
		t.Errorf("pings %q in %s", p, raw)
	}
	if strings.Contains(string(raw), "javascript") && strings.Contains(string(raw), "](javascript") {
		t.Errorf("a javascript: URL is linked: %s", raw)
	}
	if v := m.Embeds[0].Fields[0].Value; !strings.Contains(v, `\[x\](https://evil.example)`) {
		t.Errorf("a document's Markdown link is not escaped: %s", v)
	}
	text := VisibleText(raw)
	for _, s := range []string{"@everyone", "<@123>", "<@&456>", "\\<@789>", "*bold*", "[x](https://evil.example)"} {
		if !strings.Contains(text, s) {
			t.Errorf("the reader does not see %q as written:\n%s", s, text)
		}
	}
	for _, live := range []string{
		`{"content":"hi <@123>","allowed_mentions":{"parse":[]}}`,
		`{"content":"hi \\\\<@123>","allowed_mentions":{"parse":[]}}`,
		`{"embeds":[{"title":"@everyone"}],"allowed_mentions":{"parse":[]}}`,
		`{"embeds":[{"fields":[{"name":"a","value":"<@&1>"}]}],"allowed_mentions":{"parse":[]}}`,
		`{"content":"x"}`,
		`{"content":"x","allowed_mentions":{"parse":null}}`,
		`{"content":"x","allowed_mentions":{"parse":["everyone"]}}`,
	} {
		if len(Pings([]byte(live))) == 0 {
			t.Errorf("Pings found nothing in %s", live)
		}
	}
	if p := Pings([]byte(`{"content":"hi \\<@123>","allowed_mentions":{"parse":[]}}`)); len(p) > 0 {
		t.Errorf("an escaped mention counted as a ping: %q", p)
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"7,500":                 "7,500",
		"a*b_c~d`e|f":           `a\*b\_c\~d\` + "`" + `e\|f`,
		"<@123> <#4> <t:1>":     "\\<\u2060@123> \\<\u2060#4> \\<t:1>",
		"[x](y)":                `\[x\](y)`,
		"# head\n- item\n12. x": "\\# head\n\\- item\n12\\. x",
		"  > quote":             "  \\> quote",
		"back\\slash":           `back\\slash`,
		"a - b # c > d 3. e":    "a - b # c > d 3. e",
		"-# subtext":            "\\-# subtext",
		"":                      "",
		"Biden’s 100,000+ (FY)": "Biden’s 100,000+ (FY)",
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestRenderTrimsToDiscordLimits renders an answer of 20 long quotes
// full of characters to escape: it must fit Discord's limits, keep the
// first quotes, say how many were left out, and keep its buttons.
func TestRenderTrimsToDiscordLimits(t *testing.T) {
	para := strings.Repeat("The council debated the *harbour budget* at length_again. ", 50) // ~2,900 characters, 1 in 10 escaped
	var cites []bot.Citation
	for i := range 20 {
		cites = append(cites, adaptertest.Cite(para, "harbour budget", i*4000, crbc, i+1))
	}
	r := bot.Reply{Answer: bot.Answer{Question: "q", Answered: true, Short: strings.Repeat("long answer ", 100), Citations: cites}}
	m := answerMessage(r, view{answerID: "x"})
	raw := marshal(t, sent(m))
	if err := LimitError(raw); err != nil {
		t.Fatal(err)
	}
	kept := len(m.Embeds[0].Fields)
	more := regexp.MustCompile(`… \((\d+) more quotes\)`).FindStringSubmatch(m.Embeds[0].Footer.Text)
	if kept == 0 || more == nil || more[1] != strconv.Itoa(20-kept) {
		t.Errorf("kept %d quotes, footer %q; want some kept and the rest counted", kept, m.Embeds[0].Footer.Text)
	}
	for i, f := range m.Embeds[0].Fields {
		if !strings.Contains(f.Value, "**harbour budget**") {
			t.Errorf("field %d lost its bold answer span:\n%s", i, f.Value)
		}
	}
	if len(m.Components) != 1 {
		t.Error("trimming dropped the buttons")
	}
}

// TestQuoteFieldOfEscapes: a quote made of characters that each need
// escaping still fits one field, laid out shorter around its span.
func TestQuoteFieldOfEscapes(t *testing.T) {
	para := strings.Repeat("*_", 280) + " the answer " + strings.Repeat("~|", 280)
	r := bot.Reply{Answer: bot.Answer{Question: "q", Answered: true, Short: "the answer",
		Citations: []bot.Citation{adaptertest.Cite(para, "the answer", 0, crbc, 1)}}}
	m := answerMessage(r, view{})
	if len(m.Embeds[0].Fields) != 1 {
		t.Fatalf("%d fields; want the quote kept, shortened", len(m.Embeds[0].Fields))
	}
	v := m.Embeds[0].Fields[0].Value
	if units(v) > MaxFieldValue || !strings.Contains(v, "**the answer**") {
		t.Errorf("field of %d characters:\n%s\nwant at most %d, with the span", units(v), v, MaxFieldValue)
	}
}

func TestRenderQuoteGolden(t *testing.T) {
	cases := adaptertest.QuoteCases(crbc, ledger, adaptertest.Hostile{
		Meta:    bot.Metadata{Title: "<@1> wire **now**", Publisher: "@here Daily"},
		Text:    "<@123> sirens at 4411 @everyone",
		Passage: "Sirens: <@&5> 4412 @here <@123456789012345678> *loud* [x](https://evil.example) & more.", Match: "Sirens: <@&5> 4412 @here",
	})
	for name, turn := range cases {
		t.Run(name, func(t *testing.T) { check(t, name, quoteMessage(turn)) })
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

	check(t, "answer_agreement", answerMessage(adaptertest.Agreed(adaptertest.Answered(crbc, ledger)), view{answerID: "0190aaaaaaaa01234567"}))
}

// TestRenderQuoteTrimsToDiscordLimits renders a check with 20 long
// passages: it fits, keeps the first, and counts the rest.
func TestRenderQuoteTrimsToDiscordLimits(t *testing.T) {
	para := strings.Repeat("The council debated the *harbour* budget at length. ", 30)
	var ps []adaptertest.Passage
	for i := range 20 {
		ps = append(ps, adaptertest.Passage{Quote: para, Matched: "harbour", Start: i * 4000, Meta: crbc, Paragraph: i + 1, Score: 0.8, Diffs: [][2]string{{"port", "budget"}}})
	}
	m := quoteMessage(adaptertest.QuoteTurn("the port budget", "near", ps))
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

// BenchmarkAnswerMessage renders an answer of 20 long quotes, fitting it
// to Discord's limits (the worst case of the fitting loop).
func BenchmarkAnswerMessage(b *testing.B) {
	para := strings.Repeat("The council debated the *harbour budget* at length. ", 60)
	var cites []bot.Citation
	for i := range 20 {
		cites = append(cites, adaptertest.Cite(para, "harbour budget", i*4000, crbc, i+1))
	}
	r := bot.Reply{Answer: bot.Answer{Question: "q", Answered: true, Short: "the harbour budget", Citations: cites}}
	for b.Loop() {
		answerMessage(r, view{answerID: "x"})
	}
}

// TestRenderCautionsUnsureAnswer: an answer under bot.LowConfidence has
// the caution as its title and the short answer as plain text under
// it; a surer answer is titled with its short answer.
func TestRenderCautionsUnsureAnswer(t *testing.T) {
	unsure := adaptertest.Unsure(crbc)
	e := answerMessage(unsure, view{}).Embeds[0]
	if !strings.Contains(e.Title, bot.LowConfidenceNote) || !strings.HasPrefix(e.Description, "Answer: "+escape(unsure.Short)) || e.Color != colorCaution {
		t.Errorf("an unsure answer's embed is titled %q, described %q; want the caution, then the plain answer", e.Title, e.Description)
	}
	sure := answerMessage(adaptertest.Answered(crbc, ledger), view{}).Embeds[0]
	if sure.Title != "7,500" || strings.Contains(sure.Title+sure.Description, bot.LowConfidenceNote) {
		t.Errorf("a sure answer's embed is titled %q, described %q; want the answer, uncautioned", sure.Title, sure.Description)
	}
}

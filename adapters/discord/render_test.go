package discord

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares v, as indented JSON, with testdata/name.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got := indent(t, v)
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it after review):\n%s", path, got)
	}
}

// indent marshals v as Discord receives it, then indents it without
// HTML escaping, so the file reads "<@1>", not "\u003c@1\u003e".
func indent(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(generic); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

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

func doc(quote, answer string, start int, meta retrieval.Metadata, paragraph int) retrieval.Citation {
	c := retrieval.Citation{Doc: "doc", Metadata: meta, Paragraph: paragraph, Start: start, End: start + len(quote), Quote: quote, Score: 1}
	if i := strings.Index(quote, answer); answer != "" && i >= 0 {
		c.Highlight = &retrieval.Span{Start: start + i, End: start + i + len(answer)}
	}
	return c
}

var (
	crbc   = retrieval.Metadata{Title: "US slashes refugee cap to 7,500", Publisher: "CRBC News", Author: "Humeyra Pamuk", Date: "2025-10-31", URL: "https://example.org/news/refugees_(2025)?id=7&src=x"}
	ledger = retrieval.Metadata{Title: "Cable urges allies to curb migration", Publisher: "The Ledger", Date: "2025-11-02"}
)

func answered() bot.Reply {
	return bot.Reply{Answer: retrieval.Answer{
		Question: "What was the FY2026 refugee cap?", Answered: true, Short: "7,500",
		Citations: []retrieval.Citation{
			doc("The administration set the FY2026 refugee cap at 7,500, the lowest on record.", "7,500", 1200, crbc, 4),
			doc("Trump reduced FY2026 to 7,500 from Biden’s 100,000+ in FY2024.", "7,500", 88, ledger, 2),
		},
	}}
}

func TestRenderGolden(t *testing.T) {
	hostileMeta := retrieval.Metadata{Title: "@everyone *Breaking* <@123456789012345678> [click](https://evil.example)", Publisher: "@here Daily",
		Author: "<@&123456789012345678> __team__", Date: "2025", URL: "javascript:alert(1)"}
	hostile := bot.Reply{Answer: retrieval.Answer{
		Question: "What is the siren code @here?", Answered: true, Short: "@everyone 4411 ||spoiler||",
		Citations: []retrieval.Citation{doc("# Sirens\n> code: @everyone 4411 @here <@123456789012345678> <@!1> <@&2> <#3> <t:1:R> `x` ~~y~~ **z** \\<@4> - 1. item",
			"4411", 0, hostileMeta, 1)},
	}}
	declined := bot.Reply{Answer: retrieval.Answer{
		Question: "What is the refugee cap for fiscal 2027?", Answered: false, Reason: "no document mentions 2027",
		Closest: []retrieval.Citation{doc("Trump reduced FY2026 to 7,500 from Biden’s 100,000+ in FY2024.", "", 88, ledger, 2)},
	}}
	cases := map[string]struct {
		reply bot.Reply
		view  view
	}{
		"answer":           {answered(), view{answerID: "0190aaaaaaaa01234567"}},
		"answer_follow_up": {answered(), view{answerID: "0190aaaaaaaa01234567", readAs: "What was the fiscal 2024 refugee cap?"}},
		"declined":         {declined, view{answerID: "0190aaaaaaaa01234568"}},
		"hostile":          {hostile, view{answerID: "0190aaaaaaaa01234569", readAs: "<@123456789012345678> @everyone siren?"}},
		"no_record":        {answered(), view{}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			m := sent(answerMessage(c.reply, c.view))
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
	golden(t, "help", sent(helpMessage()))
	src := sent(sourcesMessage(bot.Turn{Action: bot.ActionSources, Sources: []retrieval.Source{
		{ID: "000_49e5d4ef9c47bd09", Metadata: crbc, Collection: "seeds", Passages: 12},
		{ID: "002_af087fb2e48502ed", Metadata: hostileMeta, Passages: 9},
	}}))
	golden(t, "sources", src)
	if p := Pings(marshal(t, src)); len(p) > 0 {
		t.Errorf("the sources list would notify: %q", p)
	}
	golden(t, "commands_guild", Commands(false))
	golden(t, "commands_global", Commands(true))
}

// TestRenderHostileDocumentIsInert checks what the hostile golden file
// shows: mention syntax and Markdown from a document are text, and a
// javascript: URL is not linked; and that the checker itself catches
// live mentions.
func TestRenderHostileDocumentIsInert(t *testing.T) {
	meta := retrieval.Metadata{Title: "<@1> news", Publisher: "@here Times", URL: "javascript:alert(1)"}
	r := bot.Reply{Answer: retrieval.Answer{Question: "q", Answered: true, Short: "@everyone",
		Citations: []retrieval.Citation{doc("@everyone @here <@123> <@!123> <@&456> \\<@789> *bold* [x](https://evil.example)", "", 0, meta, 1)}}}
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
	var cites []retrieval.Citation
	for i := range 20 {
		cites = append(cites, doc(para, "harbour budget", i*4000, crbc, i+1))
	}
	r := bot.Reply{Answer: retrieval.Answer{Question: "q", Answered: true, Short: strings.Repeat("long answer ", 100), Citations: cites}}
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
	r := bot.Reply{Answer: retrieval.Answer{Question: "q", Answered: true, Short: "the answer",
		Citations: []retrieval.Citation{doc(para, "the answer", 0, crbc, 1)}}}
	m := answerMessage(r, view{})
	if len(m.Embeds[0].Fields) != 1 {
		t.Fatalf("%d fields; want the quote kept, shortened", len(m.Embeds[0].Fields))
	}
	v := m.Embeds[0].Fields[0].Value
	if units(v) > MaxFieldValue || !strings.Contains(v, "**the answer**") {
		t.Errorf("field of %d characters:\n%s\nwant at most %d, with the span", units(v), v, MaxFieldValue)
	}
}

// BenchmarkAnswerMessage renders an answer of 20 long quotes, fitting it
// to Discord's limits (the worst case of the fitting loop).
func BenchmarkAnswerMessage(b *testing.B) {
	para := strings.Repeat("The council debated the *harbour budget* at length. ", 60)
	var cites []retrieval.Citation
	for i := range 20 {
		cites = append(cites, doc(para, "harbour budget", i*4000, crbc, i+1))
	}
	r := bot.Reply{Answer: retrieval.Answer{Question: "q", Answered: true, Short: "the harbour budget", Citations: cites}}
	for b.Loop() {
		answerMessage(r, view{answerID: "x"})
	}
}

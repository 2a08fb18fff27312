package slack

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares v, as indented JSON, with testdata/name.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	// Through a generic value and back without HTML escaping, so the file
	// reads "<@U1>", not "\u003c@U1\u003e" (slack-go's text objects
	// escape when they marshal themselves).
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
	got := buf.Bytes()
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
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

// message is what a render produces, as Slack receives it.
type rendered struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

func doc(quote, answer string, start int, meta retrieval.Metadata, paragraph int) retrieval.Citation {
	c := retrieval.Citation{Doc: "doc", Metadata: meta, Paragraph: paragraph, Start: start, End: start + len(quote), Quote: quote, Score: 1}
	if i := strings.Index(quote, answer); answer != "" && i >= 0 {
		c.Highlight = &retrieval.Span{Start: start + i, End: start + i + len(answer)}
	}
	return c
}

var (
	crbc = retrieval.Metadata{Title: "US slashes refugee cap to 7,500", Publisher: "CRBC News", Author: "Humeyra Pamuk", Date: "2025-10-31", URL: "https://example.org/news/refugees?id=7&src=x"}
	nyt  = retrieval.Metadata{Title: "Cable urges allies to curb migration", Publisher: "The Ledger", Date: "2025-11-02"}
)

func answered() bot.Reply {
	return bot.Reply{Answer: retrieval.Answer{
		Question: "What was the FY2026 refugee cap?", Answered: true, Short: "7,500",
		Citations: []retrieval.Citation{
			doc("The administration set the FY2026 refugee cap at 7,500, the lowest on record.", "7,500", 1200, crbc, 4),
			doc("Trump reduced FY2026 to 7,500 from Biden’s 100,000+ in FY2024.", "7,500", 88, nyt, 2),
		},
	}}
}

func TestRenderGolden(t *testing.T) {
	hostileMeta := retrieval.Metadata{Title: "<!channel> Breaking & <@U024BE7LH> *alert*", Publisher: "@everyone Daily", Author: "<!subteam^S123|@team>", Date: "2025", URL: "javascript:alert(1)"}
	hostile := bot.Reply{Answer: retrieval.Answer{
		Question: "What is the siren code <!here>?", Answered: true, Short: "<!channel> 4411",
		Citations: []retrieval.Citation{doc("Sirens: <!channel> 4411 @everyone @here <@U024BE7LH> <#C1|general> <https://evil.example|click> & more.", "<!channel> 4411", 0, hostileMeta, 1)},
	}}
	declined := bot.Reply{Answer: retrieval.Answer{
		Question: "What is the refugee cap for fiscal 2027?", Answered: false, Reason: "no document mentions 2027",
		Closest: []retrieval.Citation{doc("Trump reduced FY2026 to 7,500 from Biden’s 100,000+ in FY2024.", "", 88, nyt, 2)},
	}}
	cases := map[string]struct {
		reply bot.Reply
		view  view
	}{
		"answer_private":   {answered(), view{answerID: "0190aaaaaaaa01234567", private: true}},
		"answer_thread":    {answered(), view{answerID: "0190aaaaaaaa01234567"}},
		"answer_shared":    {answered(), view{answerID: "0190aaaaaaaa01234567", askedBy: "U2CERLKJA"}},
		"answer_follow_up": {answered(), view{answerID: "0190aaaaaaaa01234567", readAs: "What was the fiscal 2024 refugee cap?"}},
		"declined":         {declined, view{answerID: "0190aaaaaaaa01234568"}},
		"hostile":          {hostile, view{answerID: "0190aaaaaaaa01234569", askedBy: "U2CERLKJA"}},
		"no_record":        {answered(), view{}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			blocks, text := answerMessage(c.reply, c.view)
			golden(t, name, rendered{text, blocks})
			raw, _ := json.Marshal(blocks)
			if p := Pings(raw, text, c.view.askedBy); len(p) > 0 {
				t.Errorf("the message would notify: %q", p)
			}
			if !fits(blocks) {
				t.Errorf("the message exceeds Slack's limits: %+v", measure(blocks))
			}
		})
	}

	help, text := helpMessage("/ask")
	golden(t, "help", rendered{text, help})
	src, text := sourcesMessage(bot.Turn{Action: bot.ActionSources, Sources: []retrieval.Source{
		{ID: "000_49e5d4ef9c47bd09", Metadata: crbc, Collection: "seeds", Passages: 12},
		{ID: "002_af087fb2e48502ed", Metadata: hostileMeta, Passages: 9},
	}})
	golden(t, "sources", rendered{text, src})
	raw, _ := json.Marshal(src)
	if p := Pings(raw, text, ""); len(p) > 0 {
		t.Errorf("the sources list would notify: %q", p)
	}
}

// TestRenderHostileDocumentIsInert checks what the golden file shows: the
// document's control sequences and broadcast words are text, and its
// javascript: URL is not linked.
func TestRenderHostileDocumentIsInert(t *testing.T) {
	meta := retrieval.Metadata{Title: "<!channel> news", Publisher: "@here Times", URL: "javascript:alert(1)"}
	r := bot.Reply{Answer: retrieval.Answer{Question: "q", Answered: true, Short: "@everyone",
		Citations: []retrieval.Citation{doc("<!channel> <!here> <!everyone> @channel @here @everyone <@U123ABC> <!subteam^S1>", "", 0, meta, 1)}}}
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

// TestRenderTrimsToSlackLimits renders an answer of 20 long quotes: it
// must fit Slack's limits, keep the first quotes, and say how many were
// left out.
func TestRenderTrimsToSlackLimits(t *testing.T) {
	para := strings.Repeat("The council debated the harbour budget at length. ", 60) // ~3,000 characters
	var cites []retrieval.Citation
	for i := range 20 {
		cites = append(cites, doc(para, "harbour budget", i*4000, crbc, i+1))
	}
	r := bot.Reply{Answer: retrieval.Answer{Question: "q", Answered: true, Short: strings.Repeat("long answer ", 100), Citations: cites}}
	blocks, _ := answerMessage(r, view{answerID: "x", private: true})
	if !fits(blocks) {
		t.Fatalf("not within limits: %+v", measure(blocks))
	}
	raw, _ := json.Marshal(blocks)
	kept := strings.Count(string(raw), `"rich_text_quote"`)
	more := regexp.MustCompile(`… \((\d+) more quotes\)`).FindStringSubmatch(string(raw))
	if kept == 0 || more == nil || more[1] != itoa(20-kept) {
		t.Errorf("kept %d quotes, note %q; want some kept and the rest counted", kept, more)
	}
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

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// BenchmarkAnswerMessage renders an answer of 20 long quotes, fitting it
// to Slack's limits (the worst case of the fitting loop).
func BenchmarkAnswerMessage(b *testing.B) {
	para := strings.Repeat("The council debated the harbour budget at length. ", 60)
	var cites []retrieval.Citation
	for i := range 20 {
		cites = append(cites, doc(para, "harbour budget", i*4000, crbc, i+1))
	}
	r := bot.Reply{Answer: retrieval.Answer{Question: "q", Answered: true, Short: "the harbour budget", Citations: cites}}
	for b.Loop() {
		answerMessage(r, view{answerID: "x", private: true})
	}
}

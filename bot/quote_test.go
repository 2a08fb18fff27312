package bot_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval"
)

// askOnly is an index that answers questions but cannot check quotes.
type askOnly struct{}

func (askOnly) Ask(context.Context, string, retrieval.AskOptions) (retrieval.Answer, error) {
	return retrieval.Answer{Citations: []retrieval.Citation{}, Closest: []retrieval.Citation{}}, nil
}
func (askOnly) Sources() ([]retrieval.Source, error) { return nil, nil }

func TestQuoteCheckValidates(t *testing.T) {
	b := bot.New(seedIndex(t))
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		req  bot.QuoteRequest
		code bot.Code
	}{
		{"empty", bot.QuoteRequest{Text: "  \n "}, bot.CodeInvalid},
		{"too long", bot.QuoteRequest{Text: strings.Repeat("word ", retrieval.MaxQuoteBytes)}, bot.CodeInvalid},
		{"bad top", bot.QuoteRequest{Text: "a nation", Top: 99}, bot.CodeInvalid},
	} {
		if _, err := b.QuoteCheck(ctx, tc.req); bot.ErrorCode(err) != tc.code || bot.ErrorMessage(err) == "" {
			t.Errorf("%s: QuoteCheck error %v; want code %s with a message", tc.name, err, tc.code)
		}
		if _, err := b.WhoSaid(ctx, tc.req); bot.ErrorCode(err) != tc.code {
			t.Errorf("%s: WhoSaid error %v; want code %s", tc.name, err, tc.code)
		}
	}
	_, err := bot.New(askOnly{}).QuoteCheck(ctx, bot.QuoteRequest{Text: "a nation"})
	if bot.ErrorCode(err) != bot.CodeUnavailable {
		t.Errorf("an index without quote checking: error %v; want unavailable", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.QuoteCheck(cancelled, bot.QuoteRequest{Text: "a nation without borders"}); err != nil && bot.ErrorCode(err) != bot.CodeUnavailable {
		t.Errorf("a cancelled check: error %v; want unavailable (or done before the cancel is seen)", err)
	}
	// Invalid UTF-8 is checked, not refused.
	if _, err := b.QuoteCheck(ctx, bot.QuoteRequest{Text: "a nation \xff without borders"}); err != nil {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

// TestAskRoutesWhoSaid: dev16 is answered by the attribution tool with
// the speaker's name, the attributing passages first with the name
// highlighted, and the ask JSON keeps its fields.
func TestAskRoutesWhoSaid(t *testing.T) {
	b := bot.New(seedIndex(t))
	ctx := context.Background()
	reply, err := b.Ask(ctx, bot.Request{Question: "Who said “a nation without borders is not a nation”?"})
	if err != nil {
		t.Fatal(err)
	}
	if !reply.Answered || reply.Short != "Trump" || len(reply.Citations) == 0 {
		t.Fatalf("answered %v with %q (%d citations); want Trump", reply.Answered, reply.Short, len(reply.Citations))
	}
	c := reply.Citations[0]
	if c.Highlight == nil || c.Quote[c.Highlight.Start-c.Start:c.Highlight.End-c.Start] != "Trump" {
		t.Errorf("first citation %q highlights %+v; want Trump", c.Quote, c.Highlight)
	}
	plain, err := b.Ask(ctx, bot.Request{Question: "What was the FY2026 refugee cap?"})
	if err != nil {
		t.Fatal(err)
	}
	if keys(t, reply) != keys(t, plain) {
		t.Errorf("who-said JSON fields %s differ from an answer's %s", keys(t, reply), keys(t, plain))
	}

	// A question that is not about a quotation is not rerouted.
	other, err := b.Ask(ctx, bot.Request{Question: "Who wrote the CRBC News article?"})
	if err != nil {
		t.Fatal(err)
	}
	if other.Short != "Humeyra Pamuk" {
		t.Errorf("Who wrote …? answered %q; want the byline, Humeyra Pamuk", other.Short)
	}
}

func keys(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var ks []string
	for k := range m {
		if k != "agreement" && k != "as_of" && k != "answer_type" {
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

func TestParseQuote(t *testing.T) {
	for in, want := range map[string]bot.Command{
		"quote a nation without borders":       {Kind: bot.CommandQuote, Question: "a nation without borders"},
		"Quote --who a nation without borders": {Kind: bot.CommandWho, Question: "a nation without borders"},
		"quote":                                {Kind: bot.CommandAsk, Question: "quote"},
		"quote help":                           {Kind: bot.CommandHelp},
		"quotes from the cable?":               {Kind: bot.CommandAsk, Question: "quotes from the cable?"},
	} {
		if got := bot.ParseCommand(in); got != want {
			t.Errorf("ParseCommand(%q) = %+v; want %+v", in, got, want)
		}
	}
	for in, want := range map[string]bot.Command{
		"":                 {Kind: bot.CommandHelp},
		"--who":            {Kind: bot.CommandHelp},
		"--who it is so":   {Kind: bot.CommandWho, Question: "it is so"},
		"--whom it is so":  {Kind: bot.CommandQuote, Question: "--whom it is so"},
		" “it is so” ":     {Kind: bot.CommandQuote, Question: "“it is so”"},
		"who is to blame?": {Kind: bot.CommandQuote, Question: "who is to blame?"},
	} {
		if got := bot.ParseQuote(in); got != want {
			t.Errorf("ParseQuote(%q) = %+v; want %+v", in, got, want)
		}
	}
}

// TestChatQuoteCommands drives quote checks through the conversation
// layer, limited to the channel's collections.
func TestChatQuoteCommands(t *testing.T) {
	chat := bot.NewChat(bot.New(seedIndex(t)), bot.ChatOptions{Platform: "test", Rules: bot.Rules{
		Channels: map[string]bot.ChannelRule{"CNONE": {Collections: []string{"nothing-here"}}},
	}})
	turn := handle(t, chat, bot.Message{Channel: "C1", Mentioned: true, Text: "quote protect your voters from the negative social impacts"})
	if turn.Action != bot.ActionQuote || turn.Quote == nil || turn.Quote.Verdict != retrieval.VerdictNear {
		t.Fatalf("quote turn %+v; want a near quote check", turn)
	}
	turn = handle(t, chat, bot.Message{Channel: "C1", Mentioned: true, Text: "quote --who a nation without borders is not a nation"})
	if turn.Action != bot.ActionQuote || turn.Who == nil || turn.Who.Speaker != "Trump" {
		t.Fatalf("who turn %+v; want Trump", turn)
	}
	turn = handle(t, chat, bot.Message{Channel: "CNONE", Mentioned: true, Text: "quote a nation without borders is not a nation"})
	if turn.Quote == nil || turn.Quote.Verdict != retrieval.VerdictNotFound {
		t.Errorf("a channel limited to another collection: %+v; want not_found", turn.Quote)
	}
}

func TestQuotePlanMarksDifferences(t *testing.T) {
	b := bot.New(seedIndex(t))
	ctx := context.Background()
	qr, err := b.QuoteCheck(ctx, bot.QuoteRequest{Text: "protect your voters from the adverse social impacts"})
	if err != nil {
		t.Fatal(err)
	}
	p := bot.NewQuotePlan(qr, bot.PlanLimits{MaxQuotes: 10, MaxQuoteRunes: 1200})
	if p.Verdict != "exact" || !strings.HasPrefix(p.Headline, "Exact: ") || len(p.Quotes) != 1 || p.OthersTitle == "" || len(p.Others) != 1 {
		t.Fatalf("plan %+v; want exact with the other article's wording", p)
	}
	var differs []string
	for _, s := range p.Others[0].Segments {
		if s.Differs {
			differs = append(differs, s.Text)
		}
	}
	if !reflect.DeepEqual(differs, []string{"citizens", "negative"}) {
		t.Errorf("words marked as differing = %q; want citizens, negative", differs)
	}
	if got := p.Others[0].DifferencesNote(); got != "Your text → the document: “voters” → “citizens”; “adverse” → “negative”" {
		t.Errorf("differences note = %q", got)
	}
	if got := p.Others[0].Text(); got != qr.Variants[0].Quote {
		t.Errorf("segments re-type the quote: %q", got)
	}
	kept := p.Keep(1)
	if kept.Len() != 1 || kept.More != 1 || kept.MoreNote() != "… (1 more passage)" || len(kept.Others) != 0 {
		t.Errorf("Keep(1) = %+v; want one passage and a note", kept)
	}

	who, err := b.WhoSaid(ctx, bot.QuoteRequest{Text: "a nation without borders is not a nation"})
	if err != nil {
		t.Fatal(err)
	}
	wp := bot.NewWhoPlan(who, bot.PlanLimits{})
	if wp.Headline != "Attributed to Trump." || len(wp.Quotes) != 3 || wp.Quotes[0].Speaker == "" {
		t.Errorf("who plan %+v; want Trump and three places", wp)
	}
}

func TestPlanSourcesNote(t *testing.T) {
	b := bot.New(seedIndex(t))
	reply, err := b.Ask(context.Background(), bot.Request{Question: "What was the FY2026 refugee cap?"})
	if err != nil {
		t.Fatal(err)
	}
	p := bot.NewPlan(reply, bot.PlanLimits{})
	if got := p.SourcesNote(); got != "2 sources agree: 7,500 · as of 2025-11-28" {
		t.Errorf("SourcesNote = %q", got)
	}
	if got := (bot.Plan{AsOf: "2025-11-28"}).SourcesNote(); got != "as of 2025-11-28" {
		t.Errorf("SourcesNote with a date only = %q", got)
	}
	if got := (bot.Plan{}).SourcesNote(); got != "" {
		t.Errorf("SourcesNote with nothing known = %q", got)
	}
}

// TestWhoPlanSaysMisquoteFirst: asking who said a text the documents
// hold only nearly ("…impacts of migration" where they say "…impacts of
// mass migration"; "a nation without its borders") says it is not word
// for word before it names anyone, and marks the differing words.
func TestWhoPlanSaysMisquoteFirst(t *testing.T) {
	b := bot.New(seedIndex(t))
	for _, tc := range []struct {
		text, verdict, marked string
	}{
		{"protect your voters from the adverse social impacts of migration", "unattributed", "mass"},
		{"a nation without its borders is not a nation", "attributed", ""},
	} {
		who, err := b.WhoSaid(context.Background(), bot.QuoteRequest{Text: tc.text})
		if err != nil {
			t.Fatal(err)
		}
		if who.QuoteVerdict != retrieval.VerdictNear || string(who.Verdict) != tc.verdict {
			t.Fatalf("%q: %s, quote verdict %s; want %s, near", tc.text, who.Verdict, who.QuoteVerdict, tc.verdict)
		}
		wp := bot.NewWhoPlan(who, bot.PlanLimits{})
		if !strings.HasPrefix(wp.Headline, "Near: not word for word") {
			t.Errorf("%q: headline %q; want it to open by saying the text is not word for word", tc.text, wp.Headline)
		}
		if strings.HasPrefix(wp.Headline, "Attributed") || strings.HasPrefix(wp.Headline, "Unattributed") {
			t.Errorf("%q: headline %q", tc.text, wp.Headline)
		}
		if tc.verdict == "attributed" && !strings.HasSuffix(wp.Headline, "attribute their wording to "+who.Speaker+".") {
			t.Errorf("%q: headline %q; want the speaker named after the misquote", tc.text, wp.Headline)
		}
		if tc.marked == "" {
			continue
		}
		var marked []string
		for _, q := range wp.Quotes {
			for _, s := range q.Segments {
				if s.Differs {
					marked = append(marked, s.Text)
				}
			}
		}
		if !slices.Contains(marked, tc.marked) {
			t.Errorf("%q: marked words %q; want the document's extra word %q", tc.text, marked, tc.marked)
		}
	}
}

// TestQuoteRepliesCarryTheHeadline: a quote check's and an attribution's
// JSON (the CLI's and the API's) carry the verdict in the words every
// surface shows (the plan's headline), so a client such as the web page
// shows them as they stand instead of wording the verdicts again.
func TestQuoteRepliesCarryTheHeadline(t *testing.T) {
	b := bot.New(seedIndex(t))
	ctx := context.Background()
	for _, text := range []string{"a nation without borders is not a nation", "a nation without walls is not a nation", "The weather in Paris was lovely"} {
		check, err := b.QuoteCheck(ctx, bot.QuoteRequest{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		who, err := b.WhoSaid(ctx, bot.QuoteRequest{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			reply any
			want  string
		}{{check, bot.NewQuotePlan(check, bot.PlanLimits{}).Headline}, {who, bot.NewWhoPlan(who, bot.PlanLimits{}).Headline}} {
			raw, _ := json.Marshal(c.reply)
			var got struct{ Headline string }
			if err := json.Unmarshal(raw, &got); err != nil || got.Headline != c.want || c.want == "" {
				t.Errorf("%q: JSON headline %q (%v); want the plan's %q", text, got.Headline, err, c.want)
			}
		}
	}
}

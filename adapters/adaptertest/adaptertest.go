// Package adaptertest is the conformance kit every chat adapter runs
// (Slack, Discord, and the next one), so they all keep the same promises: a
// question is answered with its short answer and citation; a question
// the documents cannot answer is declined, saying so; a long answer is
// trimmed to the platform's limits and says how many quotes it left
// out; nothing a document says ever notifies anyone (@channel, @here,
// @everyone, user pings); a user over the rate limit is told so, without
// a search; and a 👍/👎 click is recorded with who voted on which
// question and answer.
//
// An adapter's test implements Driver over its real wire protocol (a
// local fake of the platform's API, the real SDK pointed at it) and
// calls Run:
//
//	func TestConformance(t *testing.T) {
//		adaptertest.Run(t, func(t *testing.T, chat *bot.Chat) adaptertest.Driver {
//			return newSlackDriver(t, chat) // starts the adapter with chat
//		})
//	}
//
// The kit builds the documents (the seed articles plus a hostile one and
// a long one), the index (real, in memory), the bot and its Chat; the
// driver only moves messages. It imports bot and retrieval, never a chat
// SDK.
//
// It also holds what the adapters' own tests share: the seed index
// (SeedIndex), render fixtures and quote-check cases, golden files
// (Golden, with -update), the platforms' recorded payloads (Fixture),
// waits that end only at the test's deadline (Eventually, Receive),
// log capture (Logs), the lifecycle check every adapter's Run must pass
// (RunAdapter, on Go, which runs anything in the background until the
// test stops it: a Supervisor, the whole serve command), HTTP calls that
// give up only at the deadline (Call, Fetch, Do), and a client that
// proves an oversized body gets a readable 413 (Oversized). The
// command's tests (cmd/citebot) use them too. Every use of the retrieval
// package by the adapters' tests is in one file, retrieval.go.
//
// Adapters that hand the bot's replies to programs whole, as the JSON
// object `citebot ask --json` writes (the HTTP API, the MCP server), run
// RunAnswers instead: the same questions, and the reply the client
// receives must be the bot's, field for field.
package adaptertest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/citebot/citebot/bot"
)

// Reply is a bot message as the platform received it, reduced to what
// the kit checks.
type Reply struct {
	// Text is what a reader sees: the short answer, quotes, citation
	// lines, notes; markup and escapes removed, links as their labels.
	Text string
	// Pings lists what in the message would notify anyone (mention
	// syntax, mention elements, bare @channel/@here/@everyone). It must
	// be empty.
	Pings []string
	// LimitErr says which of the platform's message limits the message
	// breaks; nil when within them.
	LimitErr error
	// Quotes counts the quotes shown.
	Quotes int
	// AnswerID is the recorded answer the message's buttons refer to.
	AnswerID string
}

// Driver drives one chat adapter through its platform's wire protocol.
type Driver interface {
	// Ask sends question the way a platform user addresses the bot (a
	// mention or a slash command) and returns the bot's reply.
	Ask(t *testing.T, question string) Reply
	// Vote clicks the 👍 or 👎 button of reply as user, and returns once
	// the adapter has handled the click.
	Vote(t *testing.T, reply Reply, user string, vote bot.Vote)
}

var serial atomic.Int64

// Serial is a number no other call in the test binary gets: a driver
// makes the IDs of its messages (event and interaction IDs, timestamps)
// unique with it, as the platform's are.
func Serial() int64 { return serial.Add(1) }

// Questions the kit asks.
const (
	AnswerQuestion  = "What was the FY2026 refugee cap?"
	DeclineQuestion = "What is the population of Canada?"
	HostileQuestion = "What is the harbour siren code?"
	LongQuestion    = "What did the council say about the zebra crossing budget?"
	// FiscalQuestion asks about a year no document covers: it must be
	// declined, never answered with the 2026 figure.
	FiscalQuestion = "What is the refugee cap for fiscal 2027?"
	// LongTop is how many quotes the kit's Chat gives: the long document
	// makes each of them about 2,500 characters, past every chat
	// platform's message limits.
	LongTop = 20
)

// Run runs every conformance case against the adapter newDriver starts
// around chat (a fresh Chat, Store and adapter per case).
func Run(t *testing.T, newDriver func(t *testing.T, chat *bot.Chat) Driver) {
	ix := kitIndex(t)
	b := bot.New(ix)
	setup := func(t *testing.T) (Driver, bot.Store) {
		store := bot.NewMemoryStore()
		chat := bot.NewChat(b, bot.ChatOptions{Platform: "conformance", Store: store, Top: LongTop})
		return newDriver(t, chat), store
	}
	expect := func(t *testing.T, q string) bot.Reply {
		t.Helper()
		r, err := b.Ask(context.Background(), bot.Request{Question: q, Top: LongTop})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	clean := func(t *testing.T, r Reply) {
		t.Helper()
		if len(r.Pings) > 0 {
			t.Errorf("the reply would notify people: %q", r.Pings)
		}
		if r.LimitErr != nil {
			t.Errorf("the reply breaks the platform's limits: %v", r.LimitErr)
		}
	}

	t.Run("answer", func(t *testing.T) {
		d, _ := setup(t)
		want := expect(t, AnswerQuestion)
		if !want.Answered {
			t.Fatalf("the kit's corpus does not answer %q", AnswerQuestion)
		}
		r := d.Ask(t, AnswerQuestion)
		clean(t, r)
		first := want.Citations[0]
		for _, s := range []string{want.Short, first.Title, first.Publisher} {
			if s != "" && !strings.Contains(r.Text, s) {
				t.Errorf("the answer lacks %q:\n%s", s, r.Text)
			}
		}
		if r.Quotes == 0 || r.AnswerID == "" {
			t.Errorf("the answer shows %d quotes, answer ID %q; want quotes and feedback buttons", r.Quotes, r.AnswerID)
		}
	})

	t.Run("decline", func(t *testing.T) {
		d, _ := setup(t)
		if expect(t, DeclineQuestion).Answered {
			t.Fatalf("the kit's corpus answers %q", DeclineQuestion)
		}
		r := d.Ask(t, DeclineQuestion)
		clean(t, r)
		if !strings.Contains(r.Text, "Not in the documents") {
			t.Errorf("the decline does not say so:\n%s", r.Text)
		}
	})

	t.Run("trim", func(t *testing.T) {
		d, _ := setup(t)
		n := len(expect(t, LongQuestion).Citations)
		if n < 10 {
			t.Fatalf("the long document gives %d quotes; the case needs many", n)
		}
		r := d.Ask(t, LongQuestion)
		clean(t, r)
		if r.Quotes == 0 || r.Quotes > n {
			t.Fatalf("%d quotes shown of %d", r.Quotes, n)
		}
		t.Logf("%d of %d quotes shown", r.Quotes, n)
		if r.Quotes < n {
			note := fmt.Sprintf("(%d more quote", n-r.Quotes)
			if !strings.Contains(r.Text, note) {
				t.Errorf("%d of %d quotes shown but no %q note:\n%.3000s", r.Quotes, n, note, r.Text)
			}
		}
	})

	t.Run("never ping", func(t *testing.T) {
		d, _ := setup(t)
		r := d.Ask(t, HostileQuestion)
		clean(t, r)
		for _, s := range []string{"4411", "channel", "everyone", "Harbour siren codes"} {
			if !strings.Contains(r.Text, s) {
				t.Errorf("the reply hides %q instead of showing it as text:\n%s", s, r.Text)
			}
		}
	})

	t.Run("rate limited", func(t *testing.T) {
		// One question per user: the second is refused with the
		// friendly notice, before the index is searched.
		obs := &Counter{}
		chat := bot.NewChat(bot.New(ix, bot.WithObserver(obs)), bot.ChatOptions{Platform: "conformance", Store: bot.NewMemoryStore(), Top: LongTop,
			Limits: bot.Limits{PerUser: bot.Rate{PerSecond: 0.001, Burst: 1}}})
		d := newDriver(t, chat)
		want := expect(t, AnswerQuestion)
		if r := d.Ask(t, AnswerQuestion); !strings.Contains(r.Text, want.Short) {
			t.Errorf("the first question is answered:\n%s\nwant %q", r.Text, want.Short)
		}
		r := d.Ask(t, AnswerQuestion)
		clean(t, r)
		if !strings.Contains(r.Text, bot.RateLimitedMessage) {
			t.Errorf("the second question is answered:\n%s\nwant the rate limit's notice %q", r.Text, bot.RateLimitedMessage)
		}
		if n := obs.Questions(); n != 1 {
			t.Errorf("%d questions reached the index; want 1 (the limited one is refused before searching)", n)
		}
	})

	t.Run("feedback", func(t *testing.T) {
		d, store := setup(t)
		want := expect(t, AnswerQuestion)
		r := d.Ask(t, AnswerQuestion)
		if r.AnswerID == "" {
			t.Fatal("the answer has no feedback buttons")
		}
		for _, v := range []bot.Vote{bot.VoteUp, bot.VoteDown} {
			d.Vote(t, r, "U0CONFORM1", v)
			votes, err := store.Votes(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(votes) != 1 {
				t.Fatalf("%d votes recorded after voting %s; want 1 (changed, not added)", len(votes), v)
			}
			got := votes[0]
			if got.Vote != v || got.User != "U0CONFORM1" || got.Question != AnswerQuestion || got.Answer != want.Short || got.AnswerID != r.AnswerID || got.Time.IsZero() {
				t.Errorf("recorded %+v; want U0CONFORM1's %s on %q (%s), with a time", got, v, AnswerQuestion, want.Short)
			}
		}
	})
}

// Answerer drives an adapter that hands out the bot's replies whole.
type Answerer interface {
	// Ask sends question over the adapter's wire protocol, as a client
	// of it would, and returns the reply JSON the client received.
	Ask(t *testing.T, question string) []byte
}

// RunAnswers runs the conformance cases of adapters that hand out
// replies whole against the adapter newDriver starts around b: the
// refugee-cap question is answered with 7,500 and its citations, a
// question about fiscal 2027 and one about something no document covers
// are declined, and every reply is the JSON object the bot's reply
// marshals to, with the same fields and values.
func RunAnswers(t *testing.T, newDriver func(t *testing.T, b *bot.Bot) Answerer) {
	b := bot.New(kitIndex(t))
	same := func(t *testing.T, q string) map[string]any {
		t.Helper()
		want, err := b.Ask(context.Background(), bot.Request{Question: q})
		if err != nil {
			t.Fatal(err)
		}
		wantJSON, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		gotJSON := newDriver(t, b).Ask(t, q)
		var got, wantMap map[string]any
		if err := json.Unmarshal(gotJSON, &got); err != nil {
			t.Fatalf("the reply is not a JSON object (%v): %s", err, gotJSON)
		}
		json.Unmarshal(wantJSON, &wantMap)
		if !reflect.DeepEqual(got, wantMap) {
			t.Errorf("the reply differs from the bot's:\n got %s\nwant %s", gotJSON, wantJSON)
		}
		return got
	}

	t.Run("answer", func(t *testing.T) {
		got := same(t, AnswerQuestion)
		cites, _ := got["citations"].([]any)
		if got["answered"] != true || got["answer"] != "7,500" || len(cites) == 0 {
			t.Fatalf("answered %v with %q and %d citations; want 7,500, cited", got["answered"], got["answer"], len(cites))
		}
		for i, c := range cites {
			c, _ := c.(map[string]any)
			keys := make([]string, 0, len(c))
			for k := range c {
				keys = append(keys, k)
			}
			for _, k := range []string{"doc", "quote", "title", "publisher", "author", "date", "url", "paragraph", "start", "end"} {
				if !slices.Contains(keys, k) {
					t.Errorf("citation %d lacks %q: %v", i+1, k, keys)
				}
			}
			if q, _ := c["quote"].(string); !strings.Contains(q, "7,500") && i == 0 {
				t.Errorf("the first quote %q does not hold the answer", q)
			}
		}
	})
	for _, q := range []string{FiscalQuestion, DeclineQuestion} {
		t.Run("decline "+q, func(t *testing.T) {
			got := same(t, q)
			cites, _ := got["citations"].([]any)
			if got["answered"] != false || got["answer"] != "" || len(cites) != 0 {
				t.Errorf("answered %v with %q and %d citations; want a decline", got["answered"], got["answer"], len(cites))
			}
			if q == FiscalQuestion && !strings.Contains(fmt.Sprint(got["reason"]), "2027") {
				t.Errorf("the decline's reason %q does not name 2027", got["reason"])
			}
		})
	}
}

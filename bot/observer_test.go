package bot_test

import (
	"context"
	"sync"
	"testing"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/ingest/seedtest"
)

// recorder is an Observer that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []bot.QuestionEvent
}

func (r *recorder) ObserveQuestion(ev bot.QuestionEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

// seedIndex answers from the seed articles, indexed in memory.
func seedIndex(t *testing.T) *answer.Engine {
	t.Helper()
	return bot.MemoryEngine(t, seedtest.Docs(t)...)
}

func TestObserverSeesEveryOutcome(t *testing.T) {
	rec := &recorder{}
	b := bot.New(seedIndex(t), bot.WithObserver(rec), bot.WithMaxQuestionBytes(100))
	ctx := context.Background()

	cases := []struct {
		req     bot.Request
		outcome bot.Outcome
		code    bot.Code
		adapter string
	}{
		{bot.Request{Question: "What was the FY2026 refugee cap?", Adapter: "http"}, bot.OutcomeAnswered, "", "http"},
		{bot.Request{Question: "Who won the 1966 World Cup final?", Adapter: "slack"}, bot.OutcomeDeclined, "", "slack"},
		{bot.Request{Question: "   ", Adapter: "http"}, bot.OutcomeError, bot.CodeInvalid, "http"},
		{bot.Request{Question: "What was the FY2026 refugee cap?", Top: 99}, bot.OutcomeError, bot.CodeInvalid, "unknown"},
	}
	for _, c := range cases {
		reply, err := b.Ask(ctx, c.req)
		if (c.outcome == bot.OutcomeError) != (err != nil) {
			t.Fatalf("Ask(%q) error = %v; want outcome %s", c.req.Question, err, c.outcome)
		}
		if err == nil && reply.Answered != (c.outcome == bot.OutcomeAnswered) {
			t.Fatalf("Ask(%q).Answered = %v; want outcome %s", c.req.Question, reply.Answered, c.outcome)
		}
	}
	if len(rec.events) != len(cases) {
		t.Fatalf("observer saw %d events; want %d", len(rec.events), len(cases))
	}
	for i, c := range cases {
		ev := rec.events[i]
		if ev.Outcome != c.outcome || ev.Code != c.code || ev.Adapter != c.adapter {
			t.Errorf("event %d = %+v; want adapter %q, outcome %s, code %q", i, ev, c.adapter, c.outcome, c.code)
		}
		if ev.Latency < 0 || (c.outcome != bot.OutcomeError && ev.Latency == 0) {
			t.Errorf("event %d latency = %v; want the time the search took", i, ev.Latency)
		}
	}
}

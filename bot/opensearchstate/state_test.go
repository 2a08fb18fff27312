package opensearchstate_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/bot/opensearchstate"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
	"github.com/citebot/citebot/retrieval/opensearchindex/ostest"
)

// clock is a settable clock shared by two stores, as two replicas share
// real time.
type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.t.Load()) }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d)) }

// TestSharedState: two stores on one prefix (two replicas) see each
// other's answers, votes, conversations and deliveries, and keep the
// same promises as the in-memory ones.
func TestSharedState(t *testing.T) {
	c := ostest.Client(t, ostest.URL())
	ctx := context.Background()
	prefix := ostest.Name(t, c)
	var clk clock
	clk.t.Store(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixNano())
	opts := opensearchstate.Options{ThreadTTL: time.Hour, DeliveryTTL: time.Minute, Now: clk.now}
	a, err := opensearchstate.Open(ctx, c, prefix, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := opensearchstate.Open(ctx, c, prefix, opts) // the indexes exist now
	if err != nil {
		t.Fatal(err)
	}

	rec := bot.AnswerRecord{ID: "0190aa00000011223344", Platform: "slack", Channel: "C1", User: "U1", Question: "What was the FY2026 refugee cap?",
		Reply: bot.Reply{Answer: retrieval.Answer{Answered: true, Short: "7,500"}}, Time: clk.now()}
	if err := a.SaveAnswer(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := b.Answer(ctx, rec.ID); err != nil || !ok || got.Question != rec.Question || got.Reply.Short != "7,500" {
		t.Errorf("the other replica reads %+v, %v, %v; want the answer", got, ok, err)
	}
	if _, ok, err := b.Answer(ctx, "no-such-answer"); err != nil || ok {
		t.Errorf("an unknown answer: %v, %v", ok, err)
	}

	up := bot.Feedback{AnswerID: rec.ID, Platform: "slack", User: "U2", Vote: bot.VoteUp, Question: rec.Question}
	for i, tc := range []struct {
		s    *opensearchstate.Store
		v    bot.Vote
		want bool
	}{{a, bot.VoteUp, true}, {b, bot.VoteUp, false}, {b, bot.VoteDown, true}, {a, bot.VoteDown, false}} {
		f := up
		f.Vote = tc.v
		if changed, err := tc.s.SaveVote(ctx, f); err != nil || changed != tc.want {
			t.Errorf("vote %d (%s): changed %v, %v; want %v", i, tc.v, changed, err, tc.want)
		}
	}
	votes, err := a.Votes(ctx)
	if err != nil || len(votes) != 1 || votes[0].Vote != bot.VoteDown {
		t.Errorf("Votes = %+v, %v; want the one vote, down", votes, err)
	}

	// A conversation remembered on one replica is the other's context.
	const key = "slack/T1/C1/1700000000.000100"
	if err := a.Remember(ctx, key, "What was the FY2026 refugee cap?", true); err != nil {
		t.Fatal(err)
	}
	if q, open, ok, err := b.Earlier(ctx, key); err != nil || !ok || !open || q != "What was the FY2026 refugee cap?" {
		t.Errorf("Earlier on the other replica = %q %v %v %v", q, open, ok, err)
	}
	if err := b.Remember(ctx, key, "And in fiscal 2024?", false); err != nil {
		t.Fatal(err)
	}
	if q, open, ok, _ := a.Earlier(ctx, key); !ok || !open || q != "And in fiscal 2024?" {
		t.Errorf("after a follow-up: %q open=%v ok=%v; want the latest question, still open", q, open, ok)
	}
	clk.advance(2 * time.Hour)
	if _, _, ok, _ := a.Earlier(ctx, key); ok {
		t.Error("a conversation past its time to live is still remembered")
	}

	// An answer message one replica posted leads the other to its
	// conversation, for as long as a conversation lives after it was
	// last recorded.
	const answer, conv = "discord/1500000000000000001", "discord/290926798626357999/645027906669510667/1600000000000000001"
	if err := a.PutMessage(ctx, answer, conv); err != nil {
		t.Fatal(err)
	}
	if k, ok, err := b.Conversation(ctx, answer); err != nil || !ok || k != conv {
		t.Errorf("Conversation on the other replica = %q %v %v; want %q", k, ok, err, conv)
	}
	if k, ok, err := b.Conversation(ctx, "discord/1500000000000000099"); err != nil || ok {
		t.Errorf("a message never recorded: %q %v %v", k, ok, err)
	}
	clk.advance(50 * time.Minute)
	if err := b.PutMessage(ctx, answer, conv); err != nil { // the conversation went on through it
		t.Fatal(err)
	}
	clk.advance(50 * time.Minute)
	if _, ok, err := a.Conversation(ctx, answer); err != nil || !ok {
		t.Errorf("a message recorded again was forgotten within its new time to live: %v %v", ok, err)
	}
	clk.advance(11 * time.Minute)
	if _, ok, _ := a.Conversation(ctx, answer); ok {
		t.Error("a message past its time to live still leads to its conversation")
	}
	// The next write past the prune interval deletes it from the index
	// (searched, so refreshed first to see the latest writes).
	if err := c.Do(ctx, http.MethodPost, "/"+prefix+"-messages/_refresh", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Hour)
	if err := a.PutMessage(ctx, "discord/1500000000000000002", conv); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, http.MethodGet, "/"+prefix+"-messages/_doc/"+url.PathEscape(answer), nil, nil, nil); !osclient.IsStatus(err, http.StatusNotFound) {
		t.Errorf("the expired message's record after pruning: %v; want it deleted (404)", err)
	}

	// Of concurrent deliveries of one event to both replicas, one is first.
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := []*opensearchstate.Store{a, b}[i%2]
			ok, err := s.First(ctx, "event:Ev0MDYHUEL")
			if err != nil {
				t.Error(err)
			}
			if ok {
				firsts.Add(1)
			}
		}()
	}
	wg.Wait()
	if firsts.Load() != 1 {
		t.Errorf("%d deliveries were first; want exactly 1", firsts.Load())
	}
	clk.advance(2 * time.Minute)
	if ok, err := b.First(ctx, "event:Ev0MDYHUEL"); err != nil || !ok {
		t.Errorf("after its time to live a delivery is new again: %v, %v", ok, err)
	}
}

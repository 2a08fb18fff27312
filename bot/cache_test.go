package bot

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestThreadsExpireAndStayBounded(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	th := newThreads(3, time.Hour, clk.now)
	th.Remember(context.Background(), "slack/T/C/1", "What was the FY2026 refugee cap?", false)
	if q, open, ok := earlier(th, "slack/T/C/1"); !ok || open || q != "What was the FY2026 refugee cap?" {
		t.Fatalf("Earlier = %q, %v, %v; want the question just remembered, not open", q, open, ok)
	}
	th.Remember(context.Background(), "slack/T/C/1", "What was the FY2026 refugee cap?", true)
	th.Remember(context.Background(), "slack/T/C/1", "What was the FY2026 refugee cap?", false)
	if _, open, _ := earlier(th, "slack/T/C/1"); !open {
		t.Error("an open conversation closed again")
	}
	if _, _, ok := earlier(th, ""); ok {
		t.Error("the empty key names no conversation, yet Earlier found one")
	}
	th.Remember(context.Background(), "", "ignored", true)
	if th.c.len() != 1 {
		t.Errorf("store holds %d conversations; want 1 (the empty key is not stored)", th.c.len())
	}

	clk.advance(59 * time.Minute)
	th.Remember(context.Background(), "slack/T/C/1", "What was the fiscal 2024 refugee cap?", false) // restarts its hour
	clk.advance(30 * time.Minute)
	if q, _, ok := earlier(th, "slack/T/C/1"); !ok || q != "What was the fiscal 2024 refugee cap?" {
		t.Errorf("after a new question the conversation lives on: Earlier = %q, %v", q, ok)
	}
	clk.advance(31 * time.Minute)
	if _, _, ok := earlier(th, "slack/T/C/1"); ok {
		t.Error("a conversation idle for over its TTL is still remembered")
	}

	for i := range 5 {
		th.Remember(context.Background(), fmt.Sprintf("k%d", i), "q", true)
	}
	if n := th.c.len(); n != 3 {
		t.Errorf("store holds %d conversations; want its bound 3", n)
	}
	if _, _, ok := earlier(th, "k1"); ok {
		t.Error("the least recently written conversation k1 survived past the bound")
	}
	if _, _, ok := earlier(th, "k4"); !ok {
		t.Error("the newest conversation k4 was evicted")
	}
}

func TestDedupFirstOnceWithinTTL(t *testing.T) {
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	d := &Dedup{newTTLCache[string, struct{}](100, 10*time.Minute, clk.now)}
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if first(d, "event:Ev0MDYHUEL") {
				firsts.Add(1)
			}
		})
	}
	wg.Wait()
	if firsts.Load() != 1 {
		t.Fatalf("%d of 20 concurrent deliveries were first; want exactly 1", firsts.Load())
	}
	clk.advance(9 * time.Minute)
	if first(d, "event:Ev0MDYHUEL") {
		t.Error("a redelivery within the TTL counted as first")
	}
	clk.advance(2 * time.Minute)
	if !first(d, "event:Ev0MDYHUEL") {
		t.Error("a key older than the TTL was not forgotten")
	}
}

// TestMessagesMapAnswersToConversations: an answer message leads to its
// conversation until its time to live passes (restarted by recording it
// again), the store keeps within its bound, and empty IDs or keys are
// not recorded.
func TestMessagesMapAnswersToConversations(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	m := newMessages(3, time.Hour, clk.now)
	ctx := context.Background()
	const answer, conv = "discord/1500000000000000001", "discord/290926798626357999/645027906669510667/1600000000000000001"
	if err := m.PutMessage(ctx, answer, conv); err != nil {
		t.Fatal(err)
	}
	if k, ok, err := m.Conversation(ctx, answer); err != nil || !ok || k != conv {
		t.Fatalf("Conversation = %q, %v, %v; want %q", k, ok, err, conv)
	}
	if k, ok, _ := m.Conversation(ctx, "discord/1500000000000000099"); ok {
		t.Errorf("a message never recorded leads to %q", k)
	}
	m.PutMessage(ctx, "", conv)
	m.PutMessage(ctx, "discord/1500000000000000002", "")
	if _, ok, _ := m.Conversation(ctx, ""); ok || m.c.len() != 1 {
		t.Errorf("empty IDs or keys were recorded: %d messages; want 1", m.c.len())
	}

	clk.advance(59 * time.Minute)
	m.PutMessage(ctx, answer, conv) // the conversation went on through it: another hour
	clk.advance(30 * time.Minute)
	if _, ok, _ := m.Conversation(ctx, answer); !ok {
		t.Error("a message recorded again was forgotten within its new time to live")
	}
	clk.advance(31 * time.Minute)
	if _, ok, _ := m.Conversation(ctx, answer); ok {
		t.Error("a message past its time to live still leads to its conversation")
	}

	for i := range 5 {
		m.PutMessage(ctx, fmt.Sprintf("discord/%d", i), conv)
	}
	if n := m.c.len(); n != 3 {
		t.Errorf("store holds %d messages; want its bound 3", n)
	}
	if _, ok, _ := m.Conversation(ctx, "discord/1"); ok {
		t.Error("the least recently recorded message survived past the bound")
	}
	if _, ok, _ := m.Conversation(ctx, "discord/4"); !ok {
		t.Error("the newest message was evicted")
	}
}

// earlier is Threads.Earlier without the error the memory store never
// returns.
func earlier(th *Threads, key string) (string, bool, bool) {
	q, open, ok, _ := th.Earlier(context.Background(), key)
	return q, open, ok
}

// first is Dedup.First without the error the memory store never returns.
func first(d *Dedup, key string) bool {
	ok, _ := d.First(context.Background(), key)
	return ok
}

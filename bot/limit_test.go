package bot

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
)

func TestLimiterBurstThenRate(t *testing.T) {
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	l := newLimiter(Rate{PerSecond: 0.5, Burst: 3}, 0, clk.now)
	for i := range 3 {
		if ok, _ := l.Allow("U1"); !ok {
			t.Fatalf("request %d of a burst of 3 refused", i+1)
		}
	}
	ok, wait := l.Allow("U1")
	if ok || wait <= 0 || wait > 2*time.Second {
		t.Fatalf("4th request: allowed %v, wait %v; want refused with a wait of at most 2s (0.5/s)", ok, wait)
	}
	if ok, _ := l.Allow("U2"); !ok {
		t.Error("another key was refused: buckets are per key")
	}
	// A refused request takes no token: after the wait exactly one more
	// goes through.
	clk.advance(wait)
	if ok, _ := l.Allow("U1"); !ok {
		t.Errorf("refused after waiting the %v it was told", wait)
	}
	if ok, _ := l.Allow("U1"); ok {
		t.Error("two requests allowed for one refilled token")
	}
}

func TestLimiterMemoryIsBounded(t *testing.T) {
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	l := newLimiter(Rate{PerSecond: 1, Burst: 2}, 100, clk.now)
	for i := range 1000 {
		l.Allow(fmt.Sprint("client-", i))
	}
	if n := l.keys(); n > 100 {
		t.Fatalf("%d buckets after 1,000 keys; want at most 100", n)
	}
	// Idle buckets (full again) are forgotten.
	clk.advance(time.Minute)
	l.Allow("late")
	if n := l.keys(); n != 1 {
		t.Errorf("%d buckets after every other key idled for a minute; want 1", n)
	}
	// A key in use is remembered while it is limited: it cannot reset
	// its limit by waiting less than the refill time.
	for range 2 {
		l.Allow("busy")
	}
	clk.advance(500 * time.Millisecond)
	if ok, _ := l.Allow("busy"); ok {
		t.Error("an emptied bucket was forgotten before it refilled")
	}
}

func TestUnlimitedLimiter(t *testing.T) {
	var l *Limiter = NewLimiter(Rate{}, 0)
	if l != nil {
		t.Fatal("a zero Rate made a limiter")
	}
	for range 1000 {
		if ok, _ := l.Allow("x"); !ok {
			t.Fatal("a nil Limiter refused")
		}
	}
}

// limitIndex is a real one-document index.
func limitIndex(t *testing.T) *answer.Engine {
	t.Helper()
	return MemoryEngine(t, retrieval.Document{
		ID: "ferry", Metadata: retrieval.Metadata{Title: "Ferry timetable"},
		Text: "Ferry timetable\n\nThe harbor ferry will run every 20 minutes from June.\n",
	})
}

func TestChatRateLimits(t *testing.T) {
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	chat := NewChat(New(limitIndex(t)), ChatOptions{Platform: "test", Limits: Limits{
		PerUser:    Rate{PerSecond: 0.1, Burst: 2},
		PerChannel: Rate{PerSecond: 0.1, Burst: 3},
	}})
	chat.now = clk.now
	ask := func(user, channel, text string) error {
		_, err := chat.Handle(context.Background(), Message{Channel: channel, User: user, Mentioned: true, Text: text})
		return err
	}
	const q = "How often will the harbor ferry run?"
	for i := range 2 {
		if err := ask("U1", "C1", q); err != nil {
			t.Fatalf("question %d of U1's burst: %v", i+1, err)
		}
	}
	err := ask("U1", "C1", q)
	if ErrorCode(err) != CodeRateLimited || ErrorMessage(err) != RateLimitedMessage || ErrorText(err) != RateLimitedMessage {
		t.Fatalf("U1's third question: %v; want %q", err, RateLimitedMessage)
	}
	if err := ask("U1", "C1", "help"); err != nil {
		t.Errorf("help over the limit: %v; want it free", err)
	}
	if err := ask("U1", "C1", "sources"); ErrorCode(err) != CodeRateLimited {
		t.Errorf("sources over the limit: %v; want it limited (it reads the index)", err)
	}
	// C1 has one token left, for U2; then the channel is full for
	// everyone, U3 included, and U3's refusal costs U3 nothing.
	if err := ask("U2", "C1", q); err != nil {
		t.Fatalf("U2 in C1: %v", err)
	}
	if err := ask("U3", "C1", q); ErrorCode(err) != CodeRateLimited {
		t.Fatalf("U3 in a channel over its limit: %v; want rate limited", err)
	}
	for i := range 2 {
		if err := ask("U3", "C2", q); err != nil {
			t.Fatalf("U3's question %d in C2: %v; the refusal in C1 must not have used U3's tokens", i+1, err)
		}
	}
	// Ten seconds refill one token each.
	clk.advance(10 * time.Second)
	if err := ask("U1", "C1", q); err != nil {
		t.Errorf("U1 after the refill: %v", err)
	}
	if ErrorText(&Error{Code: CodeUnavailable, Message: "the index is closed"}) != "Sorry — the index is closed." {
		t.Error("ErrorText words other failures as an apology")
	}
}

package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/citebot/citebot/bot"
)

// votes is an Observer that also counts feedback.
type votes struct {
	recorder
	mu     sync.Mutex
	counts map[bot.FeedbackEvent]int
}

func (v *votes) ObserveFeedback(ev bot.FeedbackEvent) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.counts == nil {
		v.counts = map[bot.FeedbackEvent]int{}
	}
	v.counts[ev]++
}

func handle(t *testing.T, c *bot.Chat, m bot.Message) bot.Turn {
	t.Helper()
	turn, err := c.Handle(context.Background(), m)
	if err != nil {
		t.Fatalf("Handle(%+v): %v", m, err)
	}
	return turn
}

// givesFigure reports whether a reply answers with figure: in bold, or —
// when the short-answer model is not sure enough to bold it — in the
// quote that is the answer.
func givesFigure(r bot.Reply, figure string) bool {
	if strings.HasPrefix(r.Short, figure) {
		return true
	}
	return len(r.Citations) > 0 && r.Short == r.Citations[0].Quote && strings.Contains(r.Short, figure)
}

// TestChatFollowUpsInAThread asks the dev question, then follow-ups of
// several shapes in the same thread, against the real seed index.
func TestChatFollowUpsInAThread(t *testing.T) {
	ix := seedIndex(t)
	cases := []struct {
		followUp string
		mention  bool
		want     string
	}{
		{"and in fiscal 2024?", false, "100,000"},
		{"What about fiscal 2024?", false, "100,000"},
		{"And what was it in fiscal 2024?", true, "100,000"},
		{"fiscal 2024?", false, "100,000"},
	}
	for _, c := range cases {
		t.Run(c.followUp, func(t *testing.T) {
			chat := bot.NewChat(bot.New(ix), bot.ChatOptions{Platform: "test"})
			const thread = "test/T1/C1/1700000000.000100"
			first := handle(t, chat, bot.Message{Channel: "C1", User: "U1", Conversation: thread, Mentioned: true, Text: "What was the FY2026 refugee cap?"})
			if first.Action != bot.ActionAnswer || first.Reply.Short != "7,500" || first.FollowUp {
				t.Fatalf("first question: %+v; want 7,500 answered as asked", first)
			}
			next := handle(t, chat, bot.Message{Channel: "C1", User: "U2", Conversation: thread, Mentioned: c.mention, Text: c.followUp})
			if next.Action != bot.ActionAnswer || !next.FollowUp || !givesFigure(next.Reply, c.want) {
				t.Errorf("follow-up %q asked %q and got %q (%+v); want %s from the thread's context", c.followUp, next.Question, next.Reply.Short, next.Action, c.want)
			}
			if next.AnswerID == "" || next.AnswerID == first.AnswerID {
				t.Errorf("answer IDs %q then %q; want a new recorded answer", first.AnswerID, next.AnswerID)
			}
		})
	}

	t.Run("a complete question stands alone", func(t *testing.T) {
		chat := bot.NewChat(bot.New(ix), bot.ChatOptions{Platform: "test"})
		handle(t, chat, bot.Message{Channel: "C1", Conversation: "k", Mentioned: true, Text: "What was the FY2026 refugee cap?"})
		turn := handle(t, chat, bot.Message{Channel: "C1", Conversation: "k", Text: "Who wrote the CRBC News article?"})
		if turn.FollowUp || !strings.Contains(turn.Reply.Short, "Humeyra Pamuk") {
			t.Errorf("standalone question in a thread: asked %q, got %q; want it asked as written", turn.Question, turn.Reply.Short)
		}
	})

	t.Run("chained follow-ups keep the context", func(t *testing.T) {
		chat := bot.NewChat(bot.New(ix), bot.ChatOptions{Platform: "test"})
		handle(t, chat, bot.Message{Channel: "C1", Conversation: "k", Mentioned: true, Text: "What was the FY2026 refugee cap?"})
		handle(t, chat, bot.Message{Channel: "C1", Conversation: "k", Text: "and in fiscal 2024?"})
		turn := handle(t, chat, bot.Message{Channel: "C1", Conversation: "k", Text: "and FY2026?"})
		if turn.Reply.Short != "7,500" {
			t.Errorf("back to FY2026 after fiscal 2024: asked %q, got %q; want 7,500", turn.Question, turn.Reply.Short)
		}
	})
}

func TestChatDecidesWhereToAnswer(t *testing.T) {
	ix := seedIndex(t)
	rules := bot.Rules{
		Channels: map[string]bot.ChannelRule{
			"CQUIET": {MentionOnly: true},
			"CNONE":  {Collections: []string{"no-such-collection"}},
			"CLOUD":  {},
		},
		OnlyListed: true,
	}
	chat := bot.NewChat(bot.New(ix), bot.ChatOptions{Platform: "test", Rules: rules})
	const q = "What was the FY2026 refugee cap?"

	if turn := handle(t, chat, bot.Message{Channel: "COTHER", Mentioned: true, Text: q}); turn.Action != bot.ActionIgnore || turn.Why == "" {
		t.Errorf("unlisted channel with only_listed: %+v; want ignored, saying why", turn)
	}
	if turn := handle(t, chat, bot.Message{Channel: "D1", Direct: true, Text: q}); turn.Reply.Short != "7,500" {
		t.Errorf("direct message: %+v; want answered without a mention", turn)
	}
	if turn := handle(t, chat, bot.Message{Channel: "CLOUD", Text: q}); turn.Action != bot.ActionIgnore {
		t.Errorf("un-mentioned message outside any thread: %+v; want ignored", turn)
	}

	handle(t, chat, bot.Message{Channel: "CLOUD", Conversation: "loud", Mentioned: true, Text: q})
	if turn := handle(t, chat, bot.Message{Channel: "CLOUD", Conversation: "loud", Text: "thanks, that helps"}); turn.Action != bot.ActionIgnore {
		t.Errorf("chatter in the bot's thread: %+v; want ignored", turn)
	}
	if turn := handle(t, chat, bot.Message{Channel: "CLOUD", Conversation: "loud", Text: "and in fiscal 2024?"}); turn.Action != bot.ActionAnswer {
		t.Errorf("un-mentioned follow-up in the bot's thread: %+v; want answered", turn)
	}

	// Mentioned inside a thread people started: the bot answers, but
	// un-mentioned replies there stay theirs.
	handle(t, chat, bot.Message{Channel: "CLOUD", Conversation: "theirs", Mentioned: true, InThread: true, Text: q})
	if turn := handle(t, chat, bot.Message{Channel: "CLOUD", Conversation: "theirs", InThread: true, Text: "and in fiscal 2024?"}); turn.Action != bot.ActionIgnore {
		t.Errorf("un-mentioned reply in a thread the bot did not start: %+v; want ignored", turn)
	}
	if turn := handle(t, chat, bot.Message{Channel: "CLOUD", Conversation: "theirs", Mentioned: true, InThread: true, Text: "and in fiscal 2024?"}); !givesFigure(turn.Reply, "100,000") {
		t.Errorf("mentioned follow-up in a thread the bot did not start: %+v; want answered with context", turn)
	}

	handle(t, chat, bot.Message{Channel: "CQUIET", Conversation: "quiet", Mentioned: true, Text: q})
	if turn := handle(t, chat, bot.Message{Channel: "CQUIET", Conversation: "quiet", Text: "and in fiscal 2024?"}); turn.Action != bot.ActionIgnore {
		t.Errorf("un-mentioned follow-up in a mention-only channel: %+v; want ignored", turn)
	}
	if turn := handle(t, chat, bot.Message{Channel: "CQUIET", Conversation: "quiet", Mentioned: true, Text: "and in fiscal 2024?"}); !givesFigure(turn.Reply, "100,000") {
		t.Errorf("mentioned follow-up in a mention-only channel: %+v; want answered with context", turn)
	}

	for text, want := range map[string]bot.Action{"": bot.ActionHelp, "help": bot.ActionHelp, "Sources": bot.ActionSources} {
		if turn := handle(t, chat, bot.Message{Channel: "CLOUD", Mentioned: true, Text: text}); turn.Action != want {
			t.Errorf("%q: action %v; want %v", text, turn.Action, want)
		}
	}
	if turn := handle(t, chat, bot.Message{Channel: "CLOUD", Mentioned: true, Text: "sources"}); len(turn.Sources) != 2 {
		t.Errorf("sources in an unrestricted channel: %d; want the 2 seed documents", len(turn.Sources))
	}
	if turn := handle(t, chat, bot.Message{Channel: "CNONE", Mentioned: true, Text: "sources"}); len(turn.Sources) != 0 {
		t.Errorf("sources in a channel limited to another collection: %+v; want none", turn.Sources)
	}
	if turn := handle(t, chat, bot.Message{Channel: "CNONE", Mentioned: true, Text: q}); turn.Reply.Answered {
		t.Errorf("question in a channel limited to another collection: answered %q; want declined", turn.Reply.Short)
	}
	if _, err := chat.Handle(context.Background(), bot.Message{Channel: "CLOUD", Mentioned: true, Text: strings.Repeat("x", 100)}); err != nil {
		t.Errorf("a long nonsense question: %v; want a decline, not an error", err)
	}
}

func TestChatVotesAreRecordedAndCounted(t *testing.T) {
	obs := &votes{}
	store := bot.NewMemoryStore()
	chat := bot.NewChat(bot.New(seedIndex(t), bot.WithObserver(obs)), bot.ChatOptions{Platform: "test", Store: store})
	ctx := context.Background()
	turn := handle(t, chat, bot.Message{Channel: "C1", User: "U1", Mentioned: true, Text: "What was the FY2026 refugee cap?"})

	for i, c := range []struct {
		user    string
		vote    bot.Vote
		changed bool
	}{{"U2", bot.VoteUp, true}, {"U2", bot.VoteUp, false}, {"U2", bot.VoteDown, true}, {"U3", bot.VoteUp, true}} {
		changed, err := chat.Vote(ctx, turn.AnswerID, c.user, "C1", c.vote)
		if err != nil || changed != c.changed {
			t.Errorf("vote %d (%s %s) = %v, %v; want changed=%v", i, c.user, c.vote, changed, err, c.changed)
		}
	}
	want := map[bot.FeedbackEvent]int{{Adapter: "test", Vote: bot.VoteUp}: 2, {Adapter: "test", Vote: bot.VoteDown}: 1}
	obs.mu.Lock()
	if len(obs.counts) != len(want) || obs.counts[bot.FeedbackEvent{Adapter: "test", Vote: bot.VoteUp}] != 2 || obs.counts[bot.FeedbackEvent{Adapter: "test", Vote: bot.VoteDown}] != 1 {
		t.Errorf("observer counted %v; want %v (a repeated click is not counted)", obs.counts, want)
	}
	obs.mu.Unlock()
	all, _ := store.Votes(ctx)
	if len(all) != 2 || all[0].Question != "What was the FY2026 refugee cap?" || all[0].Answer != "7,500" || all[0].Platform != "test" {
		t.Errorf("stored votes = %+v; want who, which question and answer", all)
	}

	if _, err := chat.Vote(ctx, "000000000000deadbeef", "U2", "C1", bot.VoteUp); bot.ErrorCode(err) != bot.CodeInvalid {
		t.Errorf("vote on an unknown answer: %v; want an invalid-input error", err)
	}
	rec, err := chat.Recall(ctx, turn.AnswerID)
	if err != nil || rec.Reply.Short != "7,500" || rec.User != "U1" {
		t.Errorf("Recall = %+v, %v; want the recorded answer", rec, err)
	}
}

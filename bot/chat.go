package bot

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/citebot/citebot/retrieval"
)

// Chat is the conversation every chat adapter drives, so Slack, Discord
// and whatever comes next behave alike: which channels the bot answers
// in and whether it needs a mention there (Rules), commands (help,
// sources, a question), follow-ups answered with their conversation's
// earlier question as context (Threads, ResolveFollowUp), and answers
// recorded so buttons can refer to them by ID and votes on them are kept
// (Store) and counted (FeedbackObserver).
//
// An adapter turns each platform event into a Message, calls Handle, and
// renders the Turn (NewPlan for answers); button clicks go to Vote and
// Recall. It keeps everything platform-specific: verifying requests,
// acking in time, mention syntax, markup and limits.
type Chat struct {
	bot      *Bot
	platform string
	rules    Rules
	threads  ThreadStore
	store    Store
	top      int
	limits   chatLimits
	examples *ttlCache[string, Examples] // by the collections a channel sees
	log      *slog.Logger
	now      func() time.Time
}

// ChatOptions configure a Chat.
type ChatOptions struct {
	// Platform names the adapter ("slack"): metrics label, and part of
	// every record.
	Platform string
	Rules    Rules
	// Threads remembers conversations; nil makes a Threads with
	// DefaultThreads and DefaultThreadTTL. Replicas share one.
	Threads ThreadStore
	// Store keeps answers and votes; nil keeps them in memory. Several
	// adapters share one store.
	Store Store
	// Top is how many quotes an answer carries when the message does not
	// say; 0 is the retrieval default.
	Top int
	// Limits cap how often one user, and one channel, may ask; over
	// them, Handle returns an *Error with CodeRateLimited whose message
	// is RateLimitedMessage. Zero limits nothing.
	Limits Limits
	// Logger receives failures to record an answer (the answer is still
	// given, without buttons); nil discards them.
	Logger *slog.Logger
}

// NewChat returns the conversation layer of one adapter over b.
func NewChat(b *Bot, opts ChatOptions) *Chat {
	c := &Chat{bot: b, platform: opts.Platform, rules: opts.Rules, threads: opts.Threads, store: opts.Store, top: opts.Top, log: opts.Logger, now: time.Now}
	if c.threads == nil {
		c.threads = NewThreads(DefaultThreads, DefaultThreadTTL)
	}
	if c.store == nil {
		c.store = NewMemoryStore()
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.limits = newChatLimits(opts.Limits, func() time.Time { return c.now() })
	c.examples = newTTLCache[string, Examples](64, examplesTTL, func() time.Time { return c.now() })
	return c
}

// Platform is the adapter name the Chat was made for.
func (c *Chat) Platform() string { return c.platform }

// Message is something a user said to or near the bot.
type Message struct {
	// Channel is the platform's channel ID.
	Channel string
	// Direct marks a direct message (always answered, no mention
	// needed).
	Direct bool
	// User is the platform's ID of the author.
	User string
	// Conversation keys the thread or DM the message belongs to (see
	// Threads); empty for a message that starts no conversation (a
	// slash command).
	Conversation string
	// Mentioned marks a message addressed to the bot: a mention or a
	// slash command.
	Mentioned bool
	// InThread marks a reply inside an existing thread. A mention there
	// makes the bot take part, but un-mentioned replies in a thread the
	// bot did not start stay the humans' own: only threads the bot's
	// answer started (to a top-level mention) take un-mentioned
	// follow-ups.
	InThread bool
	// Text is what the user wrote, as plain text with the bot's mention
	// removed.
	Text string
	// Top is how many quotes to give; 0 for the Chat's default.
	Top int
}

// Action is what an adapter should do with a message.
type Action int

// Actions.
const (
	ActionIgnore  Action = iota // say nothing (Turn.Why says why, for logs)
	ActionAnswer                // show Turn.Reply
	ActionHelp                  // show Help, with Turn.Examples
	ActionSources               // show Turn.Sources
	ActionQuote                 // show Turn.Quote (a quote check) or Turn.Who (who said it)
)

// Turn is the outcome of one message.
type Turn struct {
	Action Action
	// Why says why a message is ignored.
	Why string
	// Question is the question asked: the message itself, or a
	// follow-up resolved with its conversation's earlier question.
	Question string
	// FollowUp reports that Question was resolved from context.
	FollowUp bool
	Reply    Reply
	// AnswerID refers to the recorded answer (for Vote and Recall); empty
	// when it could not be recorded, and buttons should then be left
	// out.
	AnswerID string
	// Sources lists the documents the channel may see (ActionSources).
	Sources []retrieval.Source
	// Quote is a quote check, Who an attribution (ActionQuote; one of
	// them is set).
	Quote *QuoteReply
	Who   *WhoReply
	// Examples are help's examples, from the documents the channel may
	// see (ActionHelp).
	Examples Examples
}

// Handle decides whether and how to answer m, and answers. Un-addressed
// messages (no mention, not direct) are answered only in a thread the
// bot started, in a channel that is not mention-only, and when they read
// as a question (LooksLikeQuestion). Errors are *Error, with the Turn
// telling what was attempted; a user or channel over its Limits gets
// CodeRateLimited (help stays free).
func (c *Chat) Handle(ctx context.Context, m Message) (Turn, error) {
	rule, ok := c.rules.For(m.Channel, m.Direct)
	if !ok {
		return Turn{Why: "not configured to answer in this channel"}, nil
	}
	earlier, open, inConversation, err := c.threads.Earlier(ctx, m.Conversation)
	if err != nil {
		// Without the conversation, the message is answered as it stands
		// (or, unaddressed, left alone): better than no answer.
		c.log.Error("the conversation could not be read; answering without its context", "adapter", c.platform, "error", err)
		earlier, open, inConversation = "", false, false
	}
	if !m.Mentioned && !m.Direct {
		switch {
		case !inConversation:
			return Turn{Why: "not addressed to the bot"}, nil
		case !open:
			return Turn{Why: "a thread the bot did not start answers only mentions"}, nil
		case rule.MentionOnly:
			return Turn{Why: "the channel answers only mentions"}, nil
		case !HasContent(m.Text) || !LooksLikeQuestion(m.Text):
			return Turn{Why: "not a question"}, nil
		}
	}
	cmd := ParseCommand(m.Text)
	if cmd.Kind == CommandHelp {
		return Turn{Action: ActionHelp, Examples: c.examplesFor(rule)}, nil
	}
	// Everything else searches the documents, so it counts against the
	// user's and the channel's limits.
	if err := c.limits.allow(m.User, m.Channel); err != nil {
		return Turn{Why: "rate limited", Question: cmd.Question}, err
	}
	switch cmd.Kind {
	case CommandSources:
		src, err := c.sources(rule)
		return Turn{Action: ActionSources, Sources: src}, err
	case CommandQuote, CommandWho:
		return c.quote(ctx, rule, cmd, m.Top)
	}
	t := Turn{Action: ActionAnswer, Question: cmd.Question}
	if inConversation {
		t.Question = ResolveFollowUp(earlier, cmd.Question)
		t.FollowUp = t.Question != cmd.Question
	}
	top := m.Top
	if top == 0 {
		top = c.top
	}
	reply, err := c.bot.Ask(ctx, Request{Question: t.Question, Top: top, Collections: rule.Collections, Adapter: c.platform})
	if err != nil {
		return t, err
	}
	t.Reply = reply
	if err := c.threads.Remember(ctx, m.Conversation, t.Question, m.Direct || !m.InThread); err != nil {
		c.log.Error("the conversation could not be recorded; a follow-up will lack its context", "adapter", c.platform, "error", err)
	}
	rec := AnswerRecord{
		ID: newAnswerID(c.now()), Platform: c.platform, Channel: m.Channel, User: m.User,
		Question: t.Question, Collections: rule.Collections, Reply: reply, Time: c.now().UTC(),
	}
	if err := c.store.SaveAnswer(ctx, rec); err != nil {
		c.log.Error("the answer could not be recorded; it is shown without feedback buttons", "adapter", c.platform, "error", err)
	} else {
		t.AnswerID = rec.ID
	}
	return t, nil
}

// quote checks a quote, or says who said it, within the channel's
// collections.
func (c *Chat) quote(ctx context.Context, rule ChannelRule, cmd Command, top int) (Turn, error) {
	if top == 0 {
		top = c.top
	}
	req := QuoteRequest{Text: cmd.Question, Top: top, Collections: rule.Collections, Adapter: c.platform}
	t := Turn{Action: ActionQuote, Question: cmd.Question}
	if cmd.Kind == CommandWho {
		who, err := c.bot.WhoSaid(ctx, req)
		if err == nil {
			t.Who = &who
		}
		return t, err
	}
	q, err := c.bot.QuoteCheck(ctx, req)
	if err == nil {
		t.Quote = &q
	}
	return t, err
}

// sources lists the documents a channel may see.
func (c *Chat) sources(rule ChannelRule) ([]retrieval.Source, error) {
	all, err := c.bot.Sources()
	if err != nil {
		return nil, err
	}
	var out []retrieval.Source
	for _, s := range all {
		if rule.allowedCollection(s.Collection) {
			out = append(out, s)
		}
	}
	return out, nil
}

// Recall returns a recorded answer (to share it, or re-render it). An
// unknown or pruned ID is an *Error with CodeInvalid.
func (c *Chat) Recall(ctx context.Context, id string) (AnswerRecord, error) {
	rec, ok, err := c.store.Answer(ctx, id)
	switch {
	case err != nil:
		return AnswerRecord{}, &Error{Code: CodeUnavailable, Message: "the answer could not be read back", Err: err}
	case !ok:
		return AnswerRecord{}, &Error{Code: CodeInvalid, Message: "this answer is no longer on record; please ask again"}
	}
	return rec, nil
}

// Vote records user's vote on a recorded answer, and reports whether it
// changed anything (a repeated click does not); changed votes are
// counted by the Bot's observer when it is a FeedbackObserver.
func (c *Chat) Vote(ctx context.Context, answerID, user, channel string, v Vote) (bool, error) {
	rec, err := c.Recall(ctx, answerID)
	if err != nil {
		return false, err
	}
	f := Feedback{
		AnswerID: answerID, Platform: c.platform, User: user, Channel: channel,
		Question: rec.Question, Answer: rec.Reply.Short, Answered: rec.Reply.Answered,
		Vote: v, Time: c.now().UTC(),
	}
	changed, err := c.store.SaveVote(ctx, f)
	if err != nil {
		return false, &Error{Code: CodeUnavailable, Message: "the vote could not be recorded", Err: err}
	}
	if fo, ok := c.bot.observer.(FeedbackObserver); ok && changed {
		fo.ObserveFeedback(FeedbackEvent{Adapter: c.platform, Vote: v})
	}
	return changed, nil
}

// FeedbackObserver is an Observer that is also told about votes, for
// metrics. Like Observer, it must be quick and safe for concurrent use.
type FeedbackObserver interface {
	ObserveFeedback(FeedbackEvent)
}

// FeedbackEvent is one recorded vote (a new vote, or a changed one).
type FeedbackEvent struct {
	Adapter string
	Vote    Vote
}

// ConversationKey joins the parts that identify a conversation on a
// platform ("slack", team, channel, thread) into a Threads key.
func ConversationKey(parts ...string) string { return strings.Join(parts, "/") }

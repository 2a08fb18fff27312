package bot

import (
	"context"
	"time"
)

// ThreadStore remembers conversations for follow-ups (see Threads, the
// in-memory one). Replicas of citebot behind one address share one, so
// a thread's follow-up is answered alike whichever replica receives it
// (bot/opensearchstate keeps one on OpenSearch). Implementations must be
// safe for concurrent use.
type ThreadStore interface {
	// Remember records question as the latest in the conversation key;
	// open says un-mentioned follow-ups there may be meant for the bot,
	// and a conversation once open stays open.
	Remember(ctx context.Context, key, question string, open bool) error
	// Earlier returns the latest question of the conversation, whether it
	// is open, and whether the bot takes part in it at all.
	Earlier(ctx context.Context, key string) (question string, open, ok bool, err error)
}

// DeliveryStore tells first deliveries of chat events from repeated ones
// (see Dedup, the in-memory one); replicas share one, as a platform may
// redeliver to another replica. Implementations must be safe for
// concurrent use.
type DeliveryStore interface {
	// First reports whether key is new (not seen within the store's time
	// to live), and marks it seen. Of concurrent calls with one key,
	// exactly one gets true.
	First(ctx context.Context, key string) (bool, error)
}

// MessageStore remembers which conversation each of the bot's answer
// messages belongs to (see Messages, the in-memory one), for platforms
// where a follow-up refers to a message rather than to a thread: a
// Discord reply names the answer it replies to, and a thread started
// from an answer has the answer's ID. Replicas share one, as the reply
// may reach a replica that did not post the answer. Message IDs must be
// unique across platforms (prefix them with the platform, as
// ConversationKey does). Implementations must be safe for concurrent
// use.
type MessageStore interface {
	// PutMessage records that the message belongs to the conversation
	// key, and restarts the record's time to live.
	PutMessage(ctx context.Context, messageID, key string) error
	// Conversation returns the conversation the message belongs to; ok
	// is false for a message not on record (not the bot's, or
	// forgotten).
	Conversation(ctx context.Context, messageID string) (key string, ok bool, err error)
}

var (
	_ ThreadStore   = (*Threads)(nil)
	_ DeliveryStore = (*Dedup)(nil)
	_ MessageStore  = (*Messages)(nil)
)

// Threads remembers, per conversation, the last question the bot
// answered there, so a follow-up ("and in fiscal 2024?") can be asked
// with its context, and so an adapter can tell a thread the bot takes
// part in from one it does not.
//
// A conversation key is chosen by the adapter and must be unique across
// platforms and workspaces: Slack uses "slack/TEAM/CHANNEL/THREAD_TS"
// for a channel thread and "slack/TEAM/DM_CHANNEL" for a direct message;
// Discord would use its thread or DM channel ID the same way. The stored
// question is the resolved one (see ResolveFollowUp), so a chain of
// follow-ups keeps its context.
//
// The store lives in memory: it is bounded (least recently answered
// conversations are forgotten first) and forgets a conversation after a
// time to live, because a question hours old is no longer context. A
// restart forgets every conversation; follow-ups are then answered as
// they stand. Safe for concurrent use.
type Threads struct {
	c *ttlCache[string, thread]
}

// thread is what Threads keeps of a conversation.
type thread struct {
	question string
	// open: un-mentioned follow-ups may be meant for the bot, because
	// the bot started the thread (its answer to a top-level mention) or
	// it is a direct message.
	open bool
}

// Defaults for NewChat's conversation store.
const (
	DefaultThreads   = 10000
	DefaultThreadTTL = 6 * time.Hour
)

// NewThreads remembers at most size conversations, each for ttl after
// its last question.
func NewThreads(size int, ttl time.Duration) *Threads {
	return newThreads(size, ttl, nil)
}

func newThreads(size int, ttl time.Duration, now func() time.Time) *Threads {
	return &Threads{newTTLCache[string, thread](size, ttl, now)}
}

// Remember records question as the latest in the conversation. open
// says un-mentioned follow-ups there may be meant for the bot (see
// Earlier); a conversation once open stays open.
func (t *Threads) Remember(_ context.Context, key, question string, open bool) error {
	if key == "" {
		return nil
	}
	if prev, ok := t.c.get(key); ok {
		open = open || prev.open
	}
	t.c.put(key, thread{question, open})
	return nil
}

// Earlier returns the latest question asked in the conversation, whether
// it is open to un-mentioned follow-ups, and whether the bot takes part
// in it at all.
func (t *Threads) Earlier(_ context.Context, key string) (question string, open, ok bool, err error) {
	if key == "" {
		return "", false, false, nil
	}
	th, ok := t.c.get(key)
	return th.question, th.open, ok, nil
}

// Messages maps the bot's answer messages to their conversations in
// memory (see MessageStore). Like Threads it is bounded (least recently
// recorded messages are forgotten first) and forgets a message after a
// time to live: a reply to an answer whose conversation is forgotten
// has no context to continue anyway. Recording a message again restarts
// its time to live, so an answer a conversation keeps going through (a
// thread started from it) stays known as long as the conversation. Safe
// for concurrent use.
type Messages struct {
	c *ttlCache[string, string]
}

// DefaultMessages is how many answer messages an adapter's in-memory
// MessageStore remembers, each for DefaultThreadTTL.
const DefaultMessages = 20000

// NewMessages remembers at most size messages, each for ttl after it
// was last recorded.
func NewMessages(size int, ttl time.Duration) *Messages {
	return newMessages(size, ttl, nil)
}

func newMessages(size int, ttl time.Duration, now func() time.Time) *Messages {
	return &Messages{newTTLCache[string, string](size, ttl, now)}
}

// PutMessage records that the message belongs to the conversation key.
func (m *Messages) PutMessage(_ context.Context, messageID, key string) error {
	if messageID == "" || key == "" {
		return nil
	}
	m.c.put(messageID, key)
	return nil
}

// Conversation returns the conversation the message belongs to.
func (m *Messages) Conversation(_ context.Context, messageID string) (string, bool, error) {
	if messageID == "" {
		return "", false, nil
	}
	key, ok := m.c.get(messageID)
	return key, ok, nil
}

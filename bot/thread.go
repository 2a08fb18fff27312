package bot

import (
	"time"
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
	c *ttlCache[string, string]
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
	return &Threads{newTTLCache[string, string](size, ttl, now)}
}

// Remember records question as the latest in the conversation.
func (t *Threads) Remember(key, question string) {
	if key != "" {
		t.c.put(key, question)
	}
}

// Earlier returns the latest question asked in the conversation, and
// whether the bot takes part in it.
func (t *Threads) Earlier(key string) (string, bool) {
	if key == "" {
		return "", false
	}
	return t.c.get(key)
}

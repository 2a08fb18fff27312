package discord_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/adapters/discord/discordtest"
	"github.com/citebot/citebot/bot"
)

// replyEvent is a reply to message to, pinging the bot as Discord's
// client does by default unless ping is false.
func replyEvent(t *testing.T, id, to, text string, ping bool) map[string]any {
	edit := map[string]any{
		"type":              19,
		"message_reference": map[string]any{"message_id": to, "channel_id": channel, "guild_id": guildID},
	}
	if ping {
		edit["mentions"] = []any{map[string]any{"id": botUser, "username": "citebot", "bot": true}}
	}
	return messageEvent(t, id, guildID, channel, text, edit)
}

// TestFollowUpsAcrossReplicas: two adapters, each with its own gateway
// connection as two replicas have, share the conversation stores. A
// reply to replica A's answer that reaches replica B is answered with
// the earlier question as context, and an un-mentioned message in a
// thread started from B's answer, reaching A, goes on with it.
func TestFollowUpsAcrossReplicas(t *testing.T) {
	threads, messages := bot.NewThreads(100, time.Hour), bot.NewMessages(100, time.Hour)
	a := start(t, envOptions{messageContent: true, threads: threads, messages: messages})
	// B's fake Discord numbers its messages apart from A's, as one
	// Discord would.
	b := start(t, envOptions{messageContent: true, threads: threads, messages: messages, setup: func(f *discordtest.Fake) { f.MsgID.Store(1000) }})

	a.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, "1600000000000000041", channel, question))
	first := a.fake.Next(t, "POST", "/channels/"+channel+"/messages")
	if em := embed(t, first.JSON(t)); em["title"] != "7,500" {
		t.Fatalf("answer to the mention = %v; want 7,500", em)
	}
	discord.WaitJobs(a.adapter) // A has recorded its answer

	b.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", replyEvent(t, "1600000000000000042", first.ID, "and in fiscal 2024?", true))
	second := b.fake.Next(t, "POST", "/channels/"+channel+"/messages")
	em := embed(t, second.JSON(t))
	title, _ := em["title"].(string)
	desc, _ := em["description"].(string)
	if !strings.Contains(title, "100,000") || !strings.Contains(desc, "Read as: What was the fiscal 2024 refugee cap?") {
		t.Fatalf("replica B's answer to a reply to replica A's answer = %v; want 100,000+ read as the fiscal 2024 question", em)
	}
	discord.WaitJobs(b.adapter)

	// A thread started from B's answer has the answer's ID; A's gateway
	// state does not know it (A looks it up over REST).
	thread := second.ID
	a.fake.Set(func(f *discordtest.Fake) {
		f.Channels[thread] = map[string]any{"id": thread, "type": 11, "guild_id": guildID, "parent_id": channel, "name": "refugee cap"}
	})
	a.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", messageEvent(t, "1600000000000000043", guildID, thread, "and in fiscal 2026?", nil))
	em = embed(t, a.fake.Next(t, "POST", "/channels/"+thread+"/messages").JSON(t))
	if desc, _ := em["description"].(string); em["title"] != "7,500" || !strings.Contains(desc, "Read as: What was the fiscal 2026 refugee cap?") {
		t.Errorf("replica A's answer in a thread started from replica B's answer = %v; want 7,500 read as a follow-up", em)
	}
}

// brokenMessages is a shared MessageStore that fails every call, or
// holds every call until its context ends.
type brokenMessages struct{ hang bool }

func (s brokenMessages) fail(ctx context.Context) error {
	if s.hang {
		<-ctx.Done()
		return ctx.Err()
	}
	return errors.New("shared state: dial tcp 10.0.0.9:9200: connection refused")
}

func (s brokenMessages) PutMessage(ctx context.Context, _, _ string) error { return s.fail(ctx) }

func (s brokenMessages) Conversation(ctx context.Context, _ string) (string, bool, error) {
	return "", false, s.fail(ctx)
}

// TestAnswerStoreFailures: with the store of answer messages failing or
// hanging, a mention is still answered, a reply to the answer is
// answered as a new conversation (no context, no crash, no hang), an
// un-mentioned reply is left alone as an unaddressed message is, and
// the failures are logged.
func TestAnswerStoreFailures(t *testing.T) {
	discord.SetStoreTimeout(t, 100*time.Millisecond)
	for name, store := range map[string]brokenMessages{"failing": {}, "hanging": {hang: true}} {
		t.Run(name, func(t *testing.T) {
			e := start(t, envOptions{messageContent: true, messages: store})
			e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, "1600000000000000051", channel, question))
			first := e.fake.Next(t, "POST", "/channels/"+channel+"/messages")
			if em := embed(t, first.JSON(t)); em["title"] != "7,500" {
				t.Fatalf("answer to the mention = %v; want 7,500", em)
			}
			discord.WaitJobs(e.adapter)
			e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", replyEvent(t, "1600000000000000052", first.ID, "and in fiscal 2024?", false))
			e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", replyEvent(t, "1600000000000000053", first.ID, "and in fiscal 2024?", true))
			em := embed(t, e.fake.Next(t, "POST", "/channels/"+channel+"/messages").JSON(t))
			if desc, _ := em["description"].(string); strings.Contains(desc, "Read as") {
				t.Errorf("a reply answered without the store = %v; want it answered as it stands", em)
			}
			discord.WaitJobs(e.adapter)
			if n := e.fake.Count("POST", "/channels/"); n != 2 {
				t.Errorf("%d posts; want 2 (the un-mentioned reply, its conversation unknown, left alone)", n)
			}
			for _, msg := range []string{
				"could not record which conversation an answer belongs to; a reply to it will lack its context",
				"could not read which conversation an answer belongs to; taking the message for a new conversation",
			} {
				if e.Logs.Find(msg) == nil {
					t.Errorf("not logged: %q", msg)
				}
			}
		})
	}
}

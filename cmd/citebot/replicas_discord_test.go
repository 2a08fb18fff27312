package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/adapters/discord/discordtest"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/bot/opensearchstate"
)

// TestTwoReplicasShareDiscordReplies: two serve processes in gateway
// mode on one OpenSearch index and one shared state (data.url), each
// with its own gateway connection, as two replicas have. Discord
// delivers a message on one connection only, so the test chooses which
// replica gets each one. A reply to replica A's answer that reaches
// replica B is answered with the earlier question as context, exactly
// as one replica answering both does; an un-mentioned reply to B's
// answer, reaching A, goes on with the conversation; and so does an
// un-mentioned message, reaching B, in a thread started from A's
// answer.
func TestTwoReplicasShareDiscordReplies(t *testing.T) {
	c, state := sharedReplicas(t)
	// One Discord seen by two replicas: a fake each, B's numbering its
	// messages apart from A's as one Discord would.
	discordA, discordB := discordtest.New(t, nil), discordtest.New(t, nil)
	discordB.MsgID.Store(1000)
	for k, v := range map[string]string{
		"CITEBOT_DISCORD_ENABLED": "true", "CITEBOT_DISCORD_MODE": "gateway", "CITEBOT_DISCORD_BOT_TOKEN": discordtest.BotToken,
		"CITEBOT_DISCORD_APP_ID": discordtest.AppID, "CITEBOT_DISCORD_MESSAGE_CONTENT": "true",
	} {
		t.Setenv(k, v)
	}
	t.Setenv("CITEBOT_DISCORD_API_URL", discordA.API)
	_, logsA, _ := startServe(t)
	discordA.Gateway.WaitReady(t)
	t.Setenv("CITEBOT_DISCORD_API_URL", discordB.API)
	_, logsB, _ := startServe(t)
	discordB.Gateway.WaitReady(t)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("replica A logged:\n%s\nreplica B logged:\n%s", logsA, logsB)
		}
	})

	// The replica that posted an answer records it in the shared state
	// once it is posted; a person replies later still, so the test waits
	// for the record before replying.
	shared, err := opensearchstate.Open(context.Background(), c, state, opensearchstate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	recorded := func(id string) {
		t.Helper()
		adaptertest.Eventually(t, "answer "+id+" recorded in the shared state", func() bool {
			_, ok, err := shared.Conversation(context.Background(), bot.ConversationKey(discord.Name, id))
			return ok && err == nil
		})
	}
	serial := 1600000000000000000
	// send delivers a message from a person on replica's connection, in
	// the channel or a thread, replying to the message replyTo unless it
	// is "", and mentioning the bot if ping.
	send := func(replica *discordtest.Fake, channelID, text, replyTo string, ping bool) {
		t.Helper()
		serial++
		m := map[string]any{
			"id": fmt.Sprint(serial), "guild_id": discordtest.GuildID, "channel_id": channelID, "type": 0, "content": text,
			"timestamp": time.Now().UTC().Format(time.RFC3339), "tts": false, "mention_everyone": false, "mention_roles": []any{},
			"author": map[string]any{"id": "53908232506183680", "username": "Mason", "discriminator": "9999"}, "mentions": []any{},
		}
		if ping {
			m["mentions"] = []any{map[string]any{"id": discordtest.BotUser, "username": "citebot", "bot": true}}
		}
		if replyTo != "" {
			m["type"] = 19
			m["message_reference"] = map[string]any{"message_id": replyTo, "channel_id": channelID, "guild_id": discordtest.GuildID}
		}
		replica.Gateway.Dispatch(t, "MESSAGE_CREATE", m)
	}
	// answer waits for the answer replica posts in channelID and returns
	// its ID and embeds.
	answer := func(replica *discordtest.Fake, channelID string) (string, string) {
		t.Helper()
		post := replica.Next(t, "POST", "/channels/"+channelID+"/messages")
		embeds, _ := json.Marshal(post.JSON(t)["embeds"])
		return post.ID, string(embeds)
	}
	const channel = discordtest.Channel

	// The mention to replica A, the reply to its answer to replica B.
	send(discordA, channel, "<@"+discordtest.BotUser+"> "+refugeeQ, "", true)
	first, embeds := answer(discordA, channel)
	if !strings.Contains(embeds, `"title":"7,500"`) {
		t.Fatalf("answer %s; want 7,500", embeds)
	}
	recorded(first)
	send(discordB, channel, "and in fiscal 2024?", first, true)
	viaB, viaBEmbeds := answer(discordB, channel)
	if !strings.Contains(viaBEmbeds, "100,000") || !strings.Contains(viaBEmbeds, "Read as: What was the fiscal 2024 refugee cap?") {
		t.Fatalf("replica B's answer to a reply to replica A's answer %s; want the FY2024 figure (100,000+), answered with the conversation's context", viaBEmbeds)
	}

	// Both to replica A: the answer a single replica gives.
	send(discordA, channel, "<@"+discordtest.BotUser+"> "+refugeeQ, "", true)
	again, _ := answer(discordA, channel)
	recorded(again)
	send(discordA, channel, "and in fiscal 2024?", again, true)
	if _, viaA := answer(discordA, channel); viaBEmbeds != viaA {
		t.Errorf("the reply answered by the other replica:\n%s\ndiffers from one replica's answer:\n%s", viaBEmbeds, viaA)
	}

	// An un-mentioned reply to B's answer, reaching A: a follow-up in
	// the conversation A did not answer last.
	recorded(viaB)
	send(discordA, channel, "and in fiscal 2026?", viaB, false)
	if _, embeds := answer(discordA, channel); !strings.Contains(embeds, `"title":"7,500"`) || !strings.Contains(embeds, "Read as: What was the fiscal 2026 refugee cap?") {
		t.Errorf("replica A's answer to an un-mentioned reply to replica B's answer %s; want 7,500 read as the fiscal 2026 question", embeds)
	}

	// A thread started from A's first answer has the answer's ID; B,
	// whose gateway state does not know the thread, looks it up over
	// REST. An un-mentioned message in it, reaching B, is a follow-up.
	discordB.Set(func(f *discordtest.Fake) {
		f.Channels[first] = map[string]any{"id": first, "type": 11, "guild_id": discordtest.GuildID, "parent_id": channel, "name": "refugee cap"}
	})
	send(discordB, first, "and in fiscal 2024?", "", false)
	if _, embeds := answer(discordB, first); !strings.Contains(embeds, "100,000") || !strings.Contains(embeds, "Read as: What was the fiscal 2024 refugee cap?") {
		t.Errorf("replica B's answer in a thread started from replica A's answer %s; want the FY2024 figure (100,000+) read as a follow-up", embeds)
	}
}

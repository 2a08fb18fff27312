package discord_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/adapters/discord/discordtest"
	"github.com/citebot/citebot/bot"
)

// Intents without and with MESSAGE_CONTENT: GUILDS | GUILD_MESSAGES |
// DIRECT_MESSAGES, and | MESSAGE_CONTENT.
const (
	intents        = 1<<0 | 1<<9 | 1<<12
	contentIntents = intents | 1<<15
)

// TestGatewayIdentifyAndCommands connects over the gateway: IDENTIFY
// carries the bot token and only the intents mentions and DMs need, the
// commands are registered in the configured guild with one bulk
// overwrite, and the adapter reports ready.
func TestGatewayIdentifyAndCommands(t *testing.T) {
	e := start(t, envOptions{guild: guildID})
	id := <-e.fake.Gateway.Identifies
	if id["token"] != "Bot "+botToken {
		t.Errorf("IDENTIFY token = %v; want the bot token with its Bot prefix", id["token"])
	}
	if n, _ := id["intents"].(float64); int(n) != intents {
		t.Errorf("IDENTIFY intents = %v; want %d (GUILDS, GUILD_MESSAGES, DIRECT_MESSAGES; no privileged intent)", id["intents"], intents)
	}
	if _, ok := id["properties"].(map[string]any); !ok {
		t.Errorf("IDENTIFY has no connection properties: %v", id)
	}
	put := e.fake.Next(t, "PUT", "/applications/"+appID+"/guilds/"+guildID+"/commands")
	var cmds []map[string]any
	if err := json.Unmarshal(put.Body, &cmds); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c["name"].(string))
		if _, global := c["contexts"]; global {
			t.Errorf("guild command %s carries contexts (global commands only)", c["name"])
		}
	}
	if strings.Join(names, ",") != "ask,quote,sources,help" {
		t.Errorf("registered %q; want ask, quote, sources, help", names)
	}
	ask := cmds[0]["options"].([]any)
	q, p := ask[0].(map[string]any), ask[1].(map[string]any)
	if q["name"] != "question" || q["type"] != 3.0 || q["required"] != true || p["name"] != "private" || p["type"] != 5.0 {
		t.Errorf("/ask options = %v; want question (string, required) and private (boolean)", ask)
	}
	adaptertest.Eventually(t, "ready", func() bool { return e.adapter.Ready() == nil })
	if n := e.fake.Count("PUT", "/applications/"); n != 1 {
		t.Errorf("%d command registrations; want one bulk overwrite", n)
	}
	if strings.Contains(e.Logs.String(), botToken) {
		t.Error("the bot token was logged")
	}
}

// TestGatewayGlobalCommandsAndMessageContent registers globally (no
// guild), offering the commands in DMs too, and asks for
// MESSAGE_CONTENT only when configured.
func TestGatewayGlobalCommandsAndMessageContent(t *testing.T) {
	e := start(t, envOptions{messageContent: true})
	id := <-e.fake.Gateway.Identifies
	if n, _ := id["intents"].(float64); int(n) != contentIntents {
		t.Errorf("IDENTIFY intents = %v; want %d with MESSAGE_CONTENT", id["intents"], contentIntents)
	}
	put := e.fake.Next(t, "PUT", "/applications/"+appID+"/commands")
	var cmds []map[string]any
	json.Unmarshal(put.Body, &cmds)
	for _, c := range cmds {
		if ctx, _ := c["contexts"].([]any); len(ctx) != 2 || ctx[0] != 0.0 || ctx[1] != 1.0 {
			t.Errorf("global command %s contexts = %v; want [0 1] (guilds and DMs with the bot)", c["name"], c["contexts"])
		}
	}
}

// TestGatewayMentionReplyAndFollowUp mentions the bot in a channel: the
// answer is a reply (soft reference) with the answer embed, buttons and
// allowed_mentions parse []. A reply to that answer is a follow-up with
// the earlier question as context.
func TestGatewayMentionReplyAndFollowUp(t *testing.T) {
	e := start(t, envOptions{})
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, "1600000000000000001", channel, question))
	post := e.fake.Next(t, "POST", "/channels/"+channel+"/messages")
	body := post.JSON(t)
	noPings(t, "mention reply", body)
	ref, _ := body["message_reference"].(map[string]any)
	if ref["message_id"] != "1600000000000000001" || ref["fail_if_not_exists"] != false {
		t.Errorf("message_reference = %v; want a soft reply to the mention", body["message_reference"])
	}
	if em := embed(t, body); em["title"] != "7,500" || len(em["fields"].([]any)) == 0 {
		t.Errorf("answer embed = %v; want title 7,500 and quote fields", em)
	}
	if customID(t, body, discord.VoteUpID) == "" || customID(t, body, discord.VoteDownID) == "" {
		t.Errorf("no vote buttons: %v", body["components"])
	}
	if post.Header.Get("Content-Type") != "application/json" || !strings.HasPrefix(post.Header.Get("User-Agent"), "DiscordBot (") {
		t.Errorf("REST headers %v; want JSON and Discord's User-Agent form", post.Header)
	}

	// Reply to the answer (once the adapter has it back), pinging the
	// bot as a reply does.
	discord.WaitJobs(e.adapter)
	reply := messageEvent(t, "1600000000000000002", guildID, channel, "and in fiscal 2024?", map[string]any{
		"type":              19,
		"message_reference": map[string]any{"message_id": post.ID, "channel_id": channel, "guild_id": guildID},
		"mentions":          []any{map[string]any{"id": botUser, "username": "citebot", "bot": true}},
	})
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", reply)
	follow := e.fake.Next(t, "POST", "/channels/"+channel+"/messages").JSON(t)
	em := embed(t, follow)
	if !strings.Contains(em["title"].(string), "100,000") || !strings.Contains(em["description"].(string), "Read as: What was the fiscal 2024 refugee cap?") {
		t.Errorf("follow-up embed = %v; want 100,000+ read as the fiscal 2024 question", em)
	}
}

// TestGatewayThreadsAndRules: a mention in a thread is answered in the
// thread, follows its parent channel's rules, and a mentioned follow-up
// there carries the context; an un-mentioned message in a thread people
// started is theirs. A thread of an unlisted channel (looked up over
// REST) is not answered.
func TestGatewayThreadsAndRules(t *testing.T) {
	e := start(t, envOptions{messageContent: true, rules: bot.Rules{OnlyListed: true, Channels: map[string]bot.ChannelRule{channel: {}}}})
	e.fake.Set(func(f *discordtest.Fake) {
		f.Channels["1700000000000000001"] = map[string]any{"id": "1700000000000000001", "type": 11, "guild_id": guildID, "parent_id": "1700000000000000099"}
	})
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, "1600000000000000011", thread, question))
	if em := embed(t, e.fake.Next(t, "POST", "/channels/"+thread+"/messages").JSON(t)); em["title"] != "7,500" {
		t.Errorf("thread answer = %v", em)
	}
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", messageEvent(t, "1600000000000000012", guildID, thread, "and in fiscal 2024?", nil))
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, "1600000000000000013", thread, "and in fiscal 2024?"))
	em := embed(t, e.fake.Next(t, "POST", "/channels/"+thread+"/messages").JSON(t))
	if !strings.Contains(em["title"].(string), "100,000") {
		t.Errorf("mentioned follow-up in the thread = %v; want 100,000+", em)
	}
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, "1600000000000000014", "1700000000000000001", question))
	e.fake.Next(t, "GET", "/channels/1700000000000000001")
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, "1600000000000000015", channel, "sources"))
	e.fake.Next(t, "POST", "/channels/"+channel+"/messages")
	discord.WaitJobs(e.adapter)
	if n := e.fake.Count("POST", "/channels/"); n != 3 {
		t.Errorf("%d posts; want 3 (no answer to the un-mentioned message, none in the unlisted channel's thread)", n)
	}
}

// TestGatewayDirectMessage answers a DM, and a follow-up in it without
// any mention.
func TestGatewayDirectMessage(t *testing.T) {
	e := start(t, envOptions{rules: bot.Rules{OnlyListed: true, Channels: map[string]bot.ChannelRule{channel: {}}}})
	const dm = "1800000000000000001"
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", messageEvent(t, "1600000000000000021", "", dm, question, nil))
	body := e.fake.Next(t, "POST", "/channels/"+dm+"/messages").JSON(t)
	noPings(t, "DM answer", body)
	if em := embed(t, body); em["title"] != "7,500" {
		t.Errorf("DM answer = %v", em)
	}
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", messageEvent(t, "1600000000000000022", "", dm, "and in fiscal 2024?", nil))
	if em := embed(t, e.fake.Next(t, "POST", "/channels/"+dm+"/messages").JSON(t)); !strings.Contains(em["title"].(string), "100,000") {
		t.Errorf("DM follow-up = %v; want 100,000+", em)
	}
}

// TestGatewayIgnores: messages from bots (the bot itself included),
// system messages and chatter that neither mentions the bot nor replies
// to it get no answer.
func TestGatewayIgnores(t *testing.T) {
	e := start(t, envOptions{messageContent: true})
	for _, ev := range []map[string]any{
		messageEvent(t, "1600000000000000031", guildID, channel, question, nil),
		messageEvent(t, "1600000000000000032", guildID, channel, "<@"+botUser+"> "+question, map[string]any{"author": map[string]any{"id": "42", "username": "otherbot", "bot": true}}),
		messageEvent(t, "1600000000000000033", guildID, channel, "<@"+botUser+"> "+question, map[string]any{"author": map[string]any{"id": botUser, "username": "citebot", "bot": true}}),
		messageEvent(t, "1600000000000000034", guildID, channel, "<@"+botUser+"> "+question, map[string]any{"type": 7}),
	} {
		e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", ev)
	}
	// A mention after them is answered, and is the only post.
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, "1600000000000000035", channel, question))
	e.fake.Next(t, "POST", "/channels/"+channel+"/messages")
	discord.WaitJobs(e.adapter)
	if n := e.fake.Count("POST", "/channels/"); n != 1 {
		t.Errorf("%d posts; want only the answer to the mention", n)
	}
}

// TestGatewayReconnectResumesWithoutDuplicates drops the connection
// after an answered mention: the adapter reconnects and RESUMEs the
// session; Discord replays the mention along with a new one, and only
// the new one is answered.
func TestGatewayReconnectResumesWithoutDuplicates(t *testing.T) {
	e := start(t, envOptions{})
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, "1600000000000000041", channel, question))
	e.fake.Next(t, "POST", "/channels/"+channel+"/messages")
	e.fake.Gateway.Set(func(g *discordtest.Gateway) { g.Replay = 1 })

	e.fake.Gateway.Drop()
	resume := <-e.fake.Gateway.Resumes
	if resume["session_id"] != "session-1" || resume["token"] != "Bot "+botToken || resume["seq"] == 0.0 {
		t.Errorf("RESUME = %v; want the session, the token and the last sequence", resume)
	}
	e.fake.Gateway.WaitReady(t)
	adaptertest.Eventually(t, "ready after resuming", func() bool { return e.adapter.Ready() == nil })
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, "1600000000000000042", channel, "What is the FY2026 refugee cap?"))
	e.fake.Next(t, "POST", "/channels/"+channel+"/messages")
	discord.WaitJobs(e.adapter)
	if n := e.fake.Count("POST", "/channels/"); n != 2 {
		t.Errorf("%d posts after the replay; want 2 (the replayed mention answered once)", n)
	}
	if !strings.Contains(e.Logs.String(), "skipped a redelivered message") {
		t.Errorf("the replay is not logged:\n%s", e.Logs)
	}
}

// TestGatewayInteractions runs /ask over the gateway: the deferred
// response goes to the callback endpoint (ephemeral for private:true),
// the answer replaces it through the webhook, and a replayed
// interaction is not answered again. A 👍 click is recorded.
func TestGatewayInteractions(t *testing.T) {
	e := start(t, envOptions{})
	var ask map[string]any
	json.Unmarshal(command(t, "1900000000000000001", "ask", map[string]any{"question": question, "private": true}, guildID, channel), &ask)
	e.fake.Gateway.Dispatch(t, "INTERACTION_CREATE", ask)
	cb := e.fake.Next(t, "POST", "/interactions/1900000000000000001/token-1900000000000000001/callback").JSON(t)
	data, _ := cb["data"].(map[string]any)
	if cb["type"] != 5.0 || data["flags"] != 64.0 {
		t.Errorf("initial response = %v; want type 5 with flags 64 (ephemeral)", cb)
	}
	noPings(t, "deferred response", data)
	edit := e.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-1900000000000000001/messages/@original").JSON(t)
	noPings(t, "answer edit", edit)
	if em := embed(t, edit); em["title"] != "7,500" {
		t.Errorf("answer = %v", em)
	}
	up := customID(t, edit, discord.VoteUpID)

	e.fake.Gateway.Dispatch(t, "INTERACTION_CREATE", ask) // replayed
	var vote map[string]any
	json.Unmarshal(click("1900000000000000002", up, user, channel), &vote)
	e.fake.Gateway.Dispatch(t, "INTERACTION_CREATE", vote)
	cb = e.fake.Next(t, "POST", "/interactions/1900000000000000002/").JSON(t)
	if data, _ := cb["data"].(map[string]any); cb["type"] != 5.0 || data["flags"] != 64.0 {
		t.Errorf("vote's initial response = %v; want deferred and ephemeral", cb)
	}
	if note := e.fake.Next(t, "PATCH", "/webhooks/"+appID+"/token-1900000000000000002/").JSON(t); note["content"] != "Thanks — your 👍 is recorded." {
		t.Errorf("vote acknowledged %v", note)
	}
	discord.WaitJobs(e.adapter)
	if n := e.fake.Count("POST", "/interactions/1900000000000000001/"); n != 1 {
		t.Errorf("%d initial responses to the replayed interaction; want 1", n)
	}
	votes, _ := e.Store.Votes(context.Background())
	if len(votes) != 1 || votes[0].User != user || votes[0].Vote != bot.VoteUp || votes[0].Platform != "discord" {
		t.Errorf("votes = %+v; want the member's 👍", votes)
	}
}

// TestGatewayRateLimits answers a reply's first post with a user 429
// and an edit's with a global one: each is retried after retry_after,
// and delivered once.
func TestGatewayRateLimits(t *testing.T) {
	e := start(t, envOptions{setup: func(f *discordtest.Fake) {
		f.Limits["POST /channels/"] = 1
		f.LimitFor = 0.5
	}})
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, "1600000000000000051", channel, question))
	first := e.fake.Next(t, "POST", "/channels/")
	second := e.fake.Next(t, "POST", "/channels/")
	if em := embed(t, second.JSON(t)); em["title"] != "7,500" {
		t.Errorf("answer after a 429 = %v", em)
	}
	// retry_after is honoured: the second attempt is no sooner (a lower
	// bound, which a slow machine cannot break).
	if gap := second.At.Sub(first.At); gap < 500*time.Millisecond {
		t.Errorf("posted again %v after a 429 with retry_after 0.5", gap)
	}
	discord.WaitJobs(e.adapter)
	if n := e.fake.Count("POST", "/channels/"); n != 2 {
		t.Errorf("%d attempts; want the 429 and one post", n)
	}

	e.fake.Set(func(f *discordtest.Fake) {
		f.Limits["PATCH /webhooks/"] = 1
		f.Global = true
	})
	var ask map[string]any
	json.Unmarshal(command(t, "1900000000000000051", "ask", map[string]any{"question": question}, guildID, channel), &ask)
	e.fake.Gateway.Dispatch(t, "INTERACTION_CREATE", ask)
	e.fake.Next(t, "PATCH", "/webhooks/")
	if em := embed(t, e.fake.Next(t, "PATCH", "/webhooks/").JSON(t)); em["title"] != "7,500" {
		t.Errorf("edit after a global 429 = %v", em)
	}
	if !strings.Contains(e.Logs.String(), "discord rate limit") {
		t.Errorf("rate limits are not logged:\n%s", e.Logs)
	}
}

// TestGatewayDisallowedIntents: Discord closes the gateway with 4014
// (MESSAGE_CONTENT not enabled in the portal): Run stops with an error
// naming the setting.
func TestGatewayDisallowedIntents(t *testing.T) {
	e := start(t, envOptions{setup: func(f *discordtest.Fake) { f.Gateway.CloseCode = 4014 }, messageContent: true, stops: true})
	if err := e.Run.Wait(t); err == nil || !strings.Contains(err.Error(), "discord.message_content") || !strings.Contains(err.Error(), "4014") {
		t.Errorf("Run = %v; want an error naming discord.message_content and 4014", err)
	}
	if e.adapter.Ready() == nil {
		t.Error("Ready = nil after the gateway refused the intents")
	}
}

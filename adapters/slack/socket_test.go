package slack_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/slack"
)

// envelope wraps a payload the way Socket Mode delivers it.
func envelope(id, kind string, payload any, retry int) map[string]any {
	m := map[string]any{"envelope_id": id, "type": kind, "payload": payload, "accepts_response_payload": kind == "slash_commands"}
	if retry > 0 {
		m["retry_attempt"], m["retry_reason"] = retry, "timeout"
	}
	return m
}

func rawJSON(b []byte) json.RawMessage { return json.RawMessage(b) }

// TestSocketMode drives the adapter over a local Socket Mode websocket:
// hello, a slash command acked with its notice, a mention answered in
// its thread, a redelivery acked but not answered again, an unreadable
// envelope acked, a disconnect followed by a reconnection, and a vote.
func TestSocketMode(t *testing.T) {
	e := start(t, envOptions{mode: slack.ModeSocket})
	s := e.fake.nextSocket(t)
	adaptertest.Eventually(t, "ready after hello", func() bool { return e.adapter.Ready() == nil })

	// The official slash command envelope, as /ask with a question.
	cmd := adaptertest.JSONFixture(t, "slack-socket-slash-command-envelope.json")
	p := cmd["payload"].(map[string]any)
	p["command"], p["text"], p["response_url"] = "/ask", question, e.fake.url+"response/sock1"
	s.send(t, cmd)
	ack := s.ack(t, "dbdd0ef3-1543-4f94-bfb4-133d0e6c1545")
	payload, _ := ack["payload"].(map[string]any)
	if payload["response_type"] != "ephemeral" || !strings.Contains(payload["text"].(string), "Looking for") {
		t.Errorf("slash ack = %v; want the ephemeral notice as its payload", ack)
	}
	answer := e.fake.next(t)
	if answer.Path != "/response/sock1" || !strings.Contains(string(answer.Blocks), "7,500") {
		t.Errorf("slash answer to %s: %s", answer.Path, answer.Blocks)
	}

	ts := "1515449483.000500"
	s.send(t, envelope("env-mention", "events_api", rawJSON(mention(t, "EvSock1", ts, "", question)), 0))
	s.ack(t, "env-mention")
	if p := e.fake.next(t); p.ThreadTS != ts || !strings.Contains(string(p.Blocks), "7,500") {
		t.Errorf("mention over Socket Mode answered in thread %q: %s", p.ThreadTS, p.Blocks)
	}

	// Slack redelivers the event in a new envelope; an envelope slack-go
	// cannot parse is acked too.
	s.send(t, envelope("env-mention-retry", "events_api", rawJSON(mention(t, "EvSock1", ts, "", question)), 1))
	s.ack(t, "env-mention-retry")
	s.send(t, envelope("env-unknown", "events_api", rawJSON(adaptertest.Fixture(t, "slack-event-callback-wrapper.json")), 0))
	s.ack(t, "env-unknown")

	// Slack asks for a refresh: the client reconnects and carries on.
	s.sendRaw(adaptertest.Fixture(t, "slack-socket-disconnect-refresh-requested.json"))
	s2 := e.fake.nextSocket(t)
	if n := e.fake.opens.Load(); n != 2 {
		t.Errorf("apps.connections.open called %d times; want 2 (a new URL for the new connection)", n)
	}
	follow := message(t, "EvSock2", map[string]any{"channel": "C123ABC456", "channel_type": "channel", "user": "W9",
		"text": "and in fiscal 2024?", "ts": "1515449483.000600", "thread_ts": ts})
	s2.send(t, envelope("env-follow", "events_api", rawJSON(follow), 0))
	s2.ack(t, "env-follow")
	p2 := e.fake.next(t)
	if p2.ThreadTS != ts || !strings.Contains(string(p2.Blocks), "100,000") {
		t.Errorf("follow-up after reconnecting: thread %q %s", p2.ThreadTS, p2.Blocks)
	}
	slack.WaitJobs(e.adapter)
	if n := e.fake.count(); n != 3 {
		t.Errorf("%d posts; want 3 (the redelivery answered once)", n)
	}

	id := buttonValue(t, p2.Blocks, slack.ActionVoteUp)
	click := interactionPayload("W9", "C123ABC456", slack.ActionVoteUp, id, e.fake.url+"response/sockvote")
	s2.send(t, envelope("env-vote", "interactive", click, 0))
	s2.ack(t, "env-vote")
	if p := e.fake.next(t); !strings.Contains(p.Text, "recorded") {
		t.Errorf("vote over Socket Mode answered %q", p.Text)
	}
	if votes, _ := e.Store.Votes(context.Background()); len(votes) != 1 || votes[0].User != "W9" {
		t.Errorf("votes = %+v; want W9's", votes)
	}
}

// TestSocketModeRejectedAppToken: a rejected app-level token stops Run
// with an error naming the setting.
func TestSocketModeRejectedAppToken(t *testing.T) {
	fake := newFake(t)
	fake.set(func(f *fakeSlack) { f.authMode = "invalid" }) // the bot token too: Run must not wait on it
	a, err := slack.New(slack.Options{Mode: slack.ModeSocket, BotToken: "xoxb-test", AppToken: "xapp-wrong", APIURL: fake.url, Chat: newChat(t)})
	if err != nil {
		t.Fatal(err)
	}
	err = a.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "slack.app_token") || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("Run = %v; want an error naming slack.app_token and invalid_auth", err)
	}
	if a.Ready() == nil {
		t.Error("Ready = nil after the app token was rejected")
	}
}

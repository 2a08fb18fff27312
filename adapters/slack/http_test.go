package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/slack"
	"github.com/citebot/citebot/bot"
)

const (
	form  = "application/x-www-form-urlencoded"
	jsonT = "application/json"
)

// TestHTTPRejectsUnverifiedRequests sends every endpoint requests that
// are unsigned, stale, tampered or signed with another secret: each gets
// 401 and nothing reaches the bot or Slack.
func TestHTTPRejectsUnverifiedRequests(t *testing.T) {
	e := start(t, envOptions{})
	bodies := map[string][]byte{
		"/slack/commands":     slashForm(t, question, e.fake.url+"response/x"),
		"/slack/events":       mention(t, "EvReject", "1515449483.000108", "", question),
		"/slack/interactions": interaction("U2", "C1", slack.ActionVoteUp, "0000000000000000dead", e.fake.url+"response/y"),
	}
	for path, body := range bodies {
		ctype := form
		if path == "/slack/events" {
			ctype = jsonT
		}
		now := time.Now()
		ts := fmt.Sprint(now.Unix())
		cases := map[string]func(*http.Request){
			"unsigned": func(r *http.Request) {},
			"stale": func(r *http.Request) {
				old := fmt.Sprint(now.Add(-6 * time.Minute).Unix())
				r.Header.Set("X-Slack-Request-Timestamp", old)
				r.Header.Set("X-Slack-Signature", slack.SignatureHeader(secret, old, body))
			},
			"tampered": func(r *http.Request) {
				r.Header.Set("X-Slack-Request-Timestamp", ts)
				r.Header.Set("X-Slack-Signature", slack.SignatureHeader(secret, ts, append([]byte("x"), body...)))
			},
			"another secret": func(r *http.Request) {
				r.Header.Set("X-Slack-Request-Timestamp", ts)
				r.Header.Set("X-Slack-Signature", slack.SignatureHeader("not-the-secret", ts, body))
			},
			"no timestamp": func(r *http.Request) {
				r.Header.Set("X-Slack-Signature", slack.SignatureHeader(secret, ts, body))
			},
		}
		for name, sign := range cases {
			req, _ := http.NewRequest("POST", e.Base+path, strings.NewReader(string(body)))
			req.Header.Set("Content-Type", ctype)
			sign(req)
			if code, text := adaptertest.Do(t, req); code != http.StatusUnauthorized {
				t.Errorf("%s %s = %d %q; want 401", name, path, code, text)
			}
		}
	}
	slack.WaitJobs(e.adapter)
	if n := e.Obs.Questions(); n != 0 {
		t.Errorf("the bot was asked %d questions by unverified requests; want none", n)
	}
	if n := e.fake.count(); n != 0 {
		t.Errorf("%d messages posted for unverified requests; want none", n)
	}
	if !strings.Contains(e.Logs.String(), "not verifiably from Slack") {
		t.Errorf("rejections are not logged:\n%s", e.Logs)
	}
	if strings.Contains(e.Logs.String(), secret) {
		t.Error("the signing secret was logged")
	}

	big := make([]byte, slack.MaxBodyBytes+1)
	if code, _ := e.signed(t, "/slack/events", jsonT, big, time.Now(), nil); code != http.StatusRequestEntityTooLarge {
		t.Errorf("an oversized body = %d; want 413", code)
	}
	// Far over the limit, from a client that sends it all before reading
	// the answer: the 413 reaches it every time.
	for _, body := range adaptertest.Oversized(t, e.Base+"/slack/events", http.Header{"Content-Type": {jsonT}}, 6) {
		if !strings.Contains(body, "request body too large") {
			t.Errorf("oversized body answered %q", body)
		}
	}
}

func TestHTTPURLVerification(t *testing.T) {
	e := start(t, envOptions{})
	body := adaptertest.Fixture(t, "slack-url-verification.json")
	code, text := e.signed(t, "/slack/events", jsonT, body, time.Now(), nil)
	if code != 200 || text != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification = %d %q; want 200 with the challenge", code, text)
	}
}

// TestHTTPSlashCommandAcksBeforeAnswering runs /ask while Slack's Web API
// hangs (auth.test never answers) and the response_url holds every post
// until the test has the ack: the ack must come first, then the answer.
func TestHTTPSlashCommandAcksBeforeAnswering(t *testing.T) {
	e := start(t, envOptions{setup: func(f *fakeSlack) { f.authMode = "hang"; f.hold = make(chan struct{}) }})

	code, ack := e.signed(t, "/slack/commands", form, slashForm(t, question, e.fake.url+"response/cmd1"), time.Now(), nil)
	var msg struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if code != 200 || json.Unmarshal([]byte(ack), &msg) != nil || msg.ResponseType != "ephemeral" || !strings.Contains(msg.Text, "Looking for") {
		t.Fatalf("ack = %d %s; want an immediate ephemeral notice", code, ack)
	}
	if err := e.adapter.Ready(); err == nil {
		t.Error("Ready = nil while auth.test hangs; want not ready")
	}
	e.fake.set(func(f *fakeSlack) { close(f.hold) })

	p := e.fake.next(t)
	if p.Path != "/response/cmd1" || p.ResponseType != "ephemeral" || !p.ReplaceOriginal {
		t.Errorf("answer went to %s as %q (replace %v); want the response_url, ephemeral, replacing the notice", p.Path, p.ResponseType, p.ReplaceOriginal)
	}
	if !strings.Contains(string(p.Blocks), `"text":"7,500","style":{"bold":true}`) {
		t.Errorf("answer blocks lack the bold short answer 7,500:\n%s", p.Blocks)
	}
	if buttonValue(t, p.Blocks, slack.ActionShare) == "" || buttonValue(t, p.Blocks, slack.ActionVoteUp) == "" {
		t.Errorf("a private answer needs Share and vote buttons:\n%s", p.Blocks)
	}
}

// TestHTTPBadTokenIsReportedButEndpointsWork starts with a token Slack
// rejects: the error is logged, Ready says why, and signed commands are
// still acked and answered through response_url (which needs no token).
func TestHTTPBadTokenIsReportedButEndpointsWork(t *testing.T) {
	e := start(t, envOptions{setup: func(f *fakeSlack) { f.authMode = "invalid" }})
	adaptertest.Eventually(t, "Ready reporting invalid_auth", func() bool {
		err := e.adapter.Ready()
		return err != nil && strings.Contains(err.Error(), "invalid_auth")
	})
	if !strings.Contains(e.Logs.String(), `"level":"ERROR"`) || !strings.Contains(e.Logs.String(), "invalid_auth") {
		t.Errorf("the rejected token is not logged as an error:\n%s", e.Logs)
	}
	if strings.Contains(e.Logs.String(), "xoxb-test") {
		t.Error("the bot token was logged")
	}
	code, _ := e.signed(t, "/slack/commands", form, slashForm(t, question, e.fake.url+"response/cmd2"), time.Now(), nil)
	if code != 200 {
		t.Fatalf("signed command with a rejected token = %d; want acked", code)
	}
	if p := e.fake.next(t); !strings.Contains(string(p.Blocks), "7,500") {
		t.Errorf("answer = %s; want 7,500", p.Blocks)
	}
}

func TestHTTPSlashHelpAndSources(t *testing.T) {
	e := start(t, envOptions{})
	for _, text := range []string{"", "help"} {
		code, ack := e.signed(t, "/slack/commands", form, slashForm(t, text, e.fake.url+"response/h"), time.Now(), nil)
		if code != 200 || !strings.Contains(ack, "/ask sources") || !strings.Contains(ack, `"response_type":"ephemeral"`) {
			t.Errorf("/ask %q = %d %s; want usage, privately, in the ack", text, code, ack)
		}
	}
	if code, _ := e.signed(t, "/slack/commands", form, slashForm(t, "sources", e.fake.url+"response/s"), time.Now(), nil); code != 200 {
		t.Fatalf("/ask sources = %d", code)
	}
	p := e.fake.next(t)
	if !strings.Contains(string(p.Blocks), "2 documents") || p.ResponseType != "ephemeral" {
		t.Errorf("/ask sources answered %s; want the 2 seed documents", p.Blocks)
	}
	slack.WaitJobs(e.adapter)
	if n := e.Obs.Questions(); n != 0 {
		t.Errorf("help and sources asked the index %d questions; want none", n)
	}
}

// TestHTTPMentionThreadFollowUpAndRetries mentions the bot in a channel,
// asks a follow-up in the thread without mentioning it, and has Slack
// redeliver events: each is answered once, in the thread.
func TestHTTPMentionThreadFollowUpAndRetries(t *testing.T) {
	e := start(t, envOptions{})
	const channel, ts = "C123ABC456", "1515449483.000108"
	first := mention(t, "Ev0MDYHUEL", ts, "", question)
	if code, _ := e.signed(t, "/slack/events", jsonT, first, time.Now(), nil); code != 200 {
		t.Fatalf("app_mention = %d", code)
	}
	p := e.fake.next(t)
	if p.Kind != "chat.postMessage" || p.Channel != channel || p.ThreadTS != ts {
		t.Fatalf("answer posted to %s %s thread %q; want chat.postMessage in %s, thread %s", p.Kind, p.Channel, p.ThreadTS, channel, ts)
	}
	if !strings.Contains(string(p.Blocks), `"text":"7,500","style":{"bold":true}`) || buttonValue(t, p.Blocks, slack.ActionShare) != "" {
		t.Errorf("thread answer blocks: want the bold answer and no Share button (it is public already):\n%s", p.Blocks)
	}
	if p.Form.Get("link_names") != "" || p.Form.Get("parse") != "" {
		t.Errorf("posted with link_names=%q parse=%q; want neither (they turn text into mentions)", p.Form.Get("link_names"), p.Form.Get("parse"))
	}

	// Slack redelivers the same event (the first ack was slow), and the
	// same message arrives as a message.channels event too.
	if code, _ := e.signed(t, "/slack/events", jsonT, first, time.Now(), http.Header{"X-Slack-Retry-Num": {"1"}, "X-Slack-Retry-Reason": {"http_timeout"}}); code != 200 {
		t.Errorf("retry = %d; want 200", code)
	}
	same := message(t, "EvOther", map[string]any{"channel": channel, "channel_type": "channel", "user": "W021FGA1Z",
		"text": "<@" + botUser + "> " + question, "ts": ts, "event_ts": ts})
	e.signed(t, "/slack/events", jsonT, same, time.Now(), nil)
	slack.WaitJobs(e.adapter)
	if n := e.fake.count(); n != 1 {
		t.Fatalf("%d posts after redeliveries; want the one answer", n)
	}

	followUp := message(t, "EvFollow", map[string]any{"channel": channel, "channel_type": "channel", "user": "W022",
		"text": "and in fiscal 2024?", "ts": "1515449490.000200", "event_ts": "1515449490.000200", "thread_ts": ts})
	e.signed(t, "/slack/events", jsonT, followUp, time.Now(), nil)
	p = e.fake.next(t)
	if p.ThreadTS != ts || !strings.Contains(string(p.Blocks), "100,000") || !strings.Contains(string(p.Blocks), "Read as: What was the fiscal 2024 refugee cap?") {
		t.Errorf("follow-up answer in thread %q:\n%s\nwant 100,000+ in the same thread, saying how it was read", p.ThreadTS, p.Blocks)
	}

	// Chatter at the top level, the bot's own posts and edits are not
	// answered.
	for i, ev := range []map[string]any{
		{"channel": channel, "channel_type": "channel", "user": "W023", "text": "What was the FY2026 refugee cap?", "ts": "1515449491.1"},
		{"channel": channel, "channel_type": "channel", "user": botUser, "text": "and in 2025?", "ts": "1515449491.2", "thread_ts": ts},
		{"channel": channel, "channel_type": "channel", "user": "W024", "bot_id": "B999", "text": "and in 2025?", "ts": "1515449491.3", "thread_ts": ts},
		{"channel": channel, "channel_type": "channel", "user": "W025", "subtype": "message_changed", "text": "and in 2025?", "ts": "1515449491.4", "thread_ts": ts},
		{"channel": channel, "channel_type": "channel", "user": "W026", "text": "thanks, that is what I needed", "ts": "1515449491.5", "thread_ts": ts},
	} {
		e.signed(t, "/slack/events", jsonT, message(t, fmt.Sprintf("EvQuiet%d", i), ev), time.Now(), nil)
	}
	slack.WaitJobs(e.adapter)
	if n := e.fake.count(); n != 2 {
		t.Errorf("%d posts; want only the 2 answers (chatter, own posts, bots and edits ignored)", n)
	}

	// An event slack-go cannot parse is still acked, so Slack does not
	// retry it.
	if code, _ := e.signed(t, "/slack/events", jsonT, adaptertest.Fixture(t, "slack-event-callback-wrapper.json"), time.Now(), nil); code != 200 {
		t.Errorf("unknown inner event = %d; want 200", code)
	}
	if code, _ := e.signed(t, "/slack/events", jsonT, adaptertest.Fixture(t, "slack-app-rate-limited.json"), time.Now(), nil); code != 200 {
		t.Errorf("app_rate_limited = %d; want 200", code)
	}
}

func TestHTTPDirectMessage(t *testing.T) {
	e := start(t, envOptions{rules: bot.Rules{OnlyListed: true, Channels: map[string]bot.ChannelRule{"C1": {}}}})
	body := message(t, "EvDM", map[string]any{"text": question})
	if code, _ := e.signed(t, "/slack/events", jsonT, body, time.Now(), nil); code != 200 {
		t.Fatal(code)
	}
	p := e.fake.next(t)
	if p.Channel != "D024BE91L" || p.ThreadTS != "" || !strings.Contains(string(p.Blocks), "7,500") {
		t.Errorf("DM answered in %s thread %q: %s; want the DM itself", p.Channel, p.ThreadTS, p.Blocks)
	}
	// The follow-up in the DM keeps the context, without a mention.
	e.signed(t, "/slack/events", jsonT, message(t, "EvDM2", map[string]any{"text": "and in fiscal 2024?", "ts": "1355517524.000001"}), time.Now(), nil)
	if p := e.fake.next(t); !strings.Contains(string(p.Blocks), "100,000") {
		t.Errorf("DM follow-up: %s; want 100,000+", p.Blocks)
	}
	// A mention in a channel the rules leave out is not answered.
	e.signed(t, "/slack/events", jsonT, mention(t, "EvOut", "1515449499.000001", "", question), time.Now(), nil)
	slack.WaitJobs(e.adapter)
	if n := e.fake.count(); n != 2 {
		t.Errorf("%d posts; want no answer in an unlisted channel", n)
	}
}

// askThroughFaults mentions the bot once, in a Slack that setup makes
// fail, and checks that the answer is posted after the failures (what
// names them); it returns the adapter's environment and when each post
// was attempted, once the adapter's work is done.
func askThroughFaults(t *testing.T, setup func(*fakeSlack), event, ts, what string) (*env, []time.Time) {
	t.Helper()
	e := start(t, envOptions{setup: setup})
	e.signed(t, "/slack/events", jsonT, mention(t, event, ts, "", question), time.Now(), nil)
	if p := e.fake.next(t); !strings.Contains(string(p.Blocks), "7,500") {
		t.Errorf("answer after %s: %s", what, p.Blocks)
	}
	slack.WaitJobs(e.adapter)
	return e, e.fake.postAttempts()
}

// TestHTTPRateLimitedPostIsRetried answers 429 once: the adapter waits
// for Retry-After and posts the answer, once.
func TestHTTPRateLimitedPostIsRetried(t *testing.T) {
	e, attempts := askThroughFaults(t, func(f *fakeSlack) { f.rateLimit = 1 }, "EvRL", "1515449483.000300", "a 429")
	if len(attempts) != 2 || e.fake.count() != 1 {
		t.Fatalf("%d attempts, %d posts; want a 429 then one post", len(attempts), e.fake.count())
	}
	// Retry-After: 1 is honoured: the second attempt is no sooner (a lower
	// bound, which a slow machine cannot break).
	if gap := attempts[1].Sub(attempts[0]); gap < time.Second {
		t.Errorf("posted again %v after a 429 with Retry-After: 1", gap)
	}
	if !strings.Contains(e.Logs.String(), "rate limit") {
		t.Errorf("the rate limit is not logged:\n%s", e.Logs)
	}
}

// TestHTTPVotesAndShare clicks 👍, 👍 again, 👎 and "Share in channel" on
// a private answer.
func TestHTTPVotesAndShare(t *testing.T) {
	e := start(t, envOptions{})
	e.signed(t, "/slack/commands", form, slashForm(t, question, e.fake.url+"response/cmd"), time.Now(), nil)
	answer := e.fake.next(t)
	id := buttonValue(t, answer.Blocks, slack.ActionVoteUp)
	if id == "" {
		t.Fatalf("no vote button on %s", answer.Blocks)
	}
	for i, c := range []struct {
		action, want string
	}{
		{slack.ActionVoteUp, "Thanks — your 👍 is recorded."},
		{slack.ActionVoteUp, "Your vote was already recorded."},
		{slack.ActionVoteDown, "Thanks — your 👎 is recorded."},
	} {
		url := fmt.Sprintf("%sresponse/vote%d", e.fake.url, i)
		if code, _ := e.signed(t, "/slack/interactions", form, interaction("U2CERLKJA", "G8PSS9T3V", c.action, id, url), time.Now(), nil); code != 200 {
			t.Fatalf("click = %d", code)
		}
		p := e.fake.next(t)
		if p.Path != "/response/vote"+fmt.Sprint(i) || p.ResponseType != "ephemeral" || p.Text != c.want {
			t.Errorf("click %d answered %q (%s, %s); want %q to the voter alone", i, p.Text, p.ResponseType, p.Path, c.want)
		}
	}
	votes, err := e.Store.Votes(context.Background())
	if err != nil || len(votes) != 1 || votes[0].Vote != bot.VoteDown || votes[0].User != "U2CERLKJA" || votes[0].Question != question || votes[0].Answer != "7,500" || votes[0].Platform != "slack" {
		t.Errorf("stored votes = %+v, %v; want U2CERLKJA's vote, now down, on the 7,500 answer", votes, err)
	}
	if up, down := e.Obs.Votes(bot.VoteUp), e.Obs.Votes(bot.VoteDown); up != 1 || down != 1 {
		t.Errorf("metrics counted %d up, %d down; want one of each (the repeated click not counted)", up, down)
	}

	e.signed(t, "/slack/interactions", form, interaction("U2CERLKJA", "G8PSS9T3V", slack.ActionShare, id, e.fake.url+"response/share"), time.Now(), nil)
	shared := e.fake.next(t)
	if shared.ResponseType != "in_channel" || shared.ReplaceOriginal || !strings.Contains(string(shared.Blocks), "\\u003c@U2CERLKJA\\u003e asked: What was the FY2026 refugee cap?") {
		t.Errorf("shared as %q (replace %v):\n%s\nwant in_channel, asked by the clicker", shared.ResponseType, shared.ReplaceOriginal, shared.Blocks)
	}
	if buttonValue(t, shared.Blocks, slack.ActionShare) != "" || buttonValue(t, shared.Blocks, slack.ActionVoteUp) != id {
		t.Errorf("the shared answer keeps the vote buttons, without Share:\n%s", shared.Blocks)
	}
	if del := e.fake.next(t); !del.DeleteOriginal || del.Path != "/response/share" {
		t.Errorf("after sharing: %+v; want the private copy deleted", del)
	}

	e.signed(t, "/slack/interactions", form, interaction("U3", "C1", slack.ActionVoteUp, "000000000000deadbeef", e.fake.url+"response/gone"), time.Now(), nil)
	if p := e.fake.next(t); !strings.Contains(p.Text, "no longer on record") {
		t.Errorf("vote on an unknown answer answered %q; want it explained", p.Text)
	}
}

// TestHTTPMentionInPeoplesThread mentions the bot inside a thread people
// started: it answers there, but un-mentioned replies in that thread are
// not taken for questions to the bot.
func TestHTTPMentionInPeoplesThread(t *testing.T) {
	e := start(t, envOptions{})
	const channel, root = "C123ABC456", "1515440000.000001"
	e.signed(t, "/slack/events", jsonT, mention(t, "EvTheirs1", "1515440100.000001", root, question), time.Now(), nil)
	if p := e.fake.next(t); p.ThreadTS != root || !strings.Contains(string(p.Blocks), "7,500") {
		t.Fatalf("mention in a thread answered in %q: %s", p.ThreadTS, p.Blocks)
	}
	reply := message(t, "EvTheirs2", map[string]any{"channel": channel, "channel_type": "channel", "user": "W3",
		"text": "and in fiscal 2024?", "ts": "1515440200.000001", "thread_ts": root})
	e.signed(t, "/slack/events", jsonT, reply, time.Now(), nil)
	slack.WaitJobs(e.adapter)
	if n := e.fake.count(); n != 1 {
		t.Errorf("%d posts; want no answer to an un-mentioned reply in a thread the bot did not start", n)
	}
}

// TestHTTPServerErrorsAreRetriedOnce: Slack answers chat.postMessage
// with 503 twice; the answer is posted on the third attempt, once.
func TestHTTPServerErrorsAreRetriedOnce(t *testing.T) {
	slack.SetRetryBackoff(t, time.Millisecond)
	e, attempts := askThroughFaults(t, func(f *fakeSlack) { f.failures = 2 }, "Ev503", "1515449483.000400", "two 503s")
	if len(attempts) != 3 || e.fake.count() != 1 {
		t.Errorf("%d attempts, %d posts; want two 503s then one post", len(attempts), e.fake.count())
	}
	if !strings.Contains(e.Logs.String(), "posting again") {
		t.Errorf("the retries are not logged:\n%s", e.Logs)
	}
}

// TestSlashAnswerSurvivesResponseURLErrors: the response URL answers
// 503 twice; the answer replaces the "Looking…" notice on the third
// attempt, once.
func TestSlashAnswerSurvivesResponseURLErrors(t *testing.T) {
	slack.SetRetryBackoff(t, time.Millisecond)
	e := start(t, envOptions{setup: func(f *fakeSlack) { f.failures = 2 }})
	if code, _ := e.signed(t, "/slack/commands", form, slashForm(t, question, e.fake.url+"response/cmd503"), time.Now(), nil); code != 200 {
		t.Fatalf("slash command = %d", code)
	}
	p := e.fake.next(t)
	if !p.ReplaceOriginal || !strings.Contains(string(p.Blocks), "7,500") {
		t.Errorf("answer after two 503s: replace %v, %s", p.ReplaceOriginal, p.Blocks)
	}
	slack.WaitJobs(e.adapter)
	e.fake.mu.Lock()
	calls := e.fake.responseCalls
	e.fake.mu.Unlock()
	if calls != 3 || e.fake.count() != 1 {
		t.Errorf("%d calls to the response URL, %d delivered; want two 503s then one", calls, e.fake.count())
	}
}

// TestHungResponseURLIsCutOff: a response URL that never answers holds
// the answer only until the HTTP client's timeout; the adapter gives up
// after its attempts, logs why, and never logs the URL's secret part.
func TestHungResponseURLIsCutOff(t *testing.T) {
	slack.SetRetryBackoff(t, time.Millisecond)
	gaveUp := make(chan struct{}, 10)
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the request first: only then does net/http watch the
		// connection and end r.Context() when the client hangs up.
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done() // hangs until citebot's client hangs up
		gaveUp <- struct{}{}
	}))
	defer hung.Close()
	const secretPart = "Xq7mS3cr3tR3sp0ns3T0k3n"
	e := start(t, envOptions{client: &http.Client{Timeout: 50 * time.Millisecond}})
	if code, _ := e.signed(t, "/slack/commands", form, slashForm(t, question, hung.URL+"/commands/T061EG9R6/1337/"+secretPart), time.Now(), nil); code != 200 {
		t.Fatalf("slash command = %d; want the ack regardless of the response URL", code)
	}
	slack.WaitJobs(e.adapter) // returns: the hung post was abandoned
	// Every attempt hung and was hung up on (a replace_original may be
	// repeated, so a timeout is retried). The server notices a hang-up
	// a moment after the client, hence the wait.
	for i := range slack.MaxSendAttempts {
		adaptertest.Receive(t, gaveUp, fmt.Sprintf("attempt %d: the hung response URL seeing citebot hang up", i+1))
	}
	logs := e.Logs.String()
	if !strings.Contains(logs, "could not deliver the answer") || !strings.Contains(logs, "Timeout") {
		t.Errorf("the abandoned answer is not logged with its cause:\n%s", logs)
	}
	if strings.Contains(logs, secretPart) {
		t.Errorf("the response URL's secret part is in the logs:\n%s", logs)
	}
}

// TestRateLimitedUserIsToldSo: over the per-user limit, /ask answers
// with the friendly notice instead of searching.
func TestRateLimitedUserIsToldSo(t *testing.T) {
	obs := &adaptertest.Counter{}
	chat := bot.NewChat(bot.New(adaptertest.SeedIndex(t), bot.WithObserver(obs)), bot.ChatOptions{Platform: "slack",
		Limits: bot.Limits{PerUser: bot.Rate{PerSecond: 0.001, Burst: 1}}})
	e := start(t, envOptions{chat: chat})
	for i, want := range []string{"7,500", bot.RateLimitedMessage} {
		e.signed(t, "/slack/commands", form, slashForm(t, question, e.fake.url+"response/rl"), time.Now(), nil)
		p := e.fake.next(t)
		if !strings.Contains(p.Text+string(p.Blocks), want) {
			t.Errorf("question %d answered %q %s; want %q", i+1, p.Text, p.Blocks, want)
		}
	}
	if n := obs.Questions(); n != 1 {
		t.Errorf("%d questions reached the index; want 1 (the limited one is refused before searching)", n)
	}
}

// permissiveSlack is a Web API that accepts everything quickly: under
// fuzzing the adapter posts thousands of answers, and the real fake
// (which hands each post to the test) would fill up.
func permissiveSlack(t testing.TB) string {
	return adaptertest.AcceptAll(t, func(r *http.Request) string {
		if strings.HasSuffix(r.URL.Path, "/auth.test") {
			return fmt.Sprintf(`{"ok":true,"team":"Newsroom","user_id":%q}`, botUser)
		}
		return `{"ok":true,"channel":"C1","ts":"1.000001"}`
	}) + "/"
}

// loopbackOnly sends every request to base's host whatever its URL
// says: payloads carry response URLs on hooks.slack.com, and a fuzz
// test must not reach the internet.
type loopbackOnly struct{ host string }

func (l loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = "http", l.host, l.host
	return http.DefaultTransport.RoundTrip(r)
}

// slackSeeds are the official payloads, per endpoint.
func slackSeeds(f *testing.F) map[string][][]byte {
	f.Helper()
	read := func(name string) []byte { return adaptertest.Fixture(f, name) }
	click, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U2CERLKJA"}, "channel": map[string]any{"id": "C1"},
		"response_url": "https://hooks.slack.com/actions/T1/1/x",
		"actions":      []any{map[string]any{"action_id": "citebot_vote_up", "value": "a1"}},
	})
	return map[string][][]byte{
		"/slack/events": {
			read("slack-app-mention-event.json"), read("slack-event-callback-wrapper.json"),
			read("slack-message-im-event.json"), read("slack-url-verification.json"),
			read("slack-app-rate-limited.json"),
		},
		"/slack/commands":     {read("slack-slash-command.form"), []byte("command=%2Fask&text=What+was+the+FY2026+refugee+cap%3F&user_id=U1&channel_id=C1&response_url=" + url.QueryEscape("https://hooks.slack.com/commands/T/1/x"))},
		"/slack/interactions": {[]byte("payload=" + url.QueryEscape(string(click)))},
	}
}

var slackPaths = []string{"/slack/events", "/slack/commands", "/slack/interactions"}

// FuzzSlackRequest sends arbitrary bodies to the three Request URLs,
// signed properly (so the parsing behind the signature check is
// reached), signed with another secret, or signed too long ago. Whatever
// the body: no panic (in the handler or in the answer it starts), no
// 5xx, and the signature decides — a bad or stale one is 401, a good one
// never is.
func FuzzSlackRequest(f *testing.F) {
	for i, p := range slackPaths {
		for _, body := range slackSeeds(f)[p] {
			for mode := range 3 {
				f.Add(uint8(i), uint8(mode), body)
			}
		}
	}
	f.Add(uint8(1), uint8(0), []byte("command=%2Fask&text=%3C%21channel%3E+%40everyone+%3C%40U1%3E&response_url=http%3A%2F%2F127.0.0.1%3A1%2F"))
	f.Add(uint8(2), uint8(0), []byte("payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A%5B%7B%7D%5D%7D"))

	logs, log := adaptertest.NewPanicWatch()
	chat := bot.NewChat(bot.New(adaptertest.SeedIndex(f)), bot.ChatOptions{Platform: "slack", Store: bot.NewMemoryStore()})
	api := permissiveSlack(f)
	u, _ := url.Parse(api)
	a, err := slack.New(slack.Options{Mode: slack.ModeHTTP, BotToken: "xoxb-test", SigningSecret: secret,
		APIURL: api, Chat: chat, Logger: log,
		HTTPClient: &http.Client{Timeout: 5 * time.Second, Transport: loopbackOnly{u.Host}}})
	if err != nil {
		f.Fatal(err)
	}
	h := a.Handler()
	f.Fuzz(func(t *testing.T, path, mode uint8, body []byte) {
		p := slackPaths[int(path)%len(slackPaths)]
		now := time.Now()
		req := httptest.NewRequest("POST", p, strings.NewReader(string(body)))
		if p == "/slack/events" {
			req.Header.Set("Content-Type", "application/json")
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		signedWith, at := secret, now
		switch mode % 3 {
		case 1:
			signedWith = "not-the-signing-secret"
		case 2:
			at = now.Add(-slack.ReplayWindow - time.Minute)
		}
		ts := fmt.Sprint(at.Unix())
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", slack.SignatureHeader(signedWith, ts, body))
		adaptertest.ServeFuzzed(t, h, req, mode%3 == 0, func() { slack.WaitJobs(a) }, logs)
	})
}

// BenchmarkSlashAck measures the path Slack's 3-second limit applies
// to: a signed /ask read, verified, parsed and acknowledged (the answer
// itself runs after the ack, against a response URL that accepts at
// once).
func BenchmarkSlashAck(b *testing.B) {
	fake := newFake(b)
	chat := bot.NewChat(bot.New(adaptertest.SeedIndex(b)), bot.ChatOptions{Platform: "slack"})
	a, err := slack.New(slack.Options{Mode: slack.ModeHTTP, BotToken: "xoxb-test", SigningSecret: secret, APIURL: fake.url, Chat: chat})
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		for range fake.postc {
		}
	}()
	h := a.Handler()
	body := slashForm(b, question, fake.url+"response/bench")
	b.ResetTimer()
	for b.Loop() {
		ts := fmt.Sprint(time.Now().Unix())
		req := httptest.NewRequest("POST", "/slack/commands", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", form)
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", slack.SignatureHeader(secret, ts, body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("ack = %d", rec.Code)
		}
	}
	b.StopTimer()
	slack.WaitJobs(a)
}

// TestHTTPSlashHelpExamplesComeFromTheCorpus: over a corpus that is not
// the seeds, /ask help's example question is about one of its
// headlines, from the collections the channel may see, and nothing of
// the seed articles shows.
func TestHTTPSlashHelpExamplesComeFromTheCorpus(t *testing.T) {
	const channel = "G8PSS9T3V" // the official slash command fixture's
	for _, tc := range []struct {
		rules bot.Rules
		want  string
	}{
		{bot.Rules{}, "Judge delays ruling on the ferry contract"},
		{bot.Rules{Channels: map[string]bot.ChannelRule{channel: {Collections: []string{"metro"}}}}, "Riverton council passes a $412 million budget"},
	} {
		chat := bot.NewChat(bot.New(adaptertest.LocalNews(t)), bot.ChatOptions{Platform: "slack", Rules: tc.rules})
		e := start(t, envOptions{chat: chat})
		code, ack := e.signed(t, "/slack/commands", form, slashForm(t, "help", e.fake.url+"response/h"), time.Now(), nil)
		if code != 200 || !strings.Contains(ack, "/ask What do the documents say about “"+tc.want+"”?") {
			t.Errorf("/ask help = %d %s; want the example question about %q", code, ack, tc.want)
		}
		adaptertest.NoSeedText(t, "/ask help", ack)
	}
}

package discord_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/adapters/discord/discordtest"
)

// TestServerErrorsAreRetriedOnce: Discord answers the message create
// with 503 twice; the answer is created on the third call, once, every
// call carrying the same enforced nonce (the mention's ID).
func TestServerErrorsAreRetriedOnce(t *testing.T) {
	discord.SetRetryBackoff(t, time.Millisecond)
	path := "/channels/" + channel + "/messages"
	e := start(t, envOptions{setup: func(f *discordtest.Fake) { f.Failures["POST "+path] = 2 }})
	const mentionID = "1600000000000000501"
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, mentionID, channel, question))
	var bodies []map[string]any
	for range 3 {
		bodies = append(bodies, e.fake.Next(t, "POST", path).JSON(t))
	}
	discord.WaitJobs(e.adapter)
	if n := e.fake.Count("POST", path); n != 3 {
		t.Errorf("%d creates; want two 503s then one that lands", n)
	}
	for i, b := range bodies {
		if b["nonce"] != mentionID || b["enforce_nonce"] != true {
			t.Errorf("call %d: nonce %v, enforce_nonce %v; want the mention's ID, enforced", i+1, b["nonce"], b["enforce_nonce"])
		}
	}
	if em := embed(t, bodies[2]); em["title"] != "7,500" {
		t.Errorf("the answer that landed: %v", em)
	}
	if !strings.Contains(e.Logs.String(), "calling again") {
		t.Errorf("the retries are not logged:\n%s", e.Logs)
	}
}

// TestCreateThatLandedIsNotPostedTwice: the first create is carried out
// but answered with a 500 (the worst case: Discord posted, the client
// cannot know). The retry carries the same enforced nonce, so Discord
// returns the message already made: one answer in the channel.
func TestCreateThatLandedIsNotPostedTwice(t *testing.T) {
	discord.SetRetryBackoff(t, time.Millisecond)
	e := start(t, envOptions{setup: func(f *discordtest.Fake) { f.LandThenFail = 1 }})
	e.fake.Gateway.Dispatch(t, "MESSAGE_CREATE", mentionEvent(t, "1600000000000000502", channel, question))
	path := "/channels/" + channel + "/messages"
	e.fake.Next(t, "POST", path)
	e.fake.Next(t, "POST", path)
	discord.WaitJobs(e.adapter)
	var created int
	e.fake.Set(func(f *discordtest.Fake) { created = len(f.Nonces) })
	if created != 1 || e.fake.Count("POST", path) != 2 {
		t.Errorf("%d messages created in %d calls; want 1 in 2", created, e.fake.Count("POST", path))
	}
	if strings.Contains(e.Logs.String(), "could not deliver") {
		t.Errorf("the answer is reported lost although it was posted:\n%s", e.Logs)
	}
}

// TestDeferredEditSurvivesServerErrors: the edit of a deferred /ask
// answers 503 twice; the answer replaces "thinking…" on the third call.
func TestDeferredEditSurvivesServerErrors(t *testing.T) {
	discord.SetRetryBackoff(t, time.Millisecond)
	e := start(t, envOptions{setup: func(f *discordtest.Fake) { f.Failures["PATCH /webhooks/"] = 2 }, mode: discord.ModeHTTP})
	const id = "2000000000000000501"
	if code, _ := e.signed(t, command(t, id, "ask", map[string]any{"question": question}, guildID, channel), time.Now()); code != 200 {
		t.Fatalf("/ask = %d", code)
	}
	edit := "/webhooks/" + appID + "/token-" + id + "/messages/@original"
	for range 3 {
		e.fake.Next(t, "PATCH", edit)
	}
	discord.WaitJobs(e.adapter)
	if n := e.fake.Count("PATCH", edit); n != 3 {
		t.Errorf("%d edits; want two 503s then one", n)
	}
	if strings.Contains(e.Logs.String(), "could not deliver") {
		t.Errorf("the answer is reported lost:\n%s", e.Logs)
	}
}

// TestHungEditIsCutOff: an edit Discord never answers holds the answer
// only until the HTTP client's timeout, on every attempt; the adapter
// then gives up, logs why, and never logs the interaction token.
func TestHungEditIsCutOff(t *testing.T) {
	discord.SetRetryBackoff(t, time.Millisecond)
	e := start(t, envOptions{setup: func(f *discordtest.Fake) { f.Hang = "PATCH /webhooks/" }, mode: discord.ModeHTTP, client: &http.Client{Timeout: 50 * time.Millisecond}})
	const id = "2000000000000000502"
	if code, body := e.signed(t, command(t, id, "ask", map[string]any{"question": question}, guildID, channel), time.Now()); code != 200 || !strings.Contains(body, `"type":5`) {
		t.Fatalf("/ask = %d %s; want the deferred response regardless of the hung REST API", code, body)
	}
	discord.WaitJobs(e.adapter) // returns: the hung edit was abandoned
	for i := range discord.MaxSendAttempts {
		if got := adaptertest.Receive(t, e.fake.Hung, fmt.Sprintf("attempt %d: the hung edit seeing citebot hang up", i+1)); !strings.HasPrefix(got, "PATCH /webhooks/") {
			t.Errorf("hung call %q", got)
		}
	}
	logs := e.Logs.String()
	if !strings.Contains(logs, "could not deliver the answer") || !strings.Contains(logs, "Timeout") {
		t.Errorf("the abandoned answer is not logged with its cause:\n%s", logs)
	}
	if strings.Contains(logs, "token-"+id) || strings.Contains(logs, botToken) {
		t.Errorf("a token is in the logs:\n%s", logs)
	}
}

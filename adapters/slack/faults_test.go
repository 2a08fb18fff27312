package slack_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/slack"
	"github.com/citebot/citebot/bot"
)

// TestHTTPServerErrorsAreRetriedOnce: Slack answers chat.postMessage
// with 503 twice; the answer is posted on the third attempt, once.
func TestHTTPServerErrorsAreRetriedOnce(t *testing.T) {
	slack.SetRetryBackoff(t, time.Millisecond)
	fake := newFake(t)
	fake.set(func(f *fakeSlack) { f.failures = 2 })
	e := start(t, envOptions{fake: fake})
	e.signed(t, "/slack/events", jsonT, mention(t, "Ev503", "1515449483.000400", "", question), time.Now(), nil)
	p := fake.next(t)
	if !strings.Contains(string(p.Blocks), "7,500") {
		t.Errorf("answer after two 503s: %s", p.Blocks)
	}
	slack.WaitJobs(e.adapter)
	fake.mu.Lock()
	attempts := len(fake.attempts)
	fake.mu.Unlock()
	if attempts != 3 || fake.count() != 1 {
		t.Errorf("%d attempts, %d posts; want two 503s then one post", attempts, fake.count())
	}
	if !strings.Contains(e.logs.String(), "posting again") {
		t.Errorf("the retries are not logged:\n%s", e.logs)
	}
}

// TestSlashAnswerSurvivesResponseURLErrors: the response URL answers
// 503 twice; the answer replaces the "Looking…" notice on the third
// attempt, once.
func TestSlashAnswerSurvivesResponseURLErrors(t *testing.T) {
	slack.SetRetryBackoff(t, time.Millisecond)
	fake := newFake(t)
	fake.set(func(f *fakeSlack) { f.failures = 2 })
	e := start(t, envOptions{fake: fake})
	if code, _ := e.signed(t, "/slack/commands", form, slashForm(question, fake.url+"response/cmd503"), time.Now(), nil); code != 200 {
		t.Fatalf("slash command = %d", code)
	}
	p := fake.next(t)
	if !p.ReplaceOriginal || !strings.Contains(string(p.Blocks), "7,500") {
		t.Errorf("answer after two 503s: replace %v, %s", p.ReplaceOriginal, p.Blocks)
	}
	slack.WaitJobs(e.adapter)
	fake.mu.Lock()
	calls := fake.responseCalls
	fake.mu.Unlock()
	if calls != 3 || fake.count() != 1 {
		t.Errorf("%d calls to the response URL, %d delivered; want two 503s then one", calls, fake.count())
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
	if code, _ := e.signed(t, "/slack/commands", form, slashForm(question, hung.URL+"/commands/T061EG9R6/1337/"+secretPart), time.Now(), nil); code != 200 {
		t.Fatalf("slash command = %d; want the ack regardless of the response URL", code)
	}
	slack.WaitJobs(e.adapter) // returns: the hung post was abandoned
	// Every attempt hung and was hung up on (a replace_original may be
	// repeated, so a timeout is retried). The server notices a hang-up
	// a moment after the client, hence the wait.
	for i := range slack.MaxSendAttempts {
		select {
		case <-gaveUp:
		case <-time.After(30 * time.Second):
			t.Fatalf("attempt %d: the hung response URL never saw citebot hang up; logs:\n%s", i+1, e.logs)
		}
	}
	logs := e.logs.String()
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
	obs := &counter{}
	chat := bot.NewChat(bot.New(seedIndex(t), bot.WithObserver(obs)), bot.ChatOptions{Platform: "slack",
		Limits: bot.Limits{PerUser: bot.Rate{PerSecond: 0.001, Burst: 1}}})
	e := start(t, envOptions{chat: chat})
	for i, want := range []string{"7,500", bot.RateLimitedMessage} {
		e.signed(t, "/slack/commands", form, slashForm(question, e.fake.url+"response/rl"), time.Now(), nil)
		p := e.fake.next(t)
		if !strings.Contains(p.Text+string(p.Blocks), want) {
			t.Errorf("question %d answered %q %s; want %q", i+1, p.Text, p.Blocks, want)
		}
	}
	if n := obs.questions.Load(); n != 1 {
		t.Errorf("%d questions reached the index; want 1 (the limited one is refused before searching)", n)
	}
}

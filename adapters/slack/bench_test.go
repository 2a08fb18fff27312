package slack_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/slack"
	"github.com/citebot/citebot/bot"
)

// BenchmarkSlashAck measures the path Slack's 3-second limit applies
// to: a signed /ask read, verified, parsed and acknowledged (the answer
// itself runs after the ack, against a response URL that accepts at
// once).
func BenchmarkSlashAck(b *testing.B) {
	fake := newFake(b)
	chat := bot.NewChat(bot.New(seedIndex(b)), bot.ChatOptions{Platform: "slack"})
	a, err := slack.New(slack.Options{Mode: slack.ModeHTTP, BotToken: "xoxb-test", SigningSecret: secret, APIURL: fake.url, Chat: chat})
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		for range fake.postc {
		}
	}()
	h := a.Handler()
	body := slashForm(question, fake.url+"response/bench")
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

// BenchmarkVerify measures checking one request's signature.
func BenchmarkVerify(b *testing.B) {
	body := slashForm(question, "https://hooks.slack.com/commands/T1/2/x")
	ts := fmt.Sprint(time.Now().Unix())
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", slack.SignatureHeader(secret, ts, body))
	now := time.Now()
	for b.Loop() {
		if err := slack.Verify(secret, h, body, now); err != nil {
			b.Fatal(err)
		}
	}
}

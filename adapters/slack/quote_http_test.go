package slack_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/slack"
)

// quoteForm is a slash command body like the official one, for /quote.
func quoteForm(t testing.TB, text, responseURL string) []byte {
	v, _ := url.ParseQuery(string(slashForm(t, text, responseURL)))
	v.Set("command", slack.QuoteCommand)
	return []byte(v.Encode())
}

// TestHTTPSlashQuote runs /quote and /quote --who over signed HTTP
// against the seeds: each is acked with a notice and answered privately
// through the response_url.
func TestHTTPSlashQuote(t *testing.T) {
	e := start(t, envOptions{})
	code, ack := e.signed(t, "/slack/commands", form, quoteForm(t, "“protect your voters from the negative social impacts”", e.fake.url+"response/q1"), time.Now(), nil)
	var msg struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if code != 200 || json.Unmarshal([]byte(ack), &msg) != nil || msg.ResponseType != "ephemeral" || !strings.Contains(msg.Text, "against the documents") {
		t.Fatalf("ack = %d %s; want an immediate ephemeral notice", code, ack)
	}
	p := e.fake.next(t)
	blocks := string(p.Blocks)
	if p.Path != "/response/q1" || p.ResponseType != "ephemeral" || !strings.Contains(blocks, "*Near: not word for word.") {
		t.Errorf("/quote answered %s (%s): %s; want the near verdict privately", p.Path, p.ResponseType, blocks)
	}
	for _, want := range []string{`"text":"citizens","style":{"code":true}`, `"text":"adverse","style":{"code":true}`, "“voters” → “citizens”"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("/quote blocks lack %s:\n%s", want, blocks)
		}
	}

	e.signed(t, "/slack/commands", form, quoteForm(t, "--who a nation without borders is not a nation", e.fake.url+"response/q2"), time.Now(), nil)
	p = e.fake.next(t)
	if !strings.Contains(string(p.Blocks), "*Attributed to Trump.*") || !strings.Contains(string(p.Blocks), "said by the president") {
		t.Errorf("/quote --who answered %s; want Trump, with each place's speaker", p.Blocks)
	}

	for _, text := range []string{"", "help", "--who"} {
		code, ack := e.signed(t, "/slack/commands", form, quoteForm(t, text, e.fake.url+"response/h"), time.Now(), nil)
		if code != 200 || !strings.Contains(ack, "/quote --who") {
			t.Errorf("/quote %q = %d %s; want usage in the ack", text, code, ack)
		}
	}
	slack.WaitJobs(e.adapter)
	if n := e.fake.count(); n != 2 {
		t.Errorf("%d posts; want the two checks only", n)
	}
}

package slack_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/slack"
	"github.com/citebot/citebot/bot"
)

// permissiveSlack is a Web API that accepts everything quickly: under
// fuzzing the adapter posts thousands of answers, and the real fake
// (which hands each post to the test) would fill up.
func permissiveSlack(t testing.TB) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/auth.test") {
			fmt.Fprintf(w, `{"ok":true,"team":"Newsroom","user_id":%q}`, botUser)
			return
		}
		io.WriteString(w, `{"ok":true,"channel":"C1","ts":"1.000001"}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
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

// panicWatch is a log sink that keeps only a line reporting a
// recovered panic (fuzzing logs too much to keep).
type panicWatch struct{ panicked atomic.Pointer[string] }

func (w *panicWatch) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("panicked")) {
		line := string(p)
		w.panicked.Store(&line)
	}
	return len(p), nil
}

// slackSeeds are the official payloads, per endpoint (protocols).
func slackSeeds(f *testing.F) map[string][][]byte {
	f.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(protocols, name))
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
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

	logs := &panicWatch{}
	chat := bot.NewChat(bot.New(seedIndex(f)), bot.ChatOptions{Platform: "slack", Store: bot.NewMemoryStore()})
	api := permissiveSlack(f)
	u, _ := url.Parse(api)
	a, err := slack.New(slack.Options{Mode: slack.ModeHTTP, BotToken: "xoxb-test", SigningSecret: secret,
		APIURL: api, Chat: chat, Logger: newLogger(logs),
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
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		waited := make(chan struct{})
		go func() { slack.WaitJobs(a); close(waited) }()
		select {
		case <-waited:
		case <-time.After(time.Minute):
			buf := make([]byte, 1<<20)
			t.Fatalf("the answer to %s %q never finished:\n%s", p, body, buf[:runtime.Stack(buf, true)])
		}
		switch {
		case rec.Code >= 500:
			t.Fatalf("%s answered %d %s", p, rec.Code, rec.Body)
		case mode%3 != 0 && rec.Code != http.StatusUnauthorized:
			t.Fatalf("%s with a bad signature (mode %d) answered %d; want 401", p, mode%3, rec.Code)
		case mode%3 == 0 && rec.Code == http.StatusUnauthorized:
			t.Fatalf("%s with a good signature answered 401", p)
		}
		if l := logs.panicked.Load(); l != nil {
			t.Fatalf("handling the request panicked: %s", *l)
		}
	})
}

// FuzzSlackVerify: Verify accepts a request only with the exact HMAC of
// its timestamp and body, whatever the headers hold, and never panics.
func FuzzSlackVerify(f *testing.F) {
	var v struct {
		Secret  string            `json:"signing_secret"`
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	}
	b, err := os.ReadFile(filepath.Join(protocols, "slack-signing-vector.json"))
	if err != nil {
		f.Fatal(err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		f.Fatal(err)
	}
	f.Add(v.Headers["X-Slack-Signature"], v.Headers["X-Slack-Request-Timestamp"], []byte(v.Body))
	f.Add("v0=", "1531420618", []byte{})
	f.Add("v0=A2114D57B48EAC39B9AD189DD8316235A7B4A8D21A10BD27519666489C69B503", "1531420618", []byte(v.Body))
	f.Add("v1=zz", "+1531420618", []byte("\xff"))
	now := time.Unix(1531420618, 0)
	f.Fuzz(func(t *testing.T, sig, ts string, body []byte) {
		h := http.Header{}
		h.Set("X-Slack-Signature", sig)
		h.Set("X-Slack-Request-Timestamp", ts)
		if slack.Verify(v.Secret, h, body, now) != nil {
			return
		}
		// Accepted: it must be the signature of exactly these bytes.
		want := slack.Sign(v.Secret, h.Get("X-Slack-Request-Timestamp"), body)
		got, err := hex.DecodeString(strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0="))
		if err != nil || hex.EncodeToString(got) != hex.EncodeToString(want) {
			t.Fatalf("accepted signature %q for ts %q, body %q", sig, ts, body)
		}
	})
}

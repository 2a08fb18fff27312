package slack_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack/slacktest"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/slack"
	"github.com/citebot/citebot/bot"
)

// This file is a local Slack: slack-go's slacktest server with handlers
// of our own for what it does not serve the way Slack does (it is an RTM
// fake): auth.test with a bot identity, chat.postMessage that records
// what was posted and can answer 429, response URLs, and a Socket Mode
// websocket that speaks hello, envelopes, acks, pings and disconnects.

const (
	botUser  = "UBOT"
	secret   = "8f742231b10e8888abcd99yyyzzz85a5" // the official vector's
	question = "What was the FY2026 refugee cap?"
)

// post is one message the fake received.
type post struct {
	Kind            string // "chat.postMessage", or "response" for a response URL
	Path            string
	Channel         string
	ThreadTS        string
	Text            string
	ResponseType    string
	ReplaceOriginal bool
	DeleteOriginal  bool
	Blocks          json.RawMessage
	Form            url.Values
	At              time.Time
}

type fakeSlack struct {
	srv *slacktest.Server
	url string // API base, with the trailing slash

	mu        sync.Mutex
	posts     []post
	attempts  []time.Time // every chat.postMessage call, 429s included
	authMode  string      // "ok", "invalid", "hang"
	rateLimit int         // 429s to answer before accepting a post
	failures  int         // 503s to answer (posts and response URLs) before accepting one
	// responseCalls counts calls to response URLs, 503s included.
	responseCalls int
	hold          chan struct{}

	postc   chan post
	release chan struct{} // closed at cleanup: hanging handlers return
	sockets chan *fakeSocket
	hello   []byte // Slack's first frame on a socket
	opens   atomic.Int32
	ts      atomic.Int64
}

func newFake(t testing.TB) *fakeSlack {
	t.Helper()
	f := &fakeSlack{authMode: "ok", postc: make(chan post, 100), release: make(chan struct{}), sockets: make(chan *fakeSocket, 10),
		hello: adaptertest.Fixture(t, "slack-socket-hello.json")}
	f.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/auth.test", f.authTest)
		c.Handle("/chat.postMessage", f.postMessage)
		c.Handle("/response/", f.response)
		c.Handle("/apps.connections.open", f.connectionsOpen)
		c.Handle("/socket", f.socket)
	})
	f.srv.Start()
	f.url = f.srv.GetAPIURL()
	t.Cleanup(func() {
		close(f.release)
		f.srv.Stop()
	})
	return f
}

func (f *fakeSlack) authTest(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	mode := f.authMode
	f.mu.Unlock()
	switch mode {
	case "hang":
		select {
		case <-r.Context().Done():
		case <-f.release:
		}
		return
	case "invalid":
		io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
		return
	}
	fmt.Fprintf(w, `{"ok":true,"url":"https://newsroom.slack.com/","team":"Newsroom","user":"citebot","team_id":"T061EG9R6","user_id":%q,"bot_id":"BBOT"}`, botUser)
}

func (f *fakeSlack) postMessage(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	f.mu.Lock()
	f.attempts = append(f.attempts, time.Now())
	limited := f.rateLimit > 0
	if limited {
		f.rateLimit--
	}
	failed := !limited && f.failures > 0
	if failed {
		f.failures--
	}
	f.mu.Unlock()
	if failed {
		http.Error(w, "<html>503 Service Unavailable</html>", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if limited {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
		return
	}
	if r.PostForm.Get("token") != "xoxb-test" {
		io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
		return
	}
	ts := fmt.Sprintf("1700000000.%06d", f.ts.Add(1))
	f.record(post{Kind: "chat.postMessage", Path: r.URL.Path, Channel: r.PostForm.Get("channel"), ThreadTS: r.PostForm.Get("thread_ts"),
		Text: r.PostForm.Get("text"), Blocks: json.RawMessage(r.PostForm.Get("blocks")), Form: r.PostForm})
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, r.PostForm.Get("channel"), ts)
}

// response is a response_url: JSON in, "ok" out. It can be held (the
// Web API hangs) until the test releases it.
func (f *fakeSlack) response(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	hold := f.hold
	failed := f.failures > 0
	if failed {
		f.failures--
	}
	f.responseCalls++
	f.mu.Unlock()
	if failed {
		http.Error(w, "<html>503 Service Unavailable</html>", http.StatusServiceUnavailable)
		return
	}
	if hold != nil {
		select {
		case <-hold:
		case <-f.release:
			return
		}
	}
	var m struct {
		Text            string          `json:"text"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
		Blocks          json.RawMessage `json:"blocks"`
	}
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	f.record(post{Kind: "response", Path: r.URL.Path, Text: m.Text, ResponseType: m.ResponseType,
		ReplaceOriginal: m.ReplaceOriginal, DeleteOriginal: m.DeleteOriginal, Blocks: m.Blocks})
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"ok":true}`)
}

func (f *fakeSlack) record(p post) {
	p.At = time.Now()
	f.mu.Lock()
	f.posts = append(f.posts, p)
	f.mu.Unlock()
	f.postc <- p
}

// next returns the next message the fake receives.
func (f *fakeSlack) next(t *testing.T) post {
	t.Helper()
	return adaptertest.Receive(t, f.postc, "a post from the adapter")
}

// set changes how the fake behaves (nil changes nothing).
func (f *fakeSlack) set(fn func(f *fakeSlack)) {
	if fn == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// postAttempts are the times of every chat.postMessage call, 429s and
// 503s included.
func (f *fakeSlack) postAttempts() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.attempts...)
}

func (f *fakeSlack) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posts)
}

func (f *fakeSlack) connectionsOpen(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer xapp-1-test" {
		io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
		return
	}
	f.opens.Add(1)
	// The official reply, pointed at this server.
	fmt.Fprintf(w, `{"ok":true,"url":"ws://%s/socket?ticket=%d"}`, r.Host, f.opens.Load())
}

// fakeSocket is one Socket Mode connection, server side.
type fakeSocket struct {
	conn  *websocket.Conn
	wmu   sync.Mutex
	frame chan map[string]any // what the client sent (acks)
	done  chan struct{}
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (f *fakeSlack) socket(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s := &fakeSocket{conn: conn, frame: make(chan map[string]any, 100), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			var m map[string]any
			if err := conn.ReadJSON(&m); err != nil {
				return
			}
			s.frame <- m
		}
	}()
	// Slack pings; slack-go reconnects when pings stop.
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-f.release:
				conn.Close()
				return
			case <-tick.C:
				s.wmu.Lock()
				err := conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))
				s.wmu.Unlock()
				if err != nil {
					return
				}
			}
		}
	}()
	s.sendRaw(f.hello)
	f.sockets <- s
}

func (s *fakeSocket) sendRaw(b []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.conn.WriteMessage(websocket.TextMessage, b)
}

func (s *fakeSocket) send(t *testing.T, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.sendRaw(b); err != nil {
		t.Fatalf("write to the socket: %v", err)
	}
}

// ack waits for the client's acknowledgement of an envelope.
func (s *fakeSocket) ack(t *testing.T, envelopeID string) map[string]any {
	t.Helper()
	for {
		if m := adaptertest.Receive(t, s.frame, "the ack of envelope "+envelopeID); m["envelope_id"] == envelopeID {
			return m
		}
	}
}

// env is an adapter wired to a fake Slack (over the seed index, unless
// the test brought its own Chat).
type env struct {
	*adaptertest.Env
	fake    *fakeSlack
	adapter *slack.Adapter
}

type envOptions struct {
	mode  string
	rules bot.Rules
	top   int
	chat  *bot.Chat // instead of one over the seeds
	// setup sets the fake up before the adapter starts.
	setup func(f *fakeSlack)
	// client calls Slack instead of the adapter's default.
	client *http.Client
}

// start runs an adapter until the test ends.
func start(t *testing.T, o envOptions) *env {
	t.Helper()
	e := &env{fake: newFake(t)}
	e.fake.set(o.setup)
	mode := cmp.Or(o.mode, slack.ModeHTTP)
	chat := bot.ChatOptions{Platform: "slack", Rules: o.rules, Top: o.top}
	e.Env = adaptertest.Start(t, adaptertest.EnvOptions{Chat: o.chat, ChatOptions: chat, LogLevel: slog.LevelInfo, HTTP: mode == slack.ModeHTTP},
		func(chat *bot.Chat, log *slog.Logger) (adapters.Adapter, error) {
			var err error
			e.adapter, err = slack.New(slack.Options{
				Mode: mode, BotToken: "xoxb-test", AppToken: "xapp-1-test", SigningSecret: secret,
				APIURL: e.fake.url, Chat: chat, Logger: log, PingInterval: 5 * time.Second, HTTPClient: o.client,
			})
			return e.adapter, err
		})
	return e
}

// signed sends a request signed with the secret at time at.
func (e *env) signed(t *testing.T, path, contentType string, body []byte, at time.Time, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", e.Base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ts := fmt.Sprint(at.Unix())
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slack.SignatureHeader(secret, ts, body))
	for k, v := range header {
		req.Header[k] = v
	}
	return adaptertest.Do(t, req)
}

// slashForm is a slash command body like the official one, for /ask.
func slashForm(t testing.TB, text, responseURL string) []byte {
	v, _ := url.ParseQuery(string(adaptertest.Fixture(t, "slack-slash-command.form")))
	v.Set("command", "/ask")
	v.Set("text", text)
	v.Set("response_url", responseURL)
	return []byte(v.Encode())
}

// mention is the official app_mention envelope with the bot mentioned
// asking text.
func mention(t *testing.T, eventID, ts, threadTS, text string) []byte {
	t.Helper()
	m := adaptertest.JSONFixture(t, "slack-app-mention-event.json")
	m["event_id"] = eventID
	ev := m["event"].(map[string]any)
	ev["text"] = "<@" + botUser + "> " + text
	ev["ts"], ev["event_ts"] = ts, ts
	if threadTS != "" {
		ev["thread_ts"] = threadTS
	}
	b, _ := json.Marshal(m)
	return b
}

// message is the official message.im envelope, edited into a message in
// any channel.
func message(t *testing.T, eventID string, event map[string]any) []byte {
	t.Helper()
	m := adaptertest.JSONFixture(t, "slack-message-im-event.json")
	m["event_id"] = eventID
	ev := m["event"].(map[string]any)
	for k, v := range event {
		if v == nil {
			delete(ev, k)
			continue
		}
		ev[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

// interactionPayload is a block_actions payload: user clicked actionID
// with value, on a message in channel, answering to responseURL.
func interactionPayload(user, channel, actionID, value, responseURL string) map[string]any {
	return map[string]any{
		"type":         "block_actions",
		"user":         map[string]any{"id": user, "username": "someone", "team_id": "T061EG9R6"},
		"api_app_id":   "A0MDYCDME",
		"team":         map[string]any{"id": "T061EG9R6", "domain": "newsroom"},
		"channel":      map[string]any{"id": channel, "name": "newsroom"},
		"container":    map[string]any{"type": "message", "message_ts": "1700000000.000001", "channel_id": channel},
		"trigger_id":   fmt.Sprintf("trigger-%s-%s-%d", user, actionID, time.Now().UnixNano()),
		"response_url": responseURL,
		"actions": []any{map[string]any{
			"type": "button", "action_id": actionID, "block_id": "citebot_actions", "value": value,
			"text": map[string]any{"type": "plain_text", "text": "x"}, "action_ts": "1700000001.000001",
		}},
	}
}

// interaction is the form body Slack POSTs for a click.
func interaction(user, channel, actionID, value, responseURL string) []byte {
	payload, _ := json.Marshal(interactionPayload(user, channel, actionID, value, responseURL))
	return []byte(url.Values{"payload": {string(payload)}}.Encode())
}

// newChat is a Chat over the seeds.
func newChat(t testing.TB) *bot.Chat {
	return bot.NewChat(bot.New(adaptertest.SeedIndex(t)), bot.ChatOptions{Platform: "slack"})
}

// nextSocket waits for the adapter to connect.
func (f *fakeSlack) nextSocket(t *testing.T) *fakeSocket {
	t.Helper()
	return adaptertest.Receive(t, f.sockets, "a Socket Mode connection from the adapter")
}

// buttonValue finds the value of the button with actionID in blocks.
func buttonValue(t *testing.T, blocks json.RawMessage, actionID string) string {
	t.Helper()
	var bs []map[string]any
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatalf("blocks %s: %v", blocks, err)
	}
	for _, b := range bs {
		els, _ := b["elements"].([]any)
		for _, e := range els {
			if m, ok := e.(map[string]any); ok && m["action_id"] == actionID {
				return m["value"].(string)
			}
		}
	}
	return ""
}

package discord_test

import (
	"cmp"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/bot"
)

// This file is a local Discord: a REST API (the routes citebot calls,
// under /api/v9 as discordgo sends them) that records every request and
// can answer 429 the way Discord does, and a gateway websocket that
// speaks HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats, RESUME and
// RESUMED, and dispatches events.

const (
	botToken = "test-bot-token"
	appID    = "1100000000000000001"
	botUser  = "1300000000000000001"
	guildID  = "290926798626357999" // the official interaction's
	channel  = "645027906669510667" // the official interaction's
	thread   = "1200000000000000001"
	user     = "53908232506183680" // the official interaction's member
	question = "What was the FY2026 refugee cap?"
)

// request is one REST call the fake received.
type request struct {
	Method, Path string
	Header       http.Header
	Body         json.RawMessage
	At           time.Time
	// ID is the ID of what the request creates (a message).
	ID   string
	used bool
}

// body decodes the request's JSON.
func (r request) body(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("%s %s body %s: %v", r.Method, r.Path, r.Body, err)
	}
	return m
}

type fakeDiscord struct {
	srv *httptest.Server
	api string // what discord.api_url is set to
	gw  *fakeGateway

	mu       sync.Mutex
	cond     *sync.Cond
	requests []*request
	limits   map[string]int // "METHOD /path-prefix" → 429s still to answer
	limitFor float64        // their retry_after, seconds
	global   bool           // 429s are global ones
	channels map[string]map[string]any
	refuse   bool // every REST call answers 401
	msgID    atomic.Int64
	// failures maps "METHOD /path-prefix" to 5xx answers still to give
	// before carrying calls out; landThenFail does the same to message
	// creates after carrying them out (the message exists, the client
	// sees a 500); hang holds calls matching "METHOD /path-prefix" until
	// the client gives up, then reports them on hung.
	failures     map[string]int
	landThenFail int
	hang         string
	hung         chan string
	// nonces maps an enforced nonce to the message it created, as
	// Discord does with enforce_nonce.
	nonces map[string]map[string]any
}

func newFake(t testing.TB) *fakeDiscord {
	t.Helper()
	f := &fakeDiscord{limits: map[string]int{}, channels: map[string]map[string]any{},
		failures: map[string]int{}, nonces: map[string]map[string]any{}, hung: make(chan string, 100)}
	f.cond = sync.NewCond(&f.mu)
	f.gw = newGateway(f, adaptertest.Fixture(t, "discord-gateway-hello.json"))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v9/gateway", func(w http.ResponseWriter, r *http.Request) {
		// The official reply, pointed at this server.
		writeJSON(w, 200, map[string]any{"url": "ws://" + r.Host + "/gw"})
	})
	mux.HandleFunc("GET /gw/", f.gw.serve)
	mux.HandleFunc("/api/v9/", f.rest)
	f.srv = httptest.NewServer(mux)
	f.api = f.srv.URL + "/api/"
	t.Cleanup(func() {
		f.gw.shutdown()
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	return f
}

// rest serves the REST routes citebot calls.
func (f *fakeDiscord) rest(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	path := strings.TrimPrefix(r.URL.Path, "/api/v9")
	req := &request{Method: r.Method, Path: path, Header: r.Header.Clone(), Body: body, At: time.Now(),
		ID: fmt.Sprint(1500000000000000000 + f.msgID.Add(1))}

	f.mu.Lock()
	if f.refuse {
		f.mu.Unlock()
		writeJSON(w, 401, map[string]any{"message": "401: Unauthorized", "code": 0})
		return
	}
	limited := false
	for key, n := range f.limits {
		method, prefix, _ := strings.Cut(key, " ")
		if n > 0 && method == r.Method && strings.HasPrefix(path, prefix) {
			f.limits[key] = n - 1
			limited = true
		}
	}
	failed := false
	for key, n := range f.failures {
		method, prefix, _ := strings.Cut(key, " ")
		if !limited && n > 0 && method == r.Method && strings.HasPrefix(path, prefix) {
			f.failures[key] = n - 1
			failed = true
		}
	}
	hangMethod, hangPrefix, _ := strings.Cut(f.hang, " ")
	hang := f.hang != "" && hangMethod == r.Method && strings.HasPrefix(path, hangPrefix)
	retryAfter, global := f.limitFor, f.global
	f.requests = append(f.requests, req)
	f.cond.Broadcast()
	f.mu.Unlock()

	if hang {
		<-r.Context().Done() // the client's timeout, not ours
		f.hung <- r.Method + " " + path
		return
	}
	if failed {
		writeJSON(w, 503, map[string]any{"message": "upstream connect error", "code": 0})
		return
	}

	if !strings.HasPrefix(path, "/webhooks/") && !strings.HasPrefix(path, "/interactions/") && r.Header.Get("Authorization") != "Bot "+botToken {
		writeJSON(w, 401, map[string]any{"message": "401: Unauthorized", "code": 0})
		return
	}
	if limited {
		// As the official examples (discord-rate-limit-429-*.json), with
		// a short wait.
		h := w.Header()
		h.Set("Retry-After", fmt.Sprint(int(retryAfter+1)))
		if global {
			h.Set("X-RateLimit-Global", "true")
			h.Set("X-RateLimit-Scope", "global")
		} else {
			h.Set("X-RateLimit-Limit", "10")
			h.Set("X-RateLimit-Remaining", "0")
			h.Set("X-RateLimit-Reset-After", fmt.Sprint(retryAfter))
			h.Set("X-RateLimit-Bucket", "abcd1234")
			h.Set("X-RateLimit-Scope", "user")
		}
		writeJSON(w, 429, map[string]any{"message": "You are being rate limited.", "retry_after": retryAfter, "global": global})
		return
	}

	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case r.Method == "PUT" && parts[0] == "applications" && parts[len(parts)-1] == "commands":
		var cmds []map[string]any
		if err := json.Unmarshal(body, &cmds); err != nil {
			writeJSON(w, 400, map[string]any{"message": "Invalid Form Body", "code": 50035})
			return
		}
		for i, c := range cmds {
			c["id"], c["application_id"], c["version"] = fmt.Sprint(1400000000000000000+i), parts[1], "1"
		}
		writeJSON(w, 200, cmds)
	case r.Method == "POST" && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil || r.Header.Get("Content-Type") != "application/json" {
			writeJSON(w, 400, map[string]any{"message": "Cannot send an empty message", "code": 50006})
			return
		}
		f.mu.Lock()
		nonce, _ := m["nonce"].(string)
		if prev, ok := f.nonces[nonce]; ok && m["enforce_nonce"] == true {
			f.mu.Unlock()
			writeJSON(w, 200, prev) // Discord's answer to a repeated nonce
			return
		}
		m["id"], m["channel_id"] = req.ID, parts[1]
		m["author"] = map[string]any{"id": botUser, "username": "citebot", "bot": true}
		delete(m, "message_reference")
		if nonce != "" && m["enforce_nonce"] == true {
			f.nonces[nonce] = m
		}
		fail := f.landThenFail > 0
		if fail {
			f.landThenFail--
		}
		f.mu.Unlock()
		if fail {
			writeJSON(w, 500, map[string]any{"message": "500: Internal Server Error", "code": 0})
			return
		}
		writeJSON(w, 200, m)
	case r.Method == "GET" && len(parts) == 2 && parts[0] == "channels":
		f.mu.Lock()
		ch, ok := f.channels[parts[1]]
		f.mu.Unlock()
		if !ok {
			writeJSON(w, 404, map[string]any{"message": "Unknown Channel", "code": 10003})
			return
		}
		writeJSON(w, 200, ch)
	case r.Method == "POST" && len(parts) == 4 && parts[0] == "interactions" && parts[3] == "callback":
		w.WriteHeader(http.StatusNoContent)
	case r.Method == "PATCH" && len(parts) == 5 && parts[0] == "webhooks" && parts[4] == "@original":
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			writeJSON(w, 400, map[string]any{"message": "Invalid Form Body", "code": 50035})
			return
		}
		m["id"], m["channel_id"] = req.ID, channel
		m["author"] = map[string]any{"id": botUser, "username": "citebot", "bot": true}
		writeJSON(w, 200, m)
	default:
		writeJSON(w, 404, map[string]any{"message": "404: Not Found", "code": 0})
	}
}

// next waits for the first request not yet taken that matches method
// and path prefix, and takes it.
func (f *fakeDiscord) next(t *testing.T, method, prefix string) request {
	t.Helper()
	deadline := adaptertest.Deadline(t)
	timer := time.AfterFunc(time.Until(deadline), func() { f.mu.Lock(); f.cond.Broadcast(); f.mu.Unlock() })
	defer timer.Stop()
	f.mu.Lock()
	defer f.mu.Unlock()
	for {
		for _, r := range f.requests {
			if !r.used && r.Method == method && strings.HasPrefix(r.Path, prefix) {
				r.used = true
				return *r
			}
		}
		if time.Now().After(deadline) {
			var seen []string
			for _, r := range f.requests {
				seen = append(seen, r.Method+" "+r.Path)
			}
			t.Fatalf("no %s %s… by the test's deadline; requests: %q", method, prefix, seen)
		}
		f.cond.Wait()
	}
}

// set changes how the fake behaves (nil changes nothing).
func (f *fakeDiscord) set(fn func(f *fakeDiscord)) {
	if fn != nil {
		f.mu.Lock()
		defer f.mu.Unlock()
		fn(f)
	}
}

// count counts the requests (taken or not) matching method and prefix.
func (f *fakeDiscord) count(method, prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// fakeGateway is Discord's gateway, one connection at a time.
type fakeGateway struct {
	f          *fakeDiscord
	hello      []byte // the gateway's first frame
	mu         sync.Mutex
	conn       *websocket.Conn
	wmu        sync.Mutex
	seq        int64
	sent       []json.RawMessage // dispatches, for replays
	identifies chan map[string]any
	resumes    chan map[string]any
	ready      chan struct{} // after READY or RESUMED
	heartbeats atomic.Int32
	closeCode  int // close with it after IDENTIFY (an invalid token, intents)
	replay     int // dispatches to send again after RESUMED, the last ones
	stop       chan struct{}
	stopOnce   sync.Once
}

func newGateway(f *fakeDiscord, hello []byte) *fakeGateway {
	return &fakeGateway{f: f, hello: hello, identifies: make(chan map[string]any, 10), resumes: make(chan map[string]any, 10),
		ready: make(chan struct{}, 10), stop: make(chan struct{})}
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (g *fakeGateway) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("v") != "9" || r.URL.Query().Get("encoding") != "json" {
		http.Error(w, "want ?v=9&encoding=json", 400)
		return
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	g.mu.Lock()
	g.conn = conn
	g.mu.Unlock()
	defer conn.Close()
	go func() {
		<-g.stop
		conn.Close()
	}()
	g.write(conn, g.hello)
	for {
		var frame struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := conn.ReadJSON(&frame); err != nil {
			return
		}
		var d map[string]any
		json.Unmarshal(frame.D, &d)
		switch frame.Op {
		case 1:
			g.heartbeats.Add(1)
			g.write(conn, []byte(`{"op":11}`))
		case 2:
			g.identifies <- d
			g.mu.Lock()
			code := g.closeCode
			g.mu.Unlock()
			if code != 0 {
				conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, "Disallowed intent(s)."), time.Now().Add(time.Second))
				return
			}
			g.dispatch(nil, "READY", map[string]any{
				"v": 9, "session_id": "session-1", "resume_gateway_url": "ws://" + r.Host + "/gw",
				"user":        map[string]any{"id": botUser, "username": "citebot", "discriminator": "0", "bot": true},
				"guilds":      []any{map[string]any{"id": guildID, "unavailable": true}},
				"application": map[string]any{"id": appID, "flags": 0},
			})
			g.dispatch(nil, "GUILD_CREATE", map[string]any{
				"id": guildID, "name": "Newsroom", "unavailable": false,
				"channels": []any{map[string]any{"id": channel, "type": 0, "name": "newsroom", "guild_id": guildID}},
				"threads":  []any{map[string]any{"id": thread, "type": 11, "name": "refugee cap", "guild_id": guildID, "parent_id": channel}},
			})
			g.ready <- struct{}{}
		case 6:
			g.resumes <- d
			g.dispatch(nil, "RESUMED", map[string]any{})
			g.mu.Lock()
			n := g.replay
			replay := g.sent[max(len(g.sent)-n, 0):]
			g.mu.Unlock()
			for _, ev := range replay {
				g.write(conn, ev)
			}
			g.ready <- struct{}{}
		}
	}
}

func (g *fakeGateway) write(conn *websocket.Conn, b []byte) error {
	g.wmu.Lock()
	defer g.wmu.Unlock()
	return conn.WriteMessage(websocket.TextMessage, b)
}

// dispatch sends an event (op 0) with the next sequence number.
func (g *fakeGateway) dispatch(t *testing.T, typ string, d any) {
	g.mu.Lock()
	g.seq++
	b, _ := json.Marshal(map[string]any{"op": 0, "s": g.seq, "t": typ, "d": d})
	if typ != "READY" && typ != "RESUMED" && typ != "GUILD_CREATE" {
		g.sent = append(g.sent, b)
	}
	conn := g.conn
	g.mu.Unlock()
	if err := g.write(conn, b); err != nil && t != nil {
		t.Fatalf("dispatch %s: %v", typ, err)
	}
}

// drop cuts the connection as a network failure would: no close frame.
func (g *fakeGateway) drop() {
	g.mu.Lock()
	conn := g.conn
	g.mu.Unlock()
	conn.NetConn().Close()
}

func (g *fakeGateway) shutdown() { g.stopOnce.Do(func() { close(g.stop) }) }

// waitReady waits for the adapter to be identified or resumed.
func (g *fakeGateway) waitReady(t *testing.T) {
	t.Helper()
	adaptertest.Receive(t, g.ready, "the adapter connecting to the gateway")
}

// testKey is the RFC 8032 TEST 1 key pair of the signing vector.
func testKey(t testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	seed, err := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	if err != nil {
		t.Fatal(err)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	return priv.Public().(ed25519.PublicKey), priv
}

// env is an adapter wired to a fake Discord (over the seed index,
// unless the test brought its own Chat).
type env struct {
	*adaptertest.Env
	fake    *fakeDiscord
	adapter *discord.Adapter
	priv    ed25519.PrivateKey // signs requests to the adapter
}

type envOptions struct {
	mode           string
	rules          bot.Rules
	chat           *bot.Chat            // instead of one over the seeds
	setup          func(f *fakeDiscord) // sets the fake up before the adapter starts
	guild          string
	messageContent bool
	apiURL         string // instead of the fake's
	stops          bool   // Run stops on its own: the test waits for it
	now            func() time.Time
	client         *http.Client // instead of the adapter's default
	// threads and messages are the conversation stores (nil: the
	// adapter's own, in memory); replicas share them.
	threads  bot.ThreadStore
	messages bot.MessageStore
}

// start runs an adapter until the test ends; in gateway mode it waits
// for the connection.
func start(t *testing.T, o envOptions) *env {
	t.Helper()
	e := &env{fake: newFake(t)}
	e.fake.set(o.setup)
	mode := cmp.Or(o.mode, discord.ModeGateway)
	pub, priv := testKey(t)
	e.priv = priv
	opts := discord.Options{
		Mode: mode, BotToken: botToken, AppID: appID, PublicKey: hex.EncodeToString(pub), GuildID: o.guild,
		APIURL: cmp.Or(o.apiURL, e.fake.api), MessageContent: o.messageContent, Now: o.now, HTTPClient: o.client,
		Messages: o.messages,
	}
	chat := bot.ChatOptions{Platform: "discord", Rules: o.rules, Threads: o.threads}
	e.Env = adaptertest.Start(t, adaptertest.EnvOptions{Chat: o.chat, ChatOptions: chat, LogLevel: slog.LevelDebug, HTTP: mode == discord.ModeHTTP},
		func(chat *bot.Chat, log *slog.Logger) (adapters.Adapter, error) {
			opts.Chat, opts.Logger = chat, log
			var err error
			e.adapter, err = discord.New(opts)
			return e.adapter, err
		})
	if mode == discord.ModeGateway && !o.stops {
		e.fake.gw.waitReady(t)
	}
	return e
}

// signed posts body to the interactions endpoint, signed at time at.
func (e *env) signed(t *testing.T, body []byte, at time.Time) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", e.Base+discord.InteractionsPath, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = discord.Sign(e.priv, fmt.Sprint(at.Unix()), body)
	req.Header.Set("Content-Type", "application/json")
	return adaptertest.Do(t, req)
}

// command is the official slash command interaction, edited into
// /name with options, from user in channel (a guild channel unless
// guild is "").
func command(t *testing.T, id, name string, options map[string]any, guild, channelID string) []byte {
	t.Helper()
	m := adaptertest.JSONFixture(t, "discord-interaction-command.json")
	m["id"], m["token"], m["application_id"] = id, "token-"+id, appID
	m["channel_id"] = channelID
	var opts []any
	for _, k := range []string{discord.OptionQuestion, discord.OptionText, discord.OptionWho, discord.OptionPrivate} {
		if v, ok := options[k]; ok {
			typ := 3
			if _, isBool := v.(bool); isBool {
				typ = 5
			}
			opts = append(opts, map[string]any{"type": typ, "name": k, "value": v})
		}
	}
	m["data"] = map[string]any{"id": "771825006014889984", "name": name, "type": 1, "options": opts}
	if guild == "" {
		delete(m, "guild_id")
		delete(m, "member")
		m["user"] = map[string]any{"id": user, "username": "Mason"}
		m["context"] = 1
	}
	b, _ := json.Marshal(m)
	return b
}

// click is a button click on a message with custom ID id.
func click(id, customID, clicker, channelID string) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": id, "application_id": appID, "type": 3, "token": "token-" + id, "version": 1,
		"guild_id": guildID, "channel_id": channelID,
		"member":  map[string]any{"user": map[string]any{"id": clicker, "username": "voter"}, "permissions": "0"},
		"message": map[string]any{"id": "1500000000000000001", "channel_id": channelID, "content": ""},
		"data":    map[string]any{"custom_id": customID, "component_type": 2},
	})
	return b
}

// messageEvent is the official message object, edited into a message
// from user in channelID (in the guild unless guild is "") saying text.
func messageEvent(t *testing.T, id, guild, channelID, text string, edit map[string]any) map[string]any {
	t.Helper()
	m := adaptertest.JSONFixture(t, "discord-message.json")
	m["id"], m["channel_id"], m["content"] = id, channelID, text
	m["author"] = map[string]any{"id": user, "username": "Mason", "discriminator": "9999"}
	if guild != "" {
		m["guild_id"] = guild
	}
	for k, v := range edit {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return m
}

// mentionEvent is a message mentioning the bot.
func mentionEvent(t *testing.T, id, channelID, text string) map[string]any {
	return messageEvent(t, id, guildID, channelID, "<@"+botUser+"> "+text, map[string]any{
		"mentions": []any{map[string]any{"id": botUser, "username": "citebot", "bot": true}},
	})
}

// customID finds the custom_id of the button starting with prefix in a
// message body.
func customID(t *testing.T, body map[string]any, prefix string) string {
	t.Helper()
	rows, _ := body["components"].([]any)
	for _, row := range rows {
		comps, _ := row.(map[string]any)["components"].([]any)
		for _, c := range comps {
			if id, _ := c.(map[string]any)["custom_id"].(string); strings.HasPrefix(id, prefix) {
				return id
			}
		}
	}
	return ""
}

// embed returns a message body's only embed.
func embed(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	es, _ := body["embeds"].([]any)
	if len(es) != 1 {
		t.Fatalf("message has %d embeds; want 1: %v", len(es), body)
	}
	return es[0].(map[string]any)
}

// noPings checks a message body's allowed_mentions: present, parse an
// empty list.
func noPings(t *testing.T, what string, body map[string]any) {
	t.Helper()
	am, ok := body["allowed_mentions"].(map[string]any)
	parse, isList := am["parse"].([]any)
	if !ok || !isList || len(parse) != 0 {
		t.Errorf("%s: allowed_mentions = %v; want {\"parse\": []}", what, body["allowed_mentions"])
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// Package discordtest is a local Discord for tests of the Discord
// adapter and of what runs it (citebot serve): a REST API (the routes
// citebot calls, under /api/v9 as discordgo sends them) that records
// every request and can answer 429 the way Discord does, and a gateway
// websocket that speaks HELLO, IDENTIFY, READY, GUILD_CREATE,
// heartbeats, RESUME and RESUMED, and dispatches events.
package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/citebot/citebot/adapters/adaptertest"
)

// The fake's Discord: the bot's token, application and user, and the
// guild the gateway's READY lists, with a channel and a thread in it.
const (
	BotToken = "test-bot-token"
	AppID    = "1100000000000000001"
	BotUser  = "1300000000000000001"
	GuildID  = "290926798626357999" // the official interaction's
	Channel  = "645027906669510667" // the official interaction's
	Thread   = "1200000000000000001"
)

// defaultHello is the gateway's first frame when New is given none: the
// official HELLO (discord-gateway-hello.json).
const defaultHello = `{"op":10,"d":{"heartbeat_interval":45000}}`

// Request is one REST call the fake received.
type Request struct {
	Method, Path string
	Header       http.Header
	Body         json.RawMessage
	At           time.Time
	// ID is the ID of what the request creates (a message).
	ID   string
	used bool
}

// JSON decodes the request's body.
func (r Request) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("%s %s body %s: %v", r.Method, r.Path, r.Body, err)
	}
	return m
}

// Fake is one Discord: point discord.api_url at API. The fields below
// Gateway change how it behaves; change them before the adapter starts
// or through Set.
type Fake struct {
	// API is what discord.api_url is set to.
	API string
	// Gateway is the fake's gateway.
	Gateway *Gateway
	srv     *httptest.Server

	mu       sync.Mutex
	cond     *sync.Cond
	requests []*Request
	// Limits maps "METHOD /path-prefix" to 429s still to answer, with
	// LimitFor as their retry_after (seconds); Global makes them global
	// ones.
	Limits   map[string]int
	LimitFor float64
	Global   bool
	// Channels are what GET /channels/ID answers, by ID (others: 404).
	Channels map[string]map[string]any
	// Refuse makes every REST call answer 401.
	Refuse bool
	// MsgID numbers what the fake creates: the next ID is
	// 1500000000000000000 plus one more than it. Two fakes standing for
	// one Discord (one per replica) keep their numbers apart with it.
	MsgID atomic.Int64
	// Failures maps "METHOD /path-prefix" to 5xx answers still to give
	// before carrying calls out; LandThenFail does the same to message
	// creates after carrying them out (the message exists, the client
	// sees a 500); Hang holds calls matching "METHOD /path-prefix" until
	// the client gives up, then reports them on Hung.
	Failures     map[string]int
	LandThenFail int
	Hang         string
	Hung         chan string
	// Nonces maps an enforced nonce to the message it created, as
	// Discord does with enforce_nonce.
	Nonces map[string]map[string]any
}

// New starts a Discord until the test ends. Its gateway opens with the
// frame hello (nil: the official HELLO).
func New(t testing.TB, hello []byte) *Fake {
	t.Helper()
	f := &Fake{Limits: map[string]int{}, Channels: map[string]map[string]any{},
		Failures: map[string]int{}, Nonces: map[string]map[string]any{}, Hung: make(chan string, 100)}
	f.cond = sync.NewCond(&f.mu)
	if hello == nil {
		hello = []byte(defaultHello)
	}
	f.Gateway = newGateway(hello)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v9/gateway", func(w http.ResponseWriter, r *http.Request) {
		// The official reply, pointed at this server.
		writeJSON(w, 200, map[string]any{"url": "ws://" + r.Host + "/gw"})
	})
	mux.HandleFunc("GET /gw/", f.Gateway.serve)
	mux.HandleFunc("/api/v9/", f.rest)
	f.srv = httptest.NewServer(mux)
	f.API = f.srv.URL + "/api/"
	t.Cleanup(func() {
		f.Gateway.shutdown()
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	return f
}

// rest serves the REST routes citebot calls.
func (f *Fake) rest(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	path := strings.TrimPrefix(r.URL.Path, "/api/v9")
	req := &Request{Method: r.Method, Path: path, Header: r.Header.Clone(), Body: body, At: time.Now(),
		ID: fmt.Sprint(1500000000000000000 + f.MsgID.Add(1))}

	f.mu.Lock()
	if f.Refuse {
		f.mu.Unlock()
		writeJSON(w, 401, map[string]any{"message": "401: Unauthorized", "code": 0})
		return
	}
	limited := false
	for key, n := range f.Limits {
		method, prefix, _ := strings.Cut(key, " ")
		if n > 0 && method == r.Method && strings.HasPrefix(path, prefix) {
			f.Limits[key] = n - 1
			limited = true
		}
	}
	failed := false
	for key, n := range f.Failures {
		method, prefix, _ := strings.Cut(key, " ")
		if !limited && n > 0 && method == r.Method && strings.HasPrefix(path, prefix) {
			f.Failures[key] = n - 1
			failed = true
		}
	}
	hangMethod, hangPrefix, _ := strings.Cut(f.Hang, " ")
	hang := f.Hang != "" && hangMethod == r.Method && strings.HasPrefix(path, hangPrefix)
	retryAfter, global := f.LimitFor, f.Global
	f.requests = append(f.requests, req)
	f.cond.Broadcast()
	f.mu.Unlock()

	if hang {
		<-r.Context().Done() // the client's timeout, not ours
		f.Hung <- r.Method + " " + path
		return
	}
	if failed {
		writeJSON(w, 503, map[string]any{"message": "upstream connect error", "code": 0})
		return
	}

	if !strings.HasPrefix(path, "/webhooks/") && !strings.HasPrefix(path, "/interactions/") && r.Header.Get("Authorization") != "Bot "+BotToken {
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
		if prev, ok := f.Nonces[nonce]; ok && m["enforce_nonce"] == true {
			f.mu.Unlock()
			writeJSON(w, 200, prev) // Discord's answer to a repeated nonce
			return
		}
		m["id"], m["channel_id"] = req.ID, parts[1]
		m["author"] = map[string]any{"id": BotUser, "username": "citebot", "bot": true}
		delete(m, "message_reference")
		if nonce != "" && m["enforce_nonce"] == true {
			f.Nonces[nonce] = m
		}
		fail := f.LandThenFail > 0
		if fail {
			f.LandThenFail--
		}
		f.mu.Unlock()
		if fail {
			writeJSON(w, 500, map[string]any{"message": "500: Internal Server Error", "code": 0})
			return
		}
		writeJSON(w, 200, m)
	case r.Method == "GET" && len(parts) == 2 && parts[0] == "channels":
		f.mu.Lock()
		ch, ok := f.Channels[parts[1]]
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
		m["id"], m["channel_id"] = req.ID, Channel
		m["author"] = map[string]any{"id": BotUser, "username": "citebot", "bot": true}
		writeJSON(w, 200, m)
	default:
		writeJSON(w, 404, map[string]any{"message": "404: Not Found", "code": 0})
	}
}

// Next waits for the first request not yet taken that matches method
// and path prefix, and takes it.
func (f *Fake) Next(t testing.TB, method, prefix string) Request {
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

// Set runs fn with the fake locked: to change how it behaves, or read
// what it recorded (nil does nothing).
func (f *Fake) Set(fn func(f *Fake)) {
	if fn != nil {
		f.mu.Lock()
		defer f.mu.Unlock()
		fn(f)
	}
}

// Count counts the requests (taken or not) matching method and prefix.
func (f *Fake) Count(method, prefix string) int {
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

// Gateway is Discord's gateway, one connection at a time. Identifies
// and Resumes carry what the client sent; CloseCode and Replay change
// how it behaves (through Set, once a client is connected).
type Gateway struct {
	hello []byte // the gateway's first frame
	mu    sync.Mutex
	conn  *websocket.Conn
	wmu   sync.Mutex
	seq   int64
	sent  []json.RawMessage // dispatches, for replays
	// Identifies and Resumes are the IDENTIFY and RESUME payloads.
	Identifies chan map[string]any
	Resumes    chan map[string]any
	ready      chan struct{} // after READY or RESUMED
	heartbeats atomic.Int32
	// CloseCode closes the connection with it after IDENTIFY (an invalid
	// token, intents); 0 answers READY.
	CloseCode int
	// Replay is how many dispatches, the last ones, to send again after
	// RESUMED.
	Replay   int
	stop     chan struct{}
	stopOnce sync.Once
}

// Set runs fn with the gateway locked, to change how it behaves.
func (g *Gateway) Set(fn func(g *Gateway)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	fn(g)
}

func newGateway(hello []byte) *Gateway {
	return &Gateway{hello: hello, Identifies: make(chan map[string]any, 10), Resumes: make(chan map[string]any, 10),
		ready: make(chan struct{}, 10), stop: make(chan struct{})}
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (g *Gateway) serve(w http.ResponseWriter, r *http.Request) {
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
			g.Identifies <- d
			g.mu.Lock()
			code := g.CloseCode
			g.mu.Unlock()
			if code != 0 {
				conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, "Disallowed intent(s)."), time.Now().Add(time.Second))
				return
			}
			g.Dispatch(nil, "READY", map[string]any{
				"v": 9, "session_id": "session-1", "resume_gateway_url": "ws://" + r.Host + "/gw",
				"user":        map[string]any{"id": BotUser, "username": "citebot", "discriminator": "0", "bot": true},
				"guilds":      []any{map[string]any{"id": GuildID, "unavailable": true}},
				"application": map[string]any{"id": AppID, "flags": 0},
			})
			g.Dispatch(nil, "GUILD_CREATE", map[string]any{
				"id": GuildID, "name": "Newsroom", "unavailable": false,
				"channels": []any{map[string]any{"id": Channel, "type": 0, "name": "newsroom", "guild_id": GuildID}},
				"threads":  []any{map[string]any{"id": Thread, "type": 11, "name": "refugee cap", "guild_id": GuildID, "parent_id": Channel}},
			})
			g.ready <- struct{}{}
		case 6:
			g.Resumes <- d
			g.Dispatch(nil, "RESUMED", map[string]any{})
			g.mu.Lock()
			n := g.Replay
			replay := g.sent[max(len(g.sent)-n, 0):]
			g.mu.Unlock()
			for _, ev := range replay {
				g.write(conn, ev)
			}
			g.ready <- struct{}{}
		}
	}
}

func (g *Gateway) write(conn *websocket.Conn, b []byte) error {
	g.wmu.Lock()
	defer g.wmu.Unlock()
	return conn.WriteMessage(websocket.TextMessage, b)
}

// Dispatch sends an event (op 0) with the next sequence number.
func (g *Gateway) Dispatch(t testing.TB, typ string, d any) {
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

// Drop cuts the connection as a network failure would: no close frame.
func (g *Gateway) Drop() {
	g.mu.Lock()
	conn := g.conn
	g.mu.Unlock()
	conn.NetConn().Close()
}

func (g *Gateway) shutdown() { g.stopOnce.Do(func() { close(g.stop) }) }

// WaitReady waits for the adapter to be identified or resumed.
func (g *Gateway) WaitReady(t testing.TB) {
	t.Helper()
	adaptertest.Receive(t, g.ready, "the adapter connecting to the gateway")
}

package discord_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/bot"
)

// permissiveDiscord is a REST API that accepts every call at once:
// under fuzzing the adapter answers thousands of interactions, and the
// fake (which records each call for the test) would only grow.
func permissiveDiscord(t testing.TB) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.Contains(r.URL.Path, "/channels/"):
			io.WriteString(w, `{"id":"645027906669510667","type":0}`)
		case r.Method == http.MethodPut:
			io.WriteString(w, `[]`)
		default:
			io.WriteString(w, `{"id":"1500000000000000001","channel_id":"645027906669510667"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
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

// FuzzDiscordInteraction sends arbitrary bodies to the interactions
// endpoint, signed with the application's key (so the parsing behind
// the signature check is reached), with another key, or too long ago.
// Whatever the body: no panic (in the handler or in the answer it
// starts), no 5xx, and the signature decides — a bad or stale one is
// 401, a good one never is.
func FuzzDiscordInteraction(f *testing.F) {
	for _, name := range []string{"discord-ping.json", "discord-interaction-command.json"} {
		b, err := os.ReadFile(filepath.Join(protocols, name))
		if err != nil {
			f.Fatal(err)
		}
		for mode := range 3 {
			f.Add(uint8(mode), b)
		}
	}
	ask := func(opts string) []byte {
		return []byte(`{"type":2,"id":"2000000000000000001","application_id":"` + appID + `","token":"tok","channel_id":"645027906669510667",` +
			`"guild_id":"290926798626357999","member":{"user":{"id":"53908232506183680"}},"data":{"id":"1","name":"ask","type":1,"options":` + opts + `}}`)
	}
	f.Add(uint8(0), ask(`[{"type":3,"name":"question","value":"What was the FY2026 refugee cap?"}]`))
	f.Add(uint8(0), ask(`[{"type":3,"name":"question","value":"@everyone <@&1> <@!2>"},{"type":5,"name":"private","value":true}]`))
	f.Add(uint8(0), ask(`[{"type":3,"name":"text","value":12}]`))
	f.Add(uint8(0), []byte(`{"type":3,"id":"3","token":"t","channel_id":"1","member":{"user":{"id":"5"}},"data":{"custom_id":"citebot:up:a1","component_type":2}}`))

	_, priv := testKey(f)
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	logs := &panicWatch{}
	chat := bot.NewChat(bot.New(seedIndex(f)), bot.ChatOptions{Platform: "discord", Store: bot.NewMemoryStore()})
	a, err := discord.New(discord.Options{
		Mode: discord.ModeHTTP, BotToken: botToken, AppID: appID, PublicKey: hex.EncodeToString(priv.Public().(ed25519.PublicKey)),
		APIURL: permissiveDiscord(f), Chat: chat, Logger: newLogger(logs), HTTPClient: &http.Client{Timeout: 5 * time.Second},
	})
	if err != nil {
		f.Fatal(err)
	}
	h := a.Handler()
	f.Fuzz(func(t *testing.T, mode uint8, body []byte) {
		key, at := priv, time.Now()
		switch mode % 3 {
		case 1:
			key = other
		case 2:
			at = at.Add(-discord.ReplayWindow - time.Minute)
		}
		req := httptest.NewRequest("POST", discord.InteractionsPath, bytes.NewReader(body))
		req.Header = discord.Sign(key, fmt.Sprint(at.Unix()), body)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		waited := make(chan struct{})
		go func() { discord.WaitJobs(a); close(waited) }()
		select {
		case <-waited:
		case <-time.After(time.Minute):
			buf := make([]byte, 1<<20)
			t.Fatalf("the answer to %q never finished:\n%s", body, buf[:runtime.Stack(buf, true)])
		}
		switch {
		case rec.Code >= 500:
			t.Fatalf("answered %d %s", rec.Code, rec.Body)
		case mode%3 != 0 && rec.Code != http.StatusUnauthorized:
			t.Fatalf("a bad signature (mode %d) answered %d; want 401", mode%3, rec.Code)
		case mode%3 == 0 && rec.Code == http.StatusUnauthorized:
			t.Fatalf("a good signature answered 401: %s", rec.Body)
		}
		if l := logs.panicked.Load(); l != nil {
			t.Fatalf("handling the interaction panicked: %s", *l)
		}
	})
}

// FuzzDiscordVerify: Verify accepts a request only with a valid Ed25519
// signature of its timestamp and body, whatever the headers hold, and
// never panics.
func FuzzDiscordVerify(f *testing.F) {
	var v struct {
		PublicKey string            `json:"public_key_hex"`
		Headers   map[string]string `json:"headers"`
		Body      string            `json:"body"`
		Timestamp string            `json:"timestamp"`
	}
	b, err := os.ReadFile(filepath.Join(protocols, "discord-signing-vector.json"))
	if err != nil {
		f.Fatal(err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		f.Fatal(err)
	}
	pub, _ := testKey(f)
	sig := v.Headers["X-Signature-Ed25519"]
	f.Add(sig, v.Timestamp, []byte(v.Body))
	f.Add(strings.ToUpper(sig), v.Timestamp, []byte(v.Body))
	f.Add(sig[:len(sig)-2], v.Timestamp, []byte(v.Body))
	f.Add("", "", []byte{})
	f.Add(sig, "+"+v.Timestamp, []byte(v.Body+" "))
	ts := v.Timestamp
	var sec int64
	fmt.Sscan(ts, &sec)
	now := time.Unix(sec, 0)
	f.Fuzz(func(t *testing.T, sigHex, ts string, body []byte) {
		h := http.Header{}
		h.Set("X-Signature-Ed25519", sigHex)
		h.Set("X-Signature-Timestamp", ts)
		if discord.Verify(pub, h, body, now) != nil {
			return
		}
		s, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
		if err != nil || !ed25519.Verify(pub, append([]byte(h.Get("X-Signature-Timestamp")), body...), s) {
			t.Fatalf("accepted signature %q for ts %q, body %q", sigHex, ts, body)
		}
	})
}

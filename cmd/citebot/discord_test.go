package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/config/configtest"
)

const discordApp = "1100000000000000001"

// discordKey is a test application key pair.
func discordKey() (string, ed25519.PrivateKey) {
	seed := make([]byte, ed25519.SeedSize)
	copy(seed, "citebot serve test key")
	priv := ed25519.NewKeyFromSeed(seed)
	return hex.EncodeToString(priv.Public().(ed25519.PublicKey)), priv
}

// discordPost posts body to serve's interactions endpoint, signed with
// priv unless priv is nil.
func discordPost(t *testing.T, base string, body []byte, priv ed25519.PrivateKey) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+discord.InteractionsPath, bytes.NewReader(body))
	if priv != nil {
		req.Header = discord.Sign(priv, fmt.Sprint(time.Now().Unix()), body)
	}
	req.Header.Set("Content-Type", "application/json")
	return adaptertest.Do(t, req)
}

// TestServeDiscordHTTPMode runs serve with Discord in HTTP mode. With
// Discord's REST API unreachable, /discord/interactions still verifies
// signatures and answers a signed PING {"type":1}, and /readyz says
// why discord is not ready. With a REST API that refuses the commands but
// takes interaction webhooks, /ask is deferred and answered, and a vote
// lands in data.dir/feedback.db and /metrics.
func TestServeDiscordHTTPMode(t *testing.T) {
	dir := configtest.Isolate(t)
	pub, priv := discordKey()
	for k, v := range map[string]string{
		"CITEBOT_DISCORD_ENABLED": "true", "CITEBOT_DISCORD_MODE": "http", "CITEBOT_DISCORD_BOT_TOKEN": "discord-serve-token",
		"CITEBOT_DISCORD_APP_ID": discordApp, "CITEBOT_DISCORD_PUBLIC_KEY": pub, "CITEBOT_DISCORD_API_URL": adaptertest.DeadURL(t),
	} {
		t.Setenv(k, v)
	}
	base, logs, stop := startServe(t)
	ping := []byte(`{"id":"787053080478613555","token":"ThisIsATokenFromDiscordThatIsVeryLong","type":1,"version":1}`)
	if code, body := discordPost(t, base, ping, priv); code != 200 || strings.TrimSpace(body) != `{"type":1}` {
		t.Errorf("signed PING = %d %s; want 200 {\"type\":1}", code, body)
	}
	if code, _ := discordPost(t, base, ping, nil); code != 401 {
		t.Errorf("unsigned PING = %d; want 401", code)
	}
	_, wrong, _ := ed25519.GenerateKey(nil)
	if code, _ := discordPost(t, base, ping, wrong); code != 401 {
		t.Errorf("PING signed with another key = %d; want 401", code)
	}
	code, body := httpDo(t, "GET", base+"/readyz", "")
	if code != 503 || !strings.Contains(string(body), `"discord":"not ready: discord commands`) {
		t.Errorf("/readyz = %d %s; want discord not ready while its REST API is unreachable", code, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "discord-serve-token") {
		t.Error("the bot token was logged")
	}

	// Only interaction webhooks work: command registration keeps failing.
	api := adaptertest.Record(t, func(r *http.Request) bool {
		return r.Method == "PATCH" && strings.HasPrefix(r.URL.Path, "/api/v9/webhooks/"+discordApp+"/")
	}, `{"id":"1500000000000000001","channel_id":"645027906669510667"}`)
	dataDir := filepath.Join(dir, "state")
	t.Setenv("CITEBOT_DISCORD_API_URL", api.URL+"/api/")
	t.Setenv("CITEBOT_DATA_DIR", dataDir)
	base, logs, stop = startServe(t)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve logged:\n%s", logs)
		}
	})
	ask, _ := json.Marshal(map[string]any{
		"id": "786008729715212338", "application_id": discordApp, "type": 2, "token": "ask-token", "version": 1,
		"guild_id": "290926798626357999", "channel_id": "645027906669510667",
		"member": map[string]any{"user": map[string]any{"id": "53908232506183680", "username": "Mason"}, "permissions": "0"},
		"data":   map[string]any{"id": "1", "name": "ask", "type": 1, "options": []any{map[string]any{"type": 3, "name": "question", "value": refugeeQ}}},
	})
	if code, body := discordPost(t, base, ask, priv); code != 200 || !strings.Contains(body, `"type":5`) {
		t.Fatalf("/ask = %d %s; want the deferred response", code, body)
	}
	answer := api.Next(t)
	raw, _ := json.Marshal(answer)
	if answer["path"] != "/api/v9/webhooks/"+discordApp+"/ask-token/messages/@original" || !strings.Contains(string(raw), `"title":"7,500"`) {
		t.Fatalf("answer %s; want the 7,500 embed edited into the deferred response", raw)
	}
	custom := ""
	for _, row := range answer["components"].([]any) {
		for _, c := range row.(map[string]any)["components"].([]any) {
			if id, _ := c.(map[string]any)["custom_id"].(string); strings.HasPrefix(id, discord.VoteUpID) {
				custom = id
			}
		}
	}
	vote, _ := json.Marshal(map[string]any{
		"id": "786008729715212339", "application_id": discordApp, "type": 3, "token": "vote-token", "version": 1,
		"guild_id": "290926798626357999", "channel_id": "645027906669510667",
		"member": map[string]any{"user": map[string]any{"id": "53908232506183680", "username": "Mason"}, "permissions": "0"},
		"data":   map[string]any{"custom_id": custom, "component_type": 2},
	})
	if code, _ := discordPost(t, base, vote, priv); code != 200 {
		t.Fatalf("vote = %d", code)
	}
	if m := api.Next(t); !strings.Contains(fmt.Sprint(m["content"]), "recorded") {
		t.Errorf("vote answered %v", m)
	}
	adaptertest.CheckMetrics(t, base, `citebot_questions_total{adapter="discord",outcome="answered"} 1`, `citebot_feedback_total{adapter="discord",vote="up"} 1`)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if votes := adaptertest.StoredVotes(t, filepath.Join(dataDir, FeedbackFile)); len(votes) != 1 || votes[0].User != "53908232506183680" || votes[0].Platform != "discord" || votes[0].Answer != "7,500" {
		t.Errorf("votes in %s = %+v; want the one vote", dataDir, votes)
	}
}

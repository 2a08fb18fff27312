package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/adapters/slack"
	"github.com/citebot/citebot/config/configtest"
)

// TestSecretsNeverLogged runs serve at debug level with every secret
// set, both chat adapters in HTTP mode, against an API that refuses
// every call and quotes the credentials it was sent back in its error
// bodies (as some proxies do). It sends authorised and unauthorised API
// requests and signed Slack and Discord questions whose answers fail to
// post. No secret may appear anywhere in the log, nor in `config check`.
func TestSecretsNeverLogged(t *testing.T) {
	configtest.Isolate(t)
	secrets := map[string]string{
		"CITEBOT_API_TOKEN":            "apitoken-S3CRET-0123456789",
		"CITEBOT_SLACK_BOT_TOKEN":      "xoxb-S3CRET-bot-0123456789",
		"CITEBOT_SLACK_APP_TOKEN":      "xapp-S3CRET-app-0123456789",
		"CITEBOT_SLACK_SIGNING_SECRET": "signing-S3CRET-0123456789",
		"CITEBOT_DISCORD_BOT_TOKEN":    "discord-S3CRET-bot-0123456789",
	}
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		echo := fmt.Sprintf("you sent Authorization %q to %s with %s", r.Header.Get("Authorization"), r.URL, body)
		if strings.HasPrefix(r.URL.Path, "/slack/") {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "invalid_auth", "detail": echo})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]any{"code": 0, "message": echo})
	}))
	defer hostile.Close()
	pub, priv, _ := ed25519.GenerateKey(nil)
	env := map[string]string{
		"CITEBOT_LOG_LEVEL": "debug", "CITEBOT_LIMITS_PER_CLIENT_RATE": "0",
		"CITEBOT_SLACK_ENABLED": "true", "CITEBOT_SLACK_MODE": "http", "CITEBOT_SLACK_API_URL": hostile.URL + "/slack/",
		"CITEBOT_DISCORD_ENABLED": "true", "CITEBOT_DISCORD_MODE": "http", "CITEBOT_DISCORD_API_URL": hostile.URL + "/discord",
		"CITEBOT_DISCORD_APP_ID": "1100000000000000001", "CITEBOT_DISCORD_PUBLIC_KEY": hex.EncodeToString(pub),
	}
	for k, v := range secrets {
		env[k] = v
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	base, logs, stop := startServe(t)

	do := func(req *http.Request) int {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, token := range []string{secrets["CITEBOT_API_TOKEN"], "wrong-" + secrets["CITEBOT_API_TOKEN"]} {
		req, _ := http.NewRequest("POST", base+"/api/ask", strings.NewReader(`{"question": "`+refugeeQ+`"}`))
		req.Header.Set("Authorization", "Bearer "+token)
		do(req)
		req, _ = http.NewRequest("GET", base+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		do(req)
	}
	signing := secrets["CITEBOT_SLACK_SIGNING_SECRET"]
	slackSigned := func(path, contentType string, body []byte) {
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		ts := fmt.Sprint(time.Now().Unix())
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", slack.SignatureHeader(signing, ts, body))
		if code := do(req); code != 200 {
			t.Errorf("signed %s = %d", path, code)
		}
	}
	event, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": "EvSecret1", "team_id": "T1",
		"event": map[string]any{"type": "app_mention", "user": "U1", "channel": "C1", "ts": "1700000000.000100", "text": "<@UBOT> " + refugeeQ}})
	slackSigned("/slack/events", "application/json", event)
	slackSigned("/slack/commands", "application/x-www-form-urlencoded", []byte(url.Values{
		"command": {"/ask"}, "text": {refugeeQ}, "user_id": {"U1"}, "channel_id": {"C1"},
		"response_url": {hostile.URL + "/slack/response/T1/1/S3CRETRESPONSEPATH"},
	}.Encode()))
	interaction, _ := json.Marshal(map[string]any{"type": 2, "id": "2000000000000000901", "application_id": "1100000000000000001",
		"token": "interaction-S3CRET-token", "channel_id": "645027906669510667", "guild_id": "290926798626357999",
		"member": map[string]any{"user": map[string]any{"id": "53908232506183680"}},
		"data":   map[string]any{"id": "1", "name": "ask", "type": 1, "options": []any{map[string]any{"type": 3, "name": "question", "value": refugeeQ}}}})
	req, _ := http.NewRequest("POST", base+discord.InteractionsPath, bytes.NewReader(interaction))
	req.Header = discord.Sign(priv, fmt.Sprint(time.Now().Unix()), interaction)
	req.Header.Set("Content-Type", "application/json")
	if code := do(req); code != 200 {
		t.Errorf("signed interaction = %d", code)
	}
	// The answers fail to post (401 / invalid_auth are not retried);
	// wait until all three failures are logged.
	deadline := time.Now().Add(time.Minute)
	for strings.Count(logs.String(), `"level":"ERROR","msg":"could not`) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Errorf("serve = %v", err)
	}
	text := logs.String()
	if !strings.Contains(text, `"level":"DEBUG"`) || strings.Count(text, `"level":"ERROR","msg":"could not`) < 3 {
		t.Fatalf("the run did not log at debug, or the failed deliveries are missing:\n%s", text)
	}
	leaked := func(out string) {
		t.Helper()
		for name, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s's value is in the output", name)
			}
		}
		for _, s := range []string{"interaction-S3CRET-token", "S3CRETRESPONSEPATH"} {
			if strings.Contains(out, s) {
				t.Errorf("%s (a short-lived credential) is in the output", s)
			}
		}
	}
	leaked(text)
	if t.Failed() {
		t.Logf("log:\n%s", text)
	}

	var out bytes.Buffer
	run(context.Background(), []string{"config", "check"}, strings.NewReader(""), &out, &out)
	if !strings.Contains(out.String(), "[redacted]") {
		t.Errorf("config check shows no redaction:\n%s", out.String())
	}
	leaked(out.String())
}

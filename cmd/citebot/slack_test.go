package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/slack"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/config/configtest"
)

// TestServeSlackHTTPMode runs serve with Slack in HTTP mode while Slack's
// Web API is unreachable (nothing listens at slack.api_url): /readyz
// reports slack not ready, yet signed commands are acked and answered
// through their response_url, unsigned ones get 401, votes land in
// data.dir/feedback.db and /metrics counts everything.
func TestServeSlackHTTPMode(t *testing.T) {
	dir := configtest.Isolate(t)
	const signing = "test-signing-secret-0123456789"
	hooks := adaptertest.Record(t, nil, `{"ok":true}`) // response URLs
	dataDir := filepath.Join(dir, "state")
	for k, v := range map[string]string{
		"CITEBOT_SLACK_ENABLED": "true", "CITEBOT_SLACK_MODE": "http", "CITEBOT_SLACK_BOT_TOKEN": "xoxb-serve-test",
		"CITEBOT_SLACK_SIGNING_SECRET": signing, "CITEBOT_SLACK_API_URL": adaptertest.DeadURL(t), "CITEBOT_DATA_DIR": dataDir,
	} {
		t.Setenv(k, v)
	}
	base, logs, stop := startServe(t)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve logged:\n%s", logs)
		}
	})

	signed := func(path string, body []byte, sign bool) (int, string) {
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if sign {
			ts := fmt.Sprint(time.Now().Unix())
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			req.Header.Set("X-Slack-Signature", slack.SignatureHeader(signing, ts, body))
		}
		return adaptertest.Do(t, req)
	}

	code, body := httpDo(t, "GET", base+"/readyz", "")
	if code != 503 || !strings.Contains(string(body), `"slack":"not ready: slack web api`) {
		t.Errorf("/readyz = %d %s; want slack not ready while its Web API is unreachable", code, body)
	}

	cmd := url.Values{"command": {"/ask"}, "text": {refugeeQ}, "user_id": {"U2CERLKJA"}, "channel_id": {"C0123456789"},
		"team_id": {"T1"}, "response_url": {hooks.URL + "/commands/1"}, "trigger_id": {"t1"}}
	if code, text := signed("/slack/commands", []byte(cmd.Encode()), false); code != 401 {
		t.Errorf("unsigned command = %d %s; want 401", code, text)
	}
	code, ack := signed("/slack/commands", []byte(cmd.Encode()), true)
	if code != 200 || !strings.Contains(ack, `"response_type":"ephemeral"`) {
		t.Fatalf("signed command = %d %s; want the immediate ephemeral ack", code, ack)
	}
	answer := hooks.Next(t)
	blocks, _ := json.Marshal(answer["blocks"])
	if answer["path"] != "/commands/1" || !strings.Contains(string(blocks), `"text":"7,500"`) {
		t.Fatalf("answer %v; want 7,500 at the command's response URL", answer)
	}
	id := ""
	for _, b := range answer["blocks"].([]any) {
		for _, e := range asList(b.(map[string]any)["elements"]) {
			if m, ok := e.(map[string]any); ok && m["action_id"] == slack.ActionVoteUp {
				id = m["value"].(string)
			}
		}
	}
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U2CERLKJA"}, "channel": map[string]any{"id": "C0123456789"},
		"response_url": hooks.URL + "/actions/1",
		"actions":      []any{map[string]any{"type": "button", "block_id": "citebot_actions", "action_id": slack.ActionVoteUp, "value": id}},
	})
	if code, _ := signed("/slack/interactions", []byte(url.Values{"payload": {string(payload)}}.Encode()), true); code != 200 {
		t.Fatalf("vote = %d", code)
	}
	if m := hooks.Next(t); !strings.Contains(fmt.Sprint(m["text"]), "recorded") {
		t.Errorf("vote answered %v", m)
	}
	adaptertest.CheckMetrics(t, base, `citebot_questions_total{adapter="slack",outcome="answered"} 1`, `citebot_feedback_total{adapter="slack",vote="up"} 1`)
	if !strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("the unreachable Web API is not logged as an error:\n%s", logs)
	}
	for _, secret := range []string{signing, "xoxb-serve-test"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("a secret was logged: %s", secret)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	// The vote is on disk.
	if votes := adaptertest.StoredVotes(t, filepath.Join(dataDir, FeedbackFile)); len(votes) != 1 || votes[0].User != "U2CERLKJA" || votes[0].Answer != "7,500" {
		t.Errorf("votes in %s = %+v; want the one vote", dataDir, votes)
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func TestChatRules(t *testing.T) {
	yes, no := true, false
	r := chatRules([]config.ChannelConfig{
		{ID: "C1", MentionOnly: &no, Collections: []string{"politics"}},
		{ID: "C2"},
		{ID: "C3", MentionOnly: &yes},
	}, true, true)
	if !r.OnlyListed || !r.Default.MentionOnly {
		t.Errorf("rules = %+v; want only-listed with mention-only by default", r)
	}
	if c := r.Channels["C1"]; c.MentionOnly || len(c.Collections) != 1 {
		t.Errorf("C1 = %+v; want its own mention_only false and its collection", c)
	}
	if !r.Channels["C2"].MentionOnly || !r.Channels["C3"].MentionOnly {
		t.Errorf("C2 inherits default_mention_only, C3 sets it: %+v", r.Channels)
	}
}

func TestFeedbackStoreWithoutDataDir(t *testing.T) {
	logs := &adaptertest.Logs{}
	s, err := openFeedbackStore("", newLogger(logs, config.LogConfig{Level: "info", Format: "json"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*bot.MemoryStore); !ok {
		t.Errorf("store without data.dir = %T; want the memory store", s)
	}
	if logs.Find("data.dir is not set: votes on chat answers are kept in memory and lost on restart") == nil {
		t.Errorf("no warning that votes are not kept:\n%s", logs)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := openFeedbackStore(file, newLogger(io.Discard, config.LogConfig{Level: "info"})); err == nil {
		t.Error("a data.dir that is a file was accepted")
	}
}

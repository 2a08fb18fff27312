package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/config/configtest"
)

const refugeeQ = "What was the FY2026 refugee cap?"

// startServe runs `citebot serve args…` in-process and returns its base
// URL (read from the "listening" log line), its logs, and a stop function
// that cancels it (as SIGTERM does) and returns run's result.
func startServe(t *testing.T, args ...string) (string, *adaptertest.Logs, func() error) {
	t.Helper()
	logs := &adaptertest.Logs{}
	serving := adaptertest.Go(t, "serve", func(ctx context.Context) error {
		return run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, args...), strings.NewReader(""), io.Discard, logs)
	})
	stop := func() error { return serving.Stop(t) }
	adaptertest.Eventually(t, "serve logging that it listens", func() bool {
		return logs.Find("listening") != nil || serving.Returned()
	})
	if serving.Returned() {
		t.Fatalf("serve exited before listening: %v\n%s", stop(), logs)
	}
	return "http://" + logs.Find("listening")["addr"].(string), logs, stop
}

// httpDo sends method url with body and returns the status and the
// whole body.
func httpDo(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	resp, b := adaptertest.Fetch(t, adaptertest.NewRequest(t, method, url, "", body))
	return resp.StatusCode, b
}

// TestServeAnswersLikeAsk runs serve and checks POST /api/ask gives the
// very bytes `citebot ask --json` prints for the same question.
func TestServeAnswersLikeAsk(t *testing.T) {
	configtest.Isolate(t)
	var cli bytes.Buffer
	if err := run(context.Background(), []string{"ask", "--json", refugeeQ}, strings.NewReader(""), &cli, io.Discard); err != nil {
		t.Fatal(err)
	}

	base, logs, stop := startServe(t)
	code, body := httpDo(t, "POST", base+"/api/ask", `{"question": "`+refugeeQ+`"}`)
	if code != 200 {
		t.Fatalf("POST /api/ask = %d %s", code, body)
	}
	if !bytes.Equal(body, cli.Bytes()) {
		t.Errorf("POST /api/ask differs from ask --json:\n api %s\n cli %s", body, cli.Bytes())
	}
	var api, want map[string]any
	json.Unmarshal(body, &api)
	json.Unmarshal(cli.Bytes(), &want)
	if api["answer"] != "7,500" || len(api) != len(want) {
		t.Errorf("API answer %v with %d fields; want 7,500 and the CLI's %d fields", api["answer"], len(api), len(want))
	}

	if code, body := httpDo(t, "GET", base+"/healthz", ""); code != 200 {
		t.Errorf("/healthz = %d %s", code, body)
	}
	code, body = httpDo(t, "GET", base+"/readyz", "")
	if code != 200 || !strings.Contains(string(body), `"index":"ok"`) || !strings.Contains(string(body), `"http":"up"`) {
		t.Errorf("/readyz = %d %s; want ready with the index ok and http up", code, body)
	}
	code, body = httpDo(t, "GET", base+"/metrics", "")
	if code != 200 || !strings.Contains(string(body), `citebot_questions_total{adapter="http",outcome="answered"} 1`) {
		t.Errorf("/metrics = %d; want the question counted:\n%.2000s", code, body)
	}
	if code, _ := httpDo(t, "GET", base+"/", ""); code != 200 {
		t.Errorf("GET / = %d; want the chat page", code)
	}

	if err := stop(); err != nil {
		t.Errorf("serve returned %v after the signal; want nil (exit 0)", err)
	}
	if logs.Find("stopped") == nil {
		t.Errorf("no clean-stop log line:\n%s", logs)
	}
	if strings.Contains(logs.String(), refugeeQ) {
		t.Errorf("the question was logged at info level:\n%s", logs)
	}
}

func TestServeConfigFromFileEnvAndFlags(t *testing.T) {
	dir := configtest.Isolate(t)
	corpus := filepath.Join(dir, "docs")
	if err := os.MkdirAll(corpus, 0o755); err != nil {
		t.Fatal(err)
	}
	doc := "Harbour Report\n\nThe harbour master said the new pier cost 12 million euros and opened in May.\n"
	if err := os.WriteFile(filepath.Join(corpus, "harbour.txt"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	const token = "file-token-0123456789"
	// The file names the corpus and a token and a log level; the
	// environment overrides the level; the --addr flag (set by startServe)
	// overrides the file's address.
	cfgFile := filepath.Join(dir, "citebot.yaml")
	os.WriteFile(cfgFile, []byte("corpus: ["+corpus+"]\nhttp:\n  addr: 127.0.0.1:1\napi:\n  token: "+token+"\nlog:\n  level: warn\n"), 0o600)
	t.Setenv("CITEBOT_LOG_LEVEL", "info")

	base, logs, stop := startServe(t)
	if code, _ := httpDo(t, "GET", base+"/api/sources", ""); code != 401 {
		t.Errorf("GET /api/sources without the file's token = %d; want 401", code)
	}
	code, body := adaptertest.Call(t, "POST", base+"/api/ask", token, `{"question": "How much did the new pier cost?"}`)
	if code != 200 || !strings.Contains(body, "12 million euros") {
		t.Errorf("answer from the file's corpus = %d %s; want the pier's cost", code, body)
	}
	if l := logs.Find("configuration"); l == nil || l["file"] != "citebot.yaml" {
		t.Errorf("serve did not log which file it read (env log.level=info must beat the file's warn):\n%s", logs)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the token was logged:\n%s", logs)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}

func TestServeRejectsInvalidConfiguration(t *testing.T) {
	configtest.Isolate(t)
	t.Setenv("CITEBOT_LOG_LEVEL", "loud")
	t.Setenv("CITEBOT_API_MAX_QUESTION_BYTES", "0")
	t.Setenv("CITEBOT_SLACK_ENABLED", "true")
	t.Setenv("CITEBOT_SLACK_BOT_TOKEN", "not-a-bot-token")
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"serve", "--addr", "nowhere"}, strings.NewReader(""), io.Discard, &stderr)
	var ve *config.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("serve = %v; want the validation problems", err)
	}
	if exitCode(err) != 2 {
		t.Errorf("exit code %d; want 2 for a configuration problem", exitCode(err))
	}
	var keys []string
	for _, p := range ve.Problems {
		keys = append(keys, p.Key)
	}
	want := "http.addr api.max_question_bytes log.level slack.bot_token slack.app_token"
	if strings.Join(keys, " ") != want {
		t.Errorf("problems with %q; want every one at once: %q\n%v", keys, want, err)
	}
	if strings.Contains(err.Error(), "not-a-bot-token") {
		t.Errorf("the error shows a secret: %v", err)
	}
}

// TestServeReportsUnavailableAdapter enables a chat section this binary
// cannot run yet: serve reports it by name and keeps answering.
func TestServeReportsUnavailableAdapter(t *testing.T) {
	configtest.Isolate(t)
	var missing *chatAdapter
	for i := range chatAdapters {
		if chatAdapters[i].build == nil {
			missing = &chatAdapters[i]
			break
		}
	}
	if missing == nil {
		t.Skip("every chat adapter is built in; the failing-adapter path is covered by adapters.TestSupervisorReportsFailingAdapterAndKeepsOthers")
	}
	env := map[string]map[string]string{
		"slack":   {"CITEBOT_SLACK_ENABLED": "true", "CITEBOT_SLACK_BOT_TOKEN": "xoxb-1", "CITEBOT_SLACK_APP_TOKEN": "xapp-1"},
		"discord": {"CITEBOT_DISCORD_ENABLED": "true", "CITEBOT_DISCORD_BOT_TOKEN": "b", "CITEBOT_DISCORD_APP_ID": "1"},
	}[missing.section]
	for k, v := range env {
		t.Setenv(k, v)
	}
	base, logs, stop := startServe(t)
	code, body := httpDo(t, "GET", base+"/readyz", "")
	if code != 503 || !strings.Contains(string(body), `"`+missing.section+`":"failed: `) {
		t.Errorf("/readyz = %d %s; want 503 naming %s as failed", code, body, missing.section)
	}
	if l := logs.Find("adapter failed"); l == nil || l["adapter"] != missing.section {
		t.Errorf("no log line naming the failed adapter:\n%s", logs)
	}
	if code, _ := httpDo(t, "POST", base+"/api/ask", `{"question": "`+refugeeQ+`"}`); code != 200 {
		t.Errorf("POST /api/ask = %d while %s is down; want the HTTP API to keep answering", code, missing.section)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}

func TestConfigCheck(t *testing.T) {
	configtest.Isolate(t)
	t.Setenv("CITEBOT_API_TOKEN", "env-token-0123456789")
	t.Setenv("CITEBOT_SLACK_SIGNING_SECRET", "8f742231b10e8888abcd99yyyzzz85a5")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"config", "check", "--addr", "0.0.0.0:9999"}, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatalf("config check = %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"token: '[redacted]'", "signing_secret: '[redacted]'", "addr: 0.0.0.0:9999", "bot_token: \"\"", "# no problems found", "no configuration file"} {
		if !strings.Contains(text, want) {
			t.Errorf("config check output lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{"env-token-0123456789", "8f742231b10e8888abcd99yyyzzz85a5"} {
		if strings.Contains(text, secret) {
			t.Errorf("config check printed a secret:\n%s", text)
		}
	}

	t.Setenv("CITEBOT_LOG_FORMAT", "xml")
	out.Reset()
	err := run(context.Background(), []string{"config", "check"}, strings.NewReader(""), &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `log.format: is "xml"; expected one of auto, json, text`) || exitCode(err) != 2 {
		t.Errorf("config check with a bad value = %v (exit %d); want the problem and exit 2", err, exitCode(err))
	}
	if !strings.Contains(out.String(), "format: xml") {
		t.Errorf("config check still prints the configuration it found:\n%s", out.String())
	}
}

func TestHealthcheckCommand(t *testing.T) {
	configtest.Isolate(t)
	base, _, stop := startServe(t)
	var out bytes.Buffer
	addr := strings.TrimPrefix(base, "http://")
	if err := run(context.Background(), []string{"healthcheck", "--addr", addr}, strings.NewReader(""), &out, io.Discard); err != nil || out.String() != "ok\n" {
		t.Errorf("healthcheck = %v %q; want ok", err, out.String())
	}
	if err := run(context.Background(), []string{"healthcheck", "--url", base + "/nowhere"}, strings.NewReader(""), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("healthcheck of a 404 = %v; want an error", err)
	}
	stop()
	if err := run(context.Background(), []string{"healthcheck", "--addr", addr}, strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Error("healthcheck succeeded with serve stopped")
	}
}

func TestHealthURL(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":          "http://127.0.0.1:8080/healthz",
		"0.0.0.0:80":     "http://127.0.0.1:80/healthz",
		"[::]:8080":      "http://127.0.0.1:8080/healthz",
		"127.0.0.1:8080": "http://127.0.0.1:8080/healthz",
		"[::1]:9":        "http://[::1]:9/healthz",
	} {
		if got, err := healthURL(addr); err != nil || got != want {
			t.Errorf("healthURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
}

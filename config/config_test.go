package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/config/configtest"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

func writeFile(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// configFile isolates the test (configtest.Isolate) and writes text as
// the configuration file c.yaml in its directory, which it returns.
func configFile(t *testing.T, text string) string {
	t.Helper()
	return writeFile(t, filepath.Join(configtest.Isolate(t), "c.yaml"), text)
}

// mustLoad loads the configuration as opts say, failing the test on an
// error.
func mustLoad(t *testing.T, opts config.Options) *config.Config {
	t.Helper()
	cfg, err := config.Load(opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cfg
}

// problems validates cfg, which must fail with the problems of a
// *config.ValidationError.
func problems(t *testing.T, cfg *config.Config) *config.ValidationError {
	t.Helper()
	err := cfg.Validate()
	var ve *config.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v; want a *config.ValidationError", err)
	}
	return ve
}

// problemKeys lists the keys of ve's problems, in order.
func problemKeys(ve *config.ValidationError) []string {
	var keys []string
	for _, p := range ve.Problems {
		keys = append(keys, p.Key)
	}
	return keys
}

// problemMessages is what ve says of each key it has a problem with
// (the messages joined with " | " where a key has several).
func problemMessages(ve *config.ValidationError) map[string]string {
	said := map[string]string{}
	for _, p := range ve.Problems {
		if said[p.Key] != "" {
			said[p.Key] += " | "
		}
		said[p.Key] += p.Message
	}
	return said
}

// addrFlag is serve's --addr flag bound to http.addr, parsed from args.
func addrFlag(t *testing.T, args ...string) map[string]*pflag.Flag {
	t.Helper()
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	fs.String("addr", "127.0.0.1:1", "listen address") // a default that must never win
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return map[string]*pflag.Flag{"http.addr": fs.Lookup("addr")}
}

func TestDefaults(t *testing.T) {
	configtest.Isolate(t)
	cfg := mustLoad(t, config.Options{Flags: addrFlag(t)})
	if cfg.File != "" {
		t.Errorf("File = %q; want none", cfg.File)
	}
	if cfg.HTTP.Addr != "127.0.0.1:8080" {
		t.Errorf("http.addr = %q; want the loopback default 127.0.0.1:8080 (an unset flag's default must not win)", cfg.HTTP.Addr)
	}
	if cfg.HTTP.ShutdownTimeout != 15*time.Second || cfg.Log.Level != "info" || cfg.Log.Format != "auto" || cfg.Slack.Mode != "socket" || !cfg.MCP.Enabled {
		t.Errorf("defaults not applied: %+v", cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func TestPrecedence(t *testing.T) {
	file := configFile(t, `
http:
  addr: 127.0.0.1:9000
log:
  level: warn
slack:
  signing_secret: from-file
`)
	load := func(flags map[string]*pflag.Flag) *config.Config {
		t.Helper()
		cfg, err := config.Load(config.Options{File: file, Flags: flags})
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}

	cfg := load(addrFlag(t))
	if cfg.HTTP.Addr != "127.0.0.1:9000" || cfg.Log.Level != "warn" || cfg.Slack.SigningSecret != "from-file" {
		t.Errorf("file layer: addr %q, level %q, secret %q; want the file's values", cfg.HTTP.Addr, cfg.Log.Level, cfg.Slack.SigningSecret)
	}
	if cfg.File != file {
		t.Errorf("File = %q; want %q", cfg.File, file)
	}

	t.Setenv("CITEBOT_HTTP_ADDR", "127.0.0.1:9100")
	t.Setenv("CITEBOT_SLACK_SIGNING_SECRET", "from-env")
	cfg = load(addrFlag(t))
	if cfg.HTTP.Addr != "127.0.0.1:9100" || cfg.Slack.SigningSecret != "from-env" {
		t.Errorf("env layer: addr %q, secret %q; want the environment's values", cfg.HTTP.Addr, cfg.Slack.SigningSecret)
	}
	if cfg.Log.Level != "warn" {
		t.Errorf("log.level = %q; want the file's warn (no env var set for it)", cfg.Log.Level)
	}

	cfg = load(addrFlag(t, "--addr", "127.0.0.1:9200"))
	if cfg.HTTP.Addr != "127.0.0.1:9200" {
		t.Errorf("flag layer: addr %q; want the flag's 127.0.0.1:9200", cfg.HTTP.Addr)
	}
}

func TestEnvironmentTypes(t *testing.T) {
	configtest.Isolate(t)
	t.Setenv("CITEBOT_CORPUS", "/a,/b")
	t.Setenv("CITEBOT_HTTP_SHUTDOWN_TIMEOUT", "3s")
	t.Setenv("CITEBOT_DISCORD_ENABLED", "true")
	t.Setenv("CITEBOT_API_MAX_QUESTION_BYTES", "200")
	// A default of true must yield to the environment's false.
	t.Setenv("CITEBOT_MCP_ENABLED", "false")
	cfg := mustLoad(t, config.Options{})
	if !slices.Equal(cfg.Corpus, []string{"/a", "/b"}) {
		t.Errorf("corpus = %q; want [/a /b]", cfg.Corpus)
	}
	if cfg.HTTP.ShutdownTimeout != 3*time.Second || !cfg.Discord.Enabled || cfg.API.MaxQuestionBytes != 200 || cfg.MCP.Enabled {
		t.Errorf("typed env values not decoded: %+v", cfg)
	}
}

func TestFileSearchOrder(t *testing.T) {
	dir := configtest.Isolate(t)
	xdg := writeFile(t, filepath.Join(dir, "xdg", "citebot", config.FileName), "log: {level: error}\n")
	cfg := mustLoad(t, config.Options{})
	if cfg.File != xdg || cfg.Log.Level != "error" {
		t.Errorf("read %q (level %q); want $XDG_CONFIG_HOME's %s", cfg.File, cfg.Log.Level, xdg)
	}

	writeFile(t, filepath.Join(dir, config.FileName), "log: {level: debug}\n")
	cfg = mustLoad(t, config.Options{})
	if cfg.File != config.FileName || cfg.Log.Level != "debug" {
		t.Errorf("read %q (level %q); want ./%s before the XDG one", cfg.File, cfg.Log.Level, config.FileName)
	}

	other := writeFile(t, filepath.Join(dir, "other.yaml"), "log: {level: warn}\n")
	cfg = mustLoad(t, config.Options{File: other})
	if cfg.File != other || cfg.Log.Level != "warn" {
		t.Errorf("read %q (level %q); want --config's %s first", cfg.File, cfg.Log.Level, other)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := configtest.Isolate(t)
	for _, tc := range []struct {
		name, text string
		want       []string // substrings of the error
	}{
		{"missing", "", []string{"missing.yaml", "no such file"}},
		{"broken", "http: [unclosed\n", []string{"broken.yaml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".yaml")
			if tc.text != "" {
				writeFile(t, path, tc.text)
			}
			_, err := config.Load(config.Options{File: path})
			if err == nil {
				t.Fatal("Load succeeded; want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	dir := configtest.Isolate(t)
	file := writeFile(t, filepath.Join(dir, "bad.yaml"), `
corpus: [`+filepath.Join(dir, "nope")+`]
index: {path: `+dir+`}
http: {addr: "localhost", shutdown_timeout: 0s}
api: {token: "short", max_question_bytes: 0}
log: {level: loud, format: xml}
slack: {enabled: true, mode: socket, bot_token: "xoxp-user-token", signing_secert: "typo"}
discord: {enabled: true, mode: http, app_id: "abc", public_key: "zz", api_url: "ftp://x"}
`)
	ve := problems(t, mustLoad(t, config.Options{File: file}))
	want := map[string]string{
		"slack.signing_secert":   "not a citebot setting",
		"corpus":                 "set one", // corpus together with index.path
		"corpus[0]":              "does not exist",
		"http.addr":              "expected host:port",
		"http.shutdown_timeout":  "positive duration",
		"api.token":              "at least 16",
		"api.max_question_bytes": "between 1 and",
		"log.level":              "expected one of debug, info, warn, error",
		"log.format":             "expected one of auto, json, text",
		"slack.bot_token":        `does not start with "xoxb-"`,
		"slack.app_token":        "is empty",
		"discord.bot_token":      "is empty",
		"discord.app_id":         "expected a Discord ID",
		"discord.public_key":     "64 hexadecimal",
		"discord.api_url":        "absolute http",
	}
	got := problemMessages(ve)
	for key, msg := range want {
		if !strings.Contains(got[key], msg) {
			t.Errorf("problem for %s = %q; want it to say %q", key, got[key], msg)
		}
	}
	if len(ve.Problems) != len(want) {
		t.Errorf("got %d problems; want %d:\n%v", len(ve.Problems), len(want), ve)
	}
	msg := ve.Error()
	if !strings.HasPrefix(msg, "invalid configuration (15 problems):\n  - ") {
		t.Errorf("error text starts %q; want a count and one problem per line", msg[:min(len(msg), 60)])
	}
	if strings.Contains(msg, "xoxp-user-token") || strings.Contains(msg, "short\"") {
		t.Errorf("validation message echoes a secret:\n%s", msg)
	}
}

func TestValidateModes(t *testing.T) {
	configtest.Isolate(t)
	good := config.Default()
	good.Slack = config.SlackConfig{Enabled: true, Mode: "http", BotToken: "xoxb-1", SigningSecret: "8f742231b10e8888abcd99yyyzzz85a5"}
	good.Discord = config.DiscordConfig{Enabled: true, Mode: "http", BotToken: "b", AppID: "123", PublicKey: strings.Repeat("ab", 32), GuildID: "456"}
	good.API.Token = strings.Repeat("t", config.MinTokenLength)
	if err := good.Validate(); err != nil {
		t.Errorf("valid http-mode configuration rejected: %v", err)
	}

	bad := good
	bad.Slack.SigningSecret = ""
	bad.Discord.PublicKey = ""
	err := bad.Validate()
	var ve *config.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 2 ||
		ve.Problems[0].Key != "slack.signing_secret" || ve.Problems[1].Key != "discord.public_key" {
		t.Errorf("Validate = %v; want slack.signing_secret and discord.public_key missing", err)
	}

	disabled := config.Default()
	disabled.Slack.Mode = "carrier-pigeon"
	if err := disabled.Validate(); err != nil {
		t.Errorf("a disabled adapter's section was validated: %v", err)
	}
}

func TestRedactedYAML(t *testing.T) {
	cfg := config.Default()
	cfg.API.Token = "api-secret-0123456789"
	cfg.Slack.BotToken = "xoxb-secret"
	cfg.Slack.AppToken = "xapp-secret"
	cfg.Slack.SigningSecret = "signing-secret"
	cfg.Discord.BotToken = "discord-secret"
	cfg.Discord.PublicKey = "feedface"
	cfg.Corpus = []string{"/docs"}
	out, err := cfg.YAML()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, s := range []string{"api-secret", "xoxb-secret", "xapp-secret", "signing-secret", "discord-secret"} {
		if strings.Contains(text, s) {
			t.Errorf("YAML shows secret %q:\n%s", s, text)
		}
	}
	for _, s := range []string{"bot_token: '[redacted]'", "public_key: feedface", "addr: 127.0.0.1:8080", "shutdown_timeout: 15s", "- /docs"} {
		if !strings.Contains(text, s) {
			t.Errorf("YAML lacks %q:\n%s", s, text)
		}
	}
	if cfg.API.Token != "api-secret-0123456789" {
		t.Error("Redacted changed the original Config")
	}

	// The rendering reads back as the same configuration.
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(strings.NewReader(text)); err != nil {
		t.Fatalf("YAML does not parse: %v", err)
	}
	var back config.Config
	if err := v.Unmarshal(&back); err != nil {
		t.Fatal(err)
	}
	if want := cfg.Redacted(); !reflect.DeepEqual(back, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, want)
	}
}

// TestSecretsAreTagged guards against a new credential key that would be
// printed by config check.
func TestSecretsAreTagged(t *testing.T) {
	want := []string{"opensearch.password", "api.token", "slack.bot_token", "slack.app_token", "slack.signing_secret", "discord.bot_token"}
	if got := config.SecretKeys(); !slices.Equal(got, want) {
		t.Errorf("SecretKeys = %q; want %q", got, want)
	}
	for _, k := range config.Keys() {
		if (strings.Contains(k, "token") || strings.Contains(k, "secret") || strings.Contains(k, "password")) && !slices.Contains(config.SecretKeys(), k) {
			t.Errorf("%s looks like a credential but is not tagged secret", k)
		}
	}
}

// TestExampleFile checks that citebot.example.yaml documents every key,
// only real keys, with the default values, and validates.
func TestExampleFile(t *testing.T) {
	example, err := filepath.Abs(filepath.Join("..", "citebot.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	configtest.Isolate(t)
	v := viper.New()
	v.SetConfigFile(example)
	if err := v.ReadInConfig(); err != nil {
		t.Fatal(err)
	}
	inFile := v.AllKeys()
	for _, k := range config.Keys() {
		if !slices.Contains(inFile, k) {
			t.Errorf("citebot.example.yaml does not document %s", k)
		}
	}
	cfg := mustLoad(t, config.Options{File: example})
	if err := cfg.Validate(); err != nil {
		t.Errorf("the example does not validate: %v", err)
	}
	cfg.File = ""
	if want := config.Default(); !reflect.DeepEqual(*cfg, want) {
		t.Errorf("the example's values differ from the defaults:\n got %+v\nwant %+v", *cfg, want)
	}
	raw, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range []string{"CITEBOT_HTTP_ADDR", "CITEBOT_SLACK_SIGNING_SECRET", "CITEBOT_CORPUS"} {
		if !strings.Contains(string(raw), env) {
			t.Errorf("the example does not show how keys map to environment variables (%s)", env)
		}
	}
}

// TestOpenSearchSettings: index.url and data.url are checked, clash with
// index.path and data.dir, and credentials written into them are
// redacted and scrubbed like secrets.
func TestOpenSearchSettings(t *testing.T) {
	c := config.Default()
	c.Index.URL = "https://citebot:s3cret-pass@search.example:9200/news"
	c.Data.URL = "http://search.example:9200/citebot-state"
	c.OpenSearch.Addresses = []string{"https://citebot:s3cret-pass@node2:9200"}
	c.OpenSearch.Password = "other-secret"
	c.OpenSearch.Username = "citebot"
	if err := c.Validate(); err != nil {
		t.Fatalf("valid OpenSearch settings: %v", err)
	}
	out, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "s3cret-pass") || strings.Contains(string(out), "other-secret") {
		t.Errorf("config check shows a credential:\n%s", out)
	}
	if !strings.Contains(string(out), "https://[redacted]@search.example:9200/news") {
		t.Errorf("index.url not shown redacted:\n%s", out)
	}
	if c.Index.URL != "https://citebot:s3cret-pass@search.example:9200/news" {
		t.Errorf("redacting changed the configuration itself: %s", c.Index.URL)
	}
	secrets := c.SecretValues()
	for _, s := range []string{"citebot:s3cret-pass", "other-secret"} {
		if !slices.Contains(secrets, s) {
			t.Errorf("SecretValues %q lacks %q", secrets, s)
		}
	}

	bad := config.Default()
	bad.Index.URL = "http://host:9200/Bad Name"
	bad.Index.Path = t.TempDir()
	bad.Data.URL = "ftp://host/x"
	bad.OpenSearch.Shards = 0
	bad.OpenSearch.Replicas = -2
	bad.OpenSearch.Username = "only-user"
	bad.OpenSearch.Addresses = []string{"node2:9200"}
	said := problemMessages(problems(t, &bad))
	for _, k := range []string{"index.url", "data.url", "opensearch.shards", "opensearch.replicas", "opensearch.username", "opensearch.addresses[0]"} {
		if said[k] == "" {
			t.Errorf("no problem reported for %s: %v", k, said)
		}
	}
}

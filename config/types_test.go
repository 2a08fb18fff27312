package config_test

import (
	"strings"
	"testing"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/config/configtest"
)

// TestWrongTypesReportedWithEveryProblem: values of the wrong type, in
// the file or the environment, do not stop loading with a parser's words:
// Validate lists them in plain words, with where they came from, together
// with every other problem.
func TestWrongTypesReportedWithEveryProblem(t *testing.T) {
	file := configFile(t, `
http:
  shutdown_timeout: fifteen
slack:
  enabled: yes
api:
  max_question_bytes: lots
limits:
  per_user:
    rate: fast
log:
  level: loud
`)
	t.Setenv("CITEBOT_DISCORD_ENABLED", "maybe")
	// Load leaves the wrong types for Validate.
	ve := problems(t, mustLoad(t, config.Options{File: file}))
	said := problemMessages(ve)
	for key, want := range map[string]string{
		"http.shutdown_timeout":  `is "fifteen" (in ` + file + `); expected a duration such as 15s or 2m`,
		"slack.enabled":          `is "yes" (in ` + file + `); expected true or false`,
		"discord.enabled":        `is "maybe" (from CITEBOT_DISCORD_ENABLED); expected true or false`,
		"api.max_question_bytes": `is "lots" (in ` + file + `); expected a whole number`,
		"limits.per_user.rate":   `is "fast" (in ` + file + `); expected a number`,
		"log.level":              "is \"loud\"",
	} {
		if !strings.Contains(said[key], want) {
			t.Errorf("no problem %s: %s…; got\n%v", key, want, ve)
		}
	}
	for _, p := range ve.Problems {
		if strings.Contains(p.Message, "strconv") || strings.Contains(p.Message, "mapstructure") || strings.Contains(p.Message, "decoding") {
			t.Errorf("problem %s in a parser's words: %s", p.Key, p.Message)
		}
	}
}

// TestUnknownEnvironmentVariables: a CITEBOT_* variable that names no
// setting is warned about, with the setting it may have meant; settings
// and the CITEBOT_TEST_* switches of tests and CI are not.
func TestUnknownEnvironmentVariables(t *testing.T) {
	configtest.Isolate(t)
	t.Setenv("CITEBOT_HTTPADDR", "127.0.0.1:9000")
	t.Setenv("CITEBOT_SLACK_TOKEN", "x")
	t.Setenv("CITEBOT_HTTP_ADDR", "127.0.0.1:9001")
	t.Setenv("CITEBOT_TEST_REQUIRE_BROWSER", "1")
	t.Setenv("CITEBOT_REQUIRE_OPENSEARCH", "1") // the switch's first name, still read
	cfg := mustLoad(t, config.Options{})
	got := strings.Join(cfg.Warnings(), "\n")
	if !strings.Contains(got, "CITEBOT_HTTPADDR names no citebot setting") || !strings.Contains(got, "CITEBOT_HTTP_ADDR") {
		t.Errorf("warnings %q; want CITEBOT_HTTPADDR named, with CITEBOT_HTTP_ADDR suggested", got)
	}
	if !strings.Contains(got, "CITEBOT_SLACK_TOKEN") {
		t.Errorf("warnings %q; want CITEBOT_SLACK_TOKEN named", got)
	}
	if len(cfg.Warnings()) != 2 {
		t.Errorf("warnings %q; want exactly the two unknown variables", cfg.Warnings())
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("unknown variables are warnings, not problems: %v", err)
	}
}

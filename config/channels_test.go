package config

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSlackChannelsFromFile(t *testing.T) {
	dir := isolate(t)
	file := writeFile(t, filepath.Join(dir, "c.yaml"), `
slack:
  default_mention_only: true
  only_listed_channels: true
  channels:
    - id: C0123456789
      mention_only: false
    - id: C0987654321
      collections: [politics, world]
`)
	cfg, err := Load(Options{File: file})
	if err != nil {
		t.Fatal(err)
	}
	ch := cfg.Slack.Channels
	if len(ch) != 2 || ch[0].ID != "C0123456789" || ch[0].MentionOnly == nil || *ch[0].MentionOnly ||
		ch[1].MentionOnly != nil || !slices.Equal(ch[1].Collections, []string{"politics", "world"}) {
		t.Errorf("channels = %+v; want the file's two entries (mention_only set only on the first)", ch)
	}
	if !cfg.Slack.DefaultMentionOnly || !cfg.Slack.OnlyListedChannels {
		t.Errorf("slack = %+v; want default_mention_only and only_listed_channels true", cfg.Slack)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("valid channels rejected: %v", err)
	}
	out, err := cfg.YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"id: C0123456789", "mention_only: false", "- politics"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("config check output lacks %q:\n%s", want, out)
		}
	}
}

func TestSlackChannelsFromEnvironment(t *testing.T) {
	isolate(t)
	t.Setenv("CITEBOT_SLACK_CHANNELS", "C0123456789:mention_only, C0987654321")
	cfg, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ch := cfg.Slack.Channels
	if len(ch) != 2 || ch[0].ID != "C0123456789" || ch[0].MentionOnly == nil || !*ch[0].MentionOnly || ch[1].ID != "C0987654321" || ch[1].MentionOnly != nil {
		t.Errorf("channels from CITEBOT_SLACK_CHANNELS = %+v", ch)
	}

	// An unknown option is a problem Validate reports with the others.
	t.Setenv("CITEBOT_SLACK_CHANNELS", "C0123456789:loud")
	cfg, err = Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "mention_only") || !strings.Contains(err.Error(), "CITEBOT_SLACK_CHANNELS") {
		t.Errorf("an unknown channel option: %v; want a problem naming the variable and the valid form", err)
	}
}

func TestSlackChannelProblems(t *testing.T) {
	dir := isolate(t)
	file := writeFile(t, filepath.Join(dir, "c.yaml"), `
slack:
  channels:
    - id: "#general"
    - id: C0123456789
      mentiononly: true
    - id: C0123456789
      collections: [""]
    - {}
`)
	cfg, err := Load(Options{File: file})
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v; want the problems", err)
	}
	var keys []string
	for _, p := range ve.Problems {
		keys = append(keys, p.Key)
	}
	want := []string{"slack.channels[1].mentiononly", "slack.channels[0].id", "slack.channels[2].id", "slack.channels[2].collections[0]", "slack.channels[3].id"}
	if !slices.Equal(keys, want) {
		t.Errorf("problems with %q; want %q\n%v", keys, want, err)
	}
	if !strings.Contains(err.Error(), "not a channel name") || !strings.Contains(err.Error(), "repeats C0123456789") {
		t.Errorf("messages do not explain the fix:\n%v", err)
	}

	isolate(t)
	t.Setenv("CITEBOT_SLACK_ONLY_LISTED_CHANNELS", "true")
	cfg, err = Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "slack.only_listed_channels") {
		t.Errorf("only_listed_channels with no channels: %v; want a problem", err)
	}
}

package config

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDiscordChannels(t *testing.T) {
	dir := isolate(t)
	file := writeFile(t, filepath.Join(dir, "c.yaml"), `
discord:
  message_content: true
  default_mention_only: true
  only_listed_channels: true
  channels:
    - id: "1234567890123456789"
      mention_only: false
    - id: "98765432109876543"
      collections: [politics]
`)
	cfg, err := Load(Options{File: file})
	if err != nil {
		t.Fatal(err)
	}
	d := cfg.Discord
	if len(d.Channels) != 2 || d.Channels[0].ID != "1234567890123456789" || d.Channels[0].MentionOnly == nil || *d.Channels[0].MentionOnly ||
		!slices.Equal(d.Channels[1].Collections, []string{"politics"}) || !d.MessageContent || !d.OnlyListedChannels || !d.DefaultMentionOnly {
		t.Errorf("discord = %+v; want the file's settings", d)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("valid Discord channels rejected: %v", err)
	}

	isolate(t)
	t.Setenv("CITEBOT_DISCORD_CHANNELS", "1234567890123456789:mention_only,98765432109876543")
	cfg, err = Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ch := cfg.Discord.Channels; len(ch) != 2 || ch[0].MentionOnly == nil || !*ch[0].MentionOnly || ch[1].ID != "98765432109876543" {
		t.Errorf("channels from CITEBOT_DISCORD_CHANNELS = %+v", ch)
	}
}

func TestDiscordChannelProblems(t *testing.T) {
	dir := isolate(t)
	file := writeFile(t, filepath.Join(dir, "c.yaml"), `
discord:
  enabled: true
  mode: http
  bot_token: token
  app_id: "1234567890123456789"
  public_key: d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a
  message_content: true
  channels:
    - id: "#general"
    - id: C0123456789
    - id: "1234567890123456789"
    - id: "1234567890123456789"
`)
	cfg, err := Load(Options{File: file})
	if err != nil {
		t.Fatal(err)
	}
	var ve *ValidationError
	if err := cfg.Validate(); !errors.As(err, &ve) {
		t.Fatalf("Validate = %v; want problems", err)
	}
	var keys []string
	for _, p := range ve.Problems {
		keys = append(keys, p.Key)
	}
	want := []string{"discord.channels[0].id", "discord.channels[1].id", "discord.channels[3].id", "discord.message_content"}
	if !slices.Equal(keys, want) {
		t.Errorf("problems with %q; want %q\n%v", keys, want, ve)
	}
	if msg := ve.Error(); !strings.Contains(msg, "Copy Channel ID") || !strings.Contains(msg, "repeats 1234567890123456789") {
		t.Errorf("messages do not explain the fix:\n%s", msg)
	}
}

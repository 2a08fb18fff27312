package config_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/config/configtest"
)

// TestChannelsFromFileAndEnvironment: each chat section's channel list
// and switches, from the file (an entry with mention_only, one with
// collections) and from its CITEBOT_*_CHANNELS variable (ID or
// ID:mention_only, comma-separated; another option is a problem naming
// the variable).
func TestChannelsFromFileAndEnvironment(t *testing.T) {
	type section struct {
		channels                                       []config.ChannelConfig
		defaultMentionOnly, onlyListed, messageContent bool
	}
	for _, tc := range []struct {
		platform, file string
		first, second  string // the channel IDs in the file
		env            string
		of             func(*config.Config) section
		messageContent bool // Discord's, set in its file
	}{
		{"slack", `
slack:
  default_mention_only: true
  only_listed_channels: true
  channels:
    - id: C0123456789
      mention_only: false
    - id: C0987654321
      collections: [politics, world]
`, "C0123456789", "C0987654321", "CITEBOT_SLACK_CHANNELS",
			func(c *config.Config) section {
				return section{c.Slack.Channels, c.Slack.DefaultMentionOnly, c.Slack.OnlyListedChannels, false}
			}, false},
		{"discord", `
discord:
  message_content: true
  default_mention_only: true
  only_listed_channels: true
  channels:
    - id: "1234567890123456789"
      mention_only: false
    - id: "98765432109876543"
      collections: [politics, world]
`, "1234567890123456789", "98765432109876543", "CITEBOT_DISCORD_CHANNELS",
			func(c *config.Config) section {
				d := c.Discord
				return section{d.Channels, d.DefaultMentionOnly, d.OnlyListedChannels, d.MessageContent}
			}, true},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			cfg := mustLoad(t, config.Options{File: configFile(t, tc.file)})
			s := tc.of(cfg)
			if ch := s.channels; len(ch) != 2 || ch[0].ID != tc.first || ch[0].MentionOnly == nil || *ch[0].MentionOnly ||
				ch[1].ID != tc.second || ch[1].MentionOnly != nil || !slices.Equal(ch[1].Collections, []string{"politics", "world"}) {
				t.Errorf("channels = %+v; want the file's two entries (mention_only set only on the first)", ch)
			}
			if !s.defaultMentionOnly || !s.onlyListed || s.messageContent != tc.messageContent {
				t.Errorf("%s = %+v; want the file's default_mention_only, only_listed_channels (and message_content)", tc.platform, s)
			}
			if err := cfg.Validate(); err != nil {
				t.Errorf("valid channels rejected: %v", err)
			}
			out, err := cfg.YAML()
			if err != nil {
				t.Fatal(err)
			}
			// YAML quotes an ID of digits, which would read as a number.
			id := regexp.MustCompile(`id: "?` + tc.first + `"?\n`)
			if !id.Match(out) || !strings.Contains(string(out), "mention_only: false") || !strings.Contains(string(out), "- politics") {
				t.Errorf("config check output lacks channel %s with mention_only false, or the collections:\n%s", tc.first, out)
			}

			configtest.Isolate(t)
			t.Setenv(tc.env, tc.first+":mention_only, "+tc.second)
			if ch := tc.of(mustLoad(t, config.Options{})).channels; len(ch) != 2 || ch[0].ID != tc.first || ch[0].MentionOnly == nil || !*ch[0].MentionOnly ||
				ch[1].ID != tc.second || ch[1].MentionOnly != nil {
				t.Errorf("channels from %s = %+v", tc.env, ch)
			}
			t.Setenv(tc.env, tc.first+":loud")
			if err := mustLoad(t, config.Options{}).Validate(); err == nil || !strings.Contains(err.Error(), "mention_only") || !strings.Contains(err.Error(), tc.env) {
				t.Errorf("an unknown channel option: %v; want a problem naming %s and the valid form", err, tc.env)
			}
		})
	}
}

// TestChannelProblems: every problem of a chat section's channel list
// is reported at once, keyed to its entry, with a message saying how to
// fix it.
func TestChannelProblems(t *testing.T) {
	for _, tc := range []struct {
		platform, file string
		keys           []string
		say            []string
	}{
		{"slack", `
slack:
  channels:
    - id: "#general"
    - id: C0123456789
      mentiononly: true
    - id: C0123456789
      collections: [""]
    - {}
`, []string{"slack.channels[1].mentiononly", "slack.channels[0].id", "slack.channels[2].id", "slack.channels[2].collections[0]", "slack.channels[3].id"},
			[]string{"not a channel name", "repeats C0123456789"}},
		{"discord", `
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
`, []string{"discord.channels[0].id", "discord.channels[1].id", "discord.channels[3].id", "discord.message_content"},
			[]string{"Copy Channel ID", "repeats 1234567890123456789"}},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			ve := problems(t, mustLoad(t, config.Options{File: configFile(t, tc.file)}))
			if keys := problemKeys(ve); !slices.Equal(keys, tc.keys) {
				t.Errorf("problems with %q; want %q\n%v", keys, tc.keys, ve)
			}
			for _, s := range tc.say {
				if !strings.Contains(ve.Error(), s) {
					t.Errorf("messages do not explain the fix (%q):\n%v", s, ve)
				}
			}
		})
	}
}

// TestOnlyListedChannelsNeedsChannels: answering only in listed
// channels with none listed is a problem.
func TestOnlyListedChannelsNeedsChannels(t *testing.T) {
	configtest.Isolate(t)
	t.Setenv("CITEBOT_SLACK_ONLY_LISTED_CHANNELS", "true")
	cfg := mustLoad(t, config.Options{})
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "slack.only_listed_channels") {
		t.Errorf("only_listed_channels with no channels: %v; want a problem", err)
	}
}

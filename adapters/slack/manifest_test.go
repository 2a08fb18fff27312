package slack_test

import (
	"os"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/slack"
)

// TestManifest checks the app manifest asks for what the adapter uses:
// /ask and /quote, the events it handles, interactivity for the buttons, Socket
// Mode, and the scopes those need.
func TestManifest(t *testing.T) {
	b, err := os.ReadFile("manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			BotUser struct {
				DisplayName string `yaml:"display_name"`
			} `yaml:"bot_user"`
			SlashCommands []struct {
				Command string `yaml:"command"`
			} `yaml:"slash_commands"`
		} `yaml:"features"`
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				BotEvents []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				Enabled bool `yaml:"is_enabled"`
			} `yaml:"interactivity"`
			SocketMode bool `yaml:"socket_mode_enabled"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest.yaml: %v", err)
	}
	// The usage hints are installed once, whatever the corpus will be.
	adaptertest.NoSeedText(t, "manifest.yaml", string(b))
	var commands []string
	for _, c := range m.Features.SlashCommands {
		commands = append(commands, c.Command)
	}
	if !slices.Equal(commands, []string{"/ask", slack.QuoteCommand}) || m.Features.BotUser.DisplayName == "" {
		t.Errorf("features = %+v; want a bot user, /ask and /quote", m.Features)
	}
	for _, s := range []string{"app_mentions:read", "channels:history", "groups:history", "im:history", "chat:write", "commands"} {
		if !slices.Contains(m.OAuth.Scopes.Bot, s) {
			t.Errorf("bot scopes lack %s", s)
		}
	}
	for _, e := range []string{"app_mention", "message.channels", "message.groups", "message.im"} {
		if !slices.Contains(m.Settings.Events.BotEvents, e) {
			t.Errorf("bot events lack %s", e)
		}
	}
	if !m.Settings.Interactivity.Enabled || !m.Settings.SocketMode {
		t.Errorf("settings = %+v; want interactivity and Socket Mode on", m.Settings)
	}
}

package discord_test

import (
	"cmp"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/adapters/discord/discordtest"
	"github.com/citebot/citebot/bot"
)

// The adapter's tests run it against a local Discord (discordtest),
// in its guild.
const (
	botToken = discordtest.BotToken
	appID    = discordtest.AppID
	botUser  = discordtest.BotUser
	guildID  = discordtest.GuildID
	channel  = discordtest.Channel
	thread   = discordtest.Thread
	user     = "53908232506183680" // the official interaction's member
	question = "What was the FY2026 refugee cap?"
)

// newFake starts a Discord whose gateway opens with the official HELLO.
func newFake(t testing.TB) *discordtest.Fake {
	t.Helper()
	return discordtest.New(t, adaptertest.Fixture(t, "discord-gateway-hello.json"))
}

// testKey is the RFC 8032 TEST 1 key pair of the signing vector.
func testKey(t testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	seed, err := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	if err != nil {
		t.Fatal(err)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	return priv.Public().(ed25519.PublicKey), priv
}

// env is an adapter wired to a fake Discord (over the seed index,
// unless the test brought its own Chat).
type env struct {
	*adaptertest.Env
	fake    *discordtest.Fake
	adapter *discord.Adapter
	priv    ed25519.PrivateKey // signs requests to the adapter
}

type envOptions struct {
	mode           string
	rules          bot.Rules
	chat           *bot.Chat                 // instead of one over the seeds
	setup          func(f *discordtest.Fake) // sets the fake up before the adapter starts
	guild          string
	messageContent bool
	apiURL         string // instead of the fake's
	stops          bool   // Run stops on its own: the test waits for it
	now            func() time.Time
	client         *http.Client // instead of the adapter's default
	// threads and messages are the conversation stores (nil: the
	// adapter's own, in memory); replicas share them.
	threads  bot.ThreadStore
	messages bot.MessageStore
}

// start runs an adapter until the test ends; in gateway mode it waits
// for the connection.
func start(t *testing.T, o envOptions) *env {
	t.Helper()
	e := &env{fake: newFake(t)}
	e.fake.Set(o.setup)
	mode := cmp.Or(o.mode, discord.ModeGateway)
	pub, priv := testKey(t)
	e.priv = priv
	opts := discord.Options{
		Mode: mode, BotToken: botToken, AppID: appID, PublicKey: hex.EncodeToString(pub), GuildID: o.guild,
		APIURL: cmp.Or(o.apiURL, e.fake.API), MessageContent: o.messageContent, Now: o.now, HTTPClient: o.client,
		Messages: o.messages,
	}
	chat := bot.ChatOptions{Platform: "discord", Rules: o.rules, Threads: o.threads}
	e.Env = adaptertest.Start(t, adaptertest.EnvOptions{Chat: o.chat, ChatOptions: chat, LogLevel: slog.LevelDebug, HTTP: mode == discord.ModeHTTP},
		func(chat *bot.Chat, log *slog.Logger) (adapters.Adapter, error) {
			opts.Chat, opts.Logger = chat, log
			var err error
			e.adapter, err = discord.New(opts)
			return e.adapter, err
		})
	if mode == discord.ModeGateway && !o.stops {
		e.fake.Gateway.WaitReady(t)
	}
	return e
}

// signed posts body to the interactions endpoint, signed at time at.
func (e *env) signed(t *testing.T, body []byte, at time.Time) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", e.Base+discord.InteractionsPath, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = discord.Sign(e.priv, fmt.Sprint(at.Unix()), body)
	req.Header.Set("Content-Type", "application/json")
	return adaptertest.Do(t, req)
}

// command is the official slash command interaction, edited into
// /name with options, from user in channel (a guild channel unless
// guild is "").
func command(t *testing.T, id, name string, options map[string]any, guild, channelID string) []byte {
	t.Helper()
	m := adaptertest.JSONFixture(t, "discord-interaction-command.json")
	m["id"], m["token"], m["application_id"] = id, "token-"+id, appID
	m["channel_id"] = channelID
	var opts []any
	for _, k := range []string{discord.OptionQuestion, discord.OptionText, discord.OptionWho, discord.OptionPrivate} {
		if v, ok := options[k]; ok {
			typ := 3
			if _, isBool := v.(bool); isBool {
				typ = 5
			}
			opts = append(opts, map[string]any{"type": typ, "name": k, "value": v})
		}
	}
	m["data"] = map[string]any{"id": "771825006014889984", "name": name, "type": 1, "options": opts}
	if guild == "" {
		delete(m, "guild_id")
		delete(m, "member")
		m["user"] = map[string]any{"id": user, "username": "Mason"}
		m["context"] = 1
	}
	b, _ := json.Marshal(m)
	return b
}

// click is a button click on a message with custom ID id.
func click(id, customID, clicker, channelID string) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": id, "application_id": appID, "type": 3, "token": "token-" + id, "version": 1,
		"guild_id": guildID, "channel_id": channelID,
		"member":  map[string]any{"user": map[string]any{"id": clicker, "username": "voter"}, "permissions": "0"},
		"message": map[string]any{"id": "1500000000000000001", "channel_id": channelID, "content": ""},
		"data":    map[string]any{"custom_id": customID, "component_type": 2},
	})
	return b
}

// messageEvent is the official message object, edited into a message
// from user in channelID (in the guild unless guild is "") saying text.
func messageEvent(t *testing.T, id, guild, channelID, text string, edit map[string]any) map[string]any {
	t.Helper()
	m := adaptertest.JSONFixture(t, "discord-message.json")
	m["id"], m["channel_id"], m["content"] = id, channelID, text
	m["author"] = map[string]any{"id": user, "username": "Mason", "discriminator": "9999"}
	if guild != "" {
		m["guild_id"] = guild
	}
	for k, v := range edit {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return m
}

// mentionEvent is a message mentioning the bot.
func mentionEvent(t *testing.T, id, channelID, text string) map[string]any {
	return messageEvent(t, id, guildID, channelID, "<@"+botUser+"> "+text, map[string]any{
		"mentions": []any{map[string]any{"id": botUser, "username": "citebot", "bot": true}},
	})
}

// customID finds the custom_id of the button starting with prefix in a
// message body.
func customID(t *testing.T, body map[string]any, prefix string) string {
	t.Helper()
	rows, _ := body["components"].([]any)
	for _, row := range rows {
		comps, _ := row.(map[string]any)["components"].([]any)
		for _, c := range comps {
			if id, _ := c.(map[string]any)["custom_id"].(string); strings.HasPrefix(id, prefix) {
				return id
			}
		}
	}
	return ""
}

// embed returns a message body's only embed.
func embed(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	es, _ := body["embeds"].([]any)
	if len(es) != 1 {
		t.Fatalf("message has %d embeds; want 1: %v", len(es), body)
	}
	return es[0].(map[string]any)
}

// noPings checks a message body's allowed_mentions: present, parse an
// empty list.
func noPings(t *testing.T, what string, body map[string]any) {
	t.Helper()
	am, ok := body["allowed_mentions"].(map[string]any)
	parse, isList := am["parse"].([]any)
	if !ok || !isList || len(parse) != 0 {
		t.Errorf("%s: allowed_mentions = %v; want {\"parse\": []}", what, body["allowed_mentions"])
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

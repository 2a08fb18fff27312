// Package config loads citebot's one typed Config with viper, from (lowest
// to highest precedence) built-in defaults, a YAML file, CITEBOT_*
// environment variables and command-line flags, and validates it,
// reporting every problem at once in plain words.
//
// A key such as slack.signing_secret is read from the file as
//
//	slack:
//	  signing_secret: …
//
// from the environment as CITEBOT_SLACK_SIGNING_SECRET, and from a flag
// only when a command binds one to it. The struct tags below are the key
// names; Keys lists them all, and citebot.example.yaml documents each.
//
// Config knows what each chat platform needs only as a typed sub-struct;
// the adapters interpret it.
package config

import (
	"fmt"
	"strings"
	"time"
)

// Config is citebot's effective configuration. Fields tagged
// secret:"true" are redacted by Redacted and must never be logged.
type Config struct {
	// Corpus lists folders of documents to answer from, indexed in memory
	// at start-up. Empty (with Index.Path empty too) means the embedded
	// seed articles.
	Corpus     []string         `mapstructure:"corpus"`
	Index      IndexConfig      `mapstructure:"index"`
	Data       DataConfig       `mapstructure:"data"`
	OpenSearch OpenSearchConfig `mapstructure:"opensearch"`
	HTTP       HTTPConfig       `mapstructure:"http"`
	API        APIConfig        `mapstructure:"api"`
	Limits     LimitsConfig     `mapstructure:"limits"`
	Log        LogConfig        `mapstructure:"log"`
	Slack      SlackConfig      `mapstructure:"slack"`
	Discord    DiscordConfig    `mapstructure:"discord"`
	MCP        MCPConfig        `mapstructure:"mcp"`

	// File is the configuration file that was read, empty when none was.
	File string `mapstructure:"-"`

	// unknown lists keys found in the file that citebot does not know
	// (usually typos); Validate reports them.
	unknown []string
	// typeProblems are values of the wrong type (the setting keeps its
	// default); Validate reports them with every other problem.
	typeProblems []Problem
	// warnings are CITEBOT_* variables that name no setting.
	warnings []string
}

// Warnings lists what is odd about the configuration but does not stop
// citebot: CITEBOT_* environment variables that name no setting (serve
// logs them, config check prints them).
func (c *Config) Warnings() []string { return c.warnings }

// IndexConfig locates a persisted index built with `citebot index`.
type IndexConfig struct {
	// Path is the index folder (the Bleve backend); empty means no
	// persisted index.
	Path string `mapstructure:"path"`
	// URL is an index on an OpenSearch cluster,
	// http[s]://HOST:PORT/NAME (NAME is the alias `citebot index` keeps
	// pointing at the current generation); empty means none. Set Path or
	// URL, not both.
	URL string `mapstructure:"url"`
}

// DataConfig locates the state citebot writes as a service.
type DataConfig struct {
	// Dir is where citebot keeps what it writes (feedback records and
	// similar); empty keeps nothing on disk.
	Dir string `mapstructure:"dir"`
	// URL keeps that state on an OpenSearch cluster instead,
	// http[s]://HOST:PORT/PREFIX (indexes PREFIX-answers, PREFIX-votes,
	// PREFIX-threads, PREFIX-deliveries), so that several citebot serve
	// replicas share votes, thread follow-ups and the dedupe of repeated
	// chat deliveries. Set Dir or URL, not both.
	URL string `mapstructure:"url"`
}

// OpenSearchConfig says how to reach the OpenSearch cluster of index.url
// and data.url (whose own host is the first node), and how to lay out
// the indexes `citebot index` writes there.
type OpenSearchConfig struct {
	// Addresses are more nodes of the cluster (http[s]://HOST:PORT),
	// tried when the URL's host does not answer.
	Addresses []string `mapstructure:"addresses"`
	// Username and Password authenticate (HTTP basic auth); empty for a
	// cluster without security. Credentials written into a URL
	// (https://user:pass@host) are used when these are empty.
	Username string `mapstructure:"username"`
	Password string `mapstructure:"password" secret:"true"`
	// CAFile is a PEM file of certificate authorities to trust for an
	// https cluster with its own CA; empty trusts the system's.
	CAFile string `mapstructure:"ca_file"`
	// Shards is the number of primary shards of each index citebot
	// builds.
	Shards int `mapstructure:"shards"`
	// Replicas is the number of replicas of each shard; -1 means one when
	// the cluster has two or more data nodes, else none.
	Replicas int `mapstructure:"replicas"`
}

// HTTPConfig configures serve's one HTTP server.
type HTTPConfig struct {
	// Addr is the listen address, host:port. The default is loopback
	// only; listening more widely should come with an api.token.
	Addr string `mapstructure:"addr"`
	// ShutdownTimeout bounds how long serve waits for in-flight requests
	// and adapters when asked to stop.
	ShutdownTimeout time.Duration `mapstructure:"shutdown_timeout"`
	// RequestTimeout bounds answering one API request (searching and
	// writing the answer); past it the request fails with 503
	// unavailable.
	RequestTimeout time.Duration `mapstructure:"request_timeout"`
}

// APIConfig configures the HTTP JSON API and the web page.
type APIConfig struct {
	// Token, when set, is the bearer token every /api and /metrics
	// request must carry.
	Token string `mapstructure:"token" secret:"true"`
	// MaxQuestionBytes rejects longer questions as invalid input.
	MaxQuestionBytes int `mapstructure:"max_question_bytes"`
}

// MCPConfig configures the Model Context Protocol endpoint of serve.
type MCPConfig struct {
	// Enabled serves MCP's streamable HTTP transport at /mcp on the
	// HTTP server, behind api.token, limits.per_client and
	// api.max_question_bytes like /api/*.
	Enabled bool `mapstructure:"enabled"`
}

// LimitsConfig caps how often one asker may ask, as token buckets: a
// burst at once, then rate requests a second.
type LimitsConfig struct {
	// PerUser and PerChannel apply to chat adapters (Slack, Discord):
	// one user, one channel (a DM is a channel).
	PerUser    RateConfig `mapstructure:"per_user"`
	PerChannel RateConfig `mapstructure:"per_channel"`
	// PerClient applies to the HTTP API (/api/*), per client address.
	PerClient RateConfig `mapstructure:"per_client"`
}

// RateConfig is one token bucket: Burst requests at once, refilled at
// Rate requests a second (0.2 is one every five seconds). Rate 0 means
// no limit.
type RateConfig struct {
	Rate  float64 `mapstructure:"rate"`
	Burst int     `mapstructure:"burst"`
}

// LogConfig configures log/slog output on standard error.
type LogConfig struct {
	// Level is debug, info, warn or error. Question text is logged only
	// at debug.
	Level string `mapstructure:"level"`
	// Format is json, text, or auto (text on a terminal, else JSON).
	Format string `mapstructure:"format"`
}

// SlackConfig configures the Slack adapter.
type SlackConfig struct {
	Enabled bool `mapstructure:"enabled"`
	// Mode is socket (Socket Mode, outbound websocket: needs BotToken
	// and AppToken) or http (Events API on serve's HTTP server: needs
	// BotToken and SigningSecret).
	Mode          string `mapstructure:"mode"`
	BotToken      string `mapstructure:"bot_token" secret:"true"`
	AppToken      string `mapstructure:"app_token" secret:"true"`
	SigningSecret string `mapstructure:"signing_secret" secret:"true"`
	// APIURL points the Slack SDK at another base URL (tests, proxies);
	// empty means Slack's own.
	APIURL string `mapstructure:"api_url"`
	// Channels holds per-channel settings. Without OnlyListedChannels
	// the bot answers in every channel it is invited to, and the list
	// only changes how.
	Channels []ChannelConfig `mapstructure:"channels"`
	// OnlyListedChannels answers only in Channels (and direct messages).
	OnlyListedChannels bool `mapstructure:"only_listed_channels"`
	// DefaultMentionOnly is mention_only for channels that do not set
	// it: answer only messages that mention the bot, not un-mentioned
	// follow-ups in its threads.
	DefaultMentionOnly bool `mapstructure:"default_mention_only"`
}

// ChannelConfig is one chat channel's settings (slack.channels,
// discord.channels). In a file it is a mapping; in the
// environment a list is comma-separated entries of the form ID or
// ID:mention_only (CITEBOT_SLACK_CHANNELS=C0123ABCD,C0456EFGH:mention_only).
type ChannelConfig struct {
	// ID is the platform's channel ID (Slack: C…, G… for older private
	// channels; Discord: a snowflake such as 1234567890123456789), not
	// its name.
	ID string `mapstructure:"id" yaml:"id"`
	// MentionOnly overrides the platform's default_mention_only when
	// set.
	MentionOnly *bool `mapstructure:"mention_only" yaml:"mention_only,omitempty"`
	// Collections limits answers in the channel to documents of these
	// collections (a corpus folder, or NAME in --corpus NAME=DIR); empty
	// means all.
	Collections []string `mapstructure:"collections" yaml:"collections,omitempty"`
}

// UnmarshalText reads the environment's form of a channel: ID or
// ID:mention_only.
func (c *ChannelConfig) UnmarshalText(text []byte) error {
	id, opt, hasOpt := strings.Cut(strings.TrimSpace(string(text)), ":")
	*c = ChannelConfig{ID: strings.TrimSpace(id)}
	switch opt = strings.TrimSpace(opt); {
	case !hasOpt:
	case opt == "mention_only":
		t := true
		c.MentionOnly = &t
	default:
		return fmt.Errorf("channel %q: unknown option %q; expected ID or ID:mention_only (the file form allows more)", text, opt)
	}
	return nil
}

// DiscordConfig configures the Discord adapter.
type DiscordConfig struct {
	Enabled bool `mapstructure:"enabled"`
	// Mode is gateway (outbound websocket) or http (interactions
	// endpoint on serve's HTTP server: needs PublicKey).
	Mode     string `mapstructure:"mode"`
	BotToken string `mapstructure:"bot_token" secret:"true"`
	AppID    string `mapstructure:"app_id"`
	// PublicKey is the application's Ed25519 public key (hex), used to
	// verify interaction signatures. Public by design, so not redacted.
	PublicKey string `mapstructure:"public_key"`
	// GuildID, when set, registers commands in that guild only (instant,
	// for testing) instead of globally.
	GuildID string `mapstructure:"guild_id"`
	// APIURL replaces https://discord.com/api/ (tests, proxies); empty
	// means Discord's own.
	APIURL string `mapstructure:"api_url"`
	// MessageContent requests the privileged MESSAGE_CONTENT intent
	// (gateway mode; it must also be switched on in the Developer
	// Portal), so the bot can read messages that do not mention it:
	// un-mentioned follow-ups to its answers. Mentions, replies that
	// ping the bot and direct messages work without it.
	MessageContent bool `mapstructure:"message_content"`
	// Channels, OnlyListedChannels and DefaultMentionOnly work as
	// slack's do; IDs are snowflakes. A thread follows its parent
	// channel's settings.
	Channels           []ChannelConfig `mapstructure:"channels"`
	OnlyListedChannels bool            `mapstructure:"only_listed_channels"`
	DefaultMentionOnly bool            `mapstructure:"default_mention_only"`
}

// Default returns the built-in defaults, the lowest layer of Load.
func Default() Config {
	return Config{
		Corpus:     []string{},
		OpenSearch: OpenSearchConfig{Addresses: []string{}, Shards: 1, Replicas: -1},
		HTTP: HTTPConfig{
			Addr:            "127.0.0.1:8080",
			ShutdownTimeout: 15 * time.Second,
			RequestTimeout:  30 * time.Second,
		},
		API: APIConfig{MaxQuestionBytes: 1000},
		Limits: LimitsConfig{
			PerUser:    RateConfig{Rate: 0.2, Burst: 5},
			PerChannel: RateConfig{Rate: 1, Burst: 20},
			PerClient:  RateConfig{Rate: 5, Burst: 20},
		},
		Log:     LogConfig{Level: "info", Format: "auto"},
		Slack:   SlackConfig{Mode: "socket", Channels: []ChannelConfig{}},
		Discord: DiscordConfig{Mode: "gateway", Channels: []ChannelConfig{}},
		MCP:     MCPConfig{Enabled: true},
	}
}

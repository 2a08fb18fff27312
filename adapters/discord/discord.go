// Package discord is citebot's Discord surface, built on discordgo (the
// only package that imports it). Users ask with the slash command /ask
// (public by default, private:true for an answer only they see), check
// a quote with /quote, list the documents with /sources and read usage
// with /help; or they mention the bot in a channel or thread, reply to
// one of its answers, or write to it directly. Answers are embeds: the
// short answer as the title, each quote a field with its answer span in
// bold and "headline — publisher, author, date" under it (linked when
// the document has a URL), and 👍/👎 buttons whose clicks are recorded
// in the shared feedback store.
//
// Two transports deliver interactions:
//
//   - Gateway (Options.Mode "gateway"): an outbound websocket with the
//     bot token, which also brings mentions and direct messages. The
//     intents are GUILDS, GUILD_MESSAGES and DIRECT_MESSAGES; the
//     privileged MESSAGE_CONTENT only when Options.MessageContent says so
//     (Discord delivers the content of mentions and DMs without it).
//     Dropped connections are reopened (resumed) by the adapter, and a
//     message or interaction Discord replays is answered once (bot.Dedup
//     on its ID).
//   - HTTP (Mode "http"): POST /discord/interactions on serve's HTTP
//     server. Each request's Ed25519 signature (X-Signature-Ed25519 over
//     X-Signature-Timestamp + body, with the application's public key) is
//     checked, with a 5-minute freshness window, before the body is
//     parsed: anything else gets 401. PING is answered PONG. The endpoint
//     works even when Discord's REST API is unreachable at start. Only
//     interactions arrive this way; mentions and DMs need the gateway.
//
// Either way an interaction gets its initial response at once (within
// Discord's 3 seconds): the deferred type 5 ("citebot is thinking…"),
// ephemeral for private answers; the answer then replaces it through the
// interaction's webhook. Every message, interaction response and edit
// carries allowed_mentions {"parse": []} and document text is Markdown-
// escaped with mentions defused, so a document saying "@everyone" never
// pings anyone. Rate limits (429) are waited out, bounded and
// cancellable, and the answer delivered once.
//
// Everything chat-neutral (channel rules, follow-ups, feedback records,
// the layout of an answer) is bot.Chat and bot.Plan, and the lifecycle
// (the job pool, retries through rate limits, command registration's
// retries, reading signed requests) is adapters/internal/chat, shared
// with the other chat adapters; this package keeps what is Discord's
// own.
package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/citebot/citebot/adapters/internal/chat"
	"github.com/citebot/citebot/bot"
)

// Name is the adapter's name in logs, metrics and /readyz.
const Name = "discord"

// Transport modes.
const (
	ModeGateway = "gateway"
	ModeHTTP    = "http"
)

// Options configure the adapter. cmd/citebot fills them from the discord
// section of the configuration.
type Options struct {
	// Mode is ModeGateway or ModeHTTP.
	Mode string
	// BotToken authenticates the gateway and the REST API (command
	// registration, replies); with or without the "Bot " prefix.
	BotToken string
	// AppID is the application's ID: commands are registered under it,
	// and interaction webhooks use it when a payload lacks
	// application_id.
	AppID string
	// PublicKey is the application's Ed25519 public key, hex; HTTP mode
	// verifies every request with it.
	PublicKey string
	// GuildID registers the commands in that guild only (instant, for
	// testing); empty registers them globally.
	GuildID string
	// APIURL replaces https://discord.com/api/ (tests, proxies).
	APIURL string
	// MessageContent requests the privileged MESSAGE_CONTENT intent, to
	// read follow-ups that do not mention the bot.
	MessageContent bool
	// Chat is the conversation layer (rules, follow-ups, feedback).
	Chat *bot.Chat
	// Logger receives the adapter's logs; nil discards them. Secrets and
	// (below debug) question text are never logged.
	Logger *slog.Logger
	// HTTPClient calls the REST API; nil uses one with a 30-second
	// timeout. Its Transport is wrapped to honour APIURL.
	HTTPClient *http.Client
	// Now is the clock request signatures are checked against; nil is
	// time.Now.
	Now func() time.Time
	// Deliveries tells first deliveries from the platform's redeliveries;
	// nil keeps them in memory (bot.Dedup). Replicas behind one address
	// share one (bot/opensearchstate), as a redelivery may reach another.
	Deliveries bot.DeliveryStore
	// Messages maps the bot's answer messages to their conversations, so
	// a reply to an answer, or a thread started from one, continues the
	// conversation; nil keeps them in memory (bot.Messages). Replicas
	// share one (bot/opensearchstate), as the reply may reach a replica
	// that did not post the answer.
	Messages bot.MessageStore
}

// Timing, the same for every chat adapter (package chat) but for the
// initial response.
const (
	// JobTimeout bounds answering one event after its acknowledgement:
	// searching, and posting through rate limits. An interaction's token
	// lasts 15 minutes.
	JobTimeout = chat.JobTimeout
	// MaxSendAttempts bounds the calls of one request through 429s.
	MaxSendAttempts = chat.MaxAttempts
	// MaxRetryAfter caps one wait for Discord's retry_after.
	MaxRetryAfter = chat.MaxRetryAfter
	// InitialResponseTimeout bounds the initial response to an
	// interaction over the gateway: Discord discards the interaction
	// after 3 seconds.
	InitialResponseTimeout = 3 * time.Second
)

// discordAPI is the base URL APIURL replaces.
const discordAPI = "https://discord.com/api/"

// Adapter is the Discord surface. It implements adapters.Adapter,
// adapters.Mounter (HTTP mode) and adapters.Readier.
type Adapter struct {
	mode    string
	appID   string
	guildID string
	key     ed25519.PublicKey
	chat    *bot.Chat
	s       *discordgo.Session
	log     *slog.Logger
	now     func() time.Time
	dedup   bot.DeliveryStore
	answers bot.MessageStore
	dialer  *gatewayDialer
	dropped chan struct{} // a gateway Disconnect: reopen
	jobs    *chat.Jobs
	// ready: the slash commands are registered and, in gateway mode,
	// the gateway is connected.
	ready  *chat.Readiness
	signed *chat.Signed // reads and verifies interactions in HTTP mode
	// serve holds the gateway connection; nil in HTTP mode, where serve's
	// HTTP server brings the interactions.
	serve   func(ctx context.Context) error
	intents discordgo.Intent

	// api sends the REST calls to APIURL; nil when it is Discord's own.
	api *rewrite

	mu      sync.Mutex
	botUser string // the bot's user ID, from READY
}

// New checks opts and returns the adapter; it contacts Discord only in
// Run.
func New(opts Options) (*Adapter, error) {
	token := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(opts.BotToken), "Bot "))
	switch {
	case opts.Mode != ModeGateway && opts.Mode != ModeHTTP:
		return nil, fmt.Errorf("discord: mode %q; expected %s or %s", opts.Mode, ModeGateway, ModeHTTP)
	case token == "":
		return nil, errors.New("discord: the bot token (discord.bot_token) is empty")
	case opts.AppID == "":
		return nil, errors.New("discord: the application ID (discord.app_id) is empty")
	case opts.Chat == nil:
		return nil, errors.New("discord: no bot.Chat")
	}
	if _, err := strconv.ParseUint(opts.AppID, 10, 64); err != nil {
		return nil, fmt.Errorf("discord: the application ID (discord.app_id) %q is not a Discord ID", opts.AppID)
	}
	a := &Adapter{
		mode: opts.Mode, appID: opts.AppID, guildID: opts.GuildID, chat: opts.Chat, log: opts.Logger, now: opts.Now,
		dedup: opts.Deliveries, answers: opts.Messages,
		dropped: make(chan struct{}, 1),
	}
	if opts.Mode == ModeHTTP || opts.PublicKey != "" {
		key, err := hex.DecodeString(strings.TrimSpace(opts.PublicKey))
		if err != nil || len(key) != ed25519.PublicKeySize {
			return nil, errors.New("discord: the public key (discord.public_key) is not 64 hexadecimal characters")
		}
		a.key = key
	}
	if a.dedup == nil {
		a.dedup = bot.NewDedup(100000, DeliveryTTL)
	}
	if a.answers == nil {
		a.answers = bot.NewMessages(bot.DefaultMessages, bot.DefaultThreadTTL)
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.jobs = chat.NewJobs(Name, a.log)
	if a.now == nil {
		a.now = time.Now
	}
	var conn error
	if a.mode == ModeGateway {
		conn = errors.New("connecting to the Discord gateway")
		a.serve = a.runGateway
	}
	a.ready = chat.NewReadiness("discord commands", errors.New("the slash commands have not been registered yet"), conn)

	client := &http.Client{Timeout: 30 * time.Second}
	if opts.HTTPClient != nil {
		c := *opts.HTTPClient
		client = &c
	}
	if opts.APIURL != "" {
		to, err := url.Parse(strings.TrimSuffix(opts.APIURL, "/") + "/")
		if err != nil || (to.Scheme != "http" && to.Scheme != "https") || to.Host == "" {
			return nil, fmt.Errorf("discord: the API URL (discord.api_url) %q is not an absolute http(s) URL", opts.APIURL)
		}
		base := client.Transport
		if base == nil {
			base = http.DefaultTransport
		}
		a.api = &rewrite{base: base, to: to.String()}
		client.Transport = a.api
	}

	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	s.Client = client
	// discordgo sleeps through a 429 and retries forever, deaf to any
	// context; call handles rate limits instead (bounded, cancellable).
	s.ShouldRetryOnRateLimit = false
	// discordgo's own reconnect loop ignores shutdown; runGateway
	// reopens instead.
	s.ShouldReconnectOnError = false
	// discordgo logs through the standard logger in its own format; the
	// adapter logs what matters through slog.
	s.LogLevel = -1
	a.dialer = newGatewayDialer()
	s.Dialer = a.dialer.websocket()
	a.intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if opts.MessageContent {
		a.intents |= discordgo.IntentMessageContent
	}
	s.Identify.Intents = a.intents
	// Only channels and threads are needed from the state (to tell a
	// thread and its parent channel).
	s.State.TrackEmojis, s.State.TrackStickers, s.State.TrackMembers = false, false, false
	s.State.TrackRoles, s.State.TrackVoice, s.State.TrackPresences = false, false, false
	s.State.TrackThreadMembers = false
	s.State.MaxMessageCount = 0
	s.AddHandler(a.onReady)
	s.AddHandler(a.onResumed)
	s.AddHandler(a.onDisconnect)
	s.AddHandler(a.onMessageCreate)
	s.AddHandler(a.onEvent)
	a.s = s
	a.signed = &chat.Signed{
		Adapter: Name, Platform: "Discord", MaxBytes: MaxBodyBytes, Log: a.log,
		Verify: func(h http.Header, body []byte) error { return Verify(a.key, h, body, a.now()) },
	}
	return a, nil
}

// Name implements adapters.Adapter.
func (a *Adapter) Name() string { return Name }

// DeliveryTTL is how long a delivery is remembered, well past a gateway
// replay's horizon.
const DeliveryTTL = 2 * time.Hour

// storeTimeout bounds one call to a store of shared state (deliveries,
// answer messages), so a store that hangs delays an event by that at
// most (tests shorten it).
var storeTimeout = 5 * time.Second

// first reports whether a delivery is new. A store that cannot answer
// lets it through: answering twice is better than not at all.
func (a *Adapter) first(key string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	ok, err := a.dedup.First(ctx, key)
	if err != nil {
		a.log.Warn("could not check for a repeated delivery; handling it", "error", err)
		return true
	}
	return ok
}

// Ready implements adapters.Readier: the slash commands are registered
// and, in gateway mode, the gateway is connected.
func (a *Adapter) Ready() error { return a.ready.Err() }

// Run implements adapters.Adapter. It registers the slash commands
// (retrying while Discord is unreachable) and, in gateway mode, holds the
// gateway connection, until ctx ends; then it lets answers in flight
// finish. It returns an error only when Discord rejects the bot token or
// the intents for good.
func (a *Adapter) Run(ctx context.Context) error {
	return chat.Run(ctx, a.jobs, a.registerCommands, a.serve)
}

// botUserID is the bot's own user ID, "" before the gateway's READY.
// discordgo runs handlers in goroutines of their own, so a message may
// be handled before onReady: the state, which discordgo updates before
// reading the next event, has it then.
func (a *Adapter) botUserID() string {
	a.mu.Lock()
	id := a.botUser
	a.mu.Unlock()
	if id != "" {
		return id
	}
	a.s.State.RLock()
	defer a.s.State.RUnlock()
	if a.s.State.User != nil {
		return a.s.State.User.ID
	}
	return ""
}

// call makes one REST call through discordgo, with ctx, and calls again
// when the call surely did no harm, up to MaxSendAttempts: on a 429
// after retry_after (at most MaxRetryAfter, and never past ctx); on a
// 5xx or a failed connection after a back-off (retryBackoff, doubling).
// Every call citebot makes is safe to repeat: edits, the command
// overwrite and lookups are idempotent, an interaction can be answered
// only once, and new messages carry an enforced nonce (sendMessage), so
// a repeat never posts twice. discordgo itself also retries 502s.
func (a *Adapter) call(ctx context.Context, what string, fn func(opts ...discordgo.RequestOption) error) error {
	retry := chat.Retry{Backoff: retryBackoff, Log: a.log,
		RateLimited: "discord rate limit; calling again after retry_after", Failed: "discord did not carry out a call; calling again"}
	err := retry.Do(ctx, func() error { return redact(a.api.named(fn(discordgo.WithContext(ctx)))) }, failure, "call", what)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// failure says which failed calls are safe to make again: a 429 after
// its retry_after (the longest wait when discordgo could not read it),
// a 5xx or a failed connection after the back-off.
func failure(err error) chat.Failure {
	var rl *discordgo.RateLimitError
	var rest *discordgo.RESTError
	var ue *url.Error
	switch {
	case errors.As(err, &rl):
		if rl.RateLimit != nil && rl.TooManyRequests != nil {
			return chat.Failure{RetryAfter: max(rl.RetryAfter, 50*time.Millisecond)}
		}
		return chat.Failure{RetryAfter: MaxRetryAfter}
	case errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode >= 500, errors.As(err, &ue):
		return chat.Failure{Again: true}
	}
	return chat.Failure{}
}

// retryBackoff is the first wait before calling again after a 5xx or a
// connection failure; it doubles with each attempt (tests shorten it).
var retryBackoff = time.Second

// sendMessage creates a message in channel (ChannelMessageSendComplex's
// request, without files) with nonce enforced: Discord answers a second
// create with the same nonce, within a few minutes, with the message the
// first one made instead of posting another, which makes the create safe
// to retry. The nonce is the ID of the message being answered, so even
// two deliveries of one question post one answer.
func (a *Adapter) sendMessage(channelID string, m *discordgo.MessageSend, nonce string, opts ...discordgo.RequestOption) (*discordgo.Message, error) {
	for _, e := range m.Embeds {
		if e.Type == "" {
			e.Type = discordgo.EmbedTypeRich
		}
	}
	body := struct {
		*discordgo.MessageSend
		Nonce        string `json:"nonce,omitempty"`
		EnforceNonce bool   `json:"enforce_nonce,omitempty"`
	}{m, nonce, nonce != ""}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	resp, err := a.s.RequestWithBucketID(http.MethodPost, endpoint, body, endpoint, opts...)
	if err != nil {
		return nil, err
	}
	var sent discordgo.Message
	if err := json.Unmarshal(resp, &sent); err != nil {
		return nil, fmt.Errorf("read the created message: %w", err)
	}
	return &sent, nil
}

// tokenPath matches the interaction token in a webhook or callback URL.
var tokenPath = regexp.MustCompile(`(/(?:webhooks|interactions)/\d+/)[^/?#\s"]+`)

// redact keeps an interaction's token (a credential for 15 minutes) out
// of an error that quotes the request URL (net/http's *url.Error), so it
// is never logged.
func redact(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		// A REST error quotes the response body, which may quote the
		// request's URL back: scrub the text, keep the error.
		if err != nil && tokenPath.MatchString(err.Error()) {
			return &scrubbed{msg: tokenPath.ReplaceAllString(err.Error(), "${1}[token]"), err: err}
		}
		return err
	}
	// Still a *url.Error, so that call sees a failed connection or a
	// timeout through it and calls again.
	return &url.Error{Op: ue.Op, URL: tokenPath.ReplaceAllString(ue.URL, "${1}[token]"), Err: ue.Err}
}

// scrubbed is an error whose text had a token removed; errors.As and
// errors.Is still see the original.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// registerCommands overwrites the application's commands (in the guild,
// or globally) with citebot's, retrying with back-off while Discord is
// unreachable or refuses: a failure is logged as an error once, and
// /readyz reports it, while HTTP interactions keep being verified and
// answered.
func (a *Adapter) registerCommands(ctx context.Context) {
	scope := "global"
	if a.guildID != "" {
		scope = "guild " + a.guildID
	}
	startup := chat.Startup{Timeout: 30 * time.Second, Log: a.log,
		Failed: "discord refused the slash commands or is unreachable (check discord.bot_token and discord.app_id); retrying"}
	startup.Run(ctx, func(ctx context.Context) error {
		cmds := Commands(a.guildID == "")
		err := a.call(ctx, "register commands", func(opts ...discordgo.RequestOption) error {
			_, err := a.s.ApplicationCommandBulkOverwrite(a.appID, a.guildID, cmds, opts...)
			return err
		})
		if err == nil {
			a.log.Info("discord slash commands registered", "scope", scope, "commands", len(cmds))
		}
		return err
	}, a.ready.SetSetup)
}

// rewrite sends requests for https://discord.com/api/ to another base
// URL (discord.api_url). discordgo's endpoint variables are computed once
// at init, so a transport is the one way to redirect a session
// (discordgo issue 1457).
type rewrite struct {
	base http.RoundTripper
	to   string // with a trailing slash
}

func (t *rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	if to, ok := t.target(r.URL.String()); ok {
		u, err := url.Parse(to)
		if err != nil {
			return nil, fmt.Errorf("discord api url: %w", err)
		}
		r = r.Clone(r.Context())
		r.URL, r.Host = u, ""
	}
	return t.base.RoundTrip(r)
}

// target is where a request for u goes: under the configured base URL
// when u is under https://discord.com/api/.
func (t *rewrite) target(u string) (string, bool) {
	rest, ok := strings.CutPrefix(u, discordAPI)
	if !ok {
		return u, false
	}
	return t.to + rest, true
}

// named makes a failed call's error name the API it went to. net/http
// words a failed request (*url.Error) with the URL discordgo asked for,
// https://discord.com/api/…, not the one the transport sent it to, so
// with discord.api_url set the error would blame discord.com for the
// configured host's failure. A nil rewrite (Discord's own API) leaves
// err as it is.
func (t *rewrite) named(err error) error {
	var ue *url.Error
	if t == nil || !errors.As(err, &ue) {
		return err
	}
	to, ok := t.target(ue.URL)
	if !ok {
		return err
	}
	// Still a *url.Error, so that call sees a failed connection or a
	// timeout through it and calls again.
	return &url.Error{Op: ue.Op, URL: to, Err: ue.Err}
}

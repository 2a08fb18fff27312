// Package slack is citebot's Slack surface, built on slack-go (the only
// package that imports it). Users ask with /ask (answered privately,
// with a "Share in channel" button), by mentioning the bot in a channel
// (answered in a thread, where follow-ups keep the earlier question as
// context), or in a direct message. Answers are Block Kit: the short
// answer in bold, each quote in a quote block with the answer span in
// bold, a citation line per quote, and 👍/👎 buttons whose clicks are
// recorded.
//
// Two transports deliver the same payloads:
//
//   - Socket Mode (Options.Mode "socket"): an outbound websocket opened
//     with the app-level token; no public URL needed. Every envelope is
//     acknowledged at once, then handled.
//   - HTTP (Mode "http"): POST /slack/events, /slack/commands and
//     /slack/interactions on serve's HTTP server. Each request's
//     signature is verified (Verify) before its body is parsed; unsigned,
//     stale or tampered requests get 401 and never reach the bot. The
//     endpoints work even when Slack's Web API is unreachable at start.
//
// Either way Slack gets its acknowledgement within its 3-second limit
// before any answering starts; answers follow through the slash
// command's response_url or chat.postMessage. Redelivered events are
// answered once (bot.Dedup on event_id, message and envelope). A 429
// from Slack is waited out (Retry-After) and the answer posted, once.
//
// Everything chat-neutral (channel rules, follow-ups, feedback records,
// the layout of an answer) is bot.Chat and bot.Plan, and the lifecycle
// (the job pool, retries through rate limits, the start-up check,
// reading signed requests) is adapters/internal/chat, shared with the
// other chat adapters; this package keeps what is Slack's own.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackutilsx"

	"github.com/citebot/citebot/adapters/internal/chat"
	"github.com/citebot/citebot/bot"
)

// DeliveryTTL is how long a delivery is remembered, well past the
// platform's redelivery horizon.
const DeliveryTTL = 2 * time.Hour

// first reports whether a delivery is new. A store that cannot answer
// lets it through: answering twice is better than not at all.
func (a *Adapter) first(key string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ok, err := a.dedup.First(ctx, key)
	if err != nil {
		a.log.Warn("could not check for a repeated delivery; handling it", "error", err)
		return true
	}
	return ok
}

// Name is the adapter's name in logs, metrics and /readyz.
const Name = "slack"

// Transport modes.
const (
	ModeSocket = "socket"
	ModeHTTP   = "http"
)

// Options configure the adapter. cmd/citebot fills them from the slack
// section of the configuration.
type Options struct {
	// Mode is ModeSocket or ModeHTTP.
	Mode string
	// BotToken (xoxb-…) calls the Web API.
	BotToken string
	// AppToken (xapp-…, connections:write) opens Socket Mode.
	AppToken string
	// SigningSecret verifies HTTP requests.
	SigningSecret string
	// APIURL replaces https://slack.com/api/ (tests, proxies).
	APIURL string
	// Chat is the conversation layer (rules, follow-ups, feedback).
	Chat *bot.Chat
	// Logger receives the adapter's logs; nil discards them. Secrets and
	// (below debug) question text are never logged.
	Logger *slog.Logger
	// HTTPClient calls the Web API and response URLs; nil uses one with a
	// 30-second timeout.
	HTTPClient *http.Client
	// PingInterval is how long Socket Mode waits for Slack's websocket
	// ping before it reconnects (default 30s, Slack's own interval).
	PingInterval time.Duration
	// Now is the clock request signatures are checked against; nil is
	// time.Now.
	Now func() time.Time
	// Deliveries tells first deliveries from the platform's redeliveries;
	// nil keeps them in memory (bot.Dedup). Replicas behind one address
	// share one (bot/opensearchstate), as a redelivery may reach another.
	Deliveries bot.DeliveryStore
}

// Timing, the same for every chat adapter (package chat).
const (
	// JobTimeout bounds answering one event after its acknowledgement:
	// searching, and posting through rate limits.
	JobTimeout = chat.JobTimeout
	// MaxSendAttempts bounds the posts of one message through 429s.
	MaxSendAttempts = chat.MaxAttempts
	// MaxRetryAfter caps one wait for Slack's Retry-After.
	MaxRetryAfter = chat.MaxRetryAfter
)

// Adapter is the Slack surface. It implements adapters.Adapter,
// adapters.Mounter (HTTP mode) and adapters.Readier.
type Adapter struct {
	mode   string
	secret string
	chat   *bot.Chat
	api    *slack.Client
	log    *slog.Logger
	now    func() time.Time
	ping   time.Duration
	dedup  bot.DeliveryStore
	jobs   *chat.Jobs
	// ready: the bot token works (auth.test) and, in Socket Mode, the
	// websocket is connected.
	ready  *chat.Readiness
	signed *chat.Signed // reads and verifies requests in HTTP mode
	// serve holds the Socket Mode connection; nil in HTTP mode, where
	// serve's HTTP server brings the requests.
	serve func(ctx context.Context) error
	// apiBase is the Web API's base URL (errors quoting it are logged
	// as they are; other URLs are response URLs, and redacted).
	apiBase string

	mu      sync.Mutex
	botUser string // the bot's user ID, from auth.test or an event
}

// New checks opts and returns the adapter; it contacts Slack only in Run.
func New(opts Options) (*Adapter, error) {
	switch {
	case opts.Mode != ModeSocket && opts.Mode != ModeHTTP:
		return nil, fmt.Errorf("slack: mode %q; expected %s or %s", opts.Mode, ModeSocket, ModeHTTP)
	case opts.BotToken == "":
		return nil, errors.New("slack: the bot token (slack.bot_token) is empty")
	case opts.Mode == ModeSocket && opts.AppToken == "":
		return nil, errors.New("slack: Socket Mode needs the app-level token (slack.app_token)")
	case opts.Mode == ModeHTTP && opts.SigningSecret == "":
		return nil, errors.New("slack: HTTP mode needs the signing secret (slack.signing_secret)")
	case opts.Chat == nil:
		return nil, errors.New("slack: no bot.Chat")
	}
	a := &Adapter{
		mode: opts.Mode, secret: opts.SigningSecret, chat: opts.Chat, log: opts.Logger,
		now: opts.Now, ping: opts.PingInterval, dedup: opts.Deliveries,
	}
	if a.dedup == nil {
		a.dedup = bot.NewDedup(100000, DeliveryTTL)
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.ping <= 0 {
		a.ping = 30 * time.Second
	}
	var conn error
	if a.mode == ModeSocket {
		conn = errors.New("connecting to Socket Mode")
		a.serve = a.runSocket
	}
	a.ready = chat.NewReadiness("slack web api", errors.New("the bot token has not been checked yet (auth.test)"), conn)
	a.jobs = chat.NewJobs(Name, a.log)
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	apiOpts := []slack.Option{
		slack.OptionHTTPClient(client),
		slack.OptionLog(slog.NewLogLogger(a.log.Handler(), slog.LevelDebug)),
	}
	if opts.AppToken != "" {
		apiOpts = append(apiOpts, slack.OptionAppLevelToken(opts.AppToken))
	}
	a.apiBase = slack.APIURL
	if opts.APIURL != "" {
		a.apiBase = strings.TrimSuffix(opts.APIURL, "/") + "/"
		apiOpts = append(apiOpts, slack.OptionAPIURL(a.apiBase))
	}
	a.api = slack.New(opts.BotToken, apiOpts...)
	a.signed = &chat.Signed{
		Adapter: Name, Platform: "Slack", MaxBytes: MaxBodyBytes, Log: a.log,
		Verify: func(h http.Header, body []byte) error { return Verify(a.secret, h, body, a.now()) },
		// Slack resends a request that failed; a bad signature stays bad.
		Rejected: func(h http.Header) { h.Set("X-Slack-No-Retry", "1") },
	}
	return a, nil
}

// Name implements adapters.Adapter.
func (a *Adapter) Name() string { return Name }

// Ready implements adapters.Readier: the bot token works (auth.test) and,
// in Socket Mode, the websocket is connected.
func (a *Adapter) Ready() error { return a.ready.Err() }

// Run implements adapters.Adapter. It checks the bot token (retrying
// while Slack is unreachable) and, in Socket Mode, holds the websocket,
// until ctx ends; then it lets answers in flight finish.
func (a *Adapter) Run(ctx context.Context) error { return chat.Run(ctx, a.jobs, a.checkAuth, a.serve) }

// checkAuth calls auth.test until it succeeds, backing off while it
// fails: a token Slack rejects is logged as an error once, and /readyz
// reports it, while the HTTP endpoints keep verifying and acking.
func (a *Adapter) checkAuth(ctx context.Context) {
	startup := chat.Startup{Timeout: 20 * time.Second, Log: a.log, Failed: "slack rejected the bot token or is unreachable; retrying"}
	startup.Run(ctx, func(ctx context.Context) error {
		resp, err := a.api.AuthTestContext(ctx)
		if err != nil {
			return err
		}
		a.mu.Lock()
		a.botUser = resp.UserID
		a.mu.Unlock()
		a.log.Info("slack bot token accepted", "team", resp.Team, "bot_user", resp.UserID)
		return nil
	}, a.ready.SetSetup)
}

// botUserID is the bot's own user ID: from auth.test, else from the
// event's authorizations (Slack lists the bot user the event was
// delivered for), else "".
func (a *Adapter) botUserID(fromEvent string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.botUser == "" && fromEvent != "" {
		a.botUser = fromEvent
	}
	return a.botUser
}

// send posts a message (chat.postMessage, or a response URL when opts
// include one) and retries what surely did not land, up to
// MaxSendAttempts: a 429 after its Retry-After, a 5xx (Slack failed the
// request) or a connection that could not be opened after a back-off
// (retryBackoff, doubling). Anything else is not retried, since the post
// may have landed and a retry would post it twice.
func (a *Adapter) send(ctx context.Context, channel string, opts ...slack.MsgOption) error {
	return a.post(ctx, channel, false, opts...)
}

// resend is send for posts that can be repeated without a second
// message (a response URL's replace_original or delete_original): it
// also retries a timeout or a dropped connection.
func (a *Adapter) resend(ctx context.Context, opts ...slack.MsgOption) error {
	return a.post(ctx, "", true, opts...)
}

// retryBackoff is the first wait before posting again after a 5xx or a
// connection failure; it doubles with each attempt (tests shorten it).
var retryBackoff = time.Second

func (a *Adapter) post(ctx context.Context, channel string, idempotent bool, opts ...slack.MsgOption) error {
	retry := chat.Retry{Backoff: retryBackoff, Log: a.log,
		RateLimited: "slack rate limit; posting again after Retry-After", Failed: "slack did not take the post; posting again"}
	return retry.Do(ctx, func() error {
		_, _, err := a.api.PostMessageContext(ctx, channel, opts...)
		return a.redact(err)
	}, func(err error) chat.Failure {
		var rl *slack.RateLimitedError
		var status slack.StatusCodeError
		switch {
		case errors.As(err, &rl):
			return chat.Failure{RetryAfter: max(rl.RetryAfter, time.Second)}
		case errors.As(err, &status) && status.Code >= 500, notSent(err), idempotent && transient(err):
			return chat.Failure{Again: true}
		}
		return chat.Failure{}
	})
}

// notSent reports an error from before the request left: the connection
// was never opened (refused, unreachable, no such host).
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// transient reports a failure of the connection or its deadline, after
// which the request may or may not have been carried out.
func transient(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue)
}

// redact keeps a response URL (a credential for half an hour: anyone
// holding it can post as the app) out of an error that quotes the
// request URL (net/http's *url.Error), so it is never logged. Web API
// URLs (under the API base) are kept.
func (a *Adapter) redact(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) || strings.HasPrefix(ue.URL, a.apiBase) {
		return err
	}
	shown := "[response url]"
	if u, perr := url.Parse(ue.URL); perr == nil {
		shown = u.Scheme + "://" + u.Host + "/[redacted]"
	}
	// Still a *url.Error, so that transient and notSent see through it.
	return &url.Error{Op: ue.Op, URL: shown, Err: ue.Err}
}

// messageRef matches Slack's control sequences in user text: <@U123>,
// <#C123|name>, <!here>, <https://…|label>.
var messageRef = regexp.MustCompile(`<([^<>]*)>`)

var unescape = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// plainText turns a user's Slack message text into the question as
// typed: the bot's own mention removed, other references replaced by
// their labels, &amp; &lt; &gt; decoded, whitespace collapsed.
func plainText(text, botUser string) string {
	text = messageRef.ReplaceAllStringFunc(text, func(m string) string {
		ref, label, _ := strings.Cut(m[1:len(m)-1], "|")
		switch {
		case strings.HasPrefix(ref, "@"):
			if ref[1:] == botUser || label == "" {
				return ""
			}
			return "@" + strings.TrimPrefix(label, "@")
		case strings.HasPrefix(ref, "#"):
			if label == "" {
				return ""
			}
			return "#" + label
		case strings.HasPrefix(ref, "!"):
			if label != "" {
				return label
			}
			name, _, _ := strings.Cut(ref[1:], "^")
			return "@" + name
		case label != "":
			return label
		}
		return ref
	})
	return strings.Join(strings.Fields(unescape.Replace(text)), " ")
}

// leadingMention matches a mention at the start of a message, the bot's
// in an app_mention when its ID is not known yet.
var leadingMention = regexp.MustCompile(`^\s*<@[A-Z0-9]+(\|[^>]*)?>`)

// escape makes text inert in mrkdwn and plain_text: & < > become
// entities, so <!channel> or <@U123> in a document is shown, not
// notified.
func escape(s string) string { return slackutilsx.EscapeMessage(s) }

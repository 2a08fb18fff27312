package discord

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// OpenTimeout bounds opening the gateway: dialling, HELLO, IDENTIFY (or
// RESUME) and READY. discordgo reads those without a deadline, so a
// gateway that accepts the connection and then says nothing would hold
// Open, and shutdown, for ever.
const OpenTimeout = 30 * time.Second

// runGateway holds the gateway connection until ctx ends, reopening it
// (discordgo resumes the session) whenever it drops. It returns an error
// only when Discord closes the connection for a reason retrying cannot
// fix: the token or the intents.
func (a *Adapter) runGateway(ctx context.Context) error {
	wait := time.Second
	for {
		select {
		case <-a.dropped: // a stale signal from an earlier connection
		default:
		}
		err := a.open(ctx)
		if ctx.Err() != nil {
			a.close()
			return nil
		}
		if err == nil {
			wait = time.Second
			select {
			case <-ctx.Done():
				a.close()
				return nil
			case <-a.dropped:
				a.ready.SetConn(errors.New("the gateway connection dropped; reconnecting"))
				a.log.Warn("discord gateway connection dropped; reconnecting")
				continue
			}
		}
		if fatal := fatalClose(err); fatal != nil {
			a.ready.SetConn(fatal)
			return fatal
		}
		a.ready.SetConn(fmt.Errorf("connecting to the gateway: %w", err))
		a.log.Warn("could not connect to the discord gateway; retrying", "error", err, "retry_in", wait.String())
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Minute)
	}
}

// open opens the gateway once, giving up after OpenTimeout or when ctx
// ends. An error of the REST call for the gateway's address names the
// API it went to (rewrite.named).
func (a *Adapter) open(ctx context.Context) error {
	done := make(chan error, 1)
	a.dialer.arm()
	go func() { done <- a.api.named(a.s.Open()) }()
	select {
	case err := <-done:
		if errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			err = nil
		}
		if err == nil {
			a.dialer.disarm() // connected: discordgo's heartbeats watch it now
		}
		return err
	case <-ctx.Done():
		a.dialer.abort()
		return <-done
	}
}

// close closes the gateway connection (discordgo then emits a
// Disconnect, which nobody waits for any more).
func (a *Adapter) close() {
	if err := a.s.Close(); err != nil {
		a.log.Debug("closing the discord gateway", "error", err)
	}
	a.ready.SetConn(errors.New("the gateway connection is closed"))
}

// fatalClose returns an error naming the setting to fix when err is a
// gateway close code retrying cannot help, else nil.
func fatalClose(err error) error {
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		return nil
	}
	switch ce.Code {
	case 4004:
		return fmt.Errorf("discord gateway: authentication failed; check discord.bot_token: %w", err)
	case 4013:
		return fmt.Errorf("discord gateway: invalid intents: %w", err)
	case 4014:
		return fmt.Errorf("discord gateway: disallowed intents; with discord.message_content, switch on the Message Content intent "+
			"in the Developer Portal (Bot page), or set discord.message_content to false: %w", err)
	case 4010, 4011, 4012:
		return fmt.Errorf("discord gateway: %w", err)
	}
	return nil
}

func (a *Adapter) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	if r.User == nil {
		return
	}
	a.mu.Lock()
	a.botUser = r.User.ID
	a.mu.Unlock()
	a.ready.SetConn(nil)
	a.log.Info("connected to the discord gateway", "bot_user", r.User.ID, "guilds", len(r.Guilds), "intents", int(a.intents))
}

func (a *Adapter) onResumed(*discordgo.Session, *discordgo.Resumed) {
	a.ready.SetConn(nil)
	a.log.Info("resumed the discord gateway session")
}

// onDisconnect asks runGateway to reopen: discordgo's own reconnect loop
// is off (it ignores shutdown). A Disconnect from the adapter's own Close
// comes when runGateway no longer listens.
func (a *Adapter) onDisconnect(*discordgo.Session, *discordgo.Disconnect) {
	select {
	case a.dropped <- struct{}{}:
	default:
	}
}

// onMessageCreate answers mentions, replies to the bot's answers,
// follow-ups and direct messages. Discord may deliver a message again
// (a resumed session replays what the client had not acknowledged): each
// is answered once.
func (a *Adapter) onMessageCreate(_ *discordgo.Session, mc *discordgo.MessageCreate) {
	if mc == nil || mc.Message == nil {
		return
	}
	m := mc.Message
	if m.Author == nil || m.Author.Bot || m.Author.System || m.Author.ID == a.botUserID() {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	if !a.first("message:" + m.ID) {
		a.log.Info("skipped a redelivered message", "message", m.ID)
		return
	}
	a.jobs.Dispatch("message", a.message(m))
}

// onEvent takes interactions from the gateway as raw JSON, so they are
// handled by the same code as the HTTP endpoint's.
func (a *Adapter) onEvent(_ *discordgo.Session, e *discordgo.Event) {
	if e == nil || e.Type != "INTERACTION_CREATE" {
		return
	}
	in, err := a.interaction(e.RawData)
	if err != nil {
		a.log.Warn("ignored an interaction citebot cannot read", "error", err)
		return
	}
	if in.response == nil {
		return
	}
	if in.response.Type == discordgo.InteractionResponsePong {
		return // PING comes only over HTTP
	}
	// The initial response goes to the callback endpoint at once (this
	// handler has its own goroutine), not through the job queue: it must
	// land within Discord's 3 seconds or the interaction is void.
	ctx, cancel := context.WithTimeout(context.Background(), InitialResponseTimeout)
	err = a.call(ctx, "respond to an interaction", func(opts ...discordgo.RequestOption) error {
		return a.s.InteractionRespond(in.i, in.response, opts...)
	})
	cancel()
	if err != nil {
		a.log.Error("could not respond to an interaction in time", "error", err)
		return
	}
	a.jobs.Dispatch("interaction", in.work)
}

// gatewayDialer dials the gateway's TCP connections with a deadline on
// the first one of each Open, lifted once READY arrives, and lets a
// shutdown abort an Open in progress by closing it.
type gatewayDialer struct {
	d    net.Dialer
	mu   sync.Mutex
	conn net.Conn
	live bool // arm called, disarm not yet
}

func newGatewayDialer() *gatewayDialer {
	return &gatewayDialer{d: net.Dialer{Timeout: OpenTimeout, KeepAlive: 30 * time.Second}}
}

// websocket returns the dialer discordgo uses (a new one: discordgo's
// default is the shared websocket.DefaultDialer).
func (g *gatewayDialer) websocket() *websocket.Dialer {
	return &websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: OpenTimeout,
		NetDialContext:   g.dial,
	}
}

func (g *gatewayDialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := g.d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.live {
		c.SetDeadline(time.Now().Add(OpenTimeout))
	}
	g.conn = c
	return c, nil
}

func (g *gatewayDialer) arm() {
	g.mu.Lock()
	g.live, g.conn = true, nil
	g.mu.Unlock()
}

func (g *gatewayDialer) disarm() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.live = false
	if g.conn != nil {
		g.conn.SetDeadline(time.Time{})
	}
}

func (g *gatewayDialer) abort() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.conn != nil {
		g.conn.Close()
	}
}

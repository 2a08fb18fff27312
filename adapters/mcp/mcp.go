// Package mcp is citebot as a Model Context Protocol server, so AI
// assistants and agents get quotes they cannot invent: tools that answer
// with verbatim, cited passages or say the documents do not hold the
// answer (ask), check a quotation and say who the documents say said it
// (check_quote), and list the documents (list_sources); and every
// document as a resource (citebot://doc/{+id}) an assistant can read
// whole once it was cited.
//
// It serves over stdio (`citebot mcp`: one client, stdout carries only
// the protocol) and over the streamable HTTP transport at /mcp on
// serve's server: stateless (no session to keep, so replicas behind a
// load balancer need no affinity), behind the adapters.Guard of the JSON
// API (bearer token, per-client rate limit, body limit: 401, 429, 413 as
// on /api/*), and with the SDK's DNS-rebinding protection and an Origin
// check, so without a token a page in a browser cannot reach a loopback
// server (403).
//
// The contract: a tool's structuredContent is exactly the JSON object
// `citebot ask --json`, `quote --json` or `quote --who --json` writes
// (bot.Reply, bot.QuoteReply, bot.WhoReply: same fields, same names),
// and its content a short text rendering for clients that show text
// only, with links to the cited documents. Input an assistant can fix
// (missing or ill-typed arguments, an over-long question) is a tool
// error with a plain message; an unknown tool or document is a protocol
// error. Question text is logged at debug level only.
//
// This is the only package that imports the MCP SDK
// (github.com/modelcontextprotocol/go-sdk) and its JSON Schema library.
package mcp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/bot"
)

// Name is the adapter's name in logs, metrics and /readyz.
const Name = "mcp"

// Path is where serve's server answers the streamable HTTP transport.
const Path = "/mcp"

// Bot is what the MCP server needs from the conversation layer; *bot.Bot
// is one.
type Bot interface {
	Ask(ctx context.Context, req bot.Request) (bot.Reply, error)
	bot.Quoter
	Sources() ([]bot.DocumentInfo, error)
	Document(ctx context.Context, id string) (bot.Document, error)
}

// Options configure a Server.
type Options struct {
	// Version is the citebot version the server reports to clients.
	Version string
	// Logger receives one line per tool call (question text at debug
	// level only) and the SDK's own messages (its chatter at debug);
	// nil discards them. With stdio, it must not write to stdout.
	Logger *slog.Logger
	// Guard guards /mcp (serve shares the JSON API's, so a client has
	// one allowance for both); nil guards with no token and no rate
	// limit, only the body limit and the request timeout.
	Guard *adapters.Guard
	// RequestTimeout bounds one tool call or resource read; zero means
	// adapters.DefaultRequestTimeout. Over HTTP the request's own
	// deadline does not reach the SDK's handlers, so this is what stops
	// a slow answer there too.
	RequestTimeout time.Duration
}

// Server is the MCP adapter: an adapters.Adapter and adapters.Mounter
// for serve's /mcp, and ServeStdio for `citebot mcp`.
type Server struct {
	bot     Bot
	log     *slog.Logger
	guard   *adapters.Guard
	timeout time.Duration
	version string
}

// New returns the MCP server answering from b.
func New(b Bot, opts Options) *Server {
	s := &Server{bot: b, log: opts.Logger, guard: opts.Guard, timeout: opts.RequestTimeout, version: opts.Version}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.guard == nil {
		s.guard = adapters.NewGuard(adapters.GuardOptions{})
	}
	if s.timeout <= 0 {
		s.timeout = adapters.DefaultRequestTimeout
	}
	if s.version == "" {
		s.version = "dev"
	}
	return s
}

// Name implements adapters.Adapter.
func (s *Server) Name() string { return Name }

// Run implements adapters.Adapter: /mcp is served by serve's server, so
// Run only waits for the end.
func (s *Server) Run(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// Mount implements adapters.Mounter: the streamable HTTP transport at
// /mcp (POST; GET and DELETE answer 405, as a stateless server does).
func (s *Server) Mount(mux *http.ServeMux) {
	mux.Handle(Path, s.Handler())
}

// Handler returns the guarded streamable HTTP transport, for Mount and
// for tests.
func (s *Server) Handler() http.Handler {
	srv := s.newSDKServer()
	h := sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return srv }, &sdk.StreamableHTTPOptions{
		// Every request stands alone: nothing is kept between them, so
		// any replica can answer any request.
		Stateless: true,
		// One JSON response per request: no server-to-client messages
		// are ever sent, and plain JSON passes every proxy.
		JSONResponse: true,
		Logger:       sdkLogger(s.log),
		// The SDK refuses a request reaching a loopback address under a
		// foreign Host (DNS rebinding). With a token that is the guard's
		// job (a rebound page cannot know the token), and a reverse
		// proxy on the same machine passing its public Host must work.
		DisableLocalhostProtection: s.guard.HasToken(),
		MaxRequestBodyBytes:        s.guard.MaxBodyBytes(),
	})
	// A browser page of another origin is refused whether or not a
	// token is set, as the MCP specification asks.
	origin := http.NewCrossOriginProtection()
	origin.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		adapters.WriteError(w, r, http.StatusForbidden, "forbidden", "cross-origin requests to /mcp are refused")
	}))
	return s.guard.Wrap(Name, origin.Handler(h))
}

// ServeStdio serves one client over r and w (standard input and output
// for `citebot mcp`), newline-delimited JSON-RPC, until the client
// closes r or ctx ends. Nothing but protocol messages is written to w. A
// line that is not JSON, or is longer than MaxMessageBytes, is dropped
// and logged: the session goes on.
func (s *Server) ServeStdio(ctx context.Context, r io.Reader, w io.Writer) error {
	in := s.jsonLines(r)
	defer in.Close()
	t := &sdk.IOTransport{Reader: in, Writer: nopWriteCloser{w}, MaxLineLength: MaxMessageBytes}
	err := s.newSDKServer().Run(ctx, t)
	if err == nil || errors.Is(err, io.EOF) || ctx.Err() != nil {
		// The client hung up, or we were asked to stop.
		return nil
	}
	return fmt.Errorf("serve mcp over stdio: %w", err)
}

// MaxMessageBytes bounds one JSON-RPC message over stdio, far above any
// message a client needs: a question is at most a few KB.
const MaxMessageBytes = 1 << 20

// jsonLines passes on the lines of r that hold JSON, dropping any other
// with a warning: the SDK's decoder cannot find its feet after a
// malformed message and would end the session. The copying goroutine
// ends when r does, or at its next line once the returned reader is
// closed.
func (s *Server) jsonLines(r io.Reader) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		br := bufio.NewReaderSize(r, 64<<10)
		for {
			line, tooLong, err := readLine(br, MaxMessageBytes)
			switch {
			case tooLong:
				s.log.Warn("dropped a message longer than the limit", "adapter", Name, "limit_bytes", MaxMessageBytes)
			case len(bytes.TrimSpace(line)) == 0:
			case !json.Valid(line):
				s.log.Warn("dropped a line that is not JSON", "adapter", Name, "bytes", len(line))
			default:
				if _, werr := pw.Write(append(line, '\n')); werr != nil {
					return
				}
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
	}()
	return pr
}

// readLine reads one line (without its newline) of at most limit bytes;
// a longer line is read to its end and reported tooLong. err is the
// reader's error (io.EOF at the end) once nothing more is left.
func readLine(br *bufio.Reader, limit int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > limit+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimSuffix(line, []byte("\n")), tooLong, err
	}
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// newSDKServer returns an SDK server with citebot's tools and the
// document resources.
func (s *Server) newSDKServer() *sdk.Server {
	srv := sdk.NewServer(&sdk.Implementation{Name: "citebot", Title: "citebot", Version: s.version}, &sdk.ServerOptions{
		Instructions: instructions,
		Logger:       sdkLogger(s.log),
		// Tools and resources only; no logging capability: logs go to
		// standard error.
		Capabilities: &sdk.ServerCapabilities{},
	})
	s.addTools(srv)
	s.addResources(srv)
	return srv
}

// instructions tell an assistant how to use the server as a whole.
const instructions = "citebot answers questions about a newsroom's documents with verbatim, cited quotes, and never invents one. " +
	"Call ask before stating or quoting what the documents say, and quote the returned text exactly, with its citation. " +
	"When ask declines (answered: false), the documents do not hold the answer: say so rather than answering from elsewhere. " +
	"Call check_quote before repeating or publishing a quotation (who: true says who the documents say said it). " +
	"Read a cited document whole as the resource citebot://doc/{id}."

// sdkLogger passes the SDK's messages to log with its informational
// chatter (a line per session, which over stateless HTTP is a line per
// request) demoted to debug; its warnings and errors keep their level.
func sdkLogger(log *slog.Logger) *slog.Logger {
	return slog.New(demoteInfo{log.Handler()}).With("component", "mcp-sdk")
}

// demoteInfo is a slog.Handler that logs records below warning level at
// debug level.
type demoteInfo struct{ slog.Handler }

func (d demoteInfo) Enabled(ctx context.Context, l slog.Level) bool {
	return d.Handler.Enabled(ctx, demote(l))
}

func (d demoteInfo) Handle(ctx context.Context, r slog.Record) error {
	r.Level = demote(r.Level)
	return d.Handler.Handle(ctx, r)
}

func (d demoteInfo) WithAttrs(attrs []slog.Attr) slog.Handler {
	return demoteInfo{d.Handler.WithAttrs(attrs)}
}

func (d demoteInfo) WithGroup(name string) slog.Handler { return demoteInfo{d.Handler.WithGroup(name)} }

func demote(l slog.Level) slog.Level {
	if l < slog.LevelWarn {
		return slog.LevelDebug
	}
	return l
}

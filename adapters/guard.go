package adapters

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// DefaultRequestTimeout bounds answering one request when
// GuardOptions.RequestTimeout is zero.
const DefaultRequestTimeout = 30 * time.Second

// DefaultMaxBodyBytes bounds a request body when
// GuardOptions.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 64 << 10

// ClientLimiter says whether one more request from a client may go
// ahead, and if not how long until one may; *bot.Limiter is one.
type ClientLimiter interface {
	Allow(key string) (ok bool, wait time.Duration)
}

// GuardOptions configure a Guard.
type GuardOptions struct {
	// Token, when set, is the bearer token every guarded request needs.
	Token string
	// PerClient limits how often one client (by address: an IPv4
	// address, an IPv6 /64) may call; nil limits nothing.
	PerClient ClientLimiter
	// RequestTimeout bounds one request; zero means
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxBodyBytes bounds a request body; zero means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

// Guard stands in front of every route API clients call: the JSON API
// (/api/*) and the MCP endpoint (/mcp). serve makes one and hands it to
// both, so they keep the same promises with one budget per client,
// whichever it calls. In order, so that guessing tokens is rate-limited
// too and nobody unauthenticated makes the server read a body:
//
//  1. the client's rate limit: over it, 429 rate_limited with
//     Retry-After;
//  2. the request's deadline (RequestTimeout) on its context;
//  3. the bearer token: without it, 401 unauthorized with
//     WWW-Authenticate;
//  4. the body, read whole up to MaxBodyBytes: past it, 413 invalid.
//
// Every rejection has the JSON error shape of WriteError. A Guard is
// safe for concurrent use.
type Guard struct {
	tokenHash []byte // sha256 of the token, nil when none
	clients   ClientLimiter
	timeout   time.Duration
	maxBody   int64
}

// NewGuard returns a Guard configured by opts.
func NewGuard(opts GuardOptions) *Guard {
	g := &Guard{clients: opts.PerClient, timeout: opts.RequestTimeout, maxBody: opts.MaxBodyBytes}
	if g.timeout <= 0 {
		g.timeout = DefaultRequestTimeout
	}
	if g.maxBody <= 0 {
		g.maxBody = DefaultMaxBodyBytes
	}
	if opts.Token != "" {
		h := sha256.Sum256([]byte(opts.Token))
		g.tokenHash = h[:]
	}
	return g
}

// HasToken reports whether requests need a bearer token.
func (g *Guard) HasToken() bool { return g.tokenHash != nil }

// MaxBodyBytes is the largest request body the guard lets through.
func (g *Guard) MaxBodyBytes() int64 { return g.maxBody }

// Wrap guards next, a route of the adapter named adapter (which request
// log lines of rejected requests name).
func (g *Guard) Wrap(adapter string, next http.Handler) http.Handler {
	next = g.Auth(g.readBody(next))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Annotate(r.Context(), slog.String("adapter", adapter))
		if g.clients != nil {
			if ok, wait := g.clients.Allow(ClientKey(r.RemoteAddr)); !ok {
				secs := int(math.Ceil(wait.Seconds()))
				Annotate(r.Context(), slog.String("outcome", "rate_limited"))
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				WriteError(w, r, http.StatusTooManyRequests, "rate_limited",
					fmt.Sprintf("too many requests from this address; try again in %d s", secs))
				return
			}
		}
		ctx, cancel := context.WithTimeout(r.Context(), g.timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Auth requires the bearer token when one is configured (and nothing
// else: /metrics is not rate-limited). Both sides are hashed so the
// comparison takes the same time whatever the length.
func (g *Guard) Auth(next http.Handler) http.Handler {
	if g.tokenHash == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		h := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(h[:], g.tokenHash) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="citebot"`)
			WriteError(w, r, http.StatusUnauthorized, "unauthorized",
				"this server needs an API token: send the header Authorization: Bearer TOKEN")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readBody reads the request body whole, answering 413 past the limit
// (drained, so the client reads it: ReadBody), so every guarded route
// refuses an oversized body the same way whatever reads it next (the
// API's decoder, the MCP SDK).
func (g *Guard) readBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		body, err := ReadBody(w, r, g.maxBody, func(w http.ResponseWriter, r *http.Request) {
			WriteError(w, r, http.StatusRequestEntityTooLarge, "invalid",
				fmt.Sprintf("the request body is larger than %d KiB", g.maxBody>>10))
		})
		if errors.Is(err, ErrBodyTooLarge) {
			return // answered
		}
		if err != nil {
			WriteError(w, r, http.StatusBadRequest, "invalid", "the request body could not be read")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// ClientKey is whom a request counts against: its IP address, or for
// IPv6 its /64 (one customer's network, within which addresses are
// free to pick).
func ClientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// ErrorBody is the JSON of every failed API request:
// {"error": {"code": "…", "message": "…"}}. Known lists the collections
// the index holds, for unknown_collection.
type ErrorBody struct {
	Error struct {
		Code    string   `json:"code"`
		Message string   `json:"message"`
		Known   []string `json:"known,omitempty"`
	} `json:"error"`
}

// WriteError answers a request with status and the JSON error shape.
// The message of a 4xx (what was wrong with the request) is logged at
// debug level only: it may quote what the user sent.
func WriteError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	WriteErrorKnown(w, r, status, code, message, nil)
}

// WriteErrorKnown is WriteError with the error's list of known names
// (the collections an unknown_collection error offers instead).
func WriteErrorKnown(w http.ResponseWriter, r *http.Request, status int, code, message string, known []string) {
	var e ErrorBody
	e.Error.Code, e.Error.Message, e.Error.Known = code, message, known
	if status >= 400 && status < 500 {
		AnnotateDebug(r.Context(), slog.String("reason", message))
	}
	WriteJSON(w, status, e)
}

// WriteJSON writes v the way `citebot ask --json` does: json.Marshal
// and a newline, not to be sniffed or cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"the answer could not be encoded"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

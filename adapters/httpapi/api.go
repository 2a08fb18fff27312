// Package httpapi is citebot's HTTP surface on serve's shared server: a
// JSON API (POST /api/ask, POST /api/quote, GET /api/sources), a small
// embedded web chat page at /, and Prometheus metrics at /metrics.
//
// POST /api/ask answers with exactly the JSON object `citebot ask --json`
// writes (both marshal bot.Reply); POST /api/quote with what `citebot
// quote [--who] --json` writes (bot.QuoteReply, or bot.WhoReply when
// "who" is true). Every failure is
// {"error": {"code": "...", "message": "..."}} with a code from package
// bot (invalid → 400 or 413, unavailable → 503, internal → 500,
// unknown_collection → 400 with "known": [the collections the index
// holds]) or "unauthorized" (401) and "not_found"/"method_not_allowed";
// user input never causes a 500. GET /api/sources takes ?collection=
// (repeatable), ?limit=N and ?after=CURSOR (the last id of the previous
// page) and sets a Link header to the next page while there is one. With a token set, /api/* and /metrics need
// "Authorization: Bearer TOKEN"; the page, /healthz and /readyz stay open.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/bot"
)

// Name is the adapter's name in logs, metrics and /readyz.
const Name = "http"

// MaxBodyBytes bounds a POST /api/ask body.
const MaxBodyBytes = adapters.DefaultMaxBodyBytes

// Bot is what the API needs from the conversation layer; *bot.Bot is one.
type Bot interface {
	Ask(ctx context.Context, req bot.Request) (bot.Reply, error)
	Sources() ([]bot.DocumentInfo, error)
}

// Options configure an API.
type Options struct {
	// Token, when set, is the bearer token /api/* and /metrics require.
	Token string
	// Metrics, when set, is served at /metrics.
	Metrics *Metrics
	// PerClient limits how often one client (by address) may call
	// /api/*; over it a request gets 429 with Retry-After. Zero limits
	// nothing.
	PerClient bot.Rate
	// RequestTimeout bounds answering one request; past it the request
	// fails with 503. Zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Guard, when set, guards /api/* and /metrics instead of one made
	// from Token, PerClient and RequestTimeout: serve shares one with
	// the MCP endpoint, so a client has one allowance for both.
	Guard *adapters.Guard
}

// API is the HTTP adapter. It implements adapters.Adapter and
// adapters.Mounter; serve owns the server.
type API struct {
	bot     Bot
	metrics *Metrics
	guard   *adapters.Guard
}

// New returns the HTTP adapter answering from b.
func New(b Bot, opts Options) *API {
	g := opts.Guard
	if g == nil {
		g = NewGuard(opts)
	}
	return &API{bot: b, metrics: opts.Metrics, guard: g}
}

// Name implements adapters.Adapter.
func (a *API) Name() string { return Name }

// Run implements adapters.Adapter: the routes are served by serve's
// server, so Run only waits for the end.
func (a *API) Run(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// Mount implements adapters.Mounter.
func (a *API) Mount(mux *http.ServeMux) {
	guard := func(h http.Handler) http.Handler { return a.guard.Wrap(Name, h) }
	mux.Handle("POST /api/ask", guard(http.HandlerFunc(a.ask)))
	mux.Handle("GET /api/sources", guard(http.HandlerFunc(a.sources)))
	mux.Handle("POST /api/quote", guard(http.HandlerFunc(a.quote)))
	mux.Handle("/api/ask", guard(methodNotAllowed(http.MethodPost)))
	mux.Handle("/api/quote", guard(methodNotAllowed(http.MethodPost)))
	mux.Handle("/api/sources", guard(methodNotAllowed(http.MethodGet, http.MethodHead)))
	mux.Handle("/api/", guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, "not_found", "no such endpoint; the API has POST /api/ask, POST /api/quote and GET /api/sources")
	})))
	if a.metrics != nil {
		mux.Handle("GET /metrics", a.guard.Auth(a.metrics.Handler()))
	}
	mountPage(mux)
}

// Handler returns the adapter's routes on their own mux, for tests and
// for embedding without serve.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	a.Mount(mux)
	return mux
}

// askRequest is the body of POST /api/ask. Pointers tell a missing field
// from a zero one.
type askRequest struct {
	Question *string `json:"question"`
	Top      *int    `json:"top"`
	// Collections limits the answer to documents of these collections.
	Collections []string `json:"collections"`
}

func (a *API) ask(w http.ResponseWriter, r *http.Request) {
	adapters.Annotate(r.Context(), slog.String("adapter", Name))
	req, status, msg := decodeAsk(w, r)
	if status != 0 {
		if msg != "" { // else decodeBody has answered
			adapters.Annotate(r.Context(), slog.String("outcome", string(bot.OutcomeError)))
			writeError(w, r, status, string(bot.CodeInvalid), msg)
		}
		return
	}
	adapters.AnnotateDebug(r.Context(), slog.String("question", req.Question))
	if a.unknownCollection(w, r, req.Collections) {
		return
	}
	reply, err := a.bot.Ask(r.Context(), req)
	if err != nil {
		failed(w, r, err)
		return
	}
	outcome := bot.OutcomeDeclined
	if reply.Answered {
		outcome = bot.OutcomeAnswered
	}
	adapters.Annotate(r.Context(), slog.String("outcome", string(outcome)))
	writeJSON(w, http.StatusOK, reply)
}

// bodyShape describes a request body for error messages: an example,
// what each field must be, and the fields' names.
type bodyShape struct {
	example string
	types   map[string]string
	fields  string
}

var askShape = bodyShape{
	example: `{"question": "…"}`,
	types:   map[string]string{"question": "a string", "top": "a whole number", "collections": "a list of strings"},
	fields:  "question, top, collections",
}

// decodeBody reads one JSON object from the request body into dst,
// strictly (no unknown fields, nothing after it, at most MaxBodyBytes),
// returning the status and user-facing message of what is wrong, or 0
// and "". A body over MaxBodyBytes it answers itself (413, drained so
// the client reads it: adapters.ReadBody), returning 413 and "".
func decodeBody(w http.ResponseWriter, r *http.Request, dst any, shape bodyShape) (int, string) {
	body, err := adapters.ReadBody(w, r, MaxBodyBytes, func(w http.ResponseWriter, r *http.Request) {
		adapters.Annotate(r.Context(), slog.String("outcome", string(bot.OutcomeError)))
		writeError(w, r, http.StatusRequestEntityTooLarge, string(bot.CodeInvalid), fmt.Sprintf("the request body is larger than %d KiB", MaxBodyBytes>>10))
	})
	switch {
	case errors.Is(err, adapters.ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge, ""
	case err != nil:
		return http.StatusBadRequest, "the request body could not be read"
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return http.StatusBadRequest, jsonProblem(err, shape)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return http.StatusBadRequest, "the request body holds more than one JSON value; send one object"
	}
	return 0, ""
}

// decodeAsk reads and checks the request body, returning a bot.Request,
// or the status and user-facing message of what is wrong with it.
func decodeAsk(w http.ResponseWriter, r *http.Request) (bot.Request, int, string) {
	var in askRequest
	if status, msg := decodeBody(w, r, &in, askShape); status != 0 {
		return bot.Request{}, status, msg
	}
	switch {
	case in.Question == nil:
		return bot.Request{}, http.StatusBadRequest, `the question is missing; send {"question": "…"}`
	case in.Top != nil && (*in.Top < 1 || *in.Top > bot.MaxTop):
		return bot.Request{}, http.StatusBadRequest, fmt.Sprintf("top must be between 1 and %d", bot.MaxTop)
	}
	req := bot.Request{Question: *in.Question, Collections: in.Collections, Adapter: Name}
	if in.Top != nil {
		req.Top = *in.Top
	}
	return req, 0, ""
}

// jsonProblem says in plain words what is wrong with a body that did not
// decode.
func jsonProblem(err error, shape bodyShape) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "the request body is empty; send " + shape.example
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("the request body is not valid JSON (%v)", err)
	case errors.As(err, &typ) && typ.Field == "":
		return "the request body must be a JSON object such as " + shape.example
	case errors.As(err, &typ):
		want := shape.types[strings.SplitN(typ.Field, ".", 2)[0]]
		if want == "" {
			want = "a different type"
		}
		return fmt.Sprintf("%s must be %s, not a JSON %s", typ.Field, want, typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return strings.TrimPrefix(err.Error(), "json: ") + "; expected " + shape.fields
	}
	return fmt.Sprintf("the request body could not be decoded (%v)", err)
}

// CollectionChecker says whether an index holds the collections a
// request names; *bot.Bot is one (see bot.Bot.CheckCollections).
type CollectionChecker interface {
	CheckCollections(names []string) error
}

// unknownCollection answers 400 unknown_collection, and reports true,
// when names holds a collection the index does not.
func (a *API) unknownCollection(w http.ResponseWriter, r *http.Request, names []string) bool {
	cc, ok := a.bot.(CollectionChecker)
	if !ok || len(names) == 0 {
		return false
	}
	if err := cc.CheckCollections(names); err != nil {
		failed(w, r, err)
		return true
	}
	return false
}

// SourcesPager pages the document list and checks collection names;
// *bot.Bot is one. A Bot that is not one is paged here from Sources.
type SourcesPager interface {
	SourcesPage(q bot.SourcesQuery) ([]bot.DocumentInfo, string, error)
}

func (a *API) sources(w http.ResponseWriter, r *http.Request) {
	adapters.Annotate(r.Context(), slog.String("adapter", Name))
	query := r.URL.Query()
	q := bot.SourcesQuery{Collections: query["collection"], After: query.Get("after")}
	if l := query.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 {
			writeError(w, r, http.StatusBadRequest, string(bot.CodeInvalid), fmt.Sprintf("limit must be a whole number, 0 or more (0: all); got %q", l))
			return
		}
		q.Limit = n
	}
	var src []bot.DocumentInfo
	var next string
	var err error
	if p, ok := a.bot.(SourcesPager); ok {
		src, next, err = p.SourcesPage(q)
	} else if src, err = a.bot.Sources(); err == nil {
		src, next = bot.PageSources(src, q)
	}
	if err != nil {
		if code := bot.ErrorCode(err); code != bot.CodeUnknownCollection {
			adapters.Annotate(r.Context(), slog.String("error", err.Error()))
		}
		writeBotError(w, r, err)
		return
	}
	if src == nil {
		src = []bot.DocumentInfo{}
	}
	if next != "" {
		nq := url.Values{"after": {next}, "limit": {strconv.Itoa(q.Limit)}}
		for _, c := range q.Collections {
			nq.Add("collection", c)
		}
		w.Header().Set("Link", fmt.Sprintf(`</api/sources?%s>; rel="next"`, nq.Encode()))
	}
	writeJSON(w, http.StatusOK, src)
}

func statusOf(c bot.Code) int {
	switch c {
	case bot.CodeInvalid, bot.CodeUnknownCollection:
		return http.StatusBadRequest
	case bot.CodeRateLimited:
		return http.StatusTooManyRequests
	case bot.CodeUnavailable:
		return http.StatusServiceUnavailable
	case bot.CodeNotFound:
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

func methodNotAllowed(allowed ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, r, http.StatusMethodNotAllowed, "method_not_allowed",
			fmt.Sprintf("%s %s is not supported; use %s", r.Method, r.URL.Path, allowed[0]))
	})
}

// ErrorBody is the JSON of every failed API request (see
// adapters.WriteError).
type ErrorBody = adapters.ErrorBody

func writeError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	adapters.WriteError(w, r, status, code, message)
}

// failed answers a question or quote check the bot could not answer:
// the request's log line gets outcome error, the code, and the error
// itself unless the request was at fault (invalid, an unknown
// collection); the client gets the error (writeBotError).
func failed(w http.ResponseWriter, r *http.Request, err error) {
	code := bot.ErrorCode(err)
	adapters.Annotate(r.Context(), slog.String("outcome", string(bot.OutcomeError)), slog.String("code", string(code)))
	if code != bot.CodeInvalid && code != bot.CodeUnknownCollection {
		adapters.Annotate(r.Context(), slog.String("error", err.Error()))
	}
	writeBotError(w, r, err)
}

// writeBotError writes a *bot.Error with the status of its code.
func writeBotError(w http.ResponseWriter, r *http.Request, err error) {
	code := bot.ErrorCode(err)
	var known []string
	var be *bot.Error
	if code == bot.CodeUnknownCollection && errors.As(err, &be) {
		known = be.Known
	}
	adapters.WriteErrorKnown(w, r, statusOf(code), string(code), bot.ErrorMessage(err), known)
}

// writeJSON writes v the way `citebot ask --json` does: json.Marshal and
// a newline.
func writeJSON(w http.ResponseWriter, status int, v any) { adapters.WriteJSON(w, status, v) }

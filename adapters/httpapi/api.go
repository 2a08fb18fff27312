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
	"crypto/sha256"
	"crypto/subtle"
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
const MaxBodyBytes = 64 << 10

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
}

// API is the HTTP adapter. It implements adapters.Adapter and
// adapters.Mounter; serve owns the server.
type API struct {
	bot       Bot
	metrics   *Metrics
	tokenHash []byte // sha256 of the token, nil when none
	clients   *bot.Limiter
	timeout   time.Duration
}

// New returns the HTTP adapter answering from b.
func New(b Bot, opts Options) *API {
	a := &API{bot: b, metrics: opts.Metrics, clients: bot.NewLimiter(opts.PerClient, 0), timeout: opts.RequestTimeout}
	if a.timeout <= 0 {
		a.timeout = DefaultRequestTimeout
	}
	if opts.Token != "" {
		h := sha256.Sum256([]byte(opts.Token))
		a.tokenHash = h[:]
	}
	return a
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
	mux.Handle("POST /api/ask", a.guard(http.HandlerFunc(a.ask)))
	mux.Handle("GET /api/sources", a.guard(http.HandlerFunc(a.sources)))
	mux.Handle("POST /api/quote", a.guard(http.HandlerFunc(a.quote)))
	mux.Handle("/api/ask", a.guard(methodNotAllowed(http.MethodPost)))
	mux.Handle("/api/quote", a.guard(methodNotAllowed(http.MethodPost)))
	mux.Handle("/api/sources", a.guard(methodNotAllowed(http.MethodGet, http.MethodHead)))
	mux.Handle("/api/", a.guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, "not_found", "no such endpoint; the API has POST /api/ask, POST /api/quote and GET /api/sources")
	})))
	if a.metrics != nil {
		mux.Handle("GET /metrics", a.auth(a.metrics.Handler()))
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

// auth requires the bearer token when one is configured. Both sides are
// hashed so the comparison takes the same time whatever the length.
func (a *API) auth(next http.Handler) http.Handler {
	if a.tokenHash == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		h := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(h[:], a.tokenHash) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="citebot"`)
			writeError(w, r, http.StatusUnauthorized, "unauthorized",
				"this server needs an API token: send the header Authorization: Bearer TOKEN")
			return
		}
		next.ServeHTTP(w, r)
	})
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
	if msg != "" {
		adapters.Annotate(r.Context(), slog.String("outcome", string(bot.OutcomeError)))
		writeError(w, r, status, string(bot.CodeInvalid), msg)
		return
	}
	adapters.AnnotateDebug(r.Context(), slog.String("question", req.Question))
	if a.unknownCollection(w, r, req.Collections) {
		return
	}
	reply, err := a.bot.Ask(r.Context(), req)
	if err != nil {
		code := bot.ErrorCode(err)
		adapters.Annotate(r.Context(), slog.String("outcome", string(bot.OutcomeError)), slog.String("code", string(code)))
		if code != bot.CodeInvalid && code != bot.CodeUnknownCollection {
			adapters.Annotate(r.Context(), slog.String("error", err.Error()))
		}
		writeBotError(w, r, err)
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
// and "".
func decodeBody(w http.ResponseWriter, r *http.Request, dst any, shape bodyShape) (int, string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d KiB", MaxBodyBytes>>10)
		}
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
	if status, msg := decodeBody(w, r, &in, askShape); msg != "" {
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
		adapters.Annotate(r.Context(), slog.String("outcome", string(bot.OutcomeError)), slog.String("code", string(bot.ErrorCode(err))))
		writeBotError(w, r, err)
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

// ErrorBody is the JSON of every failed API request. Known lists the
// collections the index holds, for unknown_collection.
type ErrorBody struct {
	Error struct {
		Code    string   `json:"code"`
		Message string   `json:"message"`
		Known   []string `json:"known,omitempty"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	writeErrorBody(w, r, status, code, message, nil)
}

// writeBotError writes a *bot.Error with the status of its code.
func writeBotError(w http.ResponseWriter, r *http.Request, err error) {
	code := bot.ErrorCode(err)
	var known []string
	var be *bot.Error
	if code == bot.CodeUnknownCollection && errors.As(err, &be) {
		known = be.Known
		if known == nil {
			known = []string{}
		}
	}
	writeErrorBody(w, r, statusOf(code), string(code), bot.ErrorMessage(err), known)
}

func writeErrorBody(w http.ResponseWriter, r *http.Request, status int, code, message string, known []string) {
	var e ErrorBody
	e.Error.Code, e.Error.Message, e.Error.Known = code, message, known
	if status >= 400 && status < 500 {
		adapters.AnnotateDebug(r.Context(), slog.String("reason", message))
	}
	writeJSON(w, status, e)
}

// writeJSON writes v the way `citebot ask --json` does: json.Marshal and
// a newline.
func writeJSON(w http.ResponseWriter, status int, v any) {
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

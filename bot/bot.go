// Package bot is the conversation layer between chat adapters and the
// retrieval core: it validates questions, asks the index, and turns the
// result into a platform-neutral Reply (short answer, quotes with
// citations, or a decline with the closest passages) that each adapter
// renders in its own idiom. It imports no chat SDK and no configuration
// library.
//
// The chat-neutral pieces every chat adapter (Slack, Discord, …) reuses
// are here too: Chat (channel Rules, commands, follow-ups in a thread via
// Threads and ResolveFollowUp, recorded answers and votes in a Store),
// Plan (a reply laid out for a chat message, trimmed to a platform's
// limits), DefuseMentions, and Dedup for redelivered events.
package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"
)

// Code classifies a failure so each adapter can map it to its platform
// (an HTTP status, an ephemeral Slack message) without parsing messages.
type Code string

// Error codes.
const (
	CodeInvalid     Code = "invalid"     // the user's input cannot be used
	CodeUnavailable Code = "unavailable" // the index cannot answer right now
	CodeInternal    Code = "internal"    // a bug or an unexpected failure
	// CodeRateLimited: the asker (a chat user or channel, an HTTP
	// client) is over its rate limit; its Message is the friendly notice
	// to show as it stands (see ErrorText).
	CodeRateLimited Code = "rate_limited"
	// CodeNotFound: what was asked for by name (a document id) does not
	// exist.
	CodeNotFound Code = "not_found"
	// CodeUnknownCollection: the request names a collection the index
	// does not hold; the Error's Known lists those it does. It is the
	// user's input that is wrong (an HTTP 400).
	CodeUnknownCollection Code = "unknown_collection"
)

// Error is a failure with a code and a message safe to show a user. The
// wrapped error carries the details for logs.
type Error struct {
	Code    Code
	Message string
	Err     error
	// Known lists the collections the index holds, for
	// CodeUnknownCollection.
	Known []string
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code of err, CodeInternal for errors without one.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "something went wrong; the error has been logged"
}

// Index is what the bot needs from the retrieval core.
type Index interface {
	Ask(ctx context.Context, question string, opts retrieval.AskOptions) (retrieval.Answer, error)
	Sources() ([]retrieval.Source, error)
}

// Collectioner lists the collections an index holds, in name order;
// *answer.Engine is one. With an index that is not one, the bot reads the
// collections off Sources.
type Collectioner interface {
	Collections() ([]string, error)
}

// Reply is the platform-neutral answer every adapter renders. Its JSON form
// is the contract of `citebot ask --json` and `POST /api/ask`.
type Reply struct {
	retrieval.Answer
}

// Bot answers questions from an index.
type Bot struct {
	index          Index
	maxQuestionLen int
	observer       Observer
}

// Outcome is how one question ended, as counted by metrics.
type Outcome string

// Outcomes.
const (
	OutcomeAnswered Outcome = "answered" // answered with at least one citation
	OutcomeDeclined Outcome = "declined" // "not in the documents"
	OutcomeError    Outcome = "error"    // invalid input or a failure (see Code)
)

// QuestionEvent describes one question the bot handled.
type QuestionEvent struct {
	// Adapter names the surface that asked (Request.Adapter); "unknown"
	// when the request did not say.
	Adapter string
	Outcome Outcome
	// Code classifies the failure when Outcome is OutcomeError.
	Code Code
	// Latency is the time Ask took, validation included.
	Latency time.Duration
}

// Observer is told what the bot does, for metrics. It keeps the bot free
// of any metrics library: the Prometheus implementation lives with the
// HTTP adapter. Methods are called synchronously by the goroutine that
// asked, so they must be quick and safe for concurrent use. Later events
// (feedback on an answer) will arrive through further optional
// interfaces an Observer may implement, so existing observers keep
// compiling: votes reach a FeedbackObserver.
type Observer interface {
	ObserveQuestion(QuestionEvent)
}

// Option configures a Bot.
type Option func(*Bot)

// WithMaxQuestionBytes rejects longer questions as invalid (0: no limit
// beyond the retrieval core's own truncation).
func WithMaxQuestionBytes(n int) Option { return func(b *Bot) { b.maxQuestionLen = n } }

// WithObserver reports every question Ask handles to o.
func WithObserver(o Observer) Option { return func(b *Bot) { b.observer = o } }

// New returns a Bot over index.
func New(index Index, opts ...Option) *Bot {
	b := &Bot{index: index}
	for _, o := range opts {
		o(b)
	}
	return b
}

// Request is one question to answer.
type Request struct {
	Question string
	Top      int
	// Collections limits the documents the question may see; empty means
	// all.
	Collections []string
	// Adapter names the surface asking ("http", "slack"), for metrics and
	// logs.
	Adapter string
}

// Ask answers one question. Declining is a Reply with Answered false, not
// an error; errors are *Error with a code. When an Observer is set, it is
// told the outcome and latency of every call.
func (b *Bot) Ask(ctx context.Context, req Request) (Reply, error) {
	if b.observer == nil {
		return b.ask(ctx, req)
	}
	start := time.Now()
	reply, err := b.ask(ctx, req)
	ev := QuestionEvent{Adapter: req.Adapter, Outcome: OutcomeDeclined, Latency: time.Since(start)}
	switch {
	case err != nil:
		ev.Outcome, ev.Code = OutcomeError, ErrorCode(err)
	case reply.Answered:
		ev.Outcome = OutcomeAnswered
	}
	if ev.Adapter == "" {
		ev.Adapter = "unknown"
	}
	b.observer.ObserveQuestion(ev)
	return reply, err
}

func (b *Bot) ask(ctx context.Context, req Request) (Reply, error) {
	q := strings.TrimSpace(req.Question)
	switch {
	case q == "":
		return Reply{}, &Error{Code: CodeInvalid, Message: "the question is empty"}
	case b.maxQuestionLen > 0 && len(q) > b.maxQuestionLen:
		return Reply{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf("the question is longer than %d bytes", b.maxQuestionLen)}
	case req.Top < 0 || req.Top > retrieval.MaxTop:
		return Reply{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf("top must be between 1 and %d", retrieval.MaxTop)}
	}
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, "\uFFFD")
	}
	ans, err := b.index.Ask(ctx, q, retrieval.AskOptions{Top: req.Top, Filter: retrieval.Filter{Collections: req.Collections}})
	if err != nil {
		if ctx.Err() != nil {
			return Reply{}, &Error{Code: CodeUnavailable, Message: "the question was cancelled", Err: err}
		}
		return Reply{}, &Error{Code: CodeInternal, Message: "the index could not be searched", Err: err}
	}
	return Reply{Answer: ans}, nil
}

// Sources lists the indexed documents.
func (b *Bot) Sources() ([]retrieval.Source, error) {
	s, err := b.index.Sources()
	if err != nil {
		return nil, &Error{Code: CodeUnavailable, Message: "the document list could not be read", Err: err}
	}
	return s, nil
}

// Collections lists the collections the index holds, in name order.
func (b *Bot) Collections() ([]string, error) {
	if c, ok := b.index.(Collectioner); ok {
		names, err := c.Collections()
		if err != nil {
			return nil, &Error{Code: CodeUnavailable, Message: "the collection list could not be read", Err: err}
		}
		return names, nil
	}
	src, err := b.Sources()
	if err != nil {
		return nil, err
	}
	return retrieval.CollectionsOf(src), nil
}

// CheckCollections returns an *Error with CodeUnknownCollection (and the
// known collections) when names holds one the index does not; nil for
// none named. Surfaces where a user names collections (the HTTP API, the
// command line) call it before Ask or QuoteCheck; a chat channel limited
// by configuration to a collection not indexed yet is not an error, its
// questions are declined.
func (b *Bot) CheckCollections(names []string) error {
	if len(names) == 0 {
		return nil
	}
	known, err := b.Collections()
	if err != nil {
		return err
	}
	var unknown []string
	for _, n := range names {
		if !slices.Contains(known, n) && !(n == retrieval.DefaultCollection && slices.Contains(known, "")) {
			unknown = append(unknown, fmt.Sprintf("%q", n))
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	what := "no collection named " + strings.Join(unknown, " or ")
	return &Error{Code: CodeUnknownCollection, Known: known,
		Message: fmt.Sprintf("%s; the index holds %s", what, knownList(known))}
}

func knownList(known []string) string {
	if len(known) == 0 {
		return "no collections"
	}
	return strings.Join(known, ", ")
}

// SourcesQuery selects a page of the document list: the documents of
// Collections (all when empty), in id order, after the id After, at most
// Limit of them (0: all).
type SourcesQuery struct {
	Collections []string
	Limit       int
	After       string
}

// SourcesPage lists the documents q selects, and the cursor to pass as
// After for the next page ("" when this is the last). Errors are as for
// Sources, and CodeUnknownCollection.
func (b *Bot) SourcesPage(q SourcesQuery) ([]retrieval.Source, string, error) {
	if err := b.CheckCollections(q.Collections); err != nil {
		return nil, "", err
	}
	all, err := b.Sources()
	if err != nil {
		return nil, "", err
	}
	page, next := PageSources(all, q)
	return page, next, nil
}

// PageSources applies q to a document list in id order.
func PageSources(all []retrieval.Source, q SourcesQuery) ([]retrieval.Source, string) {
	out := []retrieval.Source{}
	for _, s := range all {
		if q.After != "" && s.ID <= q.After {
			continue
		}
		c := s.Collection
		if c == "" {
			c = retrieval.DefaultCollection
		}
		if len(q.Collections) > 0 && !slices.Contains(q.Collections, c) {
			continue
		}
		if q.Limit > 0 && len(out) == q.Limit {
			return out, out[len(out)-1].ID
		}
		out = append(out, s)
	}
	return out, ""
}

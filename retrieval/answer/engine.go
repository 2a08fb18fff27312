// Package answer turns a question into an Answer over any
// retrieval.Backend: question analysis (answer type, terms, names,
// numbers), passage retrieval, sentence ranking on fitted features, the
// short answer of the expected kind, the decline model, supporting quotes,
// agreement between sources, "who said …?" questions (through
// retrieval/quote) and explanations for people tuning a corpus. It imports
// no search engine: whatever backend serves, the same question gets the
// same answer from the same documents.
package answer

import (
	"context"
	"math"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/quote"
)

// Engine answers questions, checks quotes and lists sources from the
// generation a Live serves; every call runs on one generation from start
// to end. It is safe for concurrent use, and is what the bot asks.
type Engine struct {
	live        *retrieval.Live
	collections collectionsCache // see Collections
}

// New returns an Engine over live.
func New(live *retrieval.Live) *Engine { return &Engine{live: live} }

// Live returns the generations the engine answers from.
func (e *Engine) Live() *retrieval.Live { return e.live }

// Ask answers a question. A "who said …?" question is answered with the
// speaker the documents name when they do (see WhoSaidQuestion); any
// other question as Ask answers it.
func (e *Engine) Ask(ctx context.Context, question string, opts retrieval.AskOptions) (retrieval.Answer, error) {
	var ans retrieval.Answer
	err := e.live.With(func(b retrieval.Backend) error {
		var err error
		ans, err = Ask(ctx, b, question, opts)
		if err != nil {
			return err
		}
		ans = whoSaid(ctx, b, ans.Question, opts, ans)
		return nil
	})
	return ans, err
}

// CheckQuote says whether text appears in the documents (see quote.Check).
func (e *Engine) CheckQuote(ctx context.Context, text string, opts retrieval.QuoteOptions) (retrieval.QuoteCheck, error) {
	var qc retrieval.QuoteCheck
	err := e.live.With(func(b retrieval.Backend) error {
		var err error
		qc, err = quote.Check(ctx, b, text, opts)
		return err
	})
	return qc, err
}

// WhoSaid says who the documents say said text (see quote.WhoSaid).
func (e *Engine) WhoSaid(ctx context.Context, text string, opts retrieval.QuoteOptions) (retrieval.Attribution, error) {
	var at retrieval.Attribution
	err := e.live.With(func(b retrieval.Backend) error {
		var err error
		at, err = quote.WhoSaid(ctx, b, text, opts)
		return err
	})
	return at, err
}

// Sources lists the indexed documents.
func (e *Engine) Sources() ([]retrieval.Source, error) {
	return e.live.Sources(context.Background())
}

// Explain describes how a question was analysed and how its best
// candidate sentences scored (see Explain).
func (e *Engine) Explain(ctx context.Context, question string, n int) (string, error) {
	var out string
	err := e.live.With(func(b retrieval.Backend) error {
		var err error
		out, err = Explain(ctx, b, question, n)
		return err
	})
	return out, err
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// DocumentText returns the text of an indexed document, the text every
// quote of it is cut from.
func (e *Engine) DocumentText(id string) (string, error) {
	d, err := e.live.Document(context.Background(), id)
	if err != nil {
		return "", err
	}
	return d.Text, nil
}

// Close stops serving; the generation closes once running calls finish.
func (e *Engine) Close() error { return e.live.Close() }

// Stats describes the generation served (documents, passages, when it was
// built), for metrics and readiness.
func (e *Engine) Stats() (retrieval.Stats, error) {
	return e.live.Stats(context.Background())
}

package bot

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"
)

// The newsroom tools every surface offers: checking a quote against the
// documents (QuoteCheck) and asking who said it (WhoSaid). Like Ask,
// they validate input, map failures to *Error codes and return replies
// whose JSON is the contract of the CLI and the HTTP API:
//
//	citebot quote --json TEXT        POST /api/quote {"text": …}              → QuoteReply
//	citebot quote --who --json TEXT  POST /api/quote {"text": …, "who": true} → WhoReply
//
// A chat adapter reaches them through Chat.Handle ("quote …" and "quote
// --who …" messages, see ParseCommand) and lays the result out with
// NewQuotePlan or NewWhoPlan. The retrieval core answers "Who said …?"
// questions asked with Ask with the speaker when the documents name one.

// QuoteChecker is what the newsroom tools need from the index;
// *answer.Engine is one. With an index that
// lacks it, QuoteCheck and WhoSaid fail with CodeUnavailable.
type QuoteChecker interface {
	CheckQuote(ctx context.Context, text string, opts retrieval.QuoteOptions) (retrieval.QuoteCheck, error)
	WhoSaid(ctx context.Context, text string, opts retrieval.QuoteOptions) (retrieval.Attribution, error)
}

// Quoter checks quotes and says who said them; *Bot is one. It is what
// the surfaces that check quotes (the CLI, the HTTP API, MCP) need of
// the bot.
type Quoter interface {
	QuoteCheck(ctx context.Context, req QuoteRequest) (QuoteReply, error)
	WhoSaid(ctx context.Context, req QuoteRequest) (WhoReply, error)
}

var _ Quoter = (*Bot)(nil)

// QuoteRequest is one text to check.
type QuoteRequest struct {
	Text string
	// Top is how many near matches (or closest passages) to return; 0
	// for the default. Exact matches are all listed, up to 10.
	Top int
	// Collections limits the documents searched; empty means all.
	Collections []string
	// Adapter names the surface asking ("http", "slack").
	Adapter string
}

// QuoteReply is a quote check: verdict exact, near or not_found, with
// matches (citations with their differences). Its JSON is the contract of
// `citebot quote --json` and POST /api/quote.
type QuoteReply struct {
	retrieval.QuoteCheck
	// Headline says the verdict in words, as every surface words it
	// (QuotePlan.Headline), for clients that show it as it stands.
	Headline string `json:"headline"`
}

// WhoReply says who the documents say said a quotation: verdict
// attributed, unattributed or not_found, the speaker, and every place
// the text was found with its own speaker. Its JSON is the contract of
// `citebot quote --who --json` and POST /api/quote with "who": true.
type WhoReply struct {
	retrieval.Attribution
	// Headline says the verdict in words, as every surface words it
	// (QuotePlan.Headline): a text the documents hold only nearly is
	// called near before anyone is named.
	Headline string `json:"headline"`
}

// QuoteCheck says whether req.Text appears in the documents. Errors are
// *Error: CodeInvalid for an empty or over-long text or a bad Top,
// CodeUnavailable when the index cannot check quotes or the request was
// cancelled.
func (b *Bot) QuoteCheck(ctx context.Context, req QuoteRequest) (QuoteReply, error) {
	check, err := quoteTool(ctx, b, req, QuoteChecker.CheckQuote)
	if err != nil {
		return QuoteReply{}, err
	}
	r := QuoteReply{QuoteCheck: check}
	r.Headline = quoteHeadline(r)
	return r, nil
}

// WhoSaid says who the documents say said req.Text. Errors are as for
// QuoteCheck.
func (b *Bot) WhoSaid(ctx context.Context, req QuoteRequest) (WhoReply, error) {
	at, err := quoteTool(ctx, b, req, QuoteChecker.WhoSaid)
	if err != nil {
		return WhoReply{}, err
	}
	r := WhoReply{Attribution: at}
	r.Headline = whoHeadline(r, r.Speaker)
	return r, nil
}

// quoteTool runs one of the index's quote tools (QuoteChecker's
// methods) on req, once it is valid.
func quoteTool[R any](ctx context.Context, b *Bot, req QuoteRequest, tool func(QuoteChecker, context.Context, string, retrieval.QuoteOptions) (R, error)) (R, error) {
	var none R
	qc, opts, text, err := b.quoteIndex(req)
	if err != nil {
		return none, err
	}
	r, err := tool(qc, ctx, text, opts)
	if err != nil {
		return none, indexError(ctx, err, "the quote could not be checked")
	}
	return r, nil
}

// quoteIndex validates a quote request.
func (b *Bot) quoteIndex(req QuoteRequest) (QuoteChecker, retrieval.QuoteOptions, string, error) {
	text := strings.TrimSpace(req.Text)
	switch {
	case text == "":
		return nil, retrieval.QuoteOptions{}, "", &Error{Code: CodeInvalid, Message: "the text to check is empty"}
	case len(text) > retrieval.MaxQuoteBytes:
		return nil, retrieval.QuoteOptions{}, "", &Error{Code: CodeInvalid, Message: fmt.Sprintf("the text to check is longer than %d bytes", retrieval.MaxQuoteBytes)}
	case req.Top < 0 || req.Top > retrieval.MaxTop:
		return nil, retrieval.QuoteOptions{}, "", &Error{Code: CodeInvalid, Message: fmt.Sprintf("top must be between 1 and %d", retrieval.MaxTop)}
	}
	qc, ok := b.index.(QuoteChecker)
	if !ok {
		return nil, retrieval.QuoteOptions{}, "", &Error{Code: CodeUnavailable, Message: "quote checking is not available with this index"}
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	return qc, retrieval.QuoteOptions{Top: req.Top, Filter: retrieval.Filter{Collections: req.Collections}}, text, nil
}

// indexError wraps a retrieval failure as an *Error.
func indexError(ctx context.Context, err error, message string) error {
	if ctx.Err() != nil {
		return &Error{Code: CodeUnavailable, Message: "the request was cancelled", Err: err}
	}
	return &Error{Code: CodeInternal, Message: message, Err: err}
}

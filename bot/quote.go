package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"
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
// NewQuotePlan or NewWhoPlan. Ask also routes "Who said …?" questions to
// WhoSaid, and answers with the speaker when the documents name one.

// QuoteChecker is what the newsroom tools need from the index;
// *retrieval.Index and *retrieval.Live are ones. With an index that
// lacks it, QuoteCheck and WhoSaid fail with CodeUnavailable.
type QuoteChecker interface {
	CheckQuote(ctx context.Context, text string, opts retrieval.QuoteOptions) (retrieval.QuoteCheck, error)
	WhoSaid(ctx context.Context, text string, opts retrieval.QuoteOptions) (retrieval.Attribution, error)
}

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
}

// WhoReply says who the documents say said a quotation: verdict
// attributed, unattributed or not_found, the speaker, and every place
// the text was found with its own speaker. Its JSON is the contract of
// `citebot quote --who --json` and POST /api/quote with "who": true.
type WhoReply struct {
	retrieval.Attribution
}

// QuoteCheck says whether req.Text appears in the documents. Errors are
// *Error: CodeInvalid for an empty or over-long text or a bad Top,
// CodeUnavailable when the index cannot check quotes or the request was
// cancelled.
func (b *Bot) QuoteCheck(ctx context.Context, req QuoteRequest) (QuoteReply, error) {
	qc, opts, text, err := b.quoteIndex(req)
	if err != nil {
		return QuoteReply{}, err
	}
	check, err := qc.CheckQuote(ctx, text, opts)
	if err != nil {
		return QuoteReply{}, indexError(ctx, err, "the quote could not be checked")
	}
	return QuoteReply{check}, nil
}

// WhoSaid says who the documents say said req.Text. Errors are as for
// QuoteCheck.
func (b *Bot) WhoSaid(ctx context.Context, req QuoteRequest) (WhoReply, error) {
	qc, opts, text, err := b.quoteIndex(req)
	if err != nil {
		return WhoReply{}, err
	}
	at, err := qc.WhoSaid(ctx, text, opts)
	if err != nil {
		return WhoReply{}, indexError(ctx, err, "the quote could not be checked")
	}
	return WhoReply{at}, nil
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

// whoSaidQuestion matches "Who said …?" (and says, wrote, stated, told
// …); the rest is the quotation.
var whoSaidQuestion = regexp.MustCompile(`(?is)^\s*who\s+(?:said|says|wrote|writes|stated|states|declared|tweeted)\s+(?:that\s+|the\s+words\s+)?(.+?)[\s?]*$`)

// WhoSaidQuestion returns the quotation a "Who said …?" question asks
// about, without its quotation marks, and whether the question is one.
func WhoSaidQuestion(q string) (string, bool) {
	m := whoSaidQuestion.FindStringSubmatch(q)
	if m == nil {
		return "", false
	}
	text := strings.TrimFunc(m[1], func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("\"“”‘’'«»?", r)
	})
	if len(strings.Fields(text)) < 3 {
		return "", false // "Who said it?" names no quotation
	}
	return text, true
}

// whoSaid answers a "Who said …?" question with the attribution tool
// when the documents name the speaker (see answerWhoSaid); any other
// question, or an index without quote checking, keeps ans.
func (b *Bot) whoSaid(ctx context.Context, question string, req Request, ans retrieval.Answer) retrieval.Answer {
	text, ok := WhoSaidQuestion(question)
	qc, can := b.index.(QuoteChecker)
	if !ok || !can {
		return ans
	}
	at, err := qc.WhoSaid(ctx, text, retrieval.QuoteOptions{Top: req.Top, Filter: retrieval.Filter{Collections: req.Collections}})
	if err != nil {
		return ans // the retrieval answer stands
	}
	return answerWhoSaid(ans, at, req.Top)
}

// answerWhoSaid presents an attribution as the answer to a "Who said
// …?" question: the short answer is the speaker, and the places that
// attribute the quotation come first among the citations, the speaker's
// words highlighted. An attribution to a role ("the president") does not
// replace an answer that is a name. The answer keeps its JSON shape.
func answerWhoSaid(ans retrieval.Answer, at retrieval.Attribution, top int) retrieval.Answer {
	if at.Verdict != retrieval.Attributed || at.Speaker == "" {
		return ans
	}
	if ans.Answered && !startsUpper(at.Speaker) && startsUpper(ans.Short) {
		return ans
	}
	if top <= 0 {
		top = retrieval.DefaultTop
	}
	var cites []retrieval.Citation
	seen := map[string]bool{}
	add := func(c retrieval.Citation) {
		key := fmt.Sprintf("%s#%d", c.Doc, c.Start)
		if len(cites) < top && !seen[key] {
			seen[key] = true
			cites = append(cites, c)
		}
	}
	for _, s := range at.Sources {
		if s.Speaker == at.Speaker {
			add(s.Citation)
		}
	}
	for _, s := range at.Sources {
		if s.Speaker != "" {
			add(s.Citation)
		}
	}
	for _, c := range ans.Citations {
		add(c)
	}
	ans.Answered, ans.Short, ans.AnswerType, ans.Reason = true, at.Speaker, "person", ""
	ans.Citations, ans.Closest = cites, []retrieval.Citation{}
	retrieval.FinishAnswer(&ans)
	return ans
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

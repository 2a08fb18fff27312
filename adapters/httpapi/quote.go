package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/bot"
)

// Quoter checks quotes; *bot.Bot is one. A Bot that is not a Quoter
// answers POST /api/quote with 503.
type Quoter = bot.Quoter

// quoteRequest is the body of POST /api/quote.
type quoteRequest struct {
	Text *string `json:"text"`
	// Who asks who said it instead of checking the quote.
	Who         bool     `json:"who"`
	Top         *int     `json:"top"`
	Collections []string `json:"collections"`
}

var quoteShape = bodyShape{
	example: `{"text": "…"}`,
	types:   map[string]string{"text": "a string", "who": "true or false", "top": "a whole number", "collections": "a list of strings"},
	fields:  "text, who, top, collections",
}

// quote serves POST /api/quote: {"text": "…", "who": false} → the JSON
// of `citebot quote [--who] --json`, with /api/ask's error contract.
func (a *API) quote(w http.ResponseWriter, r *http.Request) {
	adapters.Annotate(r.Context(), slog.String("adapter", Name))
	var in quoteRequest
	status, msg := decodeBody(w, r, &in, quoteShape)
	switch {
	case status != 0:
	case in.Text == nil:
		status, msg = http.StatusBadRequest, `the text is missing; send {"text": "…"}`
	case in.Top != nil && (*in.Top < 1 || *in.Top > bot.MaxTop):
		status, msg = http.StatusBadRequest, fmt.Sprintf("top must be between 1 and %d", bot.MaxTop)
	}
	if status != 0 {
		if msg != "" { // else decodeBody has answered
			adapters.Annotate(r.Context(), slog.String("outcome", string(bot.OutcomeError)))
			writeError(w, r, status, string(bot.CodeInvalid), msg)
		}
		return
	}
	q, ok := a.bot.(Quoter)
	if !ok {
		writeError(w, r, http.StatusServiceUnavailable, string(bot.CodeUnavailable), "quote checking is not available on this server")
		return
	}
	req := bot.QuoteRequest{Text: *in.Text, Collections: in.Collections, Adapter: Name}
	if in.Top != nil {
		req.Top = *in.Top
	}
	adapters.AnnotateDebug(r.Context(), slog.String("quote", req.Text))
	if a.unknownCollection(w, r, req.Collections) {
		return
	}
	var reply any
	var verdict string
	var err error
	if in.Who {
		var who bot.WhoReply
		who, err = q.WhoSaid(r.Context(), req)
		reply, verdict = who, string(who.Verdict)
	} else {
		var check bot.QuoteReply
		check, err = q.QuoteCheck(r.Context(), req)
		reply, verdict = check, string(check.Verdict)
	}
	if err != nil {
		failed(w, r, err)
		return
	}
	adapters.Annotate(r.Context(), slog.String("outcome", verdict))
	writeJSON(w, http.StatusOK, reply)
}

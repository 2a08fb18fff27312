package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/citebot/citebot/bot"
)

// Tool names.
const (
	ToolAsk         = "ask"
	ToolCheckQuote  = "check_quote"
	ToolListSources = "list_sources"
)

// Paging of list_sources.
const (
	DefaultSourcesLimit = 100
	MaxSourcesLimit     = 1000
)

// askArgs are ask's arguments. Pointers tell a missing argument from a
// zero one.
type askArgs struct {
	Question    *string  `json:"question"`
	Collections []string `json:"collections"`
	Top         *int     `json:"top"`
}

func (a *askArgs) search() (*string, *int) { return a.Question, a.Top }

// quoteArgs are check_quote's arguments.
type quoteArgs struct {
	Text        *string  `json:"text"`
	Who         bool     `json:"who"`
	Collections []string `json:"collections"`
	Top         *int     `json:"top"`
}

func (a *quoteArgs) search() (*string, *int) { return a.Text, a.Top }

// sourcesArgs are list_sources' arguments.
type sourcesArgs struct {
	Collections []string `json:"collections"`
	Limit       *int     `json:"limit"`
	After       string   `json:"after"`
}

// SourcesPage is list_sources' result: a page of documents in id order
// and, when more follow, the cursor to pass as after for the next page
// (the last document's id).
type SourcesPage struct {
	Sources []bot.DocumentInfo `json:"sources"`
	Next    string             `json:"next,omitempty"`
}

// Schemas of the arguments, written out so each says what an assistant
// needs to know; TestSchemasMatchArguments keeps them in step with the
// structs above.
var (
	collectionsSchema = &jsonschema.Schema{
		Type:        "array",
		Items:       &jsonschema.Schema{Type: "string"},
		Description: "Only documents of these collections (see list_sources); omit for all.",
	}
	topSchema = func(what string) *jsonschema.Schema {
		return &jsonschema.Schema{Type: "integer", Minimum: jsonschema.Ptr(1.0), Maximum: jsonschema.Ptr(float64(bot.MaxTop)),
			Description: fmt.Sprintf("How many %s to return (1 to %d; default 3).", what, bot.MaxTop)}
	}

	askInput = argumentsSchema(map[string]*jsonschema.Schema{
		"question":    {Type: "string", Description: "The question, in plain words, as a reporter would ask it."},
		"collections": collectionsSchema,
		"top":         topSchema("quotes"),
	}, "question")
	quoteInput = argumentsSchema(map[string]*jsonschema.Schema{
		"text":        {Type: "string", Description: "The quotation to check, as it would be printed (an ellipsis … stands for omitted words)."},
		"who":         {Type: "boolean", Description: "true: say who the documents say said it, instead of checking the wording."},
		"collections": collectionsSchema,
		"top":         topSchema("near matches or closest passages"),
	}, "text")
	sourcesInput = argumentsSchema(map[string]*jsonschema.Schema{
		"collections": collectionsSchema,
		"limit": {Type: "integer", Minimum: jsonschema.Ptr(1.0), Maximum: jsonschema.Ptr(float64(MaxSourcesLimit)),
			Description: fmt.Sprintf("Most documents in one page (1 to %d; default %d).", MaxSourcesLimit, DefaultSourcesLimit)},
		"after": {Type: "string", Description: "The next value of the previous page, to continue after it; omit for the first page."},
	})
)

// argumentsSchema is a tool's input: an object of these properties, the
// required ones named, and no others (a misspelt argument is refused, not
// ignored).
func argumentsSchema(properties map[string]*jsonschema.Schema, required ...string) *jsonschema.Schema {
	return &jsonschema.Schema{
		Type:                 "object",
		Properties:           properties,
		Required:             required,
		AdditionalProperties: &jsonschema.Schema{Not: &jsonschema.Schema{}},
	}
}

// Tool descriptions: what each tool is for, and when an assistant should
// call it.
const (
	askDescription = "Answer a question from the newsroom's documents with verbatim, cited quotes. " +
		"Call this before stating or quoting anything the documents say, and quote the returned text exactly (the quote field), " +
		"citing title, publisher, author and date. " +
		"answered: true gives the short answer and its citations, best first; " +
		"answered: false means the documents do not hold the answer: say so instead of answering from elsewhere " +
		"(closest offers the nearest passages, which do not answer it). Never reword a quote."
	quoteDescription = "Check a quotation against the newsroom's documents before repeating or publishing it: " +
		"verdict exact (word for word; where), near (not word for word; the closest passages with the words that differ) " +
		"or not_found. If the verdict is not exact, quote the document's own words, not the checked text. " +
		"With who: true, say who the documents say said it instead " +
		"(verdict attributed with the speaker, unattributed, or not_found)."
	sourcesDescription = "List the documents citebot answers from, with their metadata " +
		"(doc id, title, publisher, author, date, url, collection, passages, bytes), in id order, a page at a time: " +
		"when next is returned, pass it as after for the next page. Read a document whole as the resource citebot://doc/{doc}."
)

// readOnly annotates tools that only read the documents.
func readOnly(title string) *sdk.ToolAnnotations {
	no := false
	return &sdk.ToolAnnotations{Title: title, ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: &no}
}

// mustSchema infers the JSON Schema of T, the type of a tool's
// structured result.
func mustSchema[T any]() *jsonschema.Schema {
	s, err := jsonschema.For[T](nil)
	if err != nil {
		panic(fmt.Sprintf("schema of %T: %v", *new(T), err))
	}
	return s
}

// addTools registers citebot's tools on srv.
func (s *Server) addTools(srv *sdk.Server) {
	srv.AddTool(&sdk.Tool{
		Name: ToolAsk, Title: "Ask the documents", Description: askDescription,
		InputSchema: askInput, OutputSchema: mustSchema[bot.Reply](), Annotations: readOnly("Ask the documents"),
	}, s.handle(ToolAsk, s.ask))
	srv.AddTool(&sdk.Tool{
		Name: ToolCheckQuote, Title: "Check a quote", Description: quoteDescription,
		InputSchema: quoteInput,
		// The result is what `quote --json` writes, or with who what
		// `quote --who --json` writes. The outer "type": "object" is
		// what clients of the 2025-06-18 protocol require of every
		// output schema.
		OutputSchema: &jsonschema.Schema{Type: "object", AnyOf: []*jsonschema.Schema{mustSchema[bot.QuoteReply](), mustSchema[bot.WhoReply]()}},
		Annotations:  readOnly("Check a quote"),
	}, s.handle(ToolCheckQuote, s.checkQuote))
	srv.AddTool(&sdk.Tool{
		Name: ToolListSources, Title: "List the documents", Description: sourcesDescription,
		InputSchema: sourcesInput, OutputSchema: mustSchema[SourcesPage](), Annotations: readOnly("List the documents"),
	}, s.handle(ToolListSources, s.listSources))
}

// toolResult is what a tool produced: its structured result (marshalled
// as `citebot … --json` marshals it), the text rendering, the documents
// it cites, and how it ended (for the log).
type toolResult struct {
	structured any
	text       string
	cited      []citedDoc
	outcome    string
}

// citedDoc is a document a result refers to, linked as a resource.
type citedDoc struct{ id, title string }

// toolFunc runs one tool on its raw arguments. An error is a *bot.Error
// (its message is shown to the assistant) or an argument problem.
type toolFunc func(ctx context.Context, args json.RawMessage, call *callLog) (toolResult, error)

// callLog collects what one tool call's log line says.
type callLog struct {
	attrs []slog.Attr
	debug []slog.Attr // user text: logged at debug level only
}

// handle turns fn into an SDK tool handler: a deadline, the result or a
// tool error with a plain message, and one log line.
func (s *Server) handle(tool string, fn toolFunc) sdk.ToolHandler {
	return func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
		start := time.Now()
		ctx, cancel := context.WithTimeout(ctx, s.timeout)
		defer cancel()
		call := &callLog{}
		res, err := fn(ctx, req.Params.Arguments, call)
		attrs := []slog.Attr{slog.String("adapter", Name), slog.String("tool", tool)}
		var out *sdk.CallToolResult
		level := slog.LevelInfo
		if err != nil {
			code := bot.ErrorCode(err)
			var bad argError
			if errors.As(err, &bad) {
				code = bot.CodeInvalid
			}
			attrs = append(attrs, slog.String("outcome", string(bot.OutcomeError)), slog.String("code", string(code)))
			switch code {
			case bot.CodeInternal, bot.CodeUnavailable:
				// The details are for the log; the assistant gets the
				// user-safe message.
				attrs = append(attrs, slog.String("error", err.Error()))
				if code == bot.CodeInternal {
					level = slog.LevelError
				}
			}
			out = &sdk.CallToolResult{IsError: true, Content: []sdk.Content{&sdk.TextContent{Text: errorText(err)}}}
		} else {
			attrs = append(attrs, slog.String("outcome", res.outcome))
			out, err = res.callResult()
			if err != nil {
				attrs = append(attrs, slog.String("error", err.Error()))
				level = slog.LevelError
				out = &sdk.CallToolResult{IsError: true, Content: []sdk.Content{&sdk.TextContent{Text: "the result could not be encoded"}}}
			}
		}
		attrs = append(attrs, call.attrs...)
		attrs = append(attrs, slog.Duration("latency", time.Since(start)))
		if s.log.Enabled(ctx, slog.LevelDebug) {
			attrs = append(attrs, call.debug...)
		}
		s.log.LogAttrs(context.WithoutCancel(ctx), level, "tool call", attrs...)
		return out, nil
	}
}

// errorText is what the assistant reads for a failed call.
func errorText(err error) string {
	var bad argError
	if errors.As(err, &bad) {
		return string(bad)
	}
	return bot.ErrorMessage(err)
}

// callResult is the SDK result of a tool that succeeded.
func (r toolResult) callResult() (*sdk.CallToolResult, error) {
	b, err := json.Marshal(r.structured)
	if err != nil {
		return nil, fmt.Errorf("encode the result: %w", err)
	}
	content := []sdk.Content{&sdk.TextContent{Text: r.text}}
	seen := map[string]bool{}
	for _, d := range r.cited {
		if seen[d.id] {
			continue
		}
		seen[d.id] = true
		title := d.title
		if title == "" {
			title = d.id
		}
		content = append(content, &sdk.ResourceLink{URI: DocumentURI(d.id), Name: d.id, Title: title, MIMEType: "text/plain"})
	}
	return &sdk.CallToolResult{Content: content, StructuredContent: json.RawMessage(b)}, nil
}

func (s *Server) ask(ctx context.Context, raw json.RawMessage, call *callLog) (toolResult, error) {
	var in askArgs
	question, top, err := decodeSearch(raw, &in, ToolAsk, "question")
	if err != nil {
		return toolResult{}, err
	}
	req := bot.Request{Question: question, Top: top, Collections: in.Collections, Adapter: Name}
	call.debug = append(call.debug, slog.String("question", req.Question))
	reply, err := s.bot.Ask(ctx, req)
	if err != nil {
		return toolResult{}, err
	}
	outcome := bot.OutcomeDeclined
	if reply.Answered {
		outcome = bot.OutcomeAnswered
	}
	return toolResult{structured: reply, text: replyText(reply), cited: citedDocs(reply.Quotes()), outcome: string(outcome)}, nil
}

func (s *Server) checkQuote(ctx context.Context, raw json.RawMessage, call *callLog) (toolResult, error) {
	var in quoteArgs
	text, top, err := decodeSearch(raw, &in, ToolCheckQuote, "text")
	if err != nil {
		return toolResult{}, err
	}
	req := bot.QuoteRequest{Text: text, Top: top, Collections: in.Collections, Adapter: Name}
	call.debug = append(call.debug, slog.String("quote", req.Text))
	call.attrs = append(call.attrs, slog.Bool("who", in.Who))
	if in.Who {
		r, err := s.bot.WhoSaid(ctx, req)
		if err != nil {
			return toolResult{}, err
		}
		var cites []bot.Citation
		for _, src := range r.Sources {
			cites = append(cites, src.Citation)
		}
		return toolResult{structured: r, text: whoText(r), cited: citedDocs(cites), outcome: string(r.Verdict)}, nil
	}
	r, err := s.bot.QuoteCheck(ctx, req)
	if err != nil {
		return toolResult{}, err
	}
	var cites []bot.Citation
	for _, list := range [][]bot.QuoteMatch{r.Matches, r.Variants, r.Closest} {
		for _, m := range list {
			cites = append(cites, m.Citation)
		}
	}
	return toolResult{structured: r, text: quoteText(r), cited: citedDocs(cites), outcome: string(r.Verdict)}, nil
}

func (s *Server) listSources(ctx context.Context, raw json.RawMessage, call *callLog) (toolResult, error) {
	var in sourcesArgs
	if err := decodeArgs(raw, &in, ToolListSources, `{"limit": 100}`); err != nil {
		return toolResult{}, err
	}
	limit := DefaultSourcesLimit
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > MaxSourcesLimit {
			return toolResult{}, argError(fmt.Sprintf("limit must be between 1 and %d", MaxSourcesLimit))
		}
		limit = *in.Limit
	}
	if err := ctx.Err(); err != nil {
		return toolResult{}, &bot.Error{Code: bot.CodeUnavailable, Message: "the request was cancelled", Err: err}
	}
	all, err := s.bot.Sources()
	if err != nil {
		return toolResult{}, err
	}
	page := pageSources(all, in.Collections, in.After, limit)
	call.attrs = append(call.attrs, slog.Int("sources", len(page.Sources)))
	return toolResult{structured: page, text: sourcesText(page), outcome: "ok"}, nil
}

// pageSources returns up to limit documents of the collections (all when
// none are named) whose id sorts after after, in id order.
func pageSources(all []bot.DocumentInfo, collections []string, after string, limit int) SourcesPage {
	sorted := slices.Clone(all)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	page := SourcesPage{Sources: []bot.DocumentInfo{}}
	for _, d := range sorted {
		if d.ID <= after || len(collections) > 0 && !slices.Contains(collections, d.Collection) {
			continue
		}
		if len(page.Sources) == limit {
			page.Next = page.Sources[limit-1].ID
			break
		}
		page.Sources = append(page.Sources, d)
	}
	return page
}

// searchArgs are the arguments of a tool that searches for a text: the
// text (ask's question, check_quote's quote) and top.
type searchArgs interface {
	search() (text *string, top *int)
}

// decodeSearch decodes raw into in, the arguments of ask or check_quote,
// and checks what they share: the text (named field) is given, and top,
// when given, is in range. It returns the text and top (0 for the
// default).
func decodeSearch(raw json.RawMessage, in searchArgs, tool, field string) (string, int, error) {
	example := fmt.Sprintf(`{%q: "…"}`, field)
	if err := decodeArgs(raw, in, tool, example); err != nil {
		return "", 0, err
	}
	text, top := in.search()
	if text == nil {
		return "", 0, argError(fmt.Sprintf("the %s is missing; call %s with %s", field, tool, example))
	}
	if top == nil {
		return *text, 0, nil
	}
	if *top < 1 || *top > bot.MaxTop {
		return "", 0, argError(fmt.Sprintf("top must be between 1 and %d", bot.MaxTop))
	}
	return *text, *top, nil
}

func citedDocs(cites []bot.Citation) []citedDoc {
	var out []citedDoc
	for _, c := range cites {
		out = append(out, citedDoc{id: c.Doc, title: c.Title})
	}
	return out
}

// argError is a problem with a tool's arguments, in words an assistant
// can act on.
type argError string

func (e argError) Error() string { return string(e) }

// decodeArgs reads a tool's arguments into dst strictly: one JSON
// object, no unknown arguments, each of its type. example is the
// smallest valid call.
func decodeArgs(raw json.RawMessage, dst any, tool, example string) error {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		raw = json.RawMessage("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return argError("the arguments hold more than one JSON value; send one object such as " + example)
		}
		return nil
	}
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ) && typ.Field == "":
		return argError(fmt.Sprintf("the arguments must be a JSON object such as %s, not a JSON %s", example, typ.Value))
	case errors.As(err, &typ):
		return argError(fmt.Sprintf("%s must be %s, not a JSON %s", typ.Field, argTypes[strings.SplitN(typ.Field, ".", 2)[0]], typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return argError(fmt.Sprintf("%s takes no argument %s; its arguments are %s",
			tool, strings.TrimPrefix(err.Error(), "json: unknown field "), argNames[tool]))
	}
	return argError(fmt.Sprintf("the arguments could not be read (%v); send a JSON object such as %s", err, example))
}

// argTypes say what each argument must be, for error messages.
var argTypes = map[string]string{
	"question": "a string", "text": "a string", "after": "a string (a doc id)",
	"top": "a whole number", "limit": "a whole number", "who": "true or false",
	"collections": "a list of strings",
}

// argNames list each tool's arguments, for error messages.
var argNames = map[string]string{
	ToolAsk:         "question, collections, top",
	ToolCheckQuote:  "text, who, collections, top",
	ToolListSources: "collections, limit, after",
}

package mcp_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/mcp"
	"github.com/citebot/citebot/adapters/mcp/mcptest"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval"
)

// serveHTTP mounts s on a test server, as serve does, and returns the
// URL of /mcp.
func serveHTTP(t testing.TB, s *mcp.Server) string {
	t.Helper()
	mux := http.NewServeMux()
	s.Mount(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + mcp.Path
}

// connectStdio runs s.ServeStdio over pipes and connects the SDK's
// client to it; the server must return once the client hangs up.
func connectStdio(t testing.TB, s *mcp.Server) *sdk.ClientSession {
	t.Helper()
	toServer, fromClient := io.Pipe()
	toClient, fromServer := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- s.ServeStdio(context.Background(), toServer, fromServer)
		fromServer.Close()
	}()
	cs, err := mcptest.Client().Connect(context.Background(), &sdk.IOTransport{Reader: toClient, Writer: fromClient}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cs.Close()
		if err := <-done; err != nil {
			t.Errorf("ServeStdio after the client hung up: %v; want nil", err)
		}
	})
	return cs
}

// transports connects a client to s each way it is served.
var transports = map[string]func(t testing.TB, s *mcp.Server) *sdk.ClientSession{
	"stdio": connectStdio,
	"http": func(t testing.TB, s *mcp.Server) *sdk.ClientSession {
		cs, err := mcptest.ConnectHTTP(t, serveHTTP(t, s), "")
		if err != nil {
			t.Fatal(err)
		}
		return cs
	},
}

// conforms checks a structured result against the output schema the
// server advertises for the tool, as a validating client would.
func conforms(t *testing.T, cs *sdk.ClientSession, tool string, result []byte) {
	t.Helper()
	tools, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range tools.Tools {
		if tl.Name != tool {
			continue
		}
		var schema jsonschema.Schema
		if err := json.Unmarshal(mustJSON(t, tl.OutputSchema), &schema); err != nil {
			t.Fatalf("%s's output schema: %v", tool, err)
		}
		resolved, err := schema.Resolve(nil)
		if err != nil {
			t.Fatalf("%s's output schema: %v", tool, err)
		}
		var v any
		json.Unmarshal(result, &v)
		if err := resolved.Validate(v); err != nil {
			t.Errorf("%s's result does not conform to its output schema: %v", tool, err)
		}
		return
	}
	t.Fatalf("no tool %s", tool)
}

// links are the URIs of a result's resource links.
func links(res *sdk.CallToolResult) []string {
	var out []string
	for _, c := range res.Content {
		if l, ok := c.(*sdk.ResourceLink); ok {
			out = append(out, l.URI)
		}
	}
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// askDriver asks through the MCP ask tool.
type askDriver struct{ cs *sdk.ClientSession }

func (d askDriver) Ask(t *testing.T, question string) []byte {
	return mcptest.CallJSON(t, d.cs, mcp.ToolAsk, map[string]any{"question": question})
}

// TestConformance runs the answer surfaces' conformance kit over both
// transports: what the assistant receives is the bot's reply, field for
// field.
func TestConformance(t *testing.T) {
	for name, connect := range transports {
		t.Run(name, func(t *testing.T) {
			adaptertest.RunAnswers(t, func(t *testing.T, b *bot.Bot) adaptertest.Answerer {
				return askDriver{connect(t, mcp.New(b, mcp.Options{}))}
			})
		})
	}
}

func seedBot(t *testing.T, opts ...bot.Option) *bot.Bot {
	return bot.New(adaptertest.SeedIndex(t), opts...)
}

// TestListTools: the three tools, each with an input schema, an output
// schema and a description telling an assistant when to call it.
func TestListTools(t *testing.T) {
	cs := connectStdio(t, mcp.New(seedBot(t), mcp.Options{}))
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
		// Clients of the 2025-06-18 protocol reject a tool whose input
		// or output schema is not of type object.
		in, _ := tool.InputSchema.(map[string]any)
		out, _ := tool.OutputSchema.(map[string]any)
		if in["type"] != "object" || out["type"] != "object" || tool.Annotations == nil || !tool.Annotations.ReadOnlyHint {
			t.Errorf("%s: input schema of type %v, output schema of type %v, annotations %+v; want objects, read-only",
				tool.Name, in["type"], out["type"], tool.Annotations)
		}
	}
	sort.Strings(names)
	if want := []string{mcp.ToolAsk, mcp.ToolCheckQuote, mcp.ToolListSources}; !slices.Equal(names, want) {
		t.Fatalf("tools %v; want %v", names, want)
	}
	for _, tool := range res.Tools {
		want := map[string][]string{
			mcp.ToolAsk:         {"before stating or quoting", "quote the returned text exactly", "answered: false"},
			mcp.ToolCheckQuote:  {"before repeating or publishing", "exact", "near", "not_found", "who"},
			mcp.ToolListSources: {"next", "after", "citebot://doc/"},
		}[tool.Name]
		for _, w := range want {
			if !strings.Contains(tool.Description, w) {
				t.Errorf("%s's description does not say %q: %s", tool.Name, w, tool.Description)
			}
		}
	}
}

// TestSchemasMatchArguments: each tool's advertised arguments are the
// ones it reads — a misspelt schema property would make every call
// with it fail as an unknown argument.
func TestSchemasMatchArguments(t *testing.T) {
	cs := connectStdio(t, mcp.New(seedBot(t), mcp.Options{}))
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range res.Tools {
		props, _ := tool.InputSchema.(map[string]any)["properties"].(map[string]any)
		args := map[string]any{}
		for name, p := range props {
			switch p.(map[string]any)["type"] {
			case "string":
				args[name] = "What was the FY2026 refugee cap?"
			case "integer":
				args[name] = 1
			case "boolean":
				args[name] = false
			case "array":
				args[name] = []string{"seeds"}
			default:
				t.Errorf("%s.%s has type %v", tool.Name, name, p.(map[string]any)["type"])
			}
		}
		if len(props) == 0 {
			t.Errorf("%s advertises no arguments", tool.Name)
		}
		if r := mcptest.Call(t, cs, tool.Name, args); r.IsError {
			t.Errorf("%s with every advertised argument %v: %s", tool.Name, args, mcptest.Text(r))
		}
	}
}

// TestToolsMatchTheCLIContract: each tool's structured result is what
// the bot's JSON contract says (`ask --json`, `quote --json`, `quote
// --who --json`), its text shows the quotes verbatim, and it links the
// cited documents.
func TestToolsMatchTheCLIContract(t *testing.T) {
	b := seedBot(t)
	ctx := context.Background()
	for name, connect := range transports {
		t.Run(name, func(t *testing.T) {
			cs := connect(t, mcp.New(b, mcp.Options{}))

			want, err := b.Ask(ctx, bot.Request{Question: adaptertest.AnswerQuestion, Top: 2})
			if err != nil {
				t.Fatal(err)
			}
			res := mcptest.Call(t, cs, mcp.ToolAsk, map[string]any{"question": adaptertest.AnswerQuestion, "top": 2})
			if got := mcptest.Structured(t, res); !mcptest.SameJSON(t, got, mustJSON(t, want)) {
				t.Errorf("ask = %s\nwant %s", got, mustJSON(t, want))
			}
			conforms(t, cs, mcp.ToolAsk, mcptest.Structured(t, res))
			for _, c := range want.Citations {
				if !strings.Contains(mcptest.Text(res), "“"+c.Quote+"”") || !slices.Contains(links(res), mcp.DocumentURI(c.Doc)) {
					t.Errorf("ask's text and links lack the quote %q from %s:\n%s\n%v", c.Quote, c.Doc, mcptest.Text(res), links(res))
				}
			}
			if !strings.Contains(mcptest.Text(res), "A: 7,500") {
				t.Errorf("ask's text lacks the answer:\n%s", mcptest.Text(res))
			}

			const quote = "a nation without borders is not a nation"
			check, err := b.QuoteCheck(ctx, bot.QuoteRequest{Text: quote})
			if err != nil {
				t.Fatal(err)
			}
			res = mcptest.Call(t, cs, mcp.ToolCheckQuote, map[string]any{"text": quote})
			if got := mcptest.Structured(t, res); !mcptest.SameJSON(t, got, mustJSON(t, check)) || check.Verdict != "exact" {
				t.Errorf("check_quote = %s\nwant %s (exact)", got, mustJSON(t, check))
			}
			conforms(t, cs, mcp.ToolCheckQuote, mcptest.Structured(t, res))
			if !strings.Contains(mcptest.Text(res), "Exact: ") {
				t.Errorf("check_quote's text lacks the verdict:\n%s", mcptest.Text(res))
			}

			who, err := b.WhoSaid(ctx, bot.QuoteRequest{Text: quote})
			if err != nil {
				t.Fatal(err)
			}
			res = mcptest.Call(t, cs, mcp.ToolCheckQuote, map[string]any{"text": quote, "who": true})
			if got := mcptest.Structured(t, res); !mcptest.SameJSON(t, got, mustJSON(t, who)) || who.Speaker == "" {
				t.Errorf("check_quote who = %s\nwant %s (with a speaker)", got, mustJSON(t, who))
			}
			conforms(t, cs, mcp.ToolCheckQuote, mcptest.Structured(t, res))
			if !strings.Contains(mcptest.Text(res), "Attributed to "+who.Speaker) {
				t.Errorf("check_quote who's text lacks the speaker %q:\n%s", who.Speaker, mcptest.Text(res))
			}

			near := "a nation without walls is not a nation"
			nearCheck, err := b.QuoteCheck(ctx, bot.QuoteRequest{Text: near})
			if err != nil {
				t.Fatal(err)
			}
			res = mcptest.Call(t, cs, mcp.ToolCheckQuote, map[string]any{"text": near})
			if got := mcptest.Structured(t, res); !mcptest.SameJSON(t, got, mustJSON(t, nearCheck)) {
				t.Errorf("check_quote near = %s\nwant %s", got, mustJSON(t, nearCheck))
			}
			conforms(t, cs, mcp.ToolCheckQuote, mcptest.Structured(t, res))
			declined := mcptest.Call(t, cs, mcp.ToolAsk, map[string]any{"question": adaptertest.FiscalQuestion})
			conforms(t, cs, mcp.ToolAsk, mcptest.Structured(t, declined))
			conforms(t, cs, mcp.ToolListSources, mcptest.CallJSON(t, cs, mcp.ToolListSources, map[string]any{"limit": 1}))
			if nearCheck.Verdict == "near" && !strings.Contains(mcptest.Text(res), "Your text → the document") {
				t.Errorf("a near match's text does not show the differences:\n%s", mcptest.Text(res))
			}
		})
	}
}

// writeCorpus makes an engine over n small documents in two collections,
// one of them with an id holding a slash and a space.
func corpusBot(t *testing.T, n int) *bot.Bot {
	t.Helper()
	var docs []retrieval.Document
	for i := range n {
		coll := "city"
		if i%2 == 1 {
			coll = "state"
		}
		id := fmt.Sprintf("story-%02d", i)
		if i == 0 {
			id = "council/budget 2026"
		}
		docs = append(docs, retrieval.Document{
			ID: id, Collection: coll,
			Metadata: retrieval.Metadata{Title: fmt.Sprintf("Story %d", i), Publisher: "Town Crier", Date: "2026-01-02"},
			Text:     fmt.Sprintf("Story %d\n\nThe council approved %d new benches for the harbour park.\n", i, 10+i),
		})
	}
	return bot.New(adaptertest.NewEngine(t, docs))
}

// TestListSourcesPages: pages of limit documents in id order, next
// leading to the following page until the last, which has none; a
// collection filter; the same documents as the bot lists.
func TestListSourcesPages(t *testing.T) {
	b := corpusBot(t, 7)
	all, err := b.Sources()
	if err != nil {
		t.Fatal(err)
	}
	cs := connectStdio(t, mcp.New(b, mcp.Options{}))
	type page struct {
		Sources []bot.DocumentInfo `json:"sources"`
		Next    *string            `json:"next"`
	}
	read := func(args map[string]any) page {
		var p page
		if err := json.Unmarshal(mcptest.Structured(t, mcptest.Call(t, cs, mcp.ToolListSources, args)), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var got []bot.DocumentInfo
	args := map[string]any{"limit": 3}
	for pages := 1; ; pages++ {
		p := read(args)
		if len(p.Sources) == 0 || len(p.Sources) > 3 || pages > 3 {
			t.Fatalf("page %d has %d documents; want 1 to 3, in 3 pages", pages, len(p.Sources))
		}
		got = append(got, p.Sources...)
		if p.Next == nil {
			if pages != 3 {
				t.Errorf("%d pages of 3 for 7 documents; want 3", pages)
			}
			break
		}
		if *p.Next != p.Sources[len(p.Sources)-1].ID {
			t.Errorf("next = %q; want the page's last id %q", *p.Next, p.Sources[len(p.Sources)-1].ID)
		}
		args = map[string]any{"limit": 3, "after": *p.Next}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	if !mcptest.SameJSON(t, mustJSON(t, got), mustJSON(t, all)) {
		t.Errorf("the pages hold %s\nwant every document in id order: %s", mustJSON(t, got), mustJSON(t, all))
	}

	state := read(map[string]any{"collections": []string{"state"}})
	if len(state.Sources) != 3 || state.Next != nil {
		t.Errorf("collection state: %d documents, next %v; want 3 in one page", len(state.Sources), state.Next)
	}
	for _, d := range state.Sources {
		if d.Collection != "state" {
			t.Errorf("collection state lists %s of %s", d.ID, d.Collection)
		}
	}
	if p := read(map[string]any{"after": "zzz"}); len(p.Sources) != 0 || p.Next != nil {
		t.Errorf("after the last id: %+v; want an empty page", p)
	}
}

// TestReadDocument: a cited document read as a resource is its text,
// where each quote of it sits at its offsets, with its metadata; ids with
// a slash and a space round-trip through the URI; an unknown document
// is the protocol's resource-not-found error.
func TestReadDocument(t *testing.T) {
	b := corpusBot(t, 3)
	ctx := context.Background()
	for name, connect := range transports {
		t.Run(name, func(t *testing.T) {
			cs := connect(t, mcp.New(b, mcp.Options{}))
			tmpls, err := cs.ListResourceTemplates(ctx, nil)
			if err != nil || len(tmpls.ResourceTemplates) != 1 || tmpls.ResourceTemplates[0].URITemplate != mcp.DocumentTemplate {
				t.Fatalf("resource templates %+v, %v; want %s", tmpls, err, mcp.DocumentTemplate)
			}

			res := mcptest.Call(t, cs, mcp.ToolAsk, map[string]any{"question": "How many new benches did the council approve for the harbour park?", "top": 3})
			var reply bot.Reply
			if err := json.Unmarshal(mcptest.Structured(t, res), &reply); err != nil || len(reply.Citations)+len(reply.Closest) == 0 {
				t.Fatalf("no passages to read the documents of (%v): %s", err, mcptest.Text(res))
			}
			cites := append(reply.Citations, reply.Closest...)
			for _, c := range cites {
				uri := mcp.DocumentURI(c.Doc)
				rr, err := cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: uri})
				if err != nil {
					t.Fatalf("read %s: %v", uri, err)
				}
				if len(rr.Contents) != 2 || rr.Contents[0].MIMEType != "text/plain" || rr.Contents[1].MIMEType != "application/json" {
					t.Fatalf("read %s: %d contents; want its text and its metadata", uri, len(rr.Contents))
				}
				doc := rr.Contents[0].Text
				if c.End > len(doc) || doc[c.Start:c.End] != c.Quote {
					t.Errorf("%s: the quote %q is not the text at [%d, %d)", uri, c.Quote, c.Start, c.End)
				}
				var meta bot.DocumentInfo
				if err := json.Unmarshal([]byte(rr.Contents[1].Text), &meta); err != nil || meta.ID != c.Doc || meta.Title != c.Title || meta.Bytes != len(doc) {
					t.Errorf("%s: metadata %s (%v); want the cited document's", uri, rr.Contents[1].Text, err)
				}
			}
			if u := mcp.DocumentURI("council/budget 2026"); u != "citebot://doc/council/budget%202026" {
				t.Errorf("DocumentURI kept %q; want the slash kept and the space escaped", u)
			}
			rr, err := cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: mcp.DocumentURI("council/budget 2026")})
			if err != nil || !strings.Contains(rr.Contents[0].Text, "10 new benches") {
				t.Errorf("read the document with a slash and a space in its id: %v", err)
			}

			for _, uri := range []string{mcp.DocumentURI("no/such doc"), "citebot://doc/", "file:///etc/passwd"} {
				_, err := cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: uri})
				var rpc *jsonrpc.Error
				if !errors.As(err, &rpc) || rpc.Code != jsonrpc.CodeInvalidParams || rpc.Message != "Resource not found" {
					t.Errorf("read %s: %v; want resource not found (%d)", uri, err, jsonrpc.CodeInvalidParams)
				}
			}
		})
	}
}

// TestBadInput: what an assistant may get wrong is answered, never a
// crash or a hang: an unknown tool is a protocol error; missing,
// ill-typed and unknown arguments, an over-long question, query syntax
// are tool results with plain messages (or, for query syntax, an
// answer or a decline).
func TestBadInput(t *testing.T) {
	for name, connect := range transports {
		t.Run(name, func(t *testing.T) {
			cs := connect(t, mcp.New(seedBot(t, bot.WithMaxQuestionBytes(1000)), mcp.Options{}))
			if _, err := cs.CallTool(context.Background(), &sdk.CallToolParams{Name: "summarise", Arguments: map[string]any{}}); err == nil || !strings.Contains(err.Error(), "summarise") {
				t.Errorf("an unknown tool: %v; want a protocol error naming it", err)
			}
			for _, tc := range []struct {
				tool string
				args map[string]any
				want string
			}{
				{mcp.ToolAsk, map[string]any{}, "the question is missing"},
				{mcp.ToolAsk, map[string]any{"question": 42}, "question must be a string, not a JSON number"},
				{mcp.ToolAsk, map[string]any{"question": "x", "top": "3"}, "top must be a whole number, not a JSON string"},
				{mcp.ToolAsk, map[string]any{"question": "x", "top": 2.5}, "top must be a whole number"},
				{mcp.ToolAsk, map[string]any{"question": "x", "top": 99}, "top must be between 1 and 20"},
				{mcp.ToolAsk, map[string]any{"qestion": "x"}, `ask takes no argument "qestion"; its arguments are question, collections, top`},
				{mcp.ToolAsk, map[string]any{"question": "x", "collections": "seeds"}, "collections must be a list of strings"},
				{mcp.ToolAsk, map[string]any{"question": "   "}, "the question is empty"},
				{mcp.ToolAsk, map[string]any{"question": strings.Repeat("refugee cap ", 2000)}, "the question is longer than 1000 bytes"},
				{mcp.ToolCheckQuote, map[string]any{"who": true}, "the text is missing"},
				{mcp.ToolCheckQuote, map[string]any{"text": "x", "who": "yes"}, "who must be true or false"},
				{mcp.ToolCheckQuote, map[string]any{"text": strings.Repeat("word ", 2000)}, "the text to check is longer than 5000 bytes"},
				{mcp.ToolListSources, map[string]any{"limit": 0}, "limit must be between 1 and 1000"},
				{mcp.ToolListSources, map[string]any{"after": 7}, "after must be a string"},
			} {
				res := mcptest.Call(t, cs, tc.tool, tc.args)
				if !res.IsError || !strings.Contains(mcptest.Text(res), tc.want) {
					t.Errorf("%s %.100s: error %v %q; want a tool error saying %q", tc.tool, mustJSON(t, tc.args), res.IsError, mcptest.Text(res), tc.want)
				}
			}
			// Query syntax is words to look for, nothing more.
			for _, q := range []string{`title:refugee AND cap~2 +"FY2026" -biden ^3 (cap OR \ /regex/`, `*`, `"`, `{"question": "x"}`} {
				res := mcptest.Call(t, cs, mcp.ToolAsk, map[string]any{"question": q})
				var r bot.Reply
				if err := json.Unmarshal(mcptest.Structured(t, res), &r); err != nil || r.Question == "" {
					t.Errorf("ask %q: %s (%v); want an answer or a decline", q, mcptest.Text(res), err)
				}
			}
			// A 100 KB question: over stdio the bot refuses it; over
			// HTTP the guard refuses the body before anything reads it
			// (413, see TestHTTPGuard), which the client reports.
			res, err := cs.CallTool(context.Background(), &sdk.CallToolParams{Name: mcp.ToolAsk,
				Arguments: map[string]any{"question": strings.Repeat("refugee cap ", 100<<10/12)}})
			if name == "http" {
				if err == nil || !strings.Contains(err.Error(), "Request Entity Too Large") {
					t.Errorf("a 100 KB question over HTTP: %v; want 413", err)
				}
				return
			}
			if err != nil || !res.IsError || !strings.Contains(mcptest.Text(res), "the question is longer than 1000 bytes") {
				t.Errorf("a 100 KB question over stdio: %v; want a tool error saying it is too long", err)
			}
		})
	}
}

// TestLogs: one line per tool call and resource read with its outcome;
// the question only at debug level.
func TestLogs(t *testing.T) {
	const question = "What was the FY2026 refugee cap?"
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		sink, log := adaptertest.NewLogs(level)
		cs := connectStdio(t, mcp.New(seedBot(t), mcp.Options{Logger: log}))
		mcptest.Call(t, cs, mcp.ToolAsk, map[string]any{"question": question})
		mcptest.Call(t, cs, mcp.ToolCheckQuote, map[string]any{"text": "a nation without borders is not a nation"})
		logs := sink.String()
		for _, want := range []string{`"msg":"tool call"`, `"tool":"ask"`, `"outcome":"answered"`, `"tool":"check_quote"`, `"outcome":"exact"`} {
			if !strings.Contains(logs, want) {
				t.Errorf("at %s the log lacks %s:\n%s", level, want, logs)
			}
		}
		if shown := strings.Contains(logs, question) || strings.Contains(logs, "without borders"); shown != (level == slog.LevelDebug) {
			t.Errorf("at %s the question is logged: %v; want it at debug only:\n%s", level, shown, logs)
		}
	}
}

// TestHTTPGuard: /mcp keeps the JSON API's promises — 401 without the
// token, 429 over the client's limit, 413 for a body past the limit,
// with the API's error shape — and without a token refuses a foreign
// Host (DNS rebinding) or a foreign Origin with 403.
func TestHTTPGuard(t *testing.T) {
	const token = "mcp-token-0123456789abcdef"
	b := seedBot(t)
	guard := adapters.NewGuard(adapters.GuardOptions{Token: token, PerClient: bot.NewLimiter(bot.Rate{PerSecond: 0.001, Burst: 8}, 0)})
	endpoint := serveHTTP(t, mcp.New(b, mcp.Options{Guard: guard}))

	if _, err := mcptest.ConnectHTTP(t, endpoint, ""); err == nil {
		t.Error("a client without the token connected")
	}
	code, body := mcptest.Post(t, endpoint, "", mcptest.ListTools, nil)
	if code != http.StatusUnauthorized || !strings.Contains(body, `"code":"unauthorized"`) {
		t.Errorf("without the token: %d %s; want 401 unauthorized", code, body)
	}
	cs, err := mcptest.ConnectHTTP(t, endpoint, token)
	if err != nil {
		t.Fatalf("with the token: %v", err)
	}
	res := mcptest.Call(t, cs, mcp.ToolAsk, map[string]any{"question": adaptertest.AnswerQuestion})
	if !strings.Contains(string(mcptest.Structured(t, res)), `"answer":"7,500"`) {
		t.Errorf("with the token: %s", mcptest.Text(res))
	}
	// Behind a reverse proxy on the same machine the Host is the public
	// one; with a token that is allowed.
	if code, body := mcptest.Post(t, endpoint, token, mcptest.ListTools, map[string]string{"Host": "citebot.example.org"}); code != 200 {
		t.Errorf("a proxied Host with the token: %d %s; want 200", code, body)
	}
	huge := `{"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "ask", "arguments": {"question": "` + strings.Repeat("cap ", 100<<10/4) + `"}}}`
	code, body = mcptest.Post(t, endpoint, token, huge, nil)
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"code":"invalid"`) {
		t.Errorf("a 100 KB question: %d %.200s; want 413", code, body)
	}
	var last int
	for range 10 {
		if last, body = mcptest.Post(t, endpoint, token, mcptest.ListTools, nil); last == http.StatusTooManyRequests {
			break
		}
	}
	if last != http.StatusTooManyRequests || !strings.Contains(body, `"code":"rate_limited"`) {
		t.Errorf("past the client's limit: %d %s; want 429 rate_limited", last, body)
	}

	open := serveHTTP(t, mcp.New(b, mcp.Options{}))
	if code, body := mcptest.Post(t, open, "", mcptest.ListTools, nil); code != 200 || !strings.Contains(body, `"ask"`) {
		t.Fatalf("no token, a local client: %d %s; want the tools", code, body)
	}
	for name, header := range map[string]map[string]string{
		"foreign Host":   {"Host": "rebound.example.com"},
		"foreign Origin": {"Origin": "https://evil.example.com"},
		"cross-site":     {"Sec-Fetch-Site": "cross-site"},
	} {
		if code, body := mcptest.Post(t, open, "", mcptest.ListTools, header); code != http.StatusForbidden {
			t.Errorf("no token, %s: %d %s; want 403", name, code, body)
		}
	}
}

// TestStdioSurvivesBadLines: a line that is not JSON, or one past
// MaxMessageBytes, is dropped with a warning and the session goes on
// (the SDK's decoder alone would end it).
func TestStdioSurvivesBadLines(t *testing.T) {
	sink, log := adaptertest.NewLogs(slog.LevelInfo)
	s := mcp.New(seedBot(t), mcp.Options{Logger: log})
	out := mcptest.Exchange(t, s.ServeStdio, []string{
		mcptest.Initialize,
		mcptest.Initialized,
		`this is not JSON`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ask","arguments":{"question":"` + strings.Repeat("x", mcp.MaxMessageBytes) + `"}}}`,
		``,
		`{"jsonrpc":"2.0","id":3,"method":"tools/list"}`,
	}, "1", "3")
	var ids []string
	for _, line := range out {
		var msg struct {
			ID json.RawMessage `json:"id"`
		}
		if err := json.Unmarshal([]byte(line), &msg); err != nil {
			t.Fatalf("the server wrote a line that is not JSON (%v): %q", err, line)
		}
		ids = append(ids, string(msg.ID))
	}
	if !slices.Equal(ids, []string{"1", "3"}) {
		t.Errorf("answered ids %v; want 1 and 3 (2 was too long to read)", ids)
	}
	for _, want := range []string{"dropped a line that is not JSON", "dropped a message longer than the limit"} {
		if !strings.Contains(sink.String(), want) {
			t.Errorf("no warning %q:\n%s", want, sink.String())
		}
	}
}

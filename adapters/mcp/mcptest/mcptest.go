// Package mcptest is what the tests of citebot's MCP server share, the
// adapter's own and the command's (cmd/citebot drives `citebot mcp` and
// serve's /mcp): the SDK's client, over HTTP with a bearer token, tool
// calls and their structured results, and raw JSON-RPC messages for
// what the SDK's client never sends.
package mcptest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/adapters/adaptertest"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// Raw JSON-RPC messages, one line each, as a client writes them.
const (
	// Initialize and Initialized open a session over stdio.
	Initialize  = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
	Initialized = `{"jsonrpc":"2.0","method":"notifications/initialized"}`
	// ListTools asks for the tools, needing no session (over HTTP).
	ListTools = `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}`
)

// Client is the SDK's client, named for the tests.
func Client() *sdk.Client {
	return sdk.NewClient(&sdk.Implementation{Name: "citebot-test", Version: "1"}, nil)
}

// ConnectHTTP connects Client to the streamable HTTP endpoint (a URL
// ending in /mcp), sending token as a bearer token when it is not
// empty; the session is closed when the test ends.
func ConnectHTTP(t testing.TB, endpoint, token string) (*sdk.ClientSession, error) {
	t.Helper()
	transport := &sdk.StreamableClientTransport{
		Endpoint:   endpoint,
		HTTPClient: &http.Client{Transport: bearer(token)},
		MaxRetries: -1,
	}
	cs, err := Client().Connect(context.Background(), transport, nil)
	if err == nil {
		t.Cleanup(func() { cs.Close() })
	}
	return cs, err
}

// bearer adds a bearer token to every request.
type bearer string

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if b != "" {
		r.Header.Set("Authorization", "Bearer "+string(b))
	}
	return http.DefaultTransport.RoundTrip(r)
}

// Post sends one raw JSON-RPC message to the HTTP endpoint, with token
// (when not empty) and header (a "Host" entry sets the request's Host),
// and returns the status and the body.
func Post(t testing.TB, endpoint, token, body string, header map[string]string) (int, string) {
	t.Helper()
	req := adaptertest.NewRequest(t, "POST", endpoint, token, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	return adaptertest.Do(t, req)
}

// Exchange runs serve (a stdio server) over pipes, writes lines to its
// input, and reads what it writes, a message a line, until it has
// answered each of ids (JSON-RPC ids as JSON: "1", "3"); then it closes
// the input, as a client hanging up, reads the rest and checks that
// serve returns nil. It returns every line serve wrote. A server that
// stops answering fails the test at adaptertest.Deadline.
func Exchange(t testing.TB, serve func(ctx context.Context, in io.Reader, out io.Writer) error, lines []string, ids ...string) []string {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	serving := adaptertest.Go(t, "the stdio server", func(ctx context.Context) error {
		defer outW.Close()
		return serve(ctx, inR, outW)
	})
	go io.WriteString(inW, strings.Join(lines, "\n")+"\n")
	stuck := time.AfterFunc(time.Until(adaptertest.Deadline(t)), func() {
		outR.CloseWithError(errors.New("no answer by the test's deadline"))
	})
	defer stuck.Stop()

	waiting := map[string]bool{}
	for _, id := range ids {
		waiting[id] = true
	}
	var out []string
	sc := bufio.NewScanner(outR)
	sc.Buffer(nil, 1<<20)
	for len(waiting) > 0 && sc.Scan() {
		out = append(out, sc.Text())
		var msg struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) == nil {
			delete(waiting, string(msg.ID))
		}
	}
	if len(waiting) > 0 {
		t.Fatalf("no answer to %v (%v); the server wrote:\n%s", slices.Sorted(maps.Keys(waiting)), sc.Err(), strings.Join(out, "\n"))
	}
	inW.Close()
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := serving.Wait(t); err != nil {
		t.Errorf("the stdio server returned %v after its input closed; want nil", err)
	}
	return out
}

// Call calls a tool, failing the test on a protocol error.
func Call(t testing.TB, cs *sdk.ClientSession, tool string, args map[string]any) *sdk.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &sdk.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s %v: %v", tool, args, err)
	}
	return res
}

// Structured is a result's structuredContent as JSON; a tool error
// fails the test.
func Structured(t testing.TB, res *sdk.CallToolResult) []byte {
	t.Helper()
	if res.IsError {
		t.Fatalf("the call failed: %s", Text(res))
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// CallJSON calls a tool and returns its structured result as JSON
// (Call, then Structured).
func CallJSON(t testing.TB, cs *sdk.ClientSession, tool string, args map[string]any) []byte {
	t.Helper()
	return Structured(t, Call(t, cs, tool, args))
}

// Text is a result's text content.
func Text(res *sdk.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// SameJSON reports whether two JSON texts hold the same value (the same
// fields and values, in any order); got not being JSON fails the test.
func SameJSON(t testing.TB, got, want []byte) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("not JSON (%v): %s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("not JSON (%v): %s", err, want)
	}
	return reflect.DeepEqual(g, w)
}

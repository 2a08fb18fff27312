package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/mcp/mcptest"
	"github.com/citebot/citebot/config/configtest"
)

const fiscalQ = "What is the refugee cap for fiscal 2027?"

// buildCitebot builds the citebot binary into a temporary folder.
func buildCitebot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "citebot")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/citebot")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// cliJSON runs citebot args… in-process and returns what it printed.
func cliJSON(t *testing.T, args ...string) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), args, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatalf("citebot %s: %v", strings.Join(args, " "), err)
	}
	return out.Bytes()
}

// exerciseMCP runs the same session against any citebot MCP endpoint:
// the tools listed, each called and compared with the CLI's JSON, the
// conformance questions, a document read whole, and the error cases.
func exerciseMCP(t *testing.T, cs *sdk.ClientSession) {
	t.Helper()
	ctx := context.Background()
	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range tools.Tools {
		names = append(names, tool.Name)
	}
	if strings.Join(names, " ") != "ask check_quote list_sources" {
		t.Errorf("tools %v; want ask, check_quote, list_sources", names)
	}

	for _, q := range []string{refugeeQ, fiscalQ} {
		got := mcptest.CallJSON(t, cs, "ask", map[string]any{"question": q})
		if want := cliJSON(t, "ask", "--json", q); !mcptest.SameJSON(t, got, want) {
			t.Errorf("ask %q = %s\nwant what ask --json writes: %s", q, got, want)
		}
	}
	var answer struct {
		Answered  bool   `json:"answered"`
		Short     string `json:"answer"`
		Citations []struct {
			Doc   string `json:"doc"`
			Quote string `json:"quote"`
			Start int    `json:"start"`
			End   int    `json:"end"`
		} `json:"citations"`
	}
	json.Unmarshal(mcptest.CallJSON(t, cs, "ask", map[string]any{"question": refugeeQ}), &answer)
	if !answer.Answered || answer.Short != "7,500" || len(answer.Citations) == 0 {
		t.Fatalf("the refugee cap: %+v; want 7,500 with citations", answer)
	}
	var declined struct {
		Answered bool   `json:"answered"`
		Reason   string `json:"reason"`
	}
	json.Unmarshal(mcptest.CallJSON(t, cs, "ask", map[string]any{"question": fiscalQ}), &declined)
	if declined.Answered || !strings.Contains(declined.Reason, "2027") {
		t.Errorf("fiscal 2027: %+v; want declined, naming 2027", declined)
	}

	const quote = "a nation without borders is not a nation"
	if got, want := mcptest.CallJSON(t, cs, "check_quote", map[string]any{"text": quote}), cliJSON(t, "quote", "--json", quote); !mcptest.SameJSON(t, got, want) {
		t.Errorf("check_quote = %s\nwant what quote --json writes: %s", got, want)
	}
	if got, want := mcptest.CallJSON(t, cs, "check_quote", map[string]any{"text": quote, "who": true}), cliJSON(t, "quote", "--who", "--json", quote); !mcptest.SameJSON(t, got, want) {
		t.Errorf("check_quote who = %s\nwant what quote --who --json writes: %s", got, want)
	}
	var page struct {
		Sources []struct {
			Doc string `json:"doc"`
		} `json:"sources"`
		Next string `json:"next"`
	}
	json.Unmarshal(mcptest.CallJSON(t, cs, "list_sources", map[string]any{"limit": 1}), &page)
	if len(page.Sources) != 1 || page.Next != page.Sources[0].Doc {
		t.Errorf("list_sources limit 1: %+v; want one document and a cursor", page)
	}

	c := answer.Citations[0]
	rr, err := cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: "citebot://doc/" + c.Doc})
	if err != nil {
		t.Fatalf("read the cited document: %v", err)
	}
	if text := rr.Contents[0].Text; c.End > len(text) || text[c.Start:c.End] != c.Quote {
		t.Errorf("the cited document's text does not hold the quote at [%d, %d)", c.Start, c.End)
	}
	if _, err := cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: "citebot://doc/no-such-doc"}); err == nil {
		t.Error("reading a document that does not exist succeeded")
	}

	if _, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "delete_everything", Arguments: map[string]any{}}); err == nil {
		t.Error("an unknown tool was called without a protocol error")
	}
	for _, args := range []map[string]any{{}, {"question": 7}, {"question": strings.Repeat("cap ", 300)}} {
		res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "ask", Arguments: args})
		if err != nil || !res.IsError || len(res.Content) == 0 {
			t.Errorf("ask %.60v: %v, %+v; want a tool error with a message", args, err, res)
		}
	}
}

// TestMCPStdio runs `citebot mcp` as a real subprocess, as an assistant
// starts it, and drives it with the SDK's client over its stdin and
// stdout.
func TestMCPStdio(t *testing.T) {
	bin := buildCitebot(t)
	configtest.Isolate(t)
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "mcp", "--log-level", "info")
	cmd.Stderr = &stderr
	cs, err := mcptest.Client().Connect(context.Background(), &sdk.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatal(err)
	}
	exerciseMCP(t, cs)
	if err := cs.Close(); err != nil {
		t.Errorf("closing the session (the process must exit when its stdin closes): %v", err)
	}
	logs := stderr.String()
	if !strings.Contains(logs, "index ready") || !strings.Contains(logs, `msg="tool call" adapter=mcp tool=ask outcome=answered`) {
		t.Errorf("standard error lacks the start-up and tool call lines:\n%s", logs)
	}
	if strings.Contains(logs, refugeeQ) {
		t.Errorf("the question was logged at info level:\n%s", logs)
	}
}

// TestMCPStdoutOnlyProtocol: even at debug level, everything `citebot
// mcp` writes to stdout is a JSON-RPC message; the logs (question text
// included, at debug) go to stderr.
func TestMCPStdoutOnlyProtocol(t *testing.T) {
	configtest.Isolate(t)
	// Standard input stays open until both answers are out, as a client
	// keeps it open while it waits.
	var stderr adaptertest.Logs
	mcpCmd := func(ctx context.Context, in io.Reader, out io.Writer) error {
		return run(ctx, []string{"mcp", "--log-level", "debug"}, in, out, &stderr)
	}
	lines := mcptest.Exchange(t, mcpCmd, []string{
		mcptest.Initialize,
		mcptest.Initialized,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ask","arguments":{"question":"` + refugeeQ + `"}}}`,
		`not json at all`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"ask","arguments":{"question":"` + refugeeQ + `"}}}`,
	}, "2", "3")
	answered := 0
	for _, l := range lines {
		var msg map[string]any
		if err := json.Unmarshal([]byte(l), &msg); err != nil || msg["jsonrpc"] != "2.0" {
			t.Errorf("stdout holds a line that is not a JSON-RPC message: %q", l)
		}
		if strings.Contains(l, `\"answer\":\"7,500\"`) || strings.Contains(l, `"answer":"7,500"`) {
			answered++
		}
	}
	if answered != 2 {
		t.Errorf("%d answers on stdout; want 2 (a garbled line must not end the session):\n%s", answered, strings.Join(lines, "\n"))
	}
	if !strings.Contains(stderr.String(), refugeeQ) {
		t.Errorf("at debug level the question is not in the log:\n%s", stderr.String())
	}
}

// TestServeMCP drives /mcp on a running serve with the SDK's client:
// behind api.token (401 without it), the same session as over stdio,
// questions counted in the metrics under adapter mcp, nothing of the
// question or the token in the log; and one rate-limit allowance per
// client shared with /api/*, and the body limit, as there.
func TestServeMCP(t *testing.T) {
	configtest.Isolate(t)
	const token = "mcp-serve-token-0123456789"
	t.Setenv("CITEBOT_API_TOKEN", token)
	t.Setenv("CITEBOT_LIMITS_PER_CLIENT_RATE", "0.001")
	t.Setenv("CITEBOT_LIMITS_PER_CLIENT_BURST", "60")
	base, logs, stop := startServe(t)

	if _, err := mcptest.ConnectHTTP(t, base+"/mcp", ""); err == nil {
		t.Error("an MCP client without the token connected")
	}
	if code, body := mcptest.Post(t, base+"/mcp", "", mcptest.ListTools, nil); code != http.StatusUnauthorized || !strings.Contains(body, `"unauthorized"`) {
		t.Errorf("/mcp without the token: %d %s; want 401", code, body)
	}
	cs, err := mcptest.ConnectHTTP(t, base+"/mcp", token)
	if err != nil {
		t.Fatalf("an MCP client with the token: %v", err)
	}
	exerciseMCP(t, cs)

	if _, metrics := adaptertest.Call(t, "GET", base+"/metrics", token, ""); !strings.Contains(metrics, `citebot_questions_total{adapter="mcp",outcome="answered"}`) {
		t.Errorf("/metrics does not count the MCP questions:\n%.3000s", metrics)
	}

	huge := `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"ask","arguments":{"question":"` + strings.Repeat("cap ", 100<<10/4) + `"}}}`
	if code, body := mcptest.Post(t, base+"/mcp", token, huge, nil); code != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"invalid"`) {
		t.Errorf("a 100 KB question to /mcp: %d %.200s; want 413 as on /api", code, body)
	}
	// The allowance is shared: spend it on /api, and /mcp is limited.
	for range 60 {
		adaptertest.Call(t, "GET", base+"/api/sources", token, "")
	}
	if code, body := mcptest.Post(t, base+"/mcp", token, mcptest.ListTools, nil); code != http.StatusTooManyRequests || !strings.Contains(body, `"rate_limited"`) {
		t.Errorf("/mcp after the client spent its allowance on /api: %d %s; want 429", code, body)
	}

	if err := stop(); err != nil {
		t.Errorf("serve returned %v", err)
	}
	for _, secret := range []string{token, refugeeQ} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds %q at info level:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs.String(), `"msg":"tool call"`) {
		t.Errorf("no tool call lines in the log:\n%s", logs)
	}
}

// TestServeMCPWithoutToken: with no api.token, /mcp answers local
// clients and refuses a foreign Host (DNS rebinding) or Origin with 403;
// mcp.enabled false takes /mcp away.
func TestServeMCPWithoutToken(t *testing.T) {
	configtest.Isolate(t)
	base, _, stop := startServe(t)
	if code, body := mcptest.Post(t, base+"/mcp", "", mcptest.ListTools, nil); code != 200 || !strings.Contains(body, `"check_quote"`) {
		t.Errorf("/mcp from a local client: %d %.300s; want the tools", code, body)
	}
	for name, h := range map[string]map[string]string{
		"foreign Host":   {"Host": "attacker.example:80"},
		"foreign Origin": {"Origin": "http://attacker.example"},
	} {
		if code, body := mcptest.Post(t, base+"/mcp", "", mcptest.ListTools, h); code != http.StatusForbidden {
			t.Errorf("/mcp with a %s: %d %s; want 403", name, code, body)
		}
	}
	if err := stop(); err != nil {
		t.Error(err)
	}

	t.Setenv("CITEBOT_MCP_ENABLED", "false")
	base, _, stop = startServe(t)
	if code, _ := mcptest.Post(t, base+"/mcp", "", mcptest.ListTools, nil); code != http.StatusNotFound {
		t.Errorf("/mcp with mcp.enabled false: %d; want 404", code)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}

// TestMCPFlags: bad flags are usage errors (exit 2), before any index is
// opened.
func TestMCPFlags(t *testing.T) {
	configtest.Isolate(t)
	for _, args := range [][]string{
		{"mcp", "--max-question-bytes", "0"},
		{"mcp", "--log-level", "loud"},
		{"mcp", "--index", "x", "--corpus", "y"},
		{"mcp", "extra"},
	} {
		err := run(context.Background(), args, strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("citebot %s: %v (exit %d); want a usage error", strings.Join(args, " "), err, exitCode(err))
		}
	}
	missing := filepath.Join(t.TempDir(), "none")
	if err := run(context.Background(), []string{"mcp", "--index", missing}, strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Error("citebot mcp with a missing index succeeded")
	}
}

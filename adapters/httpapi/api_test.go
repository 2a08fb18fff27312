package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/httpapi"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval/answer"
)

const refugeeQ = "What was the FY2026 refugee cap?"

// seedIndex is a real in-memory index of the embedded seed articles.
func seedIndex(t testing.TB) *answer.Engine { return adaptertest.SeedIndex(t) }

// fixture is the API over the seeds, as serve wires it.
type fixture struct {
	srv *httptest.Server
	bot *bot.Bot
}

func newFixture(t testing.TB, token string) *fixture {
	t.Helper()
	ix := seedIndex(t)
	m := httpapi.NewMetrics("test-version", ix)
	b := bot.New(ix, bot.WithObserver(m), bot.WithMaxQuestionBytes(200))
	srv := httptest.NewServer(httpapi.New(b, httpapi.Options{Token: token, Metrics: m}).Handler())
	t.Cleanup(srv.Close)
	return &fixture{srv: srv, bot: b}
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func (f *fixture) do(t testing.TB, method, path, token string, body io.Reader) response {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, b := adaptertest.Fetch(t, req)
	return response{resp.StatusCode, resp.Header, b}
}

func (f *fixture) ask(t testing.TB, body string) response {
	t.Helper()
	return f.do(t, http.MethodPost, "/api/ask", "", strings.NewReader(body))
}

func TestAskAnswers(t *testing.T) {
	f := newFixture(t, "")
	r := f.ask(t, `{"question": "What was the FY2026 refugee cap?", "top": 2}`)
	if r.code != http.StatusOK {
		t.Fatalf("status %d, body %s; want 200", r.code, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q; want JSON", ct)
	}
	var reply bot.Reply
	if err := json.Unmarshal(r.body, &reply); err != nil {
		t.Fatal(err)
	}
	if !reply.Answered || reply.Short != "7,500" || len(reply.Citations) != 2 {
		t.Fatalf("reply = answered %v, answer %q, %d citations; want 7,500 with top=2 citations", reply.Answered, reply.Short, len(reply.Citations))
	}

	// The body is what bot.Reply marshals to, byte for byte: the contract
	// shared with `citebot ask --json` (compared directly in cmd/citebot).
	want, err := f.bot.Ask(context.Background(), bot.Request{Question: refugeeQ, Top: 2})
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(r.body, append(wantJSON, '\n')) {
		t.Errorf("body differs from the marshalled bot.Reply:\n got %s\nwant %s", r.body, wantJSON)
	}
}

func TestAskDeclinesAndSurvivesOddQuestions(t *testing.T) {
	f := newFixture(t, "")
	for _, q := range []string{
		`Who won the 1966 World Cup final?`,
		`title:refugee AND +cap -"FY2026" ~2 ^3 /re.*gex/ (`, // Bleve query syntax is text, not a query
		"caf\xc3\x28 \xff refugee cap",                       // invalid UTF-8 (becomes U+FFFD when decoded)
	} {
		body, _ := json.Marshal(map[string]string{"question": q})
		if !json.Valid(body) {
			t.Fatal("test body is not JSON")
		}
		r := f.ask(t, string(body))
		if r.code != http.StatusOK {
			t.Errorf("question %q: status %d %s; want 200 (answered or declined)", q, r.code, r.body)
			continue
		}
		var reply bot.Reply
		if err := json.Unmarshal(r.body, &reply); err != nil {
			t.Fatal(err)
		}
		if !reply.Answered && reply.Closest == nil {
			t.Errorf("question %q: declined without a closest list (want [] at least): %s", q, r.body)
		}
	}
	// Raw invalid UTF-8 bytes inside the JSON string, not escaped.
	r := f.ask(t, "{\"question\": \"refugee cap \xff\xfe?\"}")
	if r.code != http.StatusOK {
		t.Errorf("raw invalid UTF-8: status %d %s; want 200", r.code, r.body)
	}
	r = f.ask(t, `{"question": "Who won the 1966 World Cup final?"}`)
	var reply bot.Reply
	json.Unmarshal(r.body, &reply)
	if reply.Answered {
		t.Errorf("an unanswerable question was answered: %s", r.body)
	}
}

func TestAskRejectsBadInput(t *testing.T) {
	f := newFixture(t, "")
	cases := []struct {
		name, body string
		status     int
		msg        string // part of the message
	}{
		{"not JSON", `question=cap`, 400, "not valid JSON"},
		{"truncated", `{"question": "cap`, 400, "not valid JSON"},
		{"empty body", ``, 400, "empty"},
		{"array", `["What was the cap?"]`, 400, "JSON object"},
		{"missing question", `{"top": 3}`, 400, "question is missing"},
		{"null question", `{"question": null}`, 400, "question is missing"},
		{"empty question", `{"question": ""}`, 400, "empty"},
		{"blank question", `{"question": "  \t\n "}`, 400, "empty"},
		{"question too long", `{"question": "` + strings.Repeat("refugee ", 40) + `"}`, 400, "longer than 200 bytes"},
		{"question a number", `{"question": 42}`, 400, "question must be a string"},
		{"top zero", `{"question": "cap?", "top": 0}`, 400, "top must be between 1 and 20"},
		{"top too big", `{"question": "cap?", "top": 21}`, 400, "top must be between 1 and 20"},
		{"top a string", `{"question": "cap?", "top": "3"}`, 400, "top must be a whole number"},
		{"top fractional", `{"question": "cap?", "top": 1.5}`, 400, "top must be a whole number"},
		{"unknown field", `{"qestion": "cap?"}`, 400, `unknown field "qestion"`},
		{"two values", `{"question": "cap?"} {"question": "again"}`, 400, "more than one JSON value"},
		{"trailing brace", `{"question": "cap?"}}`, 400, "more than one JSON value"},
		{"huge body", `{"question": "` + strings.Repeat("a", httpapi.MaxBodyBytes) + `"}`, 413, "larger than 64 KiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := f.ask(t, c.body)
			if r.code != c.status {
				t.Errorf("status %d; want %d (body %s)", r.code, c.status, r.body)
			}
			e := decodeError(t, r)
			if e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, c.msg) {
				t.Errorf("error = %+v; want code invalid and a message containing %q", e.Error, c.msg)
			}
		})
	}
}

func decodeError(t testing.TB, r response) httpapi.ErrorBody {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type = %q; want JSON", ct)
	}
	var e httpapi.ErrorBody
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body %s is not {\"error\": {code, message}}: %v", r.body, err)
	}
	if e.Error.Message == "" {
		t.Errorf("error body %s has no message", r.body)
	}
	return e
}

func TestRoutingErrorsAreJSON(t *testing.T) {
	f := newFixture(t, "")
	for _, c := range []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{"GET", "/api/ask", 405, "method_not_allowed", "POST"},
		{"DELETE", "/api/sources", 405, "method_not_allowed", "GET, HEAD"},
		{"GET", "/api/nope", 404, "not_found", ""},
	} {
		r := f.do(t, c.method, c.path, "", nil)
		if r.code != c.status || decodeError(t, r).Error.Code != c.code || r.header.Get("Allow") != c.allow {
			t.Errorf("%s %s = %d %s (Allow %q); want %d %s (Allow %q)", c.method, c.path, r.code, r.body, r.header.Get("Allow"), c.status, c.code, c.allow)
		}
	}
}

func TestSources(t *testing.T) {
	f := newFixture(t, "")
	r := f.do(t, "GET", "/api/sources", "", nil)
	if r.code != 200 {
		t.Fatalf("status %d %s", r.code, r.body)
	}
	var got []map[string]any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d sources; want the 2 seed articles: %s", len(got), r.body)
	}
	for _, field := range []string{"doc", "title", "publisher", "author", "date", "url", "collection", "passages", "bytes"} {
		if _, ok := got[1][field]; !ok {
			t.Errorf("source lacks %q: %v", field, got[1])
		}
	}
	if got[1]["publisher"] != "CRBC News" || got[1]["author"] != "Humeyra Pamuk" || got[1]["passages"].(float64) < 1 {
		t.Errorf("second source = %v; want CRBC News by Humeyra Pamuk with passages", got[1])
	}
}

func TestBearerToken(t *testing.T) {
	const token = "s3cret-token-0123456789"
	f := newFixture(t, token)
	ask := func(tok string) response {
		return f.do(t, "POST", "/api/ask", tok, strings.NewReader(`{"question": "What was the FY2026 refugee cap?"}`))
	}
	for _, tok := range []string{"", "wrong-token-0123456789", token + "x", token[:len(token)-1]} {
		r := ask(tok)
		if r.code != 401 || decodeError(t, r).Error.Code != "unauthorized" || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("token %q: %d %s; want 401 unauthorized with WWW-Authenticate", tok, r.code, r.body)
		}
	}
	if r := ask(token); r.code != 200 {
		t.Errorf("right token: %d %s; want 200", r.code, r.body)
	}
	// Basic auth with the token as password is not a bearer token.
	req, _ := http.NewRequest("GET", f.srv.URL+"/api/sources", nil)
	req.SetBasicAuth("user", token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 401 {
		t.Errorf("basic auth accepted: %v %v", resp.StatusCode, err)
	}
	for path, want := range map[string]int{"/api/sources": 401, "/metrics": 401, "/api/nope": 401, "/": 200, "/static/app.js": 200} {
		if r := f.do(t, "GET", path, "", nil); r.code != want {
			t.Errorf("GET %s without token = %d; want %d", path, r.code, want)
		}
	}
	if r := f.do(t, "GET", "/metrics", token, nil); r.code != 200 {
		t.Errorf("GET /metrics with token = %d; want 200", r.code)
	}
}

func TestMetricsAfterQuestions(t *testing.T) {
	f := newFixture(t, "")
	f.ask(t, `{"question": "What was the FY2026 refugee cap?"}`)
	f.ask(t, `{"question": "What was the FY2026 refugee cap?"}`)
	f.ask(t, `{"question": "Who won the 1966 World Cup final?"}`)
	f.ask(t, `{"question": ""}`)
	r := f.do(t, "GET", "/metrics", "", nil)
	if r.code != 200 {
		t.Fatalf("/metrics = %d", r.code)
	}
	text := string(r.body)
	for _, line := range []string{
		`citebot_questions_total{adapter="http",outcome="answered"} 2`,
		`citebot_questions_total{adapter="http",outcome="declined"} 1`,
		`citebot_questions_total{adapter="http",outcome="error"} 1`,
		`citebot_answer_duration_seconds_count{adapter="http"} 3`,
		`citebot_index_documents 2`,
		`citebot_build_info{goversion="` + runtime.Version() + `",version="test-version"} 1`,
		`# TYPE citebot_answer_duration_seconds histogram`,
		`# TYPE citebot_index_passages gauge`,
		`# TYPE citebot_index_bytes gauge`,
	} {
		if !strings.Contains(text, line+"\n") {
			t.Errorf("/metrics lacks %q", line)
		}
	}
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "# TYPE ") {
			name := strings.Fields(l)[2]
			if !strings.HasPrefix(name, "citebot_") && !strings.HasPrefix(name, "go_") && !strings.HasPrefix(name, "process_") && !strings.HasPrefix(name, "promhttp_") {
				t.Errorf("metric %s is neither citebot_ nor a standard go_/process_/promhttp_ metric", name)
			}
		}
	}
}

// TestMetricsCountVotes records votes through a chat adapter's
// bot.Chat over the fixture's bot: /metrics counts them by adapter and
// vote, a repeated click once.
func TestMetricsCountVotes(t *testing.T) {
	f := newFixture(t, "")
	chat := bot.NewChat(f.bot, bot.ChatOptions{Platform: "slack"})
	ctx := context.Background()
	turn, err := chat.Handle(ctx, bot.Message{Channel: "C1", User: "U1", Mentioned: true, Text: refugeeQ})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		user string
		vote bot.Vote
	}{{"U1", bot.VoteUp}, {"U1", bot.VoteUp}, {"U2", bot.VoteUp}, {"U3", bot.VoteDown}} {
		if _, err := chat.Vote(ctx, turn.AnswerID, v.user, "C1", v.vote); err != nil {
			t.Fatal(err)
		}
	}
	text := string(f.do(t, "GET", "/metrics", "", nil).body)
	for _, line := range []string{
		`citebot_feedback_total{adapter="slack",vote="up"} 2`,
		`citebot_feedback_total{adapter="slack",vote="down"} 1`,
		`citebot_questions_total{adapter="slack",outcome="answered"} 1`,
	} {
		if !strings.Contains(text, line+"\n") {
			t.Errorf("/metrics lacks %q", line)
		}
	}
}

func TestPage(t *testing.T) {
	f := newFixture(t, "")
	r := f.do(t, "GET", "/", "", nil)
	if r.code != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %q", r.code, r.header.Get("Content-Type"))
	}
	csp := r.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Referrer-Policy") == "" {
		t.Errorf("security headers missing: %v", r.header)
	}
	for _, want := range []string{`<label for="question">`, `aria-live="polite"`, `name="viewport"`, `/static/app.js`} {
		if !bytes.Contains(r.body, []byte(want)) {
			t.Errorf("page lacks %s", want)
		}
	}
	for path, ctype := range map[string]string{"/static/app.js": "text/javascript", "/static/app.css": "text/css", "/static/icon.svg": "image/svg+xml"} {
		if r := f.do(t, "GET", path, "", nil); r.code != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), ctype) {
			t.Errorf("GET %s = %d %q; want 200 %s", path, r.code, r.header.Get("Content-Type"), ctype)
		}
	}
	if r := f.do(t, "GET", "/nope", "", nil); r.code != 404 {
		t.Errorf("GET /nope = %d; want 404", r.code)
	}
	// The page's template is served filled in at /, never as an asset.
	for _, path := range []string{"/static/", "/static/index.html"} {
		if r := f.do(t, "GET", path, "", nil); r.code != 404 {
			t.Errorf("GET %s = %d; want 404", path, r.code)
		}
	}
}

// TestPageTakesItsWordsFromTheServer: the page gets the confidence under
// which an answer is cautioned, and the caution's words, from the
// server (a JSON data block), not typed again in its script.
func TestPageTakesItsWordsFromTheServer(t *testing.T) {
	f := newFixture(t, "")
	r := f.do(t, "GET", "/", "", nil)
	m := regexp.MustCompile(`<script id="page-data" type="application/json">(.*?)</script>`).FindSubmatch(r.body)
	if m == nil {
		t.Fatalf("the page has no page-data block:\n%s", r.body)
	}
	var data struct {
		LowConfidence *float64 `json:"low_confidence"`
		Caution       string   `json:"caution"`
	}
	if err := json.Unmarshal(m[1], &data); err != nil {
		t.Fatalf("page data %s: %v", m[1], err)
	}
	if data.LowConfidence == nil || *data.LowConfidence != bot.LowConfidence || data.Caution != bot.LowConfidenceNote {
		t.Errorf("page data = %s; want low_confidence %v and the caution %q", m[1], bot.LowConfidence, bot.LowConfidenceNote)
	}
}

// TestPageAssetsAreSelfContained guards the page's two promises: nothing
// loaded from elsewhere (it must work with no network), and document text
// never parsed as HTML.
func TestPageAssetsAreSelfContained(t *testing.T) {
	err := fs.WalkDir(httpapi.WebFS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(httpapi.WebFS(), path)
		if err != nil {
			return err
		}
		text := string(b)
		for _, bad := range []string{"http://", "https://", "//cdn", "@import", "url("} {
			if strings.Contains(text, bad) && !(path == "web/icon.svg" && bad == "http://") {
				t.Errorf("%s refers to %q: the page must not load anything from elsewhere", path, bad)
			}
		}
		for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
			if strings.Contains(text, bad) {
				t.Errorf("%s uses %s; render document text with textContent", path, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkAsk measures POST /api/ask end to end over loopback HTTP on the
// seed index: go test -run '^$' -bench Ask ./adapters/httpapi/
func BenchmarkAsk(b *testing.B) {
	f := newFixture(b, "")
	body := `{"question": "What was the FY2026 refugee cap?"}`
	for b.Loop() {
		if r := f.ask(b, body); r.code != http.StatusOK {
			b.Fatalf("status %d", r.code)
		}
	}
}

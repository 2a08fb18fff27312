package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/citebot/citebot/adapters/httpapi"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval"
)

func (f *fixture) quote(t testing.TB, body string) response {
	t.Helper()
	return f.do(t, http.MethodPost, "/api/quote", "", strings.NewReader(body))
}

// TestQuoteAnswersLikeTheBot: the body is what bot.QuoteReply (or
// bot.WhoReply) marshals to, byte for byte, as `citebot quote --json`
// writes it.
func TestQuoteAnswersLikeTheBot(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	const mixed = "protect your voters from the negative social impacts"

	r := f.quote(t, `{"text": "`+mixed+`", "top": 2}`)
	if r.code != http.StatusOK {
		t.Fatalf("status %d %s; want 200", r.code, r.body)
	}
	var got bot.QuoteReply
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Verdict != retrieval.VerdictNear || len(got.Matches) != 2 || len(got.Matches[0].Differences) == 0 {
		t.Fatalf("verdict %s, %d matches; want near in both articles with differences", got.Verdict, len(got.Matches))
	}
	want, err := f.bot.QuoteCheck(ctx, bot.QuoteRequest{Text: mixed, Top: 2})
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(r.body, append(wantJSON, '\n')) {
		t.Errorf("body differs from the marshalled bot.QuoteReply:\n got %s\nwant %s", r.body, wantJSON)
	}

	r = f.quote(t, `{"text": "“a nation without borders is not a nation”", "who": true}`)
	var who bot.WhoReply
	if err := json.Unmarshal(r.body, &who); err != nil || r.code != http.StatusOK {
		t.Fatalf("status %d %s (%v)", r.code, r.body, err)
	}
	if who.Verdict != retrieval.Attributed || who.Speaker != "Trump" || len(who.Sources) != 3 {
		t.Errorf("who: %s %q with %d sources; want attributed to Trump, 3 places", who.Verdict, who.Speaker, len(who.Sources))
	}

	// Query syntax and invalid UTF-8 are text: 200, not found.
	for _, text := range []string{`title:cable AND +nation -"x" ~2 ^3 /re.*gex/ (`, "caf\xc3\x28 \xff nation"} {
		body, _ := json.Marshal(map[string]string{"text": text})
		r := f.quote(t, string(body))
		var qc bot.QuoteReply
		if err := json.Unmarshal(r.body, &qc); err != nil || r.code != http.StatusOK || qc.Verdict == "" {
			t.Errorf("text %q: status %d %s; want a verdict", text, r.code, r.body)
		}
	}
}

func TestQuoteRejectsBadInput(t *testing.T) {
	f := newFixture(t, "")
	for _, c := range []struct {
		name, body string
		status     int
		msg        string
	}{
		{"not JSON", `text=cap`, 400, "not valid JSON"},
		{"empty body", ``, 400, `send {"text": "…"}`},
		{"array", `["a nation"]`, 400, "JSON object"},
		{"missing text", `{"who": true}`, 400, "text is missing"},
		{"empty text", `{"text": " "}`, 400, "empty"},
		{"text a number", `{"text": 42}`, 400, "text must be a string"},
		{"who a string", `{"text": "a nation", "who": "yes"}`, 400, "who must be true or false"},
		{"unknown field", `{"question": "a nation"}`, 400, `unknown field "question"; expected text, who, top, collections`},
		{"top too big", `{"text": "a nation", "top": 21}`, 400, "top must be between 1 and 20"},
		{"text too long", `{"text": "` + strings.Repeat("nation ", retrieval.MaxQuoteBytes/6) + `"}`, 400, "longer than 5000 bytes"},
		{"two values", `{"text": "a"} {"text": "b"}`, 400, "more than one JSON value"},
		{"huge body", `{"text": "` + strings.Repeat("a", httpapi.MaxBodyBytes) + `"}`, 413, "larger than 64 KiB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := f.quote(t, c.body)
			if r.code != c.status {
				t.Errorf("status %d; want %d (body %s)", r.code, c.status, r.body)
			}
			if e := decodeError(t, r); e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, c.msg) {
				t.Errorf("error = %+v; want code invalid and a message containing %q", e.Error, c.msg)
			}
		})
	}
	r := f.do(t, http.MethodGet, "/api/quote", "", nil)
	if r.code != http.StatusMethodNotAllowed || r.header.Get("Allow") != "POST" || decodeError(t, r).Error.Code != "method_not_allowed" {
		t.Errorf("GET /api/quote = %d %s; want 405 with Allow: POST", r.code, r.body)
	}
}

func TestQuoteNeedsTheToken(t *testing.T) {
	const token = "quote-token-0123456789"
	f := newFixture(t, token)
	if r := f.do(t, http.MethodPost, "/api/quote", "", strings.NewReader(`{"text": "a nation"}`)); r.code != http.StatusUnauthorized {
		t.Errorf("without the token: %d; want 401", r.code)
	}
	if r := f.do(t, http.MethodPost, "/api/quote", token, strings.NewReader(`{"text": "a nation without borders"}`)); r.code != http.StatusOK {
		t.Errorf("with the token: %d %s; want 200", r.code, r.body)
	}
}

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/config/configtest"
	"github.com/citebot/citebot/retrieval"
)

// TestQuoteCommand runs `citebot quote` in-process on the seeds.
func TestQuoteCommand(t *testing.T) {
	var qc bot.QuoteReply
	out := runJSON(t, &qc, "quote", "--json", "protect your voters from the negative social impacts")
	if qc.Verdict != retrieval.VerdictNear || len(qc.Matches) != 2 || strings.Count(out, "\n") != 1 {
		t.Errorf("verdict %s with %d matches (%d lines); want near in both seeds, one line", qc.Verdict, len(qc.Matches), strings.Count(out, "\n"))
	}
	for _, m := range qc.Matches {
		for _, d := range m.Differences {
			if d.Found != "" && !strings.Contains(m.Quote, d.Found) {
				t.Errorf("difference %+v is not in the quote %q", d, m.Quote)
			}
		}
	}

	var who bot.WhoReply
	runJSON(t, &who, "quote", "--who", "--json", "a nation without borders is not a nation")
	if who.Verdict != retrieval.Attributed || who.Speaker != "Trump" {
		t.Errorf("--who: %s %q; want attributed to Trump", who.Verdict, who.Speaker)
	}

	// For a person: the verdict in words, each passage with its source
	// and differences.
	out, _, err := runCmd(t, "quote", "protect your voters from the adverse social impacts")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Exact: the documents say this word for word", "Life Pulse Daily, 2025-11-28 · paragraph 13",
		"Worded differently elsewhere:", "“voters” → “citizens”"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// One check per line of standard input; a failing one is reported
	// in its line and the rest still checked.
	var stdout bytes.Buffer
	in := "a nation without borders is not a nation\n\n" + strings.Repeat("x", retrieval.MaxQuoteBytes+1) + "\nThe weather in Paris was lovely\n"
	if err := run(context.Background(), []string{"quote", "--json"}, strings.NewReader(in), &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], `"verdict":"exact"`) || !strings.Contains(lines[1], `"code":"invalid"`) || !strings.Contains(lines[2], `"verdict":"not_found"`) {
		t.Errorf("stdin checks = %q; want exact, an invalid error, not_found", lines)
	}

	_, _, err = runCmd(t, "quote", "--top", "0", "x")
	if exitCode(err) != 2 {
		t.Errorf("--top 0: %v (exit %d); want a usage error", err, exitCode(err))
	}
}

// TestAskShowsAgreementAndAsOf: the CLI carries the answer's agreement
// and as-of date, in JSON and for a person.
func TestAskShowsAgreementAndAsOf(t *testing.T) {
	var reply bot.Reply
	runJSON(t, &reply, "ask", "--json", "What was the refugee cap in fiscal 2024?")
	if reply.Agreement == nil || reply.Agreement.Status != "agree" || reply.AsOf != "2025-11-28" {
		t.Fatalf("agreement %+v, as_of %q; want agree as of 2025-11-28", reply.Agreement, reply.AsOf)
	}
	if v := reply.Agreement.Values[0]; v.Value != "100,000" || len(v.Forms) != 1 || v.Forms[0] != "100,000+" || len(v.Docs) != 2 {
		t.Errorf("value %+v; want 100,000 (also 100,000+) in both seeds", v)
	}
	out, _, err := runCmd(t, "ask", "What was the FY2026 refugee cap?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "A: 7,500\n   2 sources agree: 7,500 · as of 2025-11-28\n") {
		t.Errorf("ask output lacks the agreement line:\n%s", out)
	}
}

// TestServeQuoteLikeCLI: POST /api/quote answers with exactly what
// `citebot quote --json` writes.
func TestServeQuoteLikeCLI(t *testing.T) {
	configtest.Isolate(t)
	const text = "protect your voters from the negative social impacts"
	cli, _, err := runCmd(t, "quote", "--json", text)
	if err != nil {
		t.Fatal(err)
	}
	base, _, stop := startServe(t)
	code, body := httpDo(t, http.MethodPost, base+"/api/quote", `{"text": "`+text+`"}`)
	if code != http.StatusOK || string(body) != cli {
		t.Errorf("POST /api/quote = %d\n%s\nwant 200 and the CLI's JSON\n%s", code, body, cli)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestEvalQuotesUsage(t *testing.T) {
	for _, args := range [][]string{
		{"eval", "--quotes", "squad"},
		{"eval", "--quotes", "wikipedia", "x.json"},
		{"eval", "--quotes", "squad", "--qa", "x.jsonl", "x.json"},
		{"eval", "--qa", "x.jsonl", "stray"},
	} {
		_, _, err := runCmd(t, args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%q: %v; want a usage error", args, err)
		}
	}
}

package adaptertest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/bot"
)

// Render fixtures: the replies every chat adapter's rendering is checked
// on (the platform's own hostile documents stay with its tests), and
// golden files of what it renders.

// Cite is a citation of quote, found at offset start of a document with
// meta, in paragraph paragraph, with answer (when quote holds it) as its
// highlighted answer span.
func Cite(quote, answer string, start int, meta bot.Metadata, paragraph int) bot.Citation {
	c := bot.Citation{Doc: "doc", Metadata: meta, Paragraph: paragraph, Start: start, End: start + len(quote), Quote: quote, Score: 1}
	if i := strings.Index(quote, answer); answer != "" && i >= 0 {
		c.Highlight = &bot.Span{Start: start + i, End: start + i + len(answer)}
	}
	return c
}

// Answered is an answered question, "7,500", as sure as the seeds' answer
// to it, cited from a document with metadata first and one with second.
func Answered(first, second bot.Metadata) bot.Reply {
	return bot.Reply{Answer: bot.Answer{
		Question: "What was the FY2026 refugee cap?", Answered: true, Short: "7,500", Confidence: 0.846,
		Citations: []bot.Citation{
			Cite("The administration set the FY2026 refugee cap at 7,500, the lowest on record.", "7,500", 1200, first, 4),
			Cite("Trump reduced FY2026 to 7,500 from Biden’s 100,000+ in FY2024.", "7,500", 88, second, 2),
		},
	}}
}

// Ledger is a local paper's story, the metadata of the documents render
// tests quote when the seeds' would not matter.
var Ledger = bot.Metadata{Title: "County budget", Publisher: "The Ledger", Date: "2026-03-04"}

// FromPDF is an answered question quoted from page 2 of a PDF with
// meta, its twelfth paragraph (numbered in the whole document).
func FromPDF(meta bot.Metadata) bot.Reply {
	c := Cite("The county's levy rises to 2.1 percent next year, the budget office said.", "2.1 percent", 5400, meta, 12)
	c.Page = 2
	return bot.Reply{Answer: bot.Answer{Question: "How much does the levy rise?", Answered: true, Short: "2.1 percent", Confidence: 0.91,
		Citations: []bot.Citation{c}}}
}

// Unsure is an answer under bot.LowConfidence, as the seeds give it: the
// whole sentence (so no span of it is the answer), which names a group
// only after the cap the question did not ask about, cited from a
// document with meta.
func Unsure(meta bot.Metadata) bot.Reply {
	const quote = "- Recent US Actions: Refugee cap slashed to 7,500 for FY2026; focus on specific groups like Afrikaner South Africans."
	return bot.Reply{Answer: bot.Answer{
		Question: "Which group of refugees is the administration focusing on?", Answered: true, Short: quote, Confidence: 0.428,
		Citations: []bot.Citation{Cite(quote, "", 3942, meta, 21)},
	}}
}

// Declined is a question the documents cannot answer, with the closest
// passage, from a document with meta.
func Declined(meta bot.Metadata) bot.Reply {
	return bot.Reply{Answer: bot.Answer{
		Question: "What is the refugee cap for fiscal 2027?", Answered: false, Reason: "no document mentions 2027",
		Closest: []bot.Citation{Cite("Trump reduced FY2026 to 7,500 from Biden’s 100,000+ in FY2024.", "", 88, meta, 2)},
	}}
}

// Sources are two documents to list, the second with metadata full of
// the platform's mention syntax.
func Sources(first, hostile bot.Metadata) bot.Turn {
	return bot.Turn{Action: bot.ActionSources, Sources: []bot.DocumentInfo{
		{ID: "000_49e5d4ef9c47bd09", Metadata: first, Collection: "seeds", Passages: 12},
		{ID: "002_af087fb2e48502ed", Metadata: hostile, Passages: 9},
	}}
}

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Golden compares v, as the indented JSON a platform receives, with
// testdata/name.json; go test -update rewrites the file instead.
func Golden(t testing.TB, name string, v any) {
	t.Helper()
	got := indent(t, v)
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it after review):\n%s", path, got)
	}
}

// indent marshals v, then indents it without HTML escaping, so the file
// reads "<@U1>", not "\u003c@U1\u003e" (SDK types may escape when they
// marshal themselves).
func indent(t testing.TB, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(generic); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Rendered checks a message an adapter rendered, as the platform
// receives it: it matches the golden file name, would notify nobody
// (pings, from the platform's checker, is empty) and is within the
// platform's limits (limitErr, from its checker, is nil).
func Rendered(t testing.TB, name string, v any, pings []string, limitErr error) {
	t.Helper()
	Golden(t, name, v)
	if len(pings) > 0 {
		t.Errorf("%s would notify: %q", name, pings)
	}
	if limitErr != nil {
		t.Errorf("%s breaks the platform's limits: %v", name, limitErr)
	}
}

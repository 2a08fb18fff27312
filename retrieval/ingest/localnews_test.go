package ingest

import (
	"context"
	"strings"
	"testing"
	"unicode"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/ingest/ingesttest"
)

// loadLocalNews loads the mixed-format local-news corpus (ingesttest.
// LocalNews) and indexes it in memory.
func loadLocalNews(t *testing.T) (map[string]retrieval.Document, *answer.Engine) {
	t.Helper()
	docs, errs := LoadDir(context.Background(), ingesttest.LocalNews(t), "riverton")
	for _, e := range errs {
		t.Errorf("load: %v", e)
	}
	byID := map[string]retrieval.Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	ix, err := bleveindex.NewMemory(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	eng := answer.New(retrieval.NewLive(ix))
	t.Cleanup(func() { eng.Close() })
	return byID, eng
}

// TestExtractedTextIsWhatReadersType: no format leaves typographic
// ligatures or invisible format characters in a document's text or
// metadata (the PDF sets ﬁ, ﬀ, ﬃ and ﬂ as ligature glyphs, the HTML
// breaks words with &shy;, the JSON Lines brief hides a zero-width
// space), so a question says "sheriff" and finds it, and a quote pasted
// into a story is plain text. Quotes stay verbatim against the cleaned
// text, and PDF page spans still frame their pages.
func TestExtractedTextIsWhatReadersType(t *testing.T) {
	docs, eng := loadLocalNews(t)
	if len(docs) != 8 {
		t.Errorf("loaded %d documents; want all 8 of the corpus", len(docs))
	}
	invisible := func(r rune) bool {
		return r >= '\uFB00' && r <= '\uFB06' || unicode.Is(unicode.Cf, r)
	}
	for id, d := range docs {
		for _, s := range []string{d.Text, d.Title, d.Author, d.Publisher, d.Date} {
			if i := strings.IndexFunc(s, invisible); i >= 0 {
				t.Errorf("%s holds %U in %q", id, []rune(s[i:])[0], s[max(0, i-20):min(len(s), i+20)])
			}
		}
	}
	for id, want := range map[string][]string{
		"city/budget-release":             {"Office of the Mayor", "budget for fiscal 2027", "Sheriff Dana Ortiz", "costs flat"},
		"radio/union-vote":                {"The union represents about 1,800 drivers and mechanics."},
		"briefs/2026-02-20-strike-notice": {"a 10-day strike notice"},
	} {
		for _, s := range want {
			if !strings.Contains(docs[id].Text, s) {
				t.Errorf("%s lacks %q:\n%s", id, s, docs[id].Text)
			}
		}
	}
	pdf := docs["city/budget-release"]
	if len(pdf.Pages) != 1 || pdf.Pages[0].Start != 0 || pdf.Pages[0].End != len(pdf.Text) {
		t.Errorf("PDF pages %v; want one page spanning the cleaned text (%d bytes)", pdf.Pages, len(pdf.Text))
	}

	ans, err := eng.Ask(context.Background(), "Who is the sheriff?", retrieval.AskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered || !strings.Contains(ans.Short, "Dana Ortiz") {
		t.Fatalf("answered %v with %q (%s); want Dana Ortiz", ans.Answered, ans.Short, ans.Reason)
	}
	c := ans.Citations[0]
	if !strings.Contains(c.Quote, "Sheriff Dana Ortiz") || pdf.Text[c.Start:c.End] != c.Quote || c.Page != 1 {
		t.Errorf("citation %q (page %d); want the plain-text sheriff sentence, verbatim, on page 1", c.Quote, c.Page)
	}
}

// Package backendtest is the conformance kit every retrieval.Backend runs,
// in the style of testing/slogtest: the Bleve backend in memory and on
// disk, OpenSearch against a live cluster, and whatever engine comes next
// all keep the same promises. A backend's test calls Run with a function
// that indexes documents into a fresh backend:
//
//	func TestConformance(t *testing.T) {
//		backendtest.Run(t, func(t *testing.T, docs []retrieval.Document) retrieval.Backend {
//			ix, err := bleveindex.NewMemory(context.Background(), docs)
//			if err != nil {
//				t.Fatal(err)
//			}
//			return ix
//		})
//	}
//
// The kit checks the contract of retrieval.Backend (documents stored as
// retrieval/text indexes them, term and phrase search, collection filters,
// corpus statistics, errors, concurrent use), then answers the seed
// articles' questions through retrieval/answer and retrieval/quote over the
// backend: the project's own seed cases and the shared dev set, which every
// backend must answer right.
package backendtest

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/ingest/seedtest"
	"github.com/citebot/citebot/retrieval/qaeval"
	"github.com/citebot/citebot/retrieval/quote"
	"github.com/citebot/citebot/retrieval/text"
)

// Open indexes docs into a new backend for one test; the kit closes it.
type Open func(t *testing.T, docs []retrieval.Document) retrieval.Backend

// Run runs every conformance check against backends made by open.
func Run(t *testing.T, open Open) {
	t.Run("Contract", func(t *testing.T) { testContract(t, open) })
	t.Run("Search", func(t *testing.T) { testSearch(t, open) })
	t.Run("Seeds", func(t *testing.T) { testSeeds(t, open) })
}

func openClosed(t *testing.T, open Open, docs []retrieval.Document) retrieval.Backend {
	t.Helper()
	b := open(t, docs)
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return b
}

// contractDocs are small documents in two collections, written so that
// term and phrase searches have known answers.
func contractDocs() []retrieval.Document {
	return []retrieval.Document{
		{ID: "harbour", Collection: "metro", Metadata: retrieval.Metadata{Title: "Harbour lights", Publisher: "Town Crier", Date: "2025-06-01"},
			Text: "Harbour lights\n\nThe harbour lights were switched off on Tuesday to save 7,500 dollars.\n\nFerries kept running. The mayor said a town without lights is not a town."},
		{ID: "courts/ruling", Collection: "courts", Metadata: retrieval.Metadata{Title: "Ruling on the ferry contract", Author: "Ana Ruiz"},
			Text: "The court ruled that the ferry contract was void.\n\nA town without ferries is an island, the judge wrote."},
		{ID: "budget", Collection: "metro", Metadata: retrieval.Metadata{Title: "Budget"},
			Text: "The budget for fiscal 2026 grows by 3 percent. Lights and ferries cost more."},
	}
}

func testContract(t *testing.T, open Open) {
	ctx := context.Background()
	docs := contractDocs()
	b := openClosed(t, open, docs)

	for _, d := range docs {
		got, err := b.Document(ctx, d.ID)
		if err != nil {
			t.Fatalf("Document(%q): %v", d.ID, err)
		}
		want := text.IndexDocument(d)
		if got.ID != d.ID || got.Text != d.Text || got.Metadata != d.Metadata || got.Collection != d.Collection || got.Hash != want.Hash {
			t.Errorf("Document(%q) = %q %+v %q hash %q; want the document as indexed", d.ID, got.ID, got.Metadata, got.Collection, got.Hash)
		}
		if !reflect.DeepEqual(got.Passages, want.Passages) {
			t.Errorf("Document(%q): passages, sentences or tokens differ from retrieval/text's", d.ID)
		}
	}
	if _, err := b.Document(ctx, "no-such-doc"); !errors.Is(err, retrieval.ErrNoDocument) {
		t.Errorf("Document of a missing id: %v; want ErrNoDocument", err)
	}

	srcs, err := b.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	passages, bytes := 0, 0
	for _, s := range srcs {
		ids = append(ids, s.ID)
		passages += s.Passages
		bytes += s.Bytes
	}
	if !sort.StringsAreSorted(ids) || len(ids) != len(docs) {
		t.Errorf("Sources = %v; want every document, in id order", ids)
	}
	wantPassages := 0
	for _, d := range docs {
		wantPassages += len(text.IndexDocument(d).Passages)
	}
	st, err := b.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != len(docs) || st.Passages != wantPassages || passages != wantPassages || st.Bytes != bytes {
		t.Errorf("Stats = %d documents, %d passages, %d bytes (sources: %d passages, %d bytes); want %d documents, %d passages",
			st.Documents, st.Passages, st.Bytes, passages, bytes, len(docs), wantPassages)
	}

	// Term statistics count passages, as the analysed terms say.
	df := map[string]int{}
	for _, d := range docs {
		for _, p := range text.IndexDocument(d).Passages {
			seen := map[string]bool{}
			for _, tok := range p.Tokens {
				if !seen[tok.Term] {
					seen[tok.Term] = true
					df[tok.Term]++
				}
			}
		}
	}
	terms := []string{"light", "ferri", "town", "7500", "2026", "zebra"}
	ts, err := b.TermStats(ctx, terms)
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range terms {
		if ts.DF[term] != df[term] {
			t.Errorf("TermStats: %q in %d passages; want %d", term, ts.DF[term], df[term])
		}
	}
	if ts.Passages != wantPassages || ts.Documents != len(docs) {
		t.Errorf("TermStats: %d passages, %d documents; want %d, %d", ts.Passages, ts.Documents, wantPassages, len(docs))
	}

	// Concurrent use (run the suite with -race).
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if _, err := b.Search(ctx, termQuery("ferri"), 5, retrieval.Filter{}); err != nil {
					t.Errorf("concurrent Search: %v", err)
					return
				}
				if _, err := b.Document(ctx, docs[i%len(docs)].ID); err != nil {
					t.Errorf("concurrent Document: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.Search(cancelled, termQuery("ferri"), 5, retrieval.Filter{}); err == nil {
		t.Error("Search with a cancelled context succeeded")
	}

	// After Close every call fails with ErrClosed; Close again is harmless.
	c := open(t, docs)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := c.Search(ctx, termQuery("ferri"), 5, retrieval.Filter{}); !errors.Is(err, retrieval.ErrClosed) {
		t.Errorf("Search after Close: %v; want ErrClosed", err)
	}
	if _, err := c.Document(ctx, docs[0].ID); !errors.Is(err, retrieval.ErrClosed) {
		t.Errorf("Document after Close: %v; want ErrClosed", err)
	}
	if _, err := c.Sources(ctx); !errors.Is(err, retrieval.ErrClosed) {
		t.Errorf("Sources after Close: %v; want ErrClosed", err)
	}
}

func termQuery(terms ...string) retrieval.Query {
	var q retrieval.Query
	for _, t := range terms {
		q.Terms = append(q.Terms, retrieval.QueryTerm{Term: t, Boost: 1})
	}
	return q
}

func phrase(t *testing.T, s string, boost float64) retrieval.Phrase {
	t.Helper()
	ph, ok := retrieval.PhraseOf(text.Analyze(s), boost)
	if !ok {
		t.Fatalf("no terms in %q", s)
	}
	return ph
}

// hitKeys names hits as DOC#PASSAGE, checking scores are best first.
func hitKeys(t *testing.T, hits []retrieval.Hit) []string {
	t.Helper()
	var out []string
	for i, h := range hits {
		if i > 0 && h.Score > hits[i-1].Score {
			t.Errorf("hit %d scores %v, above the hit before it (%v)", i, h.Score, hits[i-1].Score)
		}
		out = append(out, h.Doc+"#"+strconv.Itoa(h.Passage))
	}
	return out
}

func testSearch(t *testing.T, open Open) {
	ctx := context.Background()
	b := openClosed(t, open, contractDocs())
	search := func(q retrieval.Query, k int, f retrieval.Filter) []string {
		t.Helper()
		hits, err := b.Search(ctx, q, k, f)
		if err != nil {
			t.Fatalf("Search: %v", err)
		}
		if len(hits) > k {
			t.Errorf("%d hits; asked for at most %d", len(hits), k)
		}
		keys := hitKeys(t, hits)
		sort.Strings(keys)
		return keys
	}
	for _, tc := range []struct {
		name string
		q    retrieval.Query
		k    int
		f    retrieval.Filter
		want []string
	}{
		{"one term", termQuery("ferri"), 10, retrieval.Filter{}, []string{"budget#0", "courts/ruling#0", "courts/ruling#1", "harbour#2"}},
		{"a number as indexed", termQuery("7500"), 10, retrieval.Filter{}, []string{"harbour#1"}},
		{"a term found nowhere", termQuery("zebra"), 10, retrieval.Filter{}, nil},
		{"k bounds the hits", termQuery("ferri"), 2, retrieval.Filter{}, nil},
		{"a collection", termQuery("ferri"), 10, retrieval.Filter{Collections: []string{"courts"}}, []string{"courts/ruling#0", "courts/ruling#1"}},
		{"two collections", termQuery("ferri"), 10, retrieval.Filter{Collections: []string{"courts", "metro"}}, []string{"budget#0", "courts/ruling#0", "courts/ruling#1", "harbour#2"}},
		{"a collection without the term", termQuery("7500"), 10, retrieval.Filter{Collections: []string{"courts"}}, nil},
		{"a required phrase across a stop word", retrieval.Query{Required: []retrieval.Phrase{phrase(t, "town without lights", 0)}}, 10, retrieval.Filter{}, []string{"harbour#2"}},
		{"a required phrase in the wrong order", retrieval.Query{Required: []retrieval.Phrase{phrase(t, "lights without town", 0)}}, 10, retrieval.Filter{}, nil},
		{"a required phrase and an optional term", retrieval.Query{Required: []retrieval.Phrase{phrase(t, "a town without", 0)}, Terms: termQuery("judg").Terms}, 10, retrieval.Filter{}, []string{"courts/ruling#1"}},
		{"an empty query", retrieval.Query{}, 10, retrieval.Filter{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := search(tc.q, tc.k, tc.f)
			if tc.name == "k bounds the hits" {
				if len(got) != 2 {
					t.Errorf("%d hits; want 2", len(got))
				}
				return
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("hits %v; want %v", got, tc.want)
			}
		})
	}
	// Boosts and phrases rank: the passage with the boosted phrase first.
	q := retrieval.Query{Terms: termQuery("town").Terms, Phrases: []retrieval.Phrase{phrase(t, "town without ferries", 5)}}
	hits, err := b.Search(ctx, q, 10, retrieval.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) < 2 || hits[0].Doc != "courts/ruling" || hits[0].Passage != 1 {
		t.Errorf("hits %v; want the passage holding the boosted phrase first", hitKeys(t, hits))
	}
}

//go:embed testdata/seed-questions.json
var seedQuestions []byte

//go:embed testdata/seeds-dev.jsonl
var seedsDev []byte

// seedCase is one line of testdata/seed-questions.json: a question about
// the seed articles and what a right answer looks like. The cases are
// written for these tests (not the shared dev set) and include declines
// and query-syntax junk.
type seedCase struct {
	Question string   `json:"question"`
	Answer   string   `json:"answer"`          // the short answer contains this
	InQuote  string   `json:"answer_in_quote"` // the first quote contains this
	Docs     []string `json:"docs"`            // the first citation is from one of these
	Declined bool     `json:"declined"`
	Any      bool     `json:"any"` // only the invariants matter
}

func testSeeds(t *testing.T, open Open) {
	eng := answer.New(retrieval.NewLive(open(t, seedtest.Docs(t))))
	t.Cleanup(func() { eng.Close() })
	ctx := context.Background()

	t.Run("Questions", func(t *testing.T) {
		var cases []seedCase
		if err := json.Unmarshal(seedQuestions, &cases); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			t.Run(c.Question, func(t *testing.T) {
				ans, err := eng.Ask(ctx, c.Question, retrieval.AskOptions{Top: 3})
				if err != nil {
					t.Fatalf("Ask: %v", err)
				}
				CheckAnswer(t, eng, ans)
				switch {
				case c.Any:
				case c.Declined:
					if ans.Answered {
						t.Errorf("answered %q from %q; want a decline", ans.Short, ans.Citations[0].Quote)
					}
					if ans.Reason == "" {
						t.Error("declined without a reason")
					}
				default:
					if !ans.Answered {
						t.Fatalf("declined (%s); want an answer", ans.Reason)
					}
					if c.Answer != "" && !strings.Contains(ans.Short, c.Answer) {
						t.Errorf("answer %q; want it to contain %q", ans.Short, c.Answer)
					}
					if c.InQuote != "" && !strings.Contains(ans.Citations[0].Quote, c.InQuote) {
						t.Errorf("first quote %q; want it to contain %q", ans.Citations[0].Quote, c.InQuote)
					}
					if len(c.Docs) > 0 && !slices.Contains(c.Docs, ans.Citations[0].Doc) {
						t.Errorf("first citation from %s; want one of %v", ans.Citations[0].Doc, c.Docs)
					}
				}
			})
		}
	})

	t.Run("DevSet", func(t *testing.T) {
		items, err := qaeval.ReadJSONL(bytes.NewReader(seedsDev))
		if err != nil {
			t.Fatal(err)
		}
		sum, results, err := qaeval.Run(ctx, eng, items, retrieval.DefaultTop)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if !r.Right() {
				t.Errorf("%s %q: answered %v %q; want %v", r.Item.ID, r.Item.Question, r.Answer.Answered, r.Answer.Short, r.Item.Answers)
			}
		}
		if sum.VerbatimQuotes != sum.Quotes {
			t.Errorf("%d of %d quotes verbatim", sum.VerbatimQuotes, sum.Quotes)
		}
	})

	t.Run("Top", func(t *testing.T) {
		for _, top := range []int{1, 2, 5} {
			for _, q := range []string{"What was the FY2026 refugee cap?", "What is the boiling point of water?"} {
				ans, err := eng.Ask(ctx, q, retrieval.AskOptions{Top: top})
				if err != nil {
					t.Fatal(err)
				}
				if len(ans.Citations) > top || len(ans.Closest) > top {
					t.Errorf("top %d: %d citations, %d closest", top, len(ans.Citations), len(ans.Closest))
				}
			}
		}
	})

	t.Run("Junk", func(t *testing.T) {
		for _, q := range []string{
			strings.Repeat("refugee cap ", 1000),
			strings.Repeat("x", 10000),
			strings.Repeat("a* b~ c: d+ \"e\" /f/ (g) [h] {i} ^j ", 300),
			"\xff\xfe\x00 refugee \x01 cap",
			"",
			"   ",
		} {
			ans, err := eng.Ask(ctx, q, retrieval.AskOptions{})
			if err != nil {
				t.Errorf("Ask(%.40q…): %v", q, err)
				continue
			}
			CheckAnswer(t, eng, ans)
		}
	})

	t.Run("DeclineOffersClosest", func(t *testing.T) {
		ans, err := eng.Ask(ctx, "What is the refugee cap for fiscal 2027?", retrieval.AskOptions{Top: 3})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Answered {
			t.Fatalf("answered %q; a question about fiscal 2027 must not get the 2026 figure", ans.Short)
		}
		if !strings.Contains(ans.Reason, "2027") {
			t.Errorf("reason %q; want it to name 2027", ans.Reason)
		}
		found := false
		for _, c := range ans.Closest {
			found = found || strings.Contains(strings.ToLower(c.Quote), "refugee cap")
		}
		if !found {
			t.Errorf("closest passages %v; want one about the refugee cap", ans.Closest)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				q := []string{"What was the FY2026 refugee cap?", "Who said a nation without borders is not a nation?"}[i%2]
				for range 5 {
					ans, err := eng.Ask(ctx, q, retrieval.AskOptions{})
					if err != nil || !ans.Answered {
						t.Errorf("Ask(%q) = %v, %v", q, ans.Answered, err)
					}
				}
			}()
		}
		wg.Wait()
	})

	t.Run("Cancelled", func(t *testing.T) {
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := eng.Ask(cancelled, "What was the FY2026 refugee cap?", retrieval.AskOptions{}); err == nil {
			t.Error("Ask with a cancelled context succeeded")
		}
	})

	t.Run("QuoteCheck", func(t *testing.T) {
		for _, tc := range []struct {
			text string
			want retrieval.Verdict
		}{
			{"protect your voters from the adverse social impacts", retrieval.VerdictExact},
			{"protect your voters from the negative social impacts", retrieval.VerdictNear},
			{"the harbour lights were switched off on Tuesday", retrieval.VerdictNotFound},
		} {
			qc, err := eng.CheckQuote(ctx, tc.text, retrieval.QuoteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if qc.Verdict != tc.want {
				t.Errorf("CheckQuote(%q) = %s; want %s", tc.text, qc.Verdict, tc.want)
			}
		}
		at, err := eng.WhoSaid(ctx, "a nation without borders is not a nation", retrieval.QuoteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if at.Verdict != retrieval.Attributed || at.Speaker != "Trump" {
			t.Errorf("WhoSaid = %s %q; want attributed to Trump", at.Verdict, at.Speaker)
		}
		if quote.NearThreshold <= 0 {
			t.Error("no near threshold")
		}
	})
}

// CheckAnswer asserts the contract every answer keeps: citations exactly
// when answered, closest only when declined, every quote exactly the
// document's text between its offsets (so no highlight markup),
// highlights inside their quotes, and a short answer that is a quote or
// part of one.
func CheckAnswer(t testing.TB, docs interface {
	DocumentText(id string) (string, error)
}, ans retrieval.Answer) {
	t.Helper()
	if ans.Answered != (len(ans.Citations) > 0) {
		t.Fatalf("answered=%v with %d citations", ans.Answered, len(ans.Citations))
	}
	if ans.Answered && len(ans.Closest) > 0 {
		t.Errorf("answered with %d closest passages", len(ans.Closest))
	}
	if ans.Answered && ans.Short == "" {
		t.Error("answered with an empty answer")
	}
	for _, cs := range [][]retrieval.Citation{ans.Citations, ans.Closest} {
		for _, c := range cs {
			text, err := docs.DocumentText(c.Doc)
			if err != nil {
				t.Fatalf("citation of unknown document %s: %v", c.Doc, err)
			}
			if c.Start < 0 || c.End > len(text) || c.Start >= c.End || text[c.Start:c.End] != c.Quote {
				t.Fatalf("quote %q is not document %s [%d:%d]", c.Quote, c.Doc, c.Start, c.End)
			}
			if strings.Contains(c.Quote, "<mark>") || strings.Contains(c.Quote, "</mark>") {
				t.Errorf("highlight markup in quote %q", c.Quote)
			}
			if c.Paragraph < 1 {
				t.Errorf("paragraph %d", c.Paragraph)
			}
			if h := c.Highlight; h != nil && (h.Start < c.Start || h.End > c.End || h.Start >= h.End) {
				t.Errorf("highlight %v outside quote [%d:%d]", *h, c.Start, c.End)
			}
			if c.Score < 0 || c.Score > 1 {
				t.Errorf("score %v outside [0, 1]", c.Score)
			}
		}
	}
	if ans.Answered {
		inQuote := false
		for _, c := range ans.Citations {
			if strings.Contains(c.Quote, ans.Short) {
				inQuote = true
			}
		}
		// An answer read from metadata (a publication date) may be in no
		// quote: its citation says so.
		if !inQuote && ans.Citations[0].Highlight == nil && !ans.Citations[0].FromMetadata {
			t.Errorf("short answer %q is in no quote", ans.Short)
		}
	}
}

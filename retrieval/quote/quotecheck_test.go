package quote

import (
	"context"
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval/ingest/seedtest"
	rtext "github.com/citebot/citebot/retrieval/text"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/bleveindex"
)

// testIndex checks quotes against one backend.
type testIndex struct{ b retrieval.Backend }

func (ix testIndex) CheckQuote(ctx context.Context, text string, opts retrieval.QuoteOptions) (retrieval.QuoteCheck, error) {
	return Check(ctx, ix.b, text, opts)
}

func (ix testIndex) WhoSaid(ctx context.Context, text string, opts retrieval.QuoteOptions) (retrieval.Attribution, error) {
	return WhoSaid(ctx, ix.b, text, opts)
}

func (ix testIndex) DocumentText(id string) (string, error) {
	d, err := ix.b.Document(context.Background(), id)
	if err != nil {
		return "", err
	}
	return d.Text, nil
}

// seedIndex is a real in-memory index of the embedded seed articles.
func seedIndex(t testing.TB) testIndex {
	t.Helper()
	return memIndex(t, seedtest.Docs(t)...)
}

// memIndex indexes docs in memory (the Bleve backend) and closes the
// index after the test.
func memIndex(t testing.TB, docs ...retrieval.Document) testIndex {
	t.Helper()
	ix, err := bleveindex.NewMemory(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return testIndex{ix}
}

// The seed ids.
const (
	lifePulse = "000_49e5d4ef9c47bd09" // Life Pulse Daily, 2025-11-28
	crbc      = "002_af087fb2e48502ed" // CRBC News, Humeyra Pamuk, undated
)

// TestAlignDifferences checks alignments and that every difference's
// offsets point at its found words in the document text.
func TestAlignDifferences(t *testing.T) {
	const doc = "Talking points encourage ensuring policies “protect your voters from the adverse social impacts of mass migration,” explicitly naming risks."
	for _, tc := range []struct {
		name, quote string
		exact       bool
		want        []retrieval.Difference // Start/End checked against doc, not here
	}{
		{"exact modulo marks and case", "“Protect your VOTERS from the adverse social impacts”", true, nil},
		{"ellipsis skips words", "protect your voters … of mass migration", true, nil},
		{"two words replaced", "protect your citizens from the negative social impacts", false,
			[]retrieval.Difference{{Expected: "citizens", Found: "voters"}, {Expected: "negative", Found: "adverse"}}},
		{"a word dropped from the quote", "protect your voters from the social impacts", false,
			[]retrieval.Difference{{Expected: "", Found: "adverse"}}},
		{"a word the document lacks", "protect all your voters from the adverse social impacts", false,
			[]retrieval.Difference{{Expected: "all", Found: ""}}},
		{"an ellipsis in the wrong order is not exact", "of mass migration … protect your voters", false, nil},
		// The document's extra word is the difference, at the end of the
		// quote as in its middle; the quote's last word is not "missing".
		{"the document inserts a word before the quote's last", "the adverse social impacts of migration", false,
			[]retrieval.Difference{{Expected: "", Found: "mass"}}},
		{"the document inserts a word before the quote's first", "voters from the social impacts", false,
			[]retrieval.Difference{{Expected: "", Found: "adverse"}}},
		{"the quote adds a word before its last", "the adverse social impacts of mass illegal migration", false,
			[]retrieval.Difference{{Expected: "illegal", Found: ""}}},
		{"the last word replaced", "the adverse social impacts of mass immigration", false,
			[]retrieval.Difference{{Expected: "immigration", Found: "migration"}}},
		{"the first word replaced", "shield your voters from the adverse social impacts", false,
			[]retrieval.Difference{{Expected: "shield", Found: "protect"}}},
		{"a word the document lacks at the end of a clause", "the adverse social impacts of mass migration policies", false,
			[]retrieval.Difference{{Expected: "policies", Found: ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := rtext.Words(tc.quote, true)
			d := rtext.Words(doc, false)
			a, ok := align(q, d)
			if !ok {
				t.Fatal("align refused")
			}
			if a.exact() != tc.exact {
				t.Fatalf("exact = %v (cost %.2f, similarity %.3f); want %v", a.exact(), a.cost, a.similarity(), tc.exact)
			}
			if tc.exact && a.similarity() != 1 {
				t.Errorf("exact match with similarity %.3f; want 1", a.similarity())
			}
			diffs := differences(a, q, tc.quote, d, doc)
			for _, df := range diffs {
				if df.Start < 0 || df.End > len(doc) || df.Start > df.End || doc[df.Start:df.End] != df.Found {
					t.Errorf("difference %+v: offsets do not hold %q in the document", df, df.Found)
				}
				if df.Found == "" && df.Start != df.End {
					t.Errorf("missing words %+v: want an empty span where they would be", df)
				}
			}
			if tc.want == nil {
				if tc.exact && len(diffs) != 0 {
					t.Errorf("exact match with differences %+v", diffs)
				}
				return
			}
			if len(diffs) != len(tc.want) {
				t.Fatalf("differences = %+v; want %d", diffs, len(tc.want))
			}
			for i, w := range tc.want {
				if diffs[i].Expected != w.Expected || diffs[i].Found != w.Found {
					t.Errorf("difference %d = %q → %q; want %q → %q", i, diffs[i].Expected, diffs[i].Found, w.Expected, w.Found)
				}
			}
		})
	}
	// "adverse" is missing at the place it would stand: right after
	// "the ".
	q := rtext.Words("protect your voters from the social impacts", true)
	d := rtext.Words(doc, false)
	a, _ := align(q, d)
	diffs := differences(a, q, "protect your voters from the social impacts", d, doc)
	if len(diffs) != 1 || doc[diffs[0].Start:diffs[0].End] != "adverse" {
		t.Fatalf("differences = %+v; want the document's extra word adverse", diffs)
	}
}

func TestCheckQuoteOnSeeds(t *testing.T) {
	ix := seedIndex(t)
	ctx := context.Background()
	check := func(t *testing.T, text string) retrieval.QuoteCheck {
		t.Helper()
		qc, err := ix.CheckQuote(ctx, text, retrieval.QuoteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, list := range [][]retrieval.QuoteMatch{qc.Matches, qc.Variants, qc.Closest} {
			for _, m := range list {
				verifyMatch(t, ix, m)
			}
		}
		return qc
	}

	t.Run("exact in both articles, with curly and straight quotes", func(t *testing.T) {
		qc := check(t, `"A nation without borders is not a nation"`)
		if qc.Verdict != retrieval.VerdictExact || len(qc.Matches) != 3 {
			t.Fatalf("verdict %s with %d matches; want exact at the three places the seeds quote it", qc.Verdict, len(qc.Matches))
		}
		docs := map[string]int{}
		for _, m := range qc.Matches {
			docs[m.Doc]++
			if m.Score != 1 || len(m.Differences) != 0 {
				t.Errorf("exact match with score %v and differences %+v", m.Score, m.Differences)
			}
			if m.Highlight == nil || !strings.EqualFold(ixText(t, ix, m.Doc)[m.Highlight.Start:m.Highlight.End], "a nation without borders is not a nation") {
				t.Errorf("highlight %+v does not mark the quoted words", m.Highlight)
			}
		}
		if docs[lifePulse] != 2 || docs[crbc] != 1 {
			t.Errorf("matches per document = %v; want 2 in Life Pulse Daily and 1 in CRBC News", docs)
		}
	})

	t.Run("exact, and the other article's wording as a variant", func(t *testing.T) {
		qc := check(t, "protect your voters from the adverse social impacts")
		if qc.Verdict != retrieval.VerdictExact || len(qc.Matches) != 1 || qc.Matches[0].Doc != lifePulse {
			t.Fatalf("%s %+v; want exact in Life Pulse Daily", qc.Verdict, qc.Matches)
		}
		if len(qc.Variants) != 1 || qc.Variants[0].Doc != crbc {
			t.Fatalf("variants = %+v; want CRBC News's wording", qc.Variants)
		}
		if got := diffPairs(qc.Variants[0].Differences); got != "voters→citizens adverse→negative" {
			t.Errorf("variant differences = %s; want voters→citizens adverse→negative", got)
		}
	})

	t.Run("near: a mix of the two wordings", func(t *testing.T) {
		qc := check(t, "protect your voters from the negative social impacts of mass migration")
		if qc.Verdict != retrieval.VerdictNear || len(qc.Matches) != 2 {
			t.Fatalf("%s with %d matches; want near in both articles", qc.Verdict, len(qc.Matches))
		}
		got := map[string]string{}
		for _, m := range qc.Matches {
			got[m.Doc] = diffPairs(m.Differences)
			if m.Score < NearThreshold || m.Score >= 1 {
				t.Errorf("near match score %v; want in [%v, 1)", m.Score, NearThreshold)
			}
		}
		if got[lifePulse] != "negative→adverse" || got[crbc] != "voters→citizens" {
			t.Errorf("differences = %v; want negative→adverse in Life Pulse Daily, voters→citizens in CRBC News", got)
		}
	})

	t.Run("an ellipsis stands for omitted words", func(t *testing.T) {
		qc := check(t, "The cable … includes more than a dozen suggested talking points")
		if qc.Verdict != retrieval.VerdictExact || qc.Matches[0].Doc != crbc {
			t.Fatalf("%s %+v; want exact in CRBC News", qc.Verdict, qc.Matches)
		}
	})

	t.Run("not found, with query syntax taken as text", func(t *testing.T) {
		for _, text := range []string{
			"The weather in Paris was lovely this spring",
			`title:cable AND +nation -"borders" ~2 ^3 /re.*gex/ (`,
		} {
			qc := check(t, text)
			if qc.Verdict != retrieval.VerdictNotFound || len(qc.Matches) != 0 {
				t.Errorf("%q: %s %+v; want not_found", text, qc.Verdict, qc.Matches)
			}
		}
	})

	t.Run("nothing to look for", func(t *testing.T) {
		qc := check(t, " “…” ")
		if qc.Verdict != retrieval.VerdictNotFound || qc.Reason == "" {
			t.Errorf("%+v; want not_found with a reason", qc)
		}
	})

	t.Run("huge input is cut, not refused", func(t *testing.T) {
		qc := check(t, strings.Repeat("a nation without borders is not a nation ", 2000))
		if len(qc.Text) > retrieval.MaxQuoteBytes {
			t.Errorf("checked %d bytes; want at most %d", len(qc.Text), retrieval.MaxQuoteBytes)
		}
	})
}

// TestCheckQuoteCollections: a quote check limited to some collections
// never sees the others.
func TestCheckQuoteCollections(t *testing.T) {
	ix := memIndex(t,
		retrieval.Document{ID: "a", Collection: "politics", Text: "The minister said the budget would rise by four percent next year."},
		retrieval.Document{ID: "b", Collection: "sport", Text: "The coach said the team would rise to the challenge next year."},
	)
	qc, err := ix.CheckQuote(context.Background(), "the budget would rise by four percent", retrieval.QuoteOptions{Filter: retrieval.Filter{Collections: []string{"sport"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range append(append(qc.Matches, qc.Variants...), qc.Closest...) {
		if m.Doc != "b" {
			t.Errorf("a check limited to sport returned %s", m.Doc)
		}
	}
	if qc.Verdict == retrieval.VerdictExact {
		t.Errorf("verdict exact; the quote is only in the politics collection")
	}
}

// verifyMatch checks a match's offsets against its document: the quote
// is the text, the highlight and differences lie inside it.
func verifyMatch(t *testing.T, ix testIndex, m retrieval.QuoteMatch) {
	t.Helper()
	text := ixText(t, ix, m.Doc)
	if m.Start < 0 || m.End > len(text) || text[m.Start:m.End] != m.Quote {
		t.Fatalf("%s [%d,%d): quote is not the document's text", m.Doc, m.Start, m.End)
	}
	if h := m.Highlight; h != nil && (h.Start < m.Start || h.End > m.End || h.Start >= h.End) {
		t.Errorf("highlight %+v outside the quote [%d,%d)", *h, m.Start, m.End)
	}
	for _, d := range m.Differences {
		if d.Start < m.Start || d.End > m.End || text[d.Start:d.End] != d.Found {
			t.Errorf("difference %+v is not the document's text inside the quote", d)
		}
	}
}

func ixText(t *testing.T, ix testIndex, id string) string {
	t.Helper()
	text, err := ix.DocumentText(id)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func diffPairs(ds []retrieval.Difference) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, d.Expected+"→"+d.Found)
	}
	return strings.Join(parts, " ")
}

func FuzzQuoteCheck(f *testing.F) {
	f.Add("“A nation … not a nation,” he said.", "The cable quotes the president saying, \"a nation without borders is not a nation.\"")
	f.Add("7,500 don’t . . . FY2026", "7500 don't in FY 2026…")
	f.Add("\xff\xfe …… ...", "a\x00b ’’ \"")
	f.Fuzz(func(t *testing.T, quote, doc string) {
		if len(quote) > 2000 || len(doc) > 4000 {
			return
		}
		q := rtext.Words(quote, true)
		d := rtext.Words(doc, false)
		for _, w := range append(append([]rtext.Word{}, q...), d...) {
			if w.Norm == "" || w.Start < 0 || w.Start >= w.End {
				t.Fatalf("bad word %+v", w)
			}
		}
		a, ok := align(q, d)
		if !ok {
			return
		}
		if s := a.similarity(); s < 0 || s > 1.0000001 {
			t.Fatalf("similarity %v outside [0, 1]", s)
		}
		if a.exact() && strings.Join(rtext.QuoteWords(quote), " ") == "" {
			t.Fatal("exact match of no words")
		}
		for _, df := range differences(a, q, quote, d, doc) {
			if df.Start < 0 || df.End > len(doc) || df.Start > df.End || doc[df.Start:df.End] != df.Found {
				t.Fatalf("difference %+v does not point at its words", df)
			}
		}
	})
}

// BenchmarkCheckQuote checks a near quote and asks who said an exact one
// on the seeds: go test -run '^$' -bench 'CheckQuote|WhoSaid' ./retrieval/
func BenchmarkCheckQuote(b *testing.B) {
	ix := seedIndex(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := ix.CheckQuote(ctx, "protect your voters from the negative social impacts of mass migration", retrieval.QuoteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWhoSaid(b *testing.B) {
	ix := seedIndex(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := ix.WhoSaid(ctx, "a nation without borders is not a nation", retrieval.QuoteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

package peers

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/citebot/citebot/cmd/citebench/internal/citebot"
)

// loadSeeds loads the embedded seeds once for all the tests.
var loadSeeds = sync.OnceValues(func() ([]citebot.Document, error) {
	return citebot.Seeds(context.Background())
})

func seedDocs(t *testing.T) []citebot.Document {
	docs, err := loadSeeds()
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// build builds docs into dir with system's builder, which must succeed,
// and returns the builder and how many passages it indexed.
func build(t *testing.T, system, dir string, docs []citebot.Document) (Builder, int) {
	t.Helper()
	b, err := NewBuilder(system, dir, docs)
	if err != nil {
		t.Fatal(err)
	}
	n, err := b.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return b, n
}

// Every system builds from the seeds, answers from what it built, and
// each quote it offers is the document's text at the quote's span: the
// judge compares spans (COVID-QA), so a quote located wrongly would be
// judged wrongly.
func TestEverySystemBuildsAndQuotesTheDocuments(t *testing.T) {
	ctx := context.Background()
	docs := seedDocs(t)
	text := map[string]string{}
	passages := 0
	for _, d := range docs {
		text[d.ID] = d.Text
		passages += len(citebot.Segment(d.Text))
	}
	for _, system := range Names {
		t.Run(system, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			_, n := build(t, system, dir, docs)
			if n != passages {
				t.Errorf("indexed %d passages; want the seeds' %d", n, passages)
			}
			a, err := Open(system, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			q := "What was the FY2026 refugee cap?"
			res, err := a.Ask(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			quotes, answered, err := a.Quotes(q, res)
			if err != nil {
				t.Fatal(err)
			}
			if !answered || len(quotes) == 0 {
				t.Fatalf("no answer to %q", q)
			}
			top := CitebotTop
			if system != Citebot {
				top = PeerTop
			}
			if len(quotes) > top {
				t.Errorf("%d quotes; want at most %d", len(quotes), top)
			}
			for _, qt := range quotes {
				if got := text[qt.Doc][qt.Span.Start:qt.Span.End]; got != qt.Text {
					t.Errorf("quote %q is located at %q", qt.Text, got)
				}
			}
			if !strings.Contains(quotes[0].Text, "7,500") {
				t.Errorf("best quote for the cap does not state it: %q", quotes[0].Text)
			}
		})
	}
}

// The plain Bleve peer: its own index with the standard English
// analyzer; a question is never query syntax; stop words alone find
// nothing; a second build into the same folder or a cancelled one fails.
func TestBlevePeer(t *testing.T) {
	ctx := context.Background()
	docs := seedDocs(t)
	dir := filepath.Join(t.TempDir(), "bleve")
	b, _ := build(t, Bleve, dir, docs)
	a, err := openBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if m := a.ix.Mapping().AnalyzerNameForPath(bleveTextField); m != "en" {
		t.Errorf("text is analysed by %q; want Bleve's standard English analyzer", m)
	}
	for _, q := range []string{
		`refugee +cap -admissions "State Department`,
		"title: cable AND text: borders^5 OR /regex/ ~fuzzy* (",
	} {
		res, err := a.Ask(ctx, q)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if ids := res.([]string); len(ids) == 0 {
			t.Errorf("%q: nothing found", q)
		}
	}
	// "refugees" finds "refugee" (stemming), which the keyword-free
	// match would not.
	res, err := a.Ask(ctx, "refugees")
	if err != nil || len(res.([]string)) == 0 {
		t.Errorf("a plural found nothing: %v", err)
	}
	if res, err := a.Ask(ctx, "the of and"); err != nil || len(res.([]string)) != 0 {
		t.Errorf("stop words only: %v, %v; want nothing", res, err)
	}
	if _, err := b.Build(ctx); err == nil {
		t.Error("a second build into the same folder succeeded")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	b2, _ := NewBuilder(Bleve, filepath.Join(t.TempDir(), "bleve"), docs)
	if _, err := b2.Build(cancelled); err == nil {
		t.Error("a cancelled build succeeded")
	}
}

// A question goes to FTS5 as quoted words: nothing in it is FTS5 syntax,
// and FTS5 accepts whatever it holds.
func TestFTSMatchIsNeverSyntax(t *testing.T) {
	ctx := context.Background()
	db, err := openSQLite(filepath.Join(t.TempDir(), "t.db"), true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows := []passage{
		{text: "The refugee cap was set at 7,500 for fiscal 2026.", doc: "a", ord: 0, start: 0},
		{text: "Diplomats were told to lobby Europe, Canada and Australia.", doc: "a", ord: 1, start: 60},
		{text: "NEAR the border, officials said nothing.", doc: "b", ord: 0, start: 0},
	}
	if err := buildFTS(ctx, db, rows); err != nil {
		t.Fatal(err)
	}
	st, err := db.Prepare(ftsQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, q := range []string{
		`What was the "refugee cap"?`,
		`NEAR(border officials) AND text:cap* OR -lobby ^Canada {a b}`,
		`"unbalanced quote`,
		`what is the`,
	} {
		if _, err := searchFTS(st, q, 5); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
	hits, err := searchFTS(st, "Which regions were diplomats told to lobby?", 5)
	if err != nil || len(hits) == 0 || hits[0].doc != "a" || hits[0].ord != 1 || hits[0].start != 60 {
		t.Errorf("lobby question: %+v, %v; want passage a/1 at 60 first", hits, err)
	}
}

// The FTS5 peer runs on one connection, as a Python script with sqlite3
// does.
func TestFTSOneConnection(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "fts5.db")
	build(t, FTS5, dir, seedDocs(t))
	a, err := openFTS(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for range 20 {
		if _, err := a.Ask(ctx, "Who wrote the cable?"); err != nil {
			t.Fatal(err)
		}
	}
	if s := a.db.Stats(); s.MaxOpenConnections != 1 || s.OpenConnections != 1 {
		t.Errorf("%+v; want one connection", s)
	}
}

func TestBestSentence(t *testing.T) {
	text := "The council met on Monday. The refugee cap was set at 7,500. Nobody objected."
	sp := bestSentence(text, citebot.Span{End: len(text)}, nil, contentWords("What was the refugee cap?"))
	if got := text[sp.Start:sp.End]; got != "The refugee cap was set at 7,500." {
		t.Errorf("got %q", got)
	}
}

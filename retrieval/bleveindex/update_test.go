package bleveindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/ingest"
	"github.com/citebot/citebot/retrieval/ingest/ingesttest"
	"github.com/citebot/citebot/retrieval/text"
)

func loadFixture(t *testing.T, dir string) []retrieval.Document {
	t.Helper()
	docs, _ := ingest.LoadDir(context.Background(), dir, "newsroom")
	if len(docs) == 0 {
		t.Fatal("fixture corpus loaded no documents")
	}
	return docs
}

// updateFixture updates the index at path from the fixture corpus.
func updateFixture(t *testing.T, path, corpus string) BuildStats {
	t.Helper()
	st, err := Update(context.Background(), path, loadFixture(t, corpus), nil)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func sourceIDs(t *testing.T, ix interface {
	Sources(context.Context) ([]retrieval.Source, error)
}) []string {
	t.Helper()
	srcs, err := ix.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return retrieval.SourceIDs(srcs)
}

// TestUpdateIncremental: an unchanged corpus writes nothing; added,
// changed and removed documents are counted and applied, and nothing else
// is touched.
func TestUpdateIncremental(t *testing.T) {
	ctx := context.Background()
	corpus := ingesttest.Corpus(t)
	path := filepath.Join(t.TempDir(), "index")

	st := updateFixture(t, path, corpus)
	if st.Added != 7 || st.Changed+st.Removed+st.Unchanged != 0 || !st.Wrote {
		t.Fatalf("first update %+v; want 7 added", st)
	}
	gen1 := st.Gen

	st = updateFixture(t, path, corpus)
	if st.Unchanged != 7 || st.Added+st.Changed+st.Removed != 0 || st.Wrote || st.Gen != gen1 {
		t.Fatalf("unchanged update %+v; want 7 unchanged, nothing written, generation %s", st, gen1)
	}
	if st.Passages == 0 || st.Documents != 7 {
		t.Errorf("unchanged update reports %d documents, %d passages", st.Documents, st.Passages)
	}
	if cur, _ := CurrentGeneration(path); cur != gen1 {
		t.Errorf("CURRENT = %s; want %s untouched", cur, gen1)
	}

	// Change one, add one, remove one.
	ingesttest.WriteFile(t, filepath.Join(corpus, "council.txt"), []byte("Council delays Harbor Street bike lanes\n\nThe council postponed the vote on the Harbor Street lanes until May, citing cost overruns of $900,000.\n"))
	ingesttest.WriteFile(t, filepath.Join(corpus, "new", "zoning.md"), []byte("# Zoning board approves tower\n\nThe zoning board approved a 14-storey residential tower on Pine Avenue on Wednesday.\n"))
	if err := os.Remove(filepath.Join(corpus, "memo.docx")); err != nil {
		t.Fatal(err)
	}
	// Metadata alone is a change too.
	ingesttest.WriteFile(t, filepath.Join(corpus, "budget.meta.yaml"), []byte("publisher: Valley Courier Weekly\n"))
	st = updateFixture(t, path, corpus)
	if st.Added != 1 || st.Changed != 2 || st.Removed != 1 || st.Unchanged != 4 || !st.Wrote || st.Gen == gen1 {
		t.Fatalf("update %+v; want 1 added, 2 changed, 1 removed, 4 unchanged in a new generation", st)
	}

	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"archive/2024-031", "archive/42", "budget", "council", "flood", "new/zoning", "reports/water"}
	if got := sourceIDs(t, ix); !slices.Equal(got, want) {
		t.Errorf("sources %v; want %v", got, want)
	}
	stats, err := ix.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Generation != st.Gen || stats.Built.IsZero() || stats.Passages != st.Passages || stats.Documents != 7 {
		t.Errorf("stats %+v; want generation %s, a build time and %d passages", stats, st.Gen, st.Passages)
	}
	eng := answer.New(retrieval.NewLive(ix))
	ask := func(q string) retrieval.Answer {
		t.Helper()
		a, err := eng.Ask(ctx, q, retrieval.AskOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if a := ask("Where will the zoning board's tower be built?"); !a.Answered || a.Citations[0].Doc != "new/zoning" {
		t.Errorf("added document not answered from: %+v", a)
	}
	if a := ask("Until when did the council postpone the Harbor Street vote?"); !a.Answered || !strings.Contains(a.Citations[0].Quote, "May") {
		t.Errorf("changed document not answered from: %+v", a)
	}
	// The old text of the changed document and the removed document are
	// gone from the passages, not just from the store.
	for _, q := range []string{"How much will the protected bike lanes on Harbor Street cost?", "What will bus fares rise to on July 1?"} {
		a := ask(q)
		for _, c := range append(a.Citations, a.Closest...) {
			if strings.Contains(c.Quote, "$4.2 million") || c.Doc == "memo" {
				t.Errorf("%q still finds stale text: %+v", q, c)
			}
		}
	}
	srcs, _ := ix.Sources(ctx)
	eng.Close()
	for _, s := range srcs {
		if s.ID == "budget" && s.Publisher != "Valley Courier Weekly" {
			t.Errorf("budget publisher %q; want the sidecar's", s.Publisher)
		}
	}
}

// TestUpdateHardLinksSegments: an incremental update shares the previous
// generation's immutable segment files rather than copying them.
func TestUpdateHardLinksSegments(t *testing.T) {
	corpus := ingesttest.Corpus(t)
	path := filepath.Join(t.TempDir(), "index")
	st1 := updateFixture(t, path, corpus)
	ingesttest.WriteFile(t, filepath.Join(corpus, "extra.txt"), []byte("One more short story about the harbor.\n"))
	st2 := updateFixture(t, path, corpus)
	segs, _ := filepath.Glob(filepath.Join(path, gensDir, st1.Gen, bleveDir, "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment files in the first generation")
	}
	shared := 0
	for _, s := range segs {
		other := filepath.Join(path, gensDir, st2.Gen, bleveDir, "store", filepath.Base(s))
		a, errA := os.Stat(s)
		b, errB := os.Stat(other)
		if errA == nil && errB == nil && os.SameFile(a, b) {
			shared++
		}
	}
	// Scorch may merge segments in the new generation; at least one of
	// the old ones must have been linked.
	if shared == 0 {
		t.Errorf("no segment of %s is shared with %s", st1.Gen, st2.Gen)
	}
}

// TestUpdatePrunesCrashedBuilds: generations a crashed build left behind
// are removed by the next build, which keeps the predecessor a server may
// still have open.
func TestUpdatePrunesCrashedBuilds(t *testing.T) {
	corpus := ingesttest.Corpus(t)
	path := filepath.Join(t.TempDir(), "index")
	st1 := updateFixture(t, path, corpus)
	// What a build killed midway leaves: a generation without BUILD.json.
	crashed := filepath.Join(path, gensDir, strconv.FormatInt(time.Now().UnixNano(), 36))
	ingesttest.WriteFile(t, filepath.Join(crashed, bleveDir, "index_meta.json"), []byte("{"))
	if ix, err := Open(path); err != nil {
		t.Fatalf("open with a crashed generation beside: %v", err)
	} else {
		ix.Close()
	}
	ingesttest.WriteFile(t, filepath.Join(corpus, "extra.txt"), []byte("Another story.\n"))
	st2 := updateFixture(t, path, corpus)
	if _, err := os.Stat(crashed); !os.IsNotExist(err) {
		t.Errorf("crashed generation still there (%v)", err)
	}
	entries, _ := os.ReadDir(filepath.Join(path, gensDir))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{st1.Gen, st2.Gen}; !slices.Equal(names, want) && !slices.Equal(names, []string{st2.Gen, st1.Gen}) {
		t.Errorf("generations %v; want %v", names, want)
	}
	ingesttest.WriteFile(t, filepath.Join(corpus, "extra2.txt"), []byte("A third story.\n"))
	st3 := updateFixture(t, path, corpus)
	entries, _ = os.ReadDir(filepath.Join(path, gensDir))
	names = names[:0]
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{st2.Gen, st3.Gen}; !slices.Equal(names, want) {
		t.Errorf("generations %v; want %v", names, want)
	}
	var info buildInfo
	b, err := os.ReadFile(filepath.Join(path, gensDir, st3.Gen, buildFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &info); err != nil || info.Added != 1 || info.Unchanged != 8 || info.Generation != st3.Gen {
		t.Errorf("BUILD.json %s (%v)", b, err)
	}
}

// TestUpdateRefusesDuplicateIDs: two documents with one id would overwrite
// each other; the update refuses before touching the index.
func TestUpdateRefusesDuplicateIDs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	docs := []retrieval.Document{{ID: "a", Text: "one", Source: "x/a.txt"}, {ID: "a", Text: "two", Source: "y/a.md"}}
	_, err := Update(context.Background(), path, docs, nil)
	if err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Fatalf("err %v; want a duplicate id error", err)
	}
	if _, err := CurrentGeneration(path); err == nil {
		t.Error("an index was written")
	}
}

// TestUpdateLocked: a second writer is refused while one holds the index.
func TestUpdateLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	unlock, err := lockIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Update(context.Background(), path, []retrieval.Document{{ID: "a", Text: "text"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "another citebot process") {
		t.Errorf("err %v; want the index reported busy", err)
	}
	unlock()
	if _, err := Update(context.Background(), path, []retrieval.Document{{ID: "a", Text: "text"}}, nil); err != nil {
		t.Errorf("after unlock: %v", err)
	}
}

// TestUpdateCanceledLeavesOldIndex: a build stopped midway (here by ctx)
// leaves the previous generation serving and no half-built one.
func TestUpdateCanceledLeavesOldIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	st1, err := Update(context.Background(), path, []retrieval.Document{{ID: "a", Text: "The first version of the story."}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var docs []retrieval.Document
	for i := range 600 {
		docs = append(docs, retrieval.Document{ID: fmt.Sprintf("d%d", i), Text: fmt.Sprintf("Story number %d about the harbor.", i)})
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Update(ctx, path, docs, func(done, total int) {
		if done >= 256 {
			cancel() // after the first batch is in
		}
	})
	if err == nil {
		t.Fatal("canceled update succeeded")
	}
	if cur, _ := CurrentGeneration(path); cur != st1.Gen {
		t.Errorf("CURRENT = %s; want %s", cur, st1.Gen)
	}
	entries, _ := os.ReadDir(filepath.Join(path, gensDir))
	if len(entries) != 1 {
		t.Errorf("%d generations left; want only %s", len(entries), st1.Gen)
	}
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ids := sourceIDs(t, ix); !slices.Equal(ids, []string{"a"}) {
		t.Errorf("sources %v; want [a]", ids)
	}
}

// TestLiveReloadWhileAsking: questions keep being answered while new
// generations are swapped in, each on a whole index, and every replaced
// index is closed once its questions finish.
func TestLiveReloadWhileAsking(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index")
	base := []retrieval.Document{{ID: "bridge", Text: "The Mill Road bridge was closed on Monday after the river rose two metres."}}
	if _, err := Update(ctx, path, base, nil); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	live := retrieval.NewLive(ix)
	eng := answer.New(live)
	defer eng.Close()
	first, release, err := live.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	release()

	var stop atomic.Bool
	var asked, failed atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				a, err := eng.Ask(ctx, "Why was the Mill Road bridge closed?", retrieval.AskOptions{})
				if err != nil || !a.Answered || a.Citations[0].Doc != "bridge" {
					failed.Add(1)
					t.Errorf("answer during reload: %+v, %v", a, err)
					return
				}
				asked.Add(1)
			}
		}()
	}
	gens := map[string]bool{live.Generation(): true}
	for i := range 5 {
		docs := append(slices.Clone(base), retrieval.Document{ID: fmt.Sprintf("extra%d", i), Text: fmt.Sprintf("Extra story %d.", i)})
		if _, err := Update(ctx, path, docs, nil); err != nil {
			t.Fatal(err)
		}
		switched, err := Reload(live, path)
		if err != nil || !switched {
			t.Fatalf("reload %d: %v, %v", i, switched, err)
		}
		gens[live.Generation()] = true
		time.Sleep(10 * time.Millisecond) // let questions run on this one
	}
	stop.Store(true)
	wg.Wait()
	if len(gens) != 6 || failed.Load() > 0 || asked.Load() == 0 {
		t.Errorf("%d generations served, %d questions answered, %d failed", len(gens), asked.Load(), failed.Load())
	}
	if switched, err := Reload(live, path); err != nil || switched {
		t.Errorf("reload with nothing new: %v, %v", switched, err)
	}
	// The first index was closed once retired: using it fails.
	if _, err := first.Sources(ctx); err == nil {
		t.Error("retired index still open")
	}
	if ids := sourceIDs(t, live); !slices.Contains(ids, "extra4") {
		t.Errorf("live sources %v lack the last update", ids)
	}
	live.Close()
	if _, err := eng.Ask(ctx, "anything", retrieval.AskOptions{}); !errors.Is(err, retrieval.ErrClosed) {
		t.Errorf("ask after close: %v; want ErrClosed", err)
	}
}

// TestIncompatibleIndex: an index whose build record names another format
// or analysis is refused with a plain message to rebuild it, by Open and
// by Update, before anything of it is read.
func TestIncompatibleIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index")
	st, err := Update(ctx, path, []retrieval.Document{{ID: "a", Text: "A story about the harbor."}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(path, gensDir, st.Gen, buildFile)
	b, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(string) string{
		"older format":   func(s string) string { return strings.Replace(s, Format, "citebot-bleve/2", 1) },
		"other analysis": func(s string) string { return strings.Replace(s, text.AnalysisVersion, "citebot_en/0", 1) },
		"no format":      func(s string) string { return strings.Replace(s, `"format"`, `"formerly"`, 1) },
	} {
		t.Run(name, func(t *testing.T) {
			ingesttest.WriteFile(t, record, []byte(edit(string(b))))
			if ix, err := Open(path); !errors.Is(err, ErrIncompatible) || !strings.Contains(err.Error(), "citebot index --rebuild") {
				if ix != nil {
					ix.Close()
				}
				t.Errorf("Open: %v; want ErrIncompatible naming the command to rebuild", err)
			}
			if _, err := Update(ctx, path, []retrieval.Document{{ID: "b", Text: "Another."}}, nil); !errors.Is(err, ErrIncompatible) {
				t.Errorf("Update: %v; want ErrIncompatible", err)
			}
		})
	}
	// A rebuild replaces it.
	if _, err := Build(ctx, path, []retrieval.Document{{ID: "b", Text: "Another."}}, nil); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(path)
	if err != nil {
		t.Fatalf("open after rebuild: %v", err)
	}
	ix.Close()
}

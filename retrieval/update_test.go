package retrieval

import (
	"context"
	"encoding/json"
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
)

func loadFixture(t *testing.T, dir string) []Document {
	t.Helper()
	docs, _ := LoadDir(context.Background(), dir, "newsroom")
	if len(docs) == 0 {
		t.Fatal("fixture corpus loaded no documents")
	}
	return docs
}

func sourceIDs(t *testing.T, ix interface{ Sources() ([]Source, error) }) []string {
	t.Helper()
	srcs, err := ix.Sources()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range srcs {
		ids = append(ids, s.ID)
	}
	return ids
}

// TestUpdateIncremental: an unchanged corpus writes nothing; added,
// changed and removed documents are counted and applied, and nothing else
// is touched.
func TestUpdateIncremental(t *testing.T) {
	ctx := context.Background()
	corpus := fixtureCorpus(t)
	path := filepath.Join(t.TempDir(), "index")

	st, err := Update(ctx, path, loadFixture(t, corpus), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Added != 7 || st.Changed+st.Removed+st.Unchanged != 0 || !st.Wrote {
		t.Fatalf("first update %+v; want 7 added", st)
	}
	gen1 := st.Gen

	st, err = Update(ctx, path, loadFixture(t, corpus), nil)
	if err != nil {
		t.Fatal(err)
	}
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
	writeFile(t, filepath.Join(corpus, "council.txt"), []byte("Council delays Harbor Street bike lanes\n\nThe council postponed the vote on the Harbor Street lanes until May, citing cost overruns of $900,000.\n"))
	writeFile(t, filepath.Join(corpus, "new", "zoning.md"), []byte("# Zoning board approves tower\n\nThe zoning board approved a 14-storey residential tower on Pine Avenue on Wednesday.\n"))
	if err := os.Remove(filepath.Join(corpus, "memo.docx")); err != nil {
		t.Fatal(err)
	}
	// Metadata alone is a change too.
	writeFile(t, filepath.Join(corpus, "budget.meta.yaml"), []byte("publisher: Valley Courier Weekly\n"))
	st, err = Update(ctx, path, loadFixture(t, corpus), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Added != 1 || st.Changed != 2 || st.Removed != 1 || st.Unchanged != 4 || !st.Wrote || st.Gen == gen1 {
		t.Fatalf("update %+v; want 1 added, 2 changed, 1 removed, 4 unchanged in a new generation", st)
	}

	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	want := []string{"archive/2024-031", "archive/42", "budget", "council", "flood", "new/zoning", "reports/water"}
	if got := sourceIDs(t, ix); !slices.Equal(got, want) {
		t.Errorf("sources %v; want %v", got, want)
	}
	stats, err := ix.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if stats.Generation != st.Gen || stats.Built.IsZero() || stats.Passages != st.Passages || stats.Documents != 7 {
		t.Errorf("stats %+v; want generation %s, a build time and %d passages", stats, st.Gen, st.Passages)
	}
	ask := func(q string) Answer {
		t.Helper()
		a, err := ix.Ask(ctx, q, AskOptions{})
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
	srcs, _ := ix.Sources()
	for _, s := range srcs {
		if s.ID == "budget" && s.Publisher != "Valley Courier Weekly" {
			t.Errorf("budget publisher %q; want the sidecar's", s.Publisher)
		}
	}
}

// TestUpdateHardLinksSegments: an incremental update shares the previous
// generation's immutable segment files rather than copying them.
func TestUpdateHardLinksSegments(t *testing.T) {
	ctx := context.Background()
	corpus := fixtureCorpus(t)
	path := filepath.Join(t.TempDir(), "index")
	st1, err := Update(ctx, path, loadFixture(t, corpus), nil)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(corpus, "extra.txt"), []byte("One more short story about the harbor.\n"))
	st2, err := Update(ctx, path, loadFixture(t, corpus), nil)
	if err != nil {
		t.Fatal(err)
	}
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
	ctx := context.Background()
	corpus := fixtureCorpus(t)
	path := filepath.Join(t.TempDir(), "index")
	st1, err := Update(ctx, path, loadFixture(t, corpus), nil)
	if err != nil {
		t.Fatal(err)
	}
	// What a build killed midway leaves: a generation without BUILD.json.
	crashed := filepath.Join(path, gensDir, strconv.FormatInt(time.Now().UnixNano(), 36))
	writeFile(t, filepath.Join(crashed, bleveDir, "index_meta.json"), []byte("{"))
	if ix, err := Open(path); err != nil {
		t.Fatalf("open with a crashed generation beside: %v", err)
	} else {
		ix.Close()
	}
	writeFile(t, filepath.Join(corpus, "extra.txt"), []byte("Another story.\n"))
	st2, err := Update(ctx, path, loadFixture(t, corpus), nil)
	if err != nil {
		t.Fatal(err)
	}
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
	writeFile(t, filepath.Join(corpus, "extra2.txt"), []byte("A third story.\n"))
	st3, err := Update(ctx, path, loadFixture(t, corpus), nil)
	if err != nil {
		t.Fatal(err)
	}
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
	docs := []Document{{ID: "a", Text: "one", Source: "x/a.txt"}, {ID: "a", Text: "two", Source: "y/a.md"}}
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
	_, err = Update(context.Background(), path, []Document{{ID: "a", Text: "text"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "another citebot process") {
		t.Errorf("err %v; want the index reported busy", err)
	}
	unlock()
	if _, err := Update(context.Background(), path, []Document{{ID: "a", Text: "text"}}, nil); err != nil {
		t.Errorf("after unlock: %v", err)
	}
}

// TestUpdateCanceledLeavesOldIndex: a build stopped midway (here by ctx)
// leaves the previous generation serving and no half-built one.
func TestUpdateCanceledLeavesOldIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	st1, err := Update(context.Background(), path, []Document{{ID: "a", Text: "The first version of the story."}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var docs []Document
	for i := range 600 {
		docs = append(docs, Document{ID: fmt.Sprintf("d%d", i), Text: fmt.Sprintf("Story number %d about the harbor.", i)})
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
	base := []Document{{ID: "bridge", Text: "The Mill Road bridge was closed on Monday after the river rose two metres."}}
	if _, err := Update(ctx, path, base, nil); err != nil {
		t.Fatal(err)
	}
	live, err := OpenLive(path)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	first := live.cur.Load().ix

	var stop atomic.Bool
	var asked, failed atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				a, err := live.Ask(ctx, "Why was the Mill Road bridge closed?", AskOptions{})
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
		docs := append(slices.Clone(base), Document{ID: fmt.Sprintf("extra%d", i), Text: fmt.Sprintf("Extra story %d.", i)})
		if _, err := Update(ctx, path, docs, nil); err != nil {
			t.Fatal(err)
		}
		switched, err := live.Reload()
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
	if switched, err := live.Reload(); err != nil || switched {
		t.Errorf("reload with nothing new: %v, %v", switched, err)
	}
	// The first index was closed once retired: using it fails.
	if _, err := first.Sources(); err == nil {
		t.Error("retired index still open")
	}
	if ids := sourceIDs(t, live); !slices.Contains(ids, "extra4") {
		t.Errorf("live sources %v lack the last update", ids)
	}
	live.Close()
	if _, err := live.Ask(ctx, "anything", AskOptions{}); err != ErrClosed {
		t.Errorf("ask after close: %v; want ErrClosed", err)
	}
}

// TestLiveSwap: an in-memory Live serves the index it is given.
func TestLiveSwap(t *testing.T) {
	ctx := context.Background()
	a, err := NewMemoryIndex(ctx, []Document{{ID: "a", Text: "Alpha text."}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewMemoryIndex(ctx, []Document{{ID: "b", Text: "Beta text."}})
	if err != nil {
		t.Fatal(err)
	}
	live := NewLive(a)
	defer live.Close()
	if ids := sourceIDs(t, live); !slices.Equal(ids, []string{"a"}) {
		t.Fatalf("sources %v", ids)
	}
	live.Swap(b)
	if ids := sourceIDs(t, live); !slices.Equal(ids, []string{"b"}) {
		t.Errorf("after swap: sources %v", ids)
	}
	if _, err := live.Reload(); err == nil {
		t.Error("reload of an in-memory Live succeeded")
	}
}

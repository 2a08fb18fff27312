package opensearchindex_test

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/ingest/seedtest"
	"github.com/citebot/citebot/retrieval/opensearchindex"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
	"github.com/citebot/citebot/retrieval/opensearchindex/ostest"
)

func seedDocs(t *testing.T, publisher string) []retrieval.Document {
	t.Helper()
	docs := seedtest.Docs(t)
	for i := range docs {
		docs[i].Publisher = publisher
	}
	return docs
}

// buildOpen builds docs into a new generation of target and opens the
// index its alias names (target.Where, or its name, in messages); the
// caller closes it.
func buildOpen(t *testing.T, target opensearchindex.Target, docs []retrieval.Document) *opensearchindex.Index {
	t.Helper()
	ctx := context.Background()
	if _, err := opensearchindex.Build(ctx, target, docs, nil); err != nil {
		t.Fatal(err)
	}
	ix, err := opensearchindex.Open(ctx, target.Client, target.Name, cmp.Or(target.Where, target.Name))
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// generations lists the generations that have indexes on the cluster.
func generations(t *testing.T, c *osclient.Client, name string) []string {
	t.Helper()
	var rows []struct {
		Index string `json:"index"`
	}
	if err := c.Do(context.Background(), http.MethodGet, "/_cat/indices/"+name+"-g*", map[string][]string{"format": {"json"}, "expand_wildcards": {"all"}}, nil, &rows); err != nil {
		t.Fatal(err)
	}
	var gens []string
	for _, r := range rows {
		g := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(r.Index, name+"-g"), "-passages"), "-docs"), "-terms")
		if !slices.Contains(gens, g) {
			gens = append(gens, g)
		}
	}
	slices.Sort(gens)
	return gens
}

// TestUpdateIncremental: an unchanged corpus writes nothing; a changed,
// an added and a removed document are applied in a new generation whose
// statistics equal a fresh build's; the previous generation is kept, the
// one before it removed.
func TestUpdateIncremental(t *testing.T) {
	c := ostest.Client(t, ostest.URL())
	ctx := context.Background()
	name := ostest.Name(t, c)
	target := opensearchindex.Target{Client: c, Name: name, Shards: 2, Replicas: 0}
	docs := seedDocs(t, "")
	st, err := opensearchindex.Update(ctx, target, docs, nil)
	if err != nil || !st.Wrote || st.Added != len(docs) {
		t.Fatalf("first Update = %+v, %v; want a build of every document", st, err)
	}
	first := st.Gen
	st, err = opensearchindex.Update(ctx, target, docs, nil)
	if err != nil || st.Wrote || st.Unchanged != len(docs) || st.Gen != first {
		t.Fatalf("unchanged Update = %+v, %v; want nothing written", st, err)
	}

	next := slices.Clone(docs)
	next[0].Text += "\n\nThe harbour lights were switched off on Tuesday."
	removed := next[len(next)-1].ID
	next = next[:len(next)-1]
	next = append(next, retrieval.Document{ID: "added", Collection: "seeds", Text: "A town without ferries is an island, the judge wrote."})
	st, err = opensearchindex.Update(ctx, target, next, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Wrote || st.Added != 1 || st.Changed != 1 || st.Removed != 1 || st.Unchanged != len(docs)-2 {
		t.Errorf("Update = %+v; want 1 added, 1 changed, 1 removed", st)
	}
	updated, err := opensearchindex.Open(ctx, c, name, name)
	if err != nil {
		t.Fatal(err)
	}
	defer updated.Close()
	if _, err := updated.Document(ctx, removed); !errors.Is(err, retrieval.ErrNoDocument) {
		t.Errorf("the removed document: %v; want ErrNoDocument", err)
	}
	if gens := generations(t, c, name); len(gens) != 2 || !slices.Contains(gens, first) {
		t.Errorf("generations %v; want the new one and its predecessor %s", gens, first)
	}

	built := buildOpen(t, opensearchindex.Target{Client: c, Name: ostest.Name(t, c), Shards: 1, Replicas: 0}, next)
	defer built.Close()
	terms := []string{"harbour", "light", "ferri", "island", "refuge", "cap", "7500"}
	a, err := updated.TermStats(ctx, terms)
	if err != nil {
		t.Fatal(err)
	}
	b, err := built.TermStats(ctx, terms)
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range terms {
		if a.DF[term] != b.DF[term] {
			t.Errorf("%q in %d passages after the update; a fresh build says %d", term, a.DF[term], b.DF[term])
		}
	}
	if a.Passages != b.Passages || a.Documents != b.Documents {
		t.Errorf("updated: %d passages, %d documents; fresh build: %d, %d", a.Passages, a.Documents, b.Passages, b.Documents)
	}
	q := retrieval.Query{Terms: []retrieval.QueryTerm{{Term: "ferri", Boost: 1}, {Term: "island", Boost: 1}, {Term: "refuge", Boost: 0.5}}}
	ha, err := updated.Search(ctx, q, 10, retrieval.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	hb, err := built.Search(ctx, q, 10, retrieval.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if msg := sameHits(hb, ha); msg != "" {
		t.Errorf("the updated index searches unlike a fresh build: %s", msg)
	}

	// One more update: the generation before the predecessor goes.
	next = append(next, retrieval.Document{ID: "added-2", Collection: "seeds", Text: "Ferries kept running."})
	if _, err := opensearchindex.Update(ctx, target, next, nil); err != nil {
		t.Fatal(err)
	}
	if gens := generations(t, c, name); len(gens) != 2 || slices.Contains(gens, first) {
		t.Errorf("generations %v; want two, without %s", gens, first)
	}
}

// TestCrashedBuildLeavesOldServing: a build that fails midway (here its
// context is cancelled) leaves the alias on the old generation and no
// generation of its own.
func TestCrashedBuildLeavesOldServing(t *testing.T) {
	c := ostest.Client(t, ostest.URL())
	ctx := context.Background()
	name := ostest.Name(t, c)
	target := opensearchindex.Target{Client: c, Name: name, Replicas: 0}
	st, err := opensearchindex.Build(ctx, target, seedDocs(t, "old"), nil)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	_, err = opensearchindex.Build(cctx, target, seedDocs(t, "new"), func(done, total int) { cancel() })
	if err == nil {
		t.Fatal("a cancelled build succeeded")
	}
	if gen, err := opensearchindex.CurrentGeneration(ctx, c, name); err != nil || gen != st.Gen {
		t.Errorf("serving %q, %v after a failed build; want the old %s", gen, err, st.Gen)
	}
	if gens := generations(t, c, name); len(gens) != 1 {
		t.Errorf("generations %v after a failed build; want only the old one", gens)
	}
}

// TestIncompatibleIndex: an index another citebot built (another
// format) is refused with a message that says how to rebuild.
func TestIncompatibleIndex(t *testing.T) {
	c := ostest.Client(t, ostest.URL())
	ctx := context.Background()
	name := ostest.Name(t, c)
	st, err := opensearchindex.Build(ctx, opensearchindex.Target{Client: c, Name: name, Replicas: 0}, seedDocs(t, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"_meta": map[string]any{"citebot": map[string]any{"format": "citebot-opensearch/0", "analysis": "x", "complete": true}}}
	if err := c.Do(ctx, http.MethodPut, "/"+name+"-g"+st.Gen+"-passages/_mapping", nil, body, nil); err != nil {
		t.Fatal(err)
	}
	_, err = opensearchindex.Open(ctx, c, name, "URL")
	if !errors.Is(err, opensearchindex.ErrIncompatible) || !strings.Contains(err.Error(), "citebot index --rebuild --corpus DIR --index URL") {
		t.Errorf("Open = %v; want ErrIncompatible saying how to rebuild", err)
	}
	if _, err := opensearchindex.Open(ctx, c, name+"-missing", "URL2"); !errors.Is(err, opensearchindex.ErrNoIndex) {
		t.Errorf("Open of a missing alias = %v; want ErrNoIndex", err)
	}
}

// TestReindexWhileAsking: 32 clients keep asking while the index is
// rebuilt and swapped in; no answer fails, and every answer comes wholly
// from the old or the new generation (told apart by the publisher every
// document of a generation carries), never a mix. The swap is applied
// with Reload as serve's follower does; the clients stop after a fixed
// number of questions, once each has seen the new generation.
func TestReindexWhileAsking(t *testing.T) {
	c := ostest.Client(t, ostest.URL())
	ctx := context.Background()
	name := ostest.Name(t, c)
	target := opensearchindex.Target{Client: c, Name: name, Shards: 2, Replicas: 0}
	live := retrieval.NewLive(buildOpen(t, target, seedDocs(t, "Old Gazette")))
	eng := answer.New(live)
	defer eng.Close()

	questions := []string{"What was the FY2026 refugee cap?", "Who said a nation without borders is not a nation?", "What is the refugee cap for fiscal 2027?"}
	const clients, maxAsks = 32, 400
	swapped := make(chan struct{})
	var errs, mixed, oldAnswers, newAnswers atomic.Int64
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sawNew := false
			for n := 0; n < maxAsks; n++ {
				a, err := eng.Ask(ctx, questions[(i+n)%len(questions)], retrieval.AskOptions{})
				if err != nil {
					errs.Add(1)
					t.Errorf("client %d: %v", i, err)
					return
				}
				pubs := map[string]bool{}
				for _, cs := range [][]retrieval.Citation{a.Citations, a.Closest} {
					for _, ct := range cs {
						pubs[ct.Publisher] = true
					}
				}
				switch {
				case len(pubs) > 1:
					mixed.Add(1)
					t.Errorf("an answer cites both generations: %v", pubs)
				case pubs["New Courier"]:
					newAnswers.Add(1)
					sawNew = true
				case pubs["Old Gazette"]:
					oldAnswers.Add(1)
				}
				select {
				case <-swapped:
					if sawNew {
						return
					}
				default:
				}
			}
			t.Errorf("client %d never saw the new generation in %d questions", i, maxAsks)
		}()
	}
	st, err := opensearchindex.Update(ctx, target, seedDocs(t, "New Courier"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := opensearchindex.Reload(ctx, live, c, name, name); err != nil || !ok || live.Generation() != st.Gen {
		t.Fatalf("Reload = %v, %v; serving %s, want %s", ok, err, live.Generation(), st.Gen)
	}
	close(swapped)
	wg.Wait()
	t.Logf("%d answers from the old generation, %d from the new, %d errors, %d mixed", oldAnswers.Load(), newAnswers.Load(), errs.Load(), mixed.Load())
	if errs.Load() != 0 || mixed.Load() != 0 {
		t.Errorf("%d errors, %d mixed answers; want none", errs.Load(), mixed.Load())
	}
}

// TestUpdateScopedToCollections: re-indexing one collection keeps the
// other's documents; a same-named document of the re-indexed collection
// takes its qualified id rather than replacing the kept one.
func TestUpdateScopedToCollections(t *testing.T) {
	c := ostest.Client(t, ostest.URL())
	ctx := context.Background()
	name := ostest.Name(t, c)
	target := opensearchindex.Target{Client: c, Name: name, Shards: 1, Replicas: 0}
	metro := []retrieval.Document{{ID: "story", Collection: "metro", Text: "The council adopted a budget of $412 million on Tuesday."}}
	if _, err := opensearchindex.Update(ctx, target, metro, nil); err != nil {
		t.Fatal(err)
	}
	courts := []retrieval.Document{{ID: "story", Collection: "courts", Text: "Judge Carla Mendez denied the motion."}}
	st, err := opensearchindex.UpdateWith(ctx, target, courts, nil, retrieval.UpdateOptions{Collections: []string{"courts"}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Kept != 1 || !slices.Equal(st.KeptCollections, []string{"metro"}) || st.Added != 1 || st.Removed != 0 || st.Documents != 2 {
		t.Errorf("scoped update = %+v; want metro's document kept and courts' added", st)
	}
	ix, err := opensearchindex.Open(ctx, c, name, name)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for id, want := range map[string]string{"story": "metro", retrieval.QualifiedID("courts", "story"): "courts"} {
		d, err := ix.Document(ctx, id)
		if err != nil {
			t.Fatalf("document %q: %v", id, err)
		}
		if d.Collection != want {
			t.Errorf("document %q is in %q; want %q", id, d.Collection, want)
		}
	}
}

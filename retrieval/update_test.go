package retrieval_test

import (
	"slices"
	"testing"

	"github.com/citebot/citebot/retrieval"
)

func heldOf(docs ...retrieval.Document) map[string]retrieval.HeldDocument {
	held := map[string]retrieval.HeldDocument{}
	for _, d := range docs {
		held[d.ID] = retrieval.HeldDocument{Hash: d.Hash(), Collection: d.Collection}
	}
	return held
}

func TestPlanUpdate(t *testing.T) {
	a := retrieval.Document{ID: "a", Collection: "metro", Text: "Alpha."}
	b := retrieval.Document{ID: "b", Collection: "metro", Text: "Beta."}
	story := retrieval.Document{ID: "story", Collection: "courts", Text: "Court."}
	held := heldOf(a, b, story)

	changedA := a
	changedA.Text = "Alpha, revised."
	added := retrieval.Document{ID: "c", Collection: "metro", Text: "Gamma."}

	t.Run("whole index", func(t *testing.T) {
		p, err := retrieval.PlanUpdate(held, []retrieval.Document{changedA, added}, retrieval.UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		st := p.Stats
		if st.Added != 1 || st.Changed != 1 || st.Removed != 2 || st.Unchanged != 0 || st.Kept != 0 {
			t.Errorf("stats %+v; want 1 added, 1 changed, 2 removed", st)
		}
		if !slices.Equal(p.Delete, []string{"a", "b", "story"}) {
			t.Errorf("delete %v; want a (changed), b and story (gone), sorted", p.Delete)
		}
	})
	t.Run("scoped", func(t *testing.T) {
		sameName := retrieval.Document{ID: "story", Collection: "metro", Text: "Metro's own story."}
		docs := []retrieval.Document{a, sameName}
		p, err := retrieval.PlanUpdate(held, docs, retrieval.UpdateOptions{Collections: []string{"metro"}})
		if err != nil {
			t.Fatal(err)
		}
		st := p.Stats
		if st.Kept != 1 || !slices.Equal(st.KeptCollections, []string{"courts"}) {
			t.Errorf("kept %d %v; want courts' one document", st.Kept, st.KeptCollections)
		}
		if st.Removed != 1 || !slices.Equal(p.Delete, []string{"b"}) {
			t.Errorf("delete %v; want only metro's b, never courts' story", p.Delete)
		}
		if len(p.Put) != 1 || p.Put[0].ID != "metro:story" || docs[1].ID != "metro:story" {
			t.Errorf("put %v; want metro's story under its qualified id", p.Put)
		}
		if st.Documents != 3 {
			t.Errorf("documents %d; want 3 (a, metro:story and the kept story)", st.Documents)
		}
	})
	t.Run("rebuild", func(t *testing.T) {
		p, err := retrieval.PlanUpdate(held, []retrieval.Document{a, b}, retrieval.UpdateOptions{Collections: []string{"metro"}, Rebuild: true})
		if err != nil {
			t.Fatal(err)
		}
		if p.Fresh || p.Stats.Changed != 2 || p.Stats.Unchanged != 0 {
			t.Errorf("rebuild of metro beside courts = %+v; want both re-indexed in place", p.Stats)
		}
		p, err = retrieval.PlanUpdate(held, []retrieval.Document{a}, retrieval.UpdateOptions{Rebuild: true})
		if err != nil || !p.Fresh {
			t.Errorf("rebuild with nothing to keep: fresh %v, %v; want a fresh build", p.Fresh, err)
		}
	})
	t.Run("duplicate after qualifying", func(t *testing.T) {
		docs := []retrieval.Document{{ID: "story", Collection: "metro", Text: "x"}, {ID: "metro:story", Collection: "metro", Text: "y"}}
		if _, err := retrieval.PlanUpdate(held, docs, retrieval.UpdateOptions{Collections: []string{"metro"}}); err == nil {
			t.Error("two documents ending with one id: no error")
		}
	})
}

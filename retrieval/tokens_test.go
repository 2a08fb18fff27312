package retrieval

import (
	"reflect"
	"testing"
)

// The passage-token cache must give exactly what analysing afresh gives,
// share one analysis between questions, and let go of it when the
// document leaves its store.
func TestPassageTokensCache(t *testing.T) {
	docs := segmentAll([]Document{{ID: "d", Text: "The refugee cap for fiscal 2026 was 7,500.\n\nIt was 100,000 in fiscal 2024, officials said."}})
	d := docs[0]
	if len(d.Passages) < 2 {
		t.Fatalf("want two passages, got %d", len(d.Passages))
	}
	for ord, p := range d.Passages {
		want := analyze(d.Text[p.Start:p.End])
		first := d.passageTokens(ord)
		if !reflect.DeepEqual(first, want) {
			t.Fatalf("passage %d: cached tokens %v, analysed %v", ord, first, want)
		}
		again := d.passageTokens(ord)
		if len(again) == 0 || &again[0] != &first[0] {
			t.Errorf("passage %d analysed twice: the second question did not reuse the first's tokens", ord)
		}
	}
	st := newMemStore()
	if err := st.put(d); err != nil {
		t.Fatal(err)
	}
	if err := st.delete(d.ID); err != nil {
		t.Fatal(err)
	}
	if d.tokens != nil || !d.tokensDone {
		t.Fatal("a deleted document keeps its cached tokens")
	}
	a, b := d.passageTokens(0), d.passageTokens(0)
	if !reflect.DeepEqual(a, analyze(d.Text[d.Passages[0].Start:d.Passages[0].End])) {
		t.Fatal("a released document's tokens differ from a fresh analysis")
	}
	if &a[0] == &b[0] {
		t.Error("a released document went on caching")
	}
}

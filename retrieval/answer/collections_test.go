package answer

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/ingest"
)

// collectionCorpora writes two corpus folders: "public" and "desk", whose
// embargoed story is the only one that answers the test question.
func collectionCorpora(t *testing.T) []ingest.Corpus {
	t.Helper()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "public", "parks.txt"), []byte("Parks department opens new playground\n\nThe parks department opened a playground on Elm Street on Saturday. The mayor attended the opening.\n"))
	writeFile(t, filepath.Join(root, "public", "parking.txt"), []byte("Hospital raises parking fees\n\nThe hospital board voted to raise parking fees at St. Mary's Hospital by a dollar, a statement said.\n"))
	writeFile(t, filepath.Join(root, "public", "roads.txt"), []byte("Road repairs start on Main Street\n\nCrews began resurfacing Main Street on Monday, the public works director said.\n"))
	writeFile(t, filepath.Join(root, "embargoed", "merger.txt"), []byte("Hospital merger agreed\n\nSt. Agnes Hospital will merge with Lakeview Medical Center in a deal worth $310 million, the hospital's board said in a statement under embargo.\n"))
	return []ingest.Corpus{
		{Dir: filepath.Join(root, "public")},
		{Dir: filepath.Join(root, "embargoed"), Collection: "desk"},
	}
}

// TestCollectionFilterNeverLeaks: a question asked where a collection is
// not allowed never sees its passages, not in citations, not in the
// closest passages, not in the short answer, even when the forbidden
// collection holds the only answer.
func TestCollectionFilterNeverLeaks(t *testing.T) {
	ctx := context.Background()
	docs, _ := ingest.LoadCorpora(ctx, collectionCorpora(t), nil)
	ix := newEngine(t, docs)
	questions := []string{
		"Which hospital will St. Agnes Hospital merge with?",
		"How much is the hospital merger worth?",
		"merger Lakeview embargo statement board",
		"Who wrote the hospital merger story?",
	}
	// Allowed everywhere, the answer comes from the desk: the test can
	// tell a leak from a miss.
	a, err := ix.Ask(ctx, questions[0], retrieval.AskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Answered || a.Citations[0].Doc != "merger" || a.Citations[0].Collection != "desk" {
		t.Fatalf("unfiltered answer %+v; want the desk's merger story", a)
	}
	secret := []string{"merger", "Lakeview", "St. Agnes", "$310 million", "embargo"}
	offered := 0 // filtered answers that offered public passages
	for _, q := range questions {
		for _, top := range []int{1, 3, retrieval.MaxTop} {
			a, err := ix.Ask(ctx, q, retrieval.AskOptions{Top: top, Filter: retrieval.Filter{Collections: []string{"public"}}})
			if err != nil {
				t.Fatal(err)
			}
			offered += len(a.Citations) + len(a.Closest)
			for _, c := range append(slices.Clone(a.Citations), a.Closest...) {
				if c.Collection != "public" || c.Doc == "merger" {
					t.Errorf("%q (top %d) cites %s from %q", q, top, c.Doc, c.Collection)
				}
			}
			// Nothing of the embargoed text that the question did not
			// itself say appears anywhere in the answer.
			a.Question = ""
			b, _ := json.Marshal(a)
			for _, s := range secret {
				if strings.Contains(strings.ToLower(q), strings.ToLower(s)) {
					continue
				}
				if strings.Contains(strings.ToLower(string(b)), strings.ToLower(s)) {
					t.Errorf("%q (top %d): the answer mentions %q: %s", q, top, s, b)
				}
			}
		}
	}
	// The public hospital story is close to these questions: the filter
	// must have had something to offer, or the test proves nothing.
	if offered == 0 {
		t.Error("no filtered question offered any public passage")
	}
	// The desk sees its story.
	a, err = ix.Ask(ctx, questions[0], retrieval.AskOptions{Filter: retrieval.Filter{Collections: []string{"desk"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Answered || a.Citations[0].Doc != "merger" {
		t.Errorf("desk answer %+v", a)
	}
	// A collection that does not exist sees nothing.
	a, err = ix.Ask(ctx, questions[0], retrieval.AskOptions{Filter: retrieval.Filter{Collections: []string{"nope"}}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Answered || len(a.Closest) > 0 {
		t.Errorf("unknown collection answer %+v", a)
	}
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

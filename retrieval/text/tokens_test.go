package text

import (
	"reflect"
	"testing"

	"github.com/citebot/citebot/retrieval"
)

// IndexDocument keeps, for every passage, exactly what analysing the
// passage's text gives, with offsets into the document, so that answering
// can read tokens instead of analysing again.
func TestIndexDocumentTokens(t *testing.T) {
	doc := retrieval.Document{ID: "d", Text: "The refugee cap for fiscal 2026 was 7,500.\n\nIt was 100,000 in FY2024, officials said."}
	d := IndexDocument(doc)
	if len(d.Passages) != 2 {
		t.Fatalf("%d passages; want 2", len(d.Passages))
	}
	if d.Hash != doc.Hash() {
		t.Errorf("hash %q; want the document's %q", d.Hash, doc.Hash())
	}
	for ord, p := range d.Passages {
		want := Analyze(doc.Text[p.Start:p.End])
		for i := range want {
			want[i].Start += p.Start
			want[i].End += p.Start
		}
		if !reflect.DeepEqual(p.Tokens, want) {
			t.Errorf("passage %d: tokens %v; analysing gives %v", ord, p.Tokens, want)
		}
		for _, tok := range p.Tokens {
			if tok.Start < p.Start || tok.End > p.End {
				t.Errorf("passage %d: token %q at [%d,%d) outside the passage [%d,%d)", ord, tok.Term, tok.Start, tok.End, p.Start, p.End)
			}
		}
	}
	// FY2024 is two terms, fiscal and 2024, at consecutive positions.
	var terms []string
	for _, tok := range d.Passages[1].Tokens {
		terms = append(terms, tok.Term)
	}
	if !reflect.DeepEqual(terms, []string{"100000", "fiscal", "2024", "offici", "say"}) {
		t.Errorf("second passage's terms %q", terms)
	}
}

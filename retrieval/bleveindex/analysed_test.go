package bleveindex

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/ingest/seedtest"
	"github.com/citebot/citebot/retrieval/text"
)

// postings describes every term of the text field: for each passage that
// holds it, its frequency, norm and locations.
func postings(t *testing.T, bi bleve.Index) map[string]string {
	t.Helper()
	adv, err := bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fd, err := r.FieldDict(fieldText)
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	out := map[string]string{}
	for {
		e, err := fd.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			break
		}
		tfr, err := r.TermFieldReader(context.Background(), []byte(e.Term), fieldText, true, true, true)
		if err != nil {
			t.Fatal(err)
		}
		var docs []string
		for {
			d, err := tfr.Next(nil)
			if err != nil {
				t.Fatal(err)
			}
			if d == nil {
				break
			}
			id, err := r.ExternalID(d.ID)
			if err != nil {
				t.Fatal(err)
			}
			var locs []string
			for _, v := range d.Vectors {
				locs = append(locs, fmt.Sprintf("%d:%d-%d", v.Pos, v.Start, v.End))
			}
			docs = append(docs, fmt.Sprintf("%s f%d n%v [%s]", id, d.Freq, d.Norm, strings.Join(locs, " ")))
		}
		tfr.Close()
		slices.Sort(docs)
		out[e.Term] = strings.Join(docs, "; ")
	}
	return out
}

// TestPreAnalysedPassagesIndexLikeBleve: passages indexed with the tokens
// IndexDocument made hold exactly the postings (documents, frequencies,
// norms, positions, offsets) Bleve makes when it analyses their text
// itself through the mapping.
func TestPreAnalysedPassagesIndexLikeBleve(t *testing.T) {
	ctx := context.Background()
	docs := append(seedtest.Docs(t), retrieval.Document{ID: "edge", Text: "FY2026 and fiscal year 2027: the U.S. and the United States, " +
		"New York's 7,500 refugees — Ögedei said so.\n\nThe 1990s; US$4.2 billion; 33-year-old; ﬁnance ſome \u212a."})
	ix, err := NewMemory(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()

	plain, err := bleve.NewUsing("", newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	batch := plain.NewBatch()
	for _, d := range text.IndexAll(docs) {
		for i, p := range d.Passages {
			pd := passageDoc{Text: d.Text[p.Start:p.End], Doc: d.ID, Collection: retrieval.DefaultCollection}
			if err := batch.Index(passageID(d.ID, i), pd); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := plain.Batch(batch); err != nil {
		t.Fatal(err)
	}

	got, want := postings(t, ix.bi), postings(t, plain)
	if len(want) < 100 {
		t.Fatalf("only %d terms indexed", len(want))
	}
	for term, w := range want {
		if got[term] != w {
			t.Errorf("term %q:\n got %s\nwant %s", term, got[term], w)
		}
	}
	for term := range got {
		if _, ok := want[term]; !ok {
			t.Errorf("term %q indexed only from the tokens", term)
		}
	}
}

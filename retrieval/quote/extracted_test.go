package quote

import (
	"context"
	"testing"

	"github.com/citebot/citebot/retrieval"
)

// TestCheckQuoteWithLigatures: a quote copied out of a PDF viewer may
// carry the layout's ligatures and soft hyphens; it is checked as the
// words a reader sees, against document text that has none.
func TestCheckQuoteWithLigatures(t *testing.T) {
	ix := memIndex(t, retrieval.Document{ID: "release", Text: "Sheriff Dana Ortiz said the contract keeps the jail costs flat for a second year in the fiscal plan."})
	qc, err := Check(context.Background(), ix.b, "the contract keeps the jail costs ﬂat for a sec\u00adond year in the ﬁscal plan", retrieval.QuoteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if qc.Verdict != retrieval.VerdictExact || len(qc.Matches) != 1 {
		t.Fatalf("verdict %s with %d matches %+v; want one exact match", qc.Verdict, len(qc.Matches), qc.Matches)
	}
	if want := "the contract keeps the jail costs flat for a second year in the fiscal plan"; qc.Text != want {
		t.Errorf("checked text %q; want it as a reader types it, %q", qc.Text, want)
	}
}

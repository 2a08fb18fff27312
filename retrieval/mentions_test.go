package retrieval_test

import (
	"testing"

	"github.com/citebot/citebot/retrieval"
)

// TestMentions: a document mentions what its text says and what its
// byline says, as whole words.
func TestMentions(t *testing.T) {
	d := &retrieval.IndexedDoc{Document: retrieval.Document{ID: "d", Text: "The cable went out on Friday.",
		Metadata: retrieval.Metadata{Title: "Cable to diplomats", Publisher: "CRBC News", Author: "Ana Ruiz"}}}
	for s, want := range map[string]bool{"cable": true, "CRBC": true, "Ruiz": true, "diplomats": true, "Fri": false, "Reuters": false} {
		if got := d.Mentions(s); got != want {
			t.Errorf("Mentions(%q) = %v; want %v", s, got, want)
		}
	}
}

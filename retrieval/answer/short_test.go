package answer

import (
	"context"
	"testing"

	"github.com/citebot/citebot/retrieval"
)

// TestShortAnswerKinds: the short answer put forward is a span of the kind asked for,
// read the way a reporter would: a name that holds the question's
// category noun answers "which airline"; "where" is answered by the place
// after "in", not by a place used as an adjective; "how deep" by the
// figure the text introduces as a depth. The documents are made up.
func TestShortAnswerKinds(t *testing.T) {
	docs := []retrieval.Document{
		{ID: "crash", Metadata: retrieval.Metadata{Title: "Cargo plane crashes into houses"}, Text: "A Boeing cargo plane crashed into houses near the capital on Monday.\n\nThe air force said Ajax Airlines owned the plane, which was flying from Bishkek."},
		{ID: "obit", Metadata: retrieval.Metadata{Title: "Lyricist dies"}, Text: "On Monday, US singer and lyricist Mara Quill died at her home in Port Ellis, Oregon.\n\nShe wrote songs for forty years."},
		{ID: "wreck", Metadata: retrieval.Metadata{Title: "Submarine wreck found"}, Text: "The wreck was found about 50 miles south of the island at a depth of over 1,400 feet, far from where records put it."},
	}
	eng := newEngine(t, docs)
	for _, tc := range []struct{ q, want string }{
		{"Which airline owned the plane that crashed into houses?", "Ajax Airlines"},
		{"Where did Mara Quill die?", "Port Ellis, Oregon"},
		{"How deep is the wreck?", "over 1,400 feet"},
	} {
		// The candidate put forward, before the short-answer model weighs
		// whether to set it in bold.
		c, err := eng.Candidates(context.Background(), tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if c.ShortText != tc.want {
			t.Errorf("%q: short answer candidate %q; want %q", tc.q, c.ShortText, tc.want)
		}
	}
}

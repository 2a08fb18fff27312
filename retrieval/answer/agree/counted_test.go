package agree

import (
	"slices"
	"testing"

	rtext "github.com/citebot/citebot/retrieval/text"
)

// A place name after an amount adds a place term that spans the name's
// words, so the token stream overlaps itself ("50 United States" holds
// "United", the place term over "United States", then "States"):
// reading what the amount counts must not cut the quote backwards.
func TestCountedAfterOverlappingPlaceTerm(t *testing.T) {
	quote := "All but 31 US states ban it; 19 United States schools do not."
	for _, tc := range []struct {
		amount string
		want   []string
	}{
		{"31", []string{"state", "ban"}},
		{"19", []string{"school"}},
	} {
		end := -1
		for i := 0; i+len(tc.amount) <= len(quote); i++ {
			if quote[i:i+len(tc.amount)] == tc.amount {
				end = i + len(tc.amount)
				break
			}
		}
		got := countedAfter(quote, end, rtext.Analyze(quote))
		if !slices.Equal(got, tc.want) {
			t.Errorf("countedAfter after %q = %q, want %q", tc.amount, got, tc.want)
		}
	}
}

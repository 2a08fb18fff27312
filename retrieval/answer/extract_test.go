package answer

import (
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
)

// TestNumberCandidates: amounts keep their modifiers and units and never
// swallow the punctuation after them.
func TestNumberCandidates(t *testing.T) {
	tests := []struct {
		sentence string
		want     []string
	}{
		{"The cap was set at 7,500, a record low.", []string{"7,500"}},
		{"It includes more than a dozen talking points.", []string{"more than a dozen"}},
		{"Costs rose to $4.2 billion in 2024.", []string{"$4.2 billion", "2024"}},
		{"Turnout was 61.5% and 100,000+ voted.", []string{"61.5%", "100,000+"}},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range candidates(tt.sentence, retrieval.Span{Start: 0, End: len(tt.sentence)}, TypeNumber, false) {
			got = append(got, tt.sentence[c.Start:c.End])
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("candidates(%q) = %q; want %q", tt.sentence, got, tt.want)
		}
	}
}

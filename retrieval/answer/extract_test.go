package answer

import (
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/question"
	rtext "github.com/citebot/citebot/retrieval/text"
)

// TestCandidates: a question's candidates are the sentence's entities of
// the kind it asks for, amounts with their modifiers, units and scale,
// never the punctuation after them.
func TestCandidates(t *testing.T) {
	tests := []struct {
		question, sentence string
		want               []string
	}{
		{"What was the refugee cap?", "The cap was set at 7,500, a record low.", []string{"7,500"}},
		{"How many talking points did it include?", "It includes more than a dozen talking points.", []string{"more than a dozen"}},
		{"How much did costs rise to?", "Costs rose to $4.2 billion in 2024.", []string{"$4.2 billion"}},
		{"What was the turnout?", "Turnout was 61.5% and 100,000+ voted.", []string{"61.5%"}},
		{"How many people voted?", "Turnout was 61.5% and 100,000+ voted.", []string{"100,000+"}},
		{"How long did the flight take?", "The 22-mile (35-km) journey took 22 minutes with one refueling.", []string{"22 minutes"}},
		{"How much do they have to pay?", "They are to pay €20,000 (£17,500; US$22,900) in compensation.", []string{"€20,000", "£17,500", "US$22,900"}},
		{"On what date did he enter the consulate?", "He entered the consulate in Istanbul on October 2 2018, seeking documents.", []string{"October 2 2018"}},
	}
	for _, tt := range tests {
		d := rtext.IndexDocument(retrieval.Document{ID: "d", Text: tt.sentence})
		q := question.Analyze(tt.question)
		var got []string
		for _, c := range candidates(d, 0, d.Passages[0].Span, &q) {
			if c.prior >= question.ExactPrior {
				got = append(got, tt.sentence[c.Start:c.End])
			}
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%q in %q: candidates %q; want %q", tt.question, tt.sentence, got, tt.want)
		}
	}
}

package answer

import "testing"

func TestWhoSaidQuestion(t *testing.T) {
	for q, want := range map[string]string{
		"Who said a nation without borders is not a nation?":       "a nation without borders is not a nation",
		"who said “a nation without borders is not a nation”?":     "a nation without borders is not a nation",
		"Who said that mass migration is a human rights concern ?": "mass migration is a human rights concern",
		"Who wrote the CRBC News article?":                         "the CRBC News article",
		"Who said it?":                                             "",
		"What did the president say about borders?":                "",
	} {
		got, ok := WhoSaidQuestion(q)
		if got != want || ok != (want != "") {
			t.Errorf("WhoSaidQuestion(%q) = %q, %v; want %q", q, got, ok, want)
		}
	}
}

package agree

import (
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/question"
	rtext "github.com/citebot/citebot/retrieval/text"
)

// docsRanking is a Ranking over documents given by text: no value spans
// (citations carry highlights), quotes analysed as the ranker would.
type docsRanking map[string]string

func (docsRanking) ValueSpan(retrieval.Citation) (retrieval.Span, bool) {
	return retrieval.Span{}, false
}
func (docsRanking) QuoteTokens(c retrieval.Citation) []retrieval.Token {
	return rtext.Analyze(c.Quote)
}
func (d docsRanking) Mentions(c retrieval.Citation, s string) bool {
	text, ok := d[c.Doc]
	return !ok || retrieval.ContainsLower(strings.ToLower(text), strings.ToLower(s))
}

// A citation compared with the answer must be about what the question
// names: an election date from a story that never mentions Belarus is
// not another source's word on the Belarusian election, but one from a
// story that does, though its quote says only "the vote", is.
func TestAgreementNeedsTheQuestionsNames(t *testing.T) {
	q := question.Analyze("When is the Belarusian presidential election?")
	answer := cited("by", "2020-08-03", "The Belarusian presidential election is on August 9.", "August 9")
	for _, tc := range []struct {
		name    string
		other   retrieval.Citation
		docs    docsRanking
		summary string
	}{
		{"another country's election", cited("us", "2020-08-31", "It has grown ahead of the 2020 presidential election.", "2020"),
			docsRanking{"by": "Belarus votes.", "us": "The American Solidarity Party campaigns in the USA."}, ""},
		{"the same election, named in the document", cited("by2", "2020-07-01", "The presidential election was moved to August 10.", "August 10"),
			docsRanking{"by": "Belarus votes.", "by2": "In Belarus, opposition rallies continue."},
			"Sources differ: August 9 (newest, 2020-08-03, 1 source) vs August 10 (2020-07-01, 1 source)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ans := retrieval.Answer{Question: q.Text, Answered: true, AnswerType: question.TypeDate.String(),
				Citations: []retrieval.Citation{answer, tc.other}}
			Finish(&ans, &q, tc.docs)
			got := ""
			if ans.Agreement != nil {
				got = ans.Agreement.Summary
			}
			if got != tc.summary {
				t.Errorf("agreement %q; want %q", got, tc.summary)
			}
		})
	}
}

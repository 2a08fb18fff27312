package answer

import (
	"context"
	"fmt"
	"strings"

	"github.com/citebot/citebot/retrieval/question"
	rtext "github.com/citebot/citebot/retrieval/text"

	"github.com/citebot/citebot/retrieval"
)

// Explain describes how a question was analysed and how its best
// candidate sentences scored, for people tuning a corpus ("why this
// answer?"). The format is for reading, not parsing.
func Explain(ctx context.Context, bk retrieval.Backend, text string, n int) (string, error) {
	q := question.Analyze(text)
	var b strings.Builder
	fmt.Fprintf(&b, "type=%s intent=%d head=%q plural=%v\n", q.Type, q.Intent, q.Head, q.Plural)
	all, r, err := rankSentences(ctx, bk, &q, retrieval.Filter{})
	if err != nil {
		return "", err
	}
	if r != nil {
		for i, t := range q.Terms {
			fmt.Fprintf(&b, "  term %-14q surface=%-12q kind=%d weight=%.2f → %.2f\n", t.Term, t.Surface, t.Kind, t.Weight, r.weight[i])
		}
	}
	for i := range all {
		if r.missingNumber(&all[i]) == "" {
			x := r.declineFeatures(all, i)
			fmt.Fprintf(&b, "decline model on #%d: p(answer)=%.3f threshold=%.2f features=%.2f\n", i, r.answerable(all, i), answerThreshold, x)
			break
		}
	}
	for i, s := range all {
		if i == n {
			break
		}
		why := r.unsupported(&all[i])
		fmt.Fprintf(&b, "%2d %.3f covS=%.2f covP=%.2f bm25=%.2f q=%v faq=%v %s¶%d %q %s\n", i, s.score, s.covS, s.covP, s.bm25, s.question, s.faq,
			s.doc.ID, s.doc.Passages[s.ord].Paragraph, rtext.Truncate(s.doc.Text[s.span.Start:s.span.End], 110), why)
	}
	return b.String(), nil
}

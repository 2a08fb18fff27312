package answer

import (
	"context"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/question"
)

// Tuning hooks. citebot's ranking and decline weights are fitted, not
// hand-picked: `citebot tune` asks questions with known answers, collects
// the features below for every candidate sentence, and fits the weights
// (see RANKING.md). These functions expose exactly what that needs and
// nothing of Bleve.

// Candidate is one sentence the ranker scored for a question.
type Candidate struct {
	Doc      string
	Start    int
	End      int
	Quote    string
	Features []float64
}

// Candidates are a question's scored sentences, best first under the
// current weights, and the decline model's inputs for the sentence Ask
// would weigh answering with (nil when Ask declines before the model:
// no passage holds the question's numbers, or an amount question's best
// sentence has none).
type Candidates struct {
	Sentences []Candidate
	Decline   []float64
	// DeclineAt indexes Sentences: the sentence the decline features are
	// about; -1 with Decline.
	DeclineAt int
	// AboutDocument marks a question about a document itself (who wrote
	// it, when it was published …), which Ask answers from metadata
	// before weighing sentences: its decline features mean nothing.
	AboutDocument bool
	// Short is the short-answer model's input for the candidate Ask would
	// put forward in the sentence at DeclineAt, ShortText that candidate;
	// nil and "" when there is none.
	Short     []float64
	ShortText string
}

// Candidates ranks a question's sentences as Ask does and returns them with
// their features.
func (e *Engine) Candidates(ctx context.Context, question string) (Candidates, error) {
	var out Candidates
	err := e.live.With(func(b retrieval.Backend) error {
		var err error
		out, err = rankedCandidates(ctx, b, question)
		return err
	})
	return out, err
}

func rankedCandidates(ctx context.Context, b retrieval.Backend, text string) (Candidates, error) {
	q := question.Analyze(text)
	all, r, err := rankSentences(ctx, b, &q, retrieval.Filter{})
	if err != nil {
		return Candidates{}, err
	}
	out := Candidates{DeclineAt: -1, AboutDocument: q.Intent != question.IntentContent}
	for _, s := range all {
		out.Sentences = append(out.Sentences, Candidate{
			Doc: s.doc.ID, Start: s.span.Start, End: s.span.End,
			Quote: s.doc.Text[s.span.Start:s.span.End], Features: append([]float64(nil), s.feat[:]...),
		})
	}
	for i := range all {
		if r.missingNumber(&all[i]) != "" {
			continue
		}
		if r.noAmountNear(all, i) {
			break // declined before the model weighs anything
		}
		x := r.declineFeatures(all, i)
		out.Decline = append([]float64(nil), x[:]...)
		out.DeclineAt = i
		if pick, ok := r.shortAnswer(all[i]); ok {
			// The confidence Ask weighs, not the decline model's
			// probability: the short-answer model is fitted on what it
			// will be given.
			_, conf := r.judge(all, i)
			sx := r.shortFeatures(&all[i], pick, conf)
			out.Short = append([]float64(nil), sx[:]...)
			out.ShortText = all[i].doc.Text[pick.c.Start:pick.c.End]
		}
		break
	}
	return out, nil
}

// RankingFeatures describes the ranking features for a fitting program:
// their names (the keys of Model.Ranking) and which ones the data cannot
// teach, whose weights fitting keeps.
func RankingFeatures() (names []string, fixed []bool) {
	for i := range featureNames {
		names = append(names, featureNames[i])
		fixed = append(fixed, handSetFeatures[i])
	}
	return names, fixed
}

// DeclineFeatures names the decline model's features (the keys of
// Model.Decline), in the order Candidates.Decline lists them.
func DeclineFeatures() []string { return append([]string(nil), declineNames[:]...) }

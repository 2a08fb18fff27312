package retrieval

import (
	"context"
	"fmt"
	"io"
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
}

// Candidates ranks a question's sentences as Ask does and returns them with
// their features.
func (ix *Index) Candidates(ctx context.Context, question string) (Candidates, error) {
	q := AnalyzeQuestion(question)
	all, r, err := ix.rankSentences(ctx, &q, Filter{})
	if err != nil {
		return Candidates{}, err
	}
	out := Candidates{DeclineAt: -1}
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
		if q.Type == TypeNumber && all[i].feat[fUntyped+int(TypeNumber)] > 0 {
			break
		}
		x := r.declineFeatures(all, i, ix.docCount())
		out.Decline = append([]float64(nil), x[:]...)
		out.DeclineAt = i
		break
	}
	return out, nil
}

// RankingModel describes the ranking features for a fitting program.
type RankingModel struct {
	Names   []string
	Weights []float64
	// Fixed marks the features the data cannot teach; fitting keeps their
	// weights.
	Fixed []bool
}

// CurrentRanking returns the ranking features and their weights.
func CurrentRanking() RankingModel {
	m := RankingModel{Names: featureNames[:], Weights: append([]float64(nil), featureWeights[:]...)}
	for i := range featureWeights {
		m.Fixed = append(m.Fixed, handSetFeatures[i])
	}
	return m
}

// DeclineModel describes the decline features and threshold.
type DeclineModel struct {
	Names     []string
	Weights   []float64
	Threshold float64
}

// CurrentDecline returns the decline model.
func CurrentDecline() DeclineModel {
	return DeclineModel{Names: declineNames[:], Weights: append([]float64(nil), declineWeights[:]...), Threshold: answerThreshold}
}

// WriteRankingGo writes weights as the Go source of featureWeights, for
// pasting into rank.go.
func WriteRankingGo(w io.Writer, weights []float64) error {
	if len(weights) != int(numFeatures) {
		return fmt.Errorf("%d weights; want %d", len(weights), numFeatures)
	}
	if _, err := fmt.Fprintln(w, "var featureWeights = [numFeatures]float64{"); err != nil {
		return err
	}
	for i, v := range weights {
		if featureNames[i] == "fUntyped" && v == 0 {
			continue
		}
		if _, err := fmt.Fprintf(w, "\t%s: %.3f,\n", featureNames[i], v); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, "}")
	return err
}

// WriteDeclineGo writes weights as the Go source of declineWeights.
func WriteDeclineGo(w io.Writer, weights []float64) error {
	if len(weights) != int(numDecline) {
		return fmt.Errorf("%d weights; want %d", len(weights), numDecline)
	}
	if _, err := fmt.Fprintln(w, "var declineWeights = [numDecline]float64{"); err != nil {
		return err
	}
	for i, v := range weights {
		if _, err := fmt.Fprintf(w, "\t%s: %.3f,\n", declineNames[i], v); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, "}")
	return err
}

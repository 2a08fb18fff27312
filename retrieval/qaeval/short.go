package qaeval

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/citebot/citebot/retrieval/answer"
)

// shortCost is what a wrong short answer costs against a right one when
// the short-answer threshold is chosen: a wrong fact in bold is worse than
// none, so one wrong answer must buy more than one right one. (At 4, the
// threshold took the bold away from right answers a reader needs, such
// as a cap asked for by its fiscal year: p 0.47–0.73.)
const shortCost = 2

// shortSamples asks answerable questions and records, for each that gets a
// candidate short answer, the short-answer model's features; In marks a
// right one (it holds a gold answer and not much more, from an expected
// document). A candidate that holds a gold answer among much else is
// neither right nor wrong and is left out. doc says whether the sentence's
// document is one the question is about.
func shortSamples(ctx context.Context, ix *answer.Engine, qs []string, golds [][]string, doc func(i int, id string) bool, config string) ([]DeclineSample, error) {
	out := make([]DeclineSample, len(qs))
	err := parallel(ctx, len(qs), func(i int) error {
		c, err := ix.Candidates(ctx, qs[i])
		if err != nil {
			return err
		}
		if c.Short == nil || c.AboutDocument {
			return nil
		}
		s := c.Sentences[c.DeclineAt]
		v := JudgeShortText(c.ShortText, s.Quote, golds[i])
		if v == NoShort || v == ShortLong {
			return nil
		}
		out[i] = DeclineSample{Config: config, In: v == ShortRight && doc(i, s.Doc), Answerable: true, X: c.Short}
		return nil
	})
	var kept []DeclineSample
	for _, s := range out {
		if s.X != nil {
			kept = append(kept, s)
		}
	}
	return kept, err
}

// fitShort fits the short-answer model on samples and chooses the
// threshold that maximises right short answers minus shortCost times
// wrong ones, each config counting equally.
func fitShort(samples []DeclineSample) ([]float64, float64) {
	w := FitDecline(samples, len(answer.ShortFeatures()))
	count := map[string]int{}
	for _, s := range samples {
		count[s.Config]++
	}
	best, bestT := math.Inf(-1), 0.0
	for t := 0.0; t < 0.9; t += 0.01 {
		gain := 0.0
		for _, s := range samples {
			if logistic(w, s.X) < t {
				continue
			}
			v := 1.0
			if !s.In {
				v = -shortCost
			}
			gain += v / float64(count[s.Config])
		}
		if gain > best {
			best, bestT = gain, t
		}
	}
	return w, math.Round(bestT*100) / 100
}

// reportShort writes, per config, the right and wrong short answers
// shown before and after the model.
func reportShort(w io.Writer, samples []DeclineSample, sw []float64, threshold float64, configs []string) {
	for _, cfg := range configs {
		var r0, w0, r1, w1 int
		for _, s := range samples {
			if s.Config != cfg {
				continue
			}
			shown := logistic(sw, s.X) >= threshold
			switch {
			case s.In:
				r0++
				if shown {
					r1++
				}
			default:
				w0++
				if shown {
					w1++
				}
			}
		}
		fmt.Fprintf(w, "short %-6s: right %d, wrong %d → right %d, wrong %d (threshold %.2f)\n", cfg, r0, w0, r1, w1, threshold)
	}
	// The trade-off at other thresholds, for the record.
	for t := 0.3; t < 0.95; t += 0.1 {
		fmt.Fprintf(w, "short at %.1f:", t)
		for _, cfg := range configs {
			right, wrong := 0, 0
			for _, s := range samples {
				if s.Config == cfg && logistic(sw, s.X) >= t {
					if s.In {
						right++
					} else {
						wrong++
					}
				}
			}
			fmt.Fprintf(w, " %s %d right %d wrong;", cfg, right, wrong)
		}
		fmt.Fprintln(w)
	}
}

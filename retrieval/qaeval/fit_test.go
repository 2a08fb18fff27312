package qaeval

import (
	"math/rand"
	"testing"

	"github.com/citebot/citebot/retrieval"
)

// TestFitDeclineSeparates: on data where the first feature decides whether
// a question is in the corpus, the fitted model answers the in-corpus ones
// and declines the rest.
func TestFitDeclineSeparates(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var samples []DeclineSample
	for i := 0; i < 400; i++ {
		in := i%2 == 0
		signal := rng.Float64() * 0.4
		if in {
			signal += 0.6
		}
		samples = append(samples, DeclineSample{Config: "c", In: in, X: []float64{1, signal, rng.Float64()}})
	}
	samples = append(samples, DeclineSample{Config: "c", In: false}) // declined before the model
	w := FitDecline(samples, 3)
	answered, declined := DeclineRates(samples, w, 0.5, "c")
	if answered < 0.99 || declined < 0.99 {
		t.Errorf("answered %.2f, declined %.2f; want both near 1 (weights %v)", answered, declined, w)
	}
}

// TestFitRankingLearnsAFeature: when gold sentences are exactly those with
// a high second feature, fitting moves weight onto it and ranks them first,
// and leaves fixed weights alone.
func TestFitRankingLearnsAFeature(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	var exs []RankingExample
	for q := 0; q < 200; q++ {
		var ex RankingExample
		gold := rng.Intn(5)
		for i := 0; i < 5; i++ {
			f := []float64{rng.Float64(), rng.Float64() * 0.5, 1}
			if i == gold {
				f[1] += 0.5
			}
			ex.Features = append(ex.Features, f)
			ex.Gold = append(ex.Gold, i == gold)
		}
		ex.Held = q%4 == 0
		exs = append(exs, ex)
	}
	m := RankingModel{Names: []string{"noise", "signal", "fixed"}, Weights: []float64{1, 0, 7}, Fixed: []bool{false, false, true}}
	before, _ := RankingAccuracy(exs, m.Weights, true)
	w := FitRanking(exs, m, 8)
	after, _ := RankingAccuracy(exs, w, true)
	if after < 0.95 || after <= before {
		t.Errorf("held-out @1 %.2f → %.2f; want it near 1 (weights %v)", before, after, w)
	}
	if w[2] != 7 {
		t.Errorf("fixed weight changed to %v", w[2])
	}
}

// TestCalibration: answered questions are binned by confidence, a right
// first quote counted in its bin; declines are not binned.
func TestCalibration(t *testing.T) {
	var s Summary
	for _, r := range []Result{
		{Answer: retrieval.Answer{Answered: true, Confidence: 0.95}, FirstQuoteRight: true},
		{Answer: retrieval.Answer{Answered: true, Confidence: 1}, FirstQuoteRight: false},
		{Answer: retrieval.Answer{Answered: true, Confidence: 0.1}},
		{Answer: retrieval.Answer{Answered: false, Confidence: 0.1}},
	} {
		s.calibrate(r)
	}
	if s.Calibration[4] != (CalibrationBin{Answered: 2, Right: 1}) || s.Calibration[0] != (CalibrationBin{Answered: 1}) {
		t.Errorf("calibration %+v; want 2 answered (1 right) at the top, 1 at the bottom", s.Calibration)
	}
}

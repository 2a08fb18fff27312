package qaeval

import (
	"context"
	"math"
	"math/rand"
	"runtime"
	"sort"
	"sync"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/bleveindex"
)

// Fitting citebot's weights. Both models are fitted on SQuAD dev and checked
// on questions they did not see:
//
//   - ranking: pairwise logistic regression (a gold sentence should outscore
//     a non-gold one for the same question) on the questions of the
//     even-numbered articles, over the whole dev set as one corpus; the
//     odd-numbered articles' questions are held out;
//   - declining: logistic regression (Newton's method, a little L2) on
//     corpora of 1, 2, 6 and 24 even-numbered articles, with questions from
//     inside them (answer) and from odd-numbered articles (decline); the
//     mirror image (odd articles indexed, even ones outside) is held out.

// RankingExample is one question's candidate sentences and which of them
// contain a gold answer.
type RankingExample struct {
	Held bool // held out from fitting
	// Weight is how much the example counts in fitting (1 when zero):
	// a small hand-written set weighs more than a large dataset.
	Weight   float64
	Features [][]float64
	Gold     []bool
}

// CollectRanking asks every question and records its candidates; held
// decides which questions are held out.
func CollectRanking(ctx context.Context, ix *answer.Engine, qs []Question, held func(Question) bool) ([]RankingExample, error) {
	out := make([]RankingExample, len(qs))
	err := parallel(ctx, len(qs), func(i int) error {
		c, err := ix.Candidates(ctx, qs[i].Question)
		if err != nil {
			return err
		}
		ex := RankingExample{Held: held(qs[i])}
		for _, s := range c.Sentences {
			ex.Features = append(ex.Features, s.Features)
			ex.Gold = append(ex.Gold, ContainsAny(s.Quote, qs[i].Golds))
		}
		out[i] = ex
		return nil
	})
	return out, err
}

// FitRanking fits ranking weights on the examples not held out, starting
// from m and keeping its fixed weights.
func FitRanking(exs []RankingExample, m RankingModel, epochs int) []float64 {
	w := append([]float64(nil), m.Weights...)
	score := func(f []float64) float64 {
		s := 0.0
		for i, v := range f {
			s += w[i] * v
		}
		return s
	}
	rng := rand.New(rand.NewSource(1))
	lr := 0.05
	for epoch := 0; epoch < epochs; epoch++ {
		for _, ex := range exs {
			if ex.Held {
				continue
			}
			var pos, neg []int
			for i, g := range ex.Gold {
				if g {
					pos = append(pos, i)
				} else {
					neg = append(neg, i)
				}
			}
			if len(pos) == 0 || len(neg) == 0 {
				continue
			}
			reps := 4
			if ex.Weight > 1 {
				reps = int(4 * ex.Weight)
			}
			// The hardest negative, then random ones.
			for rep := 0; rep < reps; rep++ {
				p := ex.Features[pos[rng.Intn(len(pos))]]
				n := ex.Features[neg[rng.Intn(len(neg))]]
				if rep == 0 {
					best := math.Inf(-1)
					for _, j := range neg {
						if s := score(ex.Features[j]); s > best {
							best, n = s, ex.Features[j]
						}
					}
				}
				g := 1 / (1 + math.Exp(score(p)-score(n)))
				for i := range w {
					if !m.Fixed[i] {
						w[i] += lr * g * (p[i] - n[i])
					}
				}
			}
		}
		lr *= 0.7
	}
	return w
}

// RankingAccuracy is how often the best sentence (at1), or one of the best
// five (at5), contains a gold answer, over the held-out or the fitted
// questions.
func RankingAccuracy(exs []RankingExample, w []float64, held bool) (at1, at5 float64) {
	n, a1, a5 := 0, 0, 0
	for _, ex := range exs {
		if ex.Held != held {
			continue
		}
		n++
		idx := make([]int, len(ex.Features))
		sc := make([]float64, len(ex.Features))
		for i, f := range ex.Features {
			idx[i] = i
			for k, v := range f {
				sc[i] += w[k] * v
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return sc[idx[a]] > sc[idx[b]] })
		for r, i := range idx {
			if r == 5 {
				break
			}
			if ex.Gold[i] {
				if r == 0 {
					a1++
				}
				a5++
				break
			}
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(a1) / float64(n), float64(a5) / float64(n)
}

// DeclineSample is one question asked of one corpus: whether its answer is
// in that corpus, and the decline features (nil when citebot declines before
// the model).
type DeclineSample struct {
	Config string // which corpus shape it comes from
	// In: the sentence the model judges answers the question.
	In bool
	// Answerable: the documents answer the question (whether or not the
	// judged sentence does).
	Answerable bool
	X          []float64
	// Held marks samples fitting must not see (reported apart).
	Held bool
	// Weight multiplies the sample's share of its config in fitting (1
	// when zero).
	Weight float64
}

// CollectDecline asks questions of ix, labelled in or out of its corpus.
func CollectDecline(ctx context.Context, ix *answer.Engine, qs []string, in bool, config string) ([]DeclineSample, error) {
	out := make([]DeclineSample, len(qs))
	err := parallel(ctx, len(qs), func(i int) error {
		c, err := ix.Candidates(ctx, qs[i])
		if err != nil {
			return err
		}
		out[i] = DeclineSample{Config: config, In: in, X: c.Decline}
		return nil
	})
	return out, err
}

// FitDecline fits the decline model by Newton's method with a little L2,
// giving each corpus shape equal weight.
func FitDecline(samples []DeclineSample, dim int) []float64 {
	count := map[string]int{}
	for _, s := range samples {
		count[s.Config]++
	}
	w := make([]float64, dim)
	for it := 0; it < 25; it++ {
		g := make([]float64, dim)
		h := make([][]float64, dim)
		for i := range h {
			h[i] = make([]float64, dim+1)
		}
		for _, s := range samples {
			if s.X == nil || s.Held {
				continue
			}
			y := 0.0
			if s.In {
				y = 1
			}
			p := logistic(w, s.X)
			sw := 1 / float64(count[s.Config])
			if s.Weight > 0 {
				sw *= s.Weight
			}
			for i := 0; i < dim; i++ {
				g[i] += sw * (y - p) * s.X[i]
				for j := 0; j < dim; j++ {
					h[i][j] += sw * p * (1 - p) * s.X[i] * s.X[j]
				}
			}
		}
		for i := 0; i < dim; i++ {
			g[i] -= 1e-3 * w[i]
			h[i][i] += 1e-3
			h[i][dim] = g[i]
		}
		step := solve(h)
		for i := range w {
			w[i] += step[i]
		}
	}
	return w
}

func logistic(w, x []float64) float64 {
	z := 0.0
	for i := range w {
		z += w[i] * x[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// solve solves the augmented system a (n rows of n+1) by Gauss-Jordan
// elimination with partial pivoting.
func solve(a [][]float64) []float64 {
	n := len(a)
	for c := 0; c < n; c++ {
		piv := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[piv][c]) {
				piv = r
			}
		}
		a[c], a[piv] = a[piv], a[c]
		if a[c][c] == 0 {
			continue
		}
		for r := 0; r < n; r++ {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k <= n; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	x := make([]float64, n)
	for i := range x {
		if a[i][i] != 0 {
			x[i] = a[i][n] / a[i][i]
		}
	}
	return x
}

// DeclineRates are the share of in-corpus questions answered and of
// out-of-corpus questions declined, for one corpus shape.
func DeclineRates(samples []DeclineSample, w []float64, threshold float64, config string) (answered, declined float64) {
	return rates(samples, w, threshold, config, func(s DeclineSample) bool { return s.In })
}

// rates are the share of the samples positive says should be answered
// that the decline model at threshold answers, and of the others that it
// declines, for one config.
func rates(samples []DeclineSample, w []float64, threshold float64, config string, positive func(DeclineSample) bool) (answered, declined float64) {
	return shares(samples, config, positive, func(s DeclineSample) bool { return s.X == nil || logistic(w, s.X) < threshold })
}

// shares are the share of the samples positive says should be answered
// that are not declined, and of the others that are, for one config.
func shares(samples []DeclineSample, config string, positive, declines func(DeclineSample) bool) (answered, declined float64) {
	in, out, a, d := 0, 0, 0, 0
	for _, s := range samples {
		if s.Config != config {
			continue
		}
		no := declines(s)
		if positive(s) {
			in++
			if !no {
				a++
			}
		} else {
			out++
			if no {
				d++
			}
		}
	}
	if in > 0 {
		answered = float64(a) / float64(in)
	}
	if out > 0 {
		declined = float64(d) / float64(out)
	}
	return answered, declined
}

// RankingModel is the ranking part of answer.Model as a fitting program
// needs it: weights by feature index, and the features fitting keeps.
type RankingModel struct {
	Names   []string
	Weights []float64
	Fixed   []bool
}

// currentModels returns the model in use, by feature index.
func currentModels() (RankingModel, []float64, float64) {
	m := answer.CurrentModel()
	var rm RankingModel
	rm.Names, rm.Fixed = answer.RankingFeatures()
	for _, n := range rm.Names {
		rm.Weights = append(rm.Weights, m.Ranking[n])
	}
	var dw []float64
	for _, n := range answer.DeclineFeatures() {
		dw = append(dw, m.Decline[n])
	}
	return rm, dw, m.AnswerThreshold
}

// NewEngine indexes docs in memory (the embedded Bleve backend) and
// returns an engine answering from them; Close it when done.
func NewEngine(ctx context.Context, docs []retrieval.Document) (*answer.Engine, error) {
	ix, err := bleveindex.NewMemory(ctx, docs)
	if err != nil {
		return nil, err
	}
	return answer.New(retrieval.NewLive(ix)), nil
}

func pick(rng *rand.Rand, from []int, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = from[rng.Intn(len(from))]
	}
	return out
}

// parallel runs f(0…n-1) on one worker per CPU and returns the first error.
func parallel(ctx context.Context, n int, f func(int) error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

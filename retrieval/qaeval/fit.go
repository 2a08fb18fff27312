package qaeval

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand"
	"runtime"
	"sort"
	"strings"
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
	Held     bool // held out from fitting
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
			// The hardest negative, then three random ones.
			for rep := 0; rep < 4; rep++ {
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
	In     bool
	X      []float64
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
			if s.X == nil {
				continue
			}
			y := 0.0
			if s.In {
				y = 1
			}
			p := logistic(w, s.X)
			sw := 1 / float64(count[s.Config])
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
	in, out, a, d := 0, 0, 0, 0
	for _, s := range samples {
		if s.Config != config {
			continue
		}
		answers := s.X != nil && logistic(w, s.X) >= threshold
		if s.In {
			in++
			if answers {
				a++
			}
		} else {
			out++
			if !answers {
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

// Tune refits both models on a SQuAD dev file, writes the held-out
// figures before and after to report, and the new model to model, in the
// form of retrieval/answer/model.json.
func Tune(ctx context.Context, s *SQuAD, report, model io.Writer) error {
	w := report
	articles := func(parity int) []int {
		var out []int
		for i := range s.Data {
			if i%2 == parity {
				out = append(out, i)
			}
		}
		return out
	}
	// Ranking, over the whole dev set as one corpus.
	docs, qs := SQuADCorpus(s, nil)
	ix, err := NewEngine(ctx, docs)
	if err != nil {
		return err
	}
	defer ix.Close()
	artOf := func(q Question) int {
		var n int
		fmt.Sscanf(strings.TrimPrefix(q.Doc, "squad-"), "%d", &n)
		return n
	}
	exs, err := CollectRanking(ctx, ix, qs, func(q Question) bool { return artOf(q)%2 == 1 })
	if err != nil {
		return err
	}
	cur, curDecline, threshold := currentModels()
	before1, before5 := RankingAccuracy(exs, cur.Weights, true)
	fitted := FitRanking(exs, cur, 12)
	after1, after5 := RankingAccuracy(exs, fitted, true)
	fmt.Fprintf(w, "ranking, held-out questions (odd articles): @1 %.1f%% @5 %.1f%% → @1 %.1f%% @5 %.1f%%\n",
		100*before1, 100*before5, 100*after1, 100*after5)

	// Declining, on corpora of several sizes. (The decline features depend
	// on ranking scores; refit after pasting new ranking weights.)
	rng := rand.New(rand.NewSource(42))
	collect := func(parity int) ([]DeclineSample, error) {
		in, other := articles(parity), articles(1-parity)
		var out []DeclineSample
		add := func(corpus, outside []int, max int, config string) error {
			sub := &SQuAD{}
			for _, i := range corpus {
				sub.Data = append(sub.Data, s.Data[i])
			}
			docs, inQs := SQuADCorpus(sub, nil)
			ix, err := NewEngine(ctx, docs)
			if err != nil {
				return err
			}
			defer ix.Close()
			outside2 := &SQuAD{}
			for _, i := range outside {
				outside2.Data = append(outside2.Data, s.Data[i])
			}
			_, outQs := SQuADCorpus(outside2, nil)
			for _, set := range []struct {
				qs []Question
				in bool
			}{{inQs, true}, {outQs, false}} {
				texts := make([]string, 0, len(set.qs))
				for _, q := range set.qs {
					texts = append(texts, q.Question)
				}
				rng.Shuffle(len(texts), func(a, b int) { texts[a], texts[b] = texts[b], texts[a] })
				if max > 0 && len(texts) > max {
					texts = texts[:max]
				}
				ss, err := CollectDecline(ctx, ix, texts, set.in, config)
				if err != nil {
					return err
				}
				out = append(out, ss...)
			}
			return nil
		}
		if err := add(in, other, 0, "half"); err != nil {
			return nil, err
		}
		for k := 0; k+6 <= len(in); k += 6 {
			if err := add(in[k:k+6], pick(rng, other, 3), 200, "six"); err != nil {
				return nil, err
			}
		}
		for k := 0; k+1 < len(in); k += 2 {
			if err := add(in[k:k+2], pick(rng, other, 2), 120, "two"); err != nil {
				return nil, err
			}
		}
		for k := 0; k < len(in); k += 4 {
			if err := add(in[k:k+1], pick(rng, other, 1), 100, "one"); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	train, err := collect(0)
	if err != nil {
		return err
	}
	held, err := collect(1)
	if err != nil {
		return err
	}
	dw := FitDecline(train, len(curDecline))
	for _, cfg := range []string{"half", "six", "two", "one"} {
		a0, d0 := DeclineRates(held, curDecline, threshold, cfg)
		a1, d1 := DeclineRates(held, dw, threshold, cfg)
		fmt.Fprintf(w, "decline, held out, %-4s corpora at threshold %.2f: answered %.1f%% declined %.1f%% → answered %.1f%% declined %.1f%%\n",
			cfg, threshold, 100*a0, 100*d0, 100*a1, 100*d1)
	}
	out := answer.Model{Ranking: map[string]float64{}, Decline: map[string]float64{}, AnswerThreshold: threshold}
	for i, n := range cur.Names {
		if fitted[i] != 0 {
			out.Ranking[n] = fitted[i]
		}
	}
	for i, n := range answer.DeclineFeatures() {
		if dw[i] != 0 {
			out.Decline[n] = dw[i]
		}
	}
	return answer.WriteModel(model, out)
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

package opensearchindex

import (
	"math"
	"slices"
	"sort"

	"github.com/citebot/citebot/retrieval"
)

// Scoring: OpenSearch only finds candidate passages; their final scores
// are computed here, from each candidate's analysed terms and the
// generation's corpus statistics, with exactly the formulas the Bleve
// backend scores with (Bleve v2's BM25 as bleveindex configures it).
// The answering core ranks on raw and relative BM25 and its decline model
// reads them too, so Lucene's BM25 (true average length, no coordination
// factor, lossy length norms) would change which questions are answered.
// What Bleve does, and this mirrors:
//
//   - a term's idf is ln(1 + (N - df + 0.5) / (df + 0.5)), N the passages;
//   - its weight in a passage is idf * sqrt(tf)*k1 / (sqrt(tf) +
//     k1*(1-b+b*len/avgLen)), k1 1.2 and b 0.75, where len is the passage's
//     token count as Bleve's segments store it (1/sqrt(len) rounded to a
//     float32) and avgLen is ceil(distinct terms / passages);
//   - that is multiplied by boost*idf*queryNorm, queryNorm being
//     1/sqrt(sum over every term clause of the query of (boost*idf)²);
//   - a disjunction sums what matched, times matched/clauses (the
//     coordination factor); a conjunction sums; a phrase is the
//     conjunction of its positions' terms, scored on the passage's term
//     frequencies, and matches only where the terms follow one another as
//     Bleve's phrase searcher requires.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// corpus are the statistics scores are computed with.
type corpus struct {
	// passages is N; avgLen Bleve's average length (see above).
	passages float64
	avgLen   float64
	// df is each query term's document frequency.
	df map[string]int
}

// bleveAvgLen is Bleve's average passage length for BM25: the number of
// distinct terms over the number of passages, rounded up.
func bleveAvgLen(distinctTerms, passages int) float64 {
	if passages == 0 {
		return 0
	}
	return math.Ceil(float64(distinctTerms) / float64(passages))
}

func (c *corpus) idf(term string) float64 {
	df := float64(c.df[term])
	return math.Log(1 + (c.passages-df+0.5)/(df+0.5))
}

// view is a candidate passage as the scorer reads it: its terms in order
// with their word positions, and how often each occurs.
type view struct {
	terms []string
	pos   []int
	freq  map[string]int
	// fieldLength is the passage's length as Bleve's norm gives it back.
	fieldLength float64
}

func newView(terms []string, pos []int) *view {
	v := &view{terms: terms, pos: pos, freq: make(map[string]int, len(terms))}
	for _, t := range terms {
		v.freq[t]++
	}
	// Bleve's zap segments keep a field's length as a float32 norm,
	// 1/sqrt(length), and the scorer turns it back into a length.
	norm := float64(float32(1.0 / math.Sqrt(float64(len(terms)))))
	v.fieldLength = 1 / (norm * norm)
	return v
}

// clause is one node of a query as Bleve builds its searchers.
type clause interface {
	// weight is the sum of (boost*idf)² over the clause's terms.
	weight(c *corpus) float64
	// count is Bleve's estimate of matches, which orders the children of
	// a composite (and so the order their scores are added in).
	count(c *corpus) int
	// score reports whether the passage matches and its score.
	score(c *corpus, norm float64, v *view) (float64, bool)
}

type termClause struct {
	term  string
	boost float64
}

func (t termClause) weight(c *corpus) float64 {
	w := t.boost * c.idf(t.term)
	return w * w
}

func (t termClause) count(c *corpus) int { return c.df[t.term] }

func (t termClause) score(c *corpus, norm float64, v *view) (float64, bool) {
	f := v.freq[t.term]
	if f == 0 {
		return 0, false
	}
	idf := c.idf(t.term)
	tf := math.Sqrt(float64(f))
	s := idf * (tf * bm25K1) / (tf + bm25K1*(1-bm25B+(bm25B*v.fieldLength/c.avgLen)))
	return s * (t.boost * idf * norm), true
}

// byCount orders a composite's children as Bleve's OrderedSearcherList
// does (fewest matches first; the sort is stable for the few children
// queries have).
func byCount(c *corpus, cs []clause) []clause {
	out := slices.Clone(cs)
	sort.SliceStable(out, func(i, j int) bool { return out[i].count(c) < out[j].count(c) })
	return out
}

type disjunction struct{ children []clause }

func (d disjunction) weight(c *corpus) float64 {
	w := 0.0
	for _, ch := range d.children {
		w += ch.weight(c)
	}
	return w
}

func (d disjunction) count(c *corpus) int {
	n := 0
	for _, ch := range d.children {
		n += ch.count(c)
	}
	return n
}

func (d disjunction) score(c *corpus, norm float64, v *view) (float64, bool) {
	sum, matched := 0.0, 0
	for _, ch := range byCount(c, d.children) {
		if s, ok := ch.score(c, norm, v); ok {
			sum += s
			matched++
		}
	}
	if matched == 0 {
		return 0, false
	}
	return sum * (float64(matched) / float64(len(d.children))), true
}

type conjunction struct{ children []clause }

func (k conjunction) weight(c *corpus) float64 { return disjunction(k).weight(c) }
func (k conjunction) count(c *corpus) int      { return disjunction(k).count(c) }

func (k conjunction) score(c *corpus, norm float64, v *view) (float64, bool) {
	sum := 0.0
	for _, ch := range byCount(c, k.children) {
		s, ok := ch.score(c, norm, v)
		if !ok {
			return 0, false
		}
		sum += s
	}
	return sum, true
}

// phraseClause is a retrieval.Phrase: the conjunction of its positions
// (one term, or a disjunction of several), matching only where they
// follow one another.
type phraseClause struct {
	positions [][]string
	must      conjunction
}

func newPhrase(ph retrieval.Phrase) phraseClause {
	boost := ph.Boost
	if boost == 0 {
		boost = 1
	}
	p := phraseClause{positions: ph.Positions}
	for _, terms := range ph.Positions {
		var leaves []clause
		for _, t := range terms {
			if t != "" {
				leaves = append(leaves, termClause{t, boost})
			}
		}
		switch {
		case len(terms) == 1 && terms[0] != "":
			p.must.children = append(p.must.children, leaves[0])
		case len(leaves) > 0:
			p.must.children = append(p.must.children, disjunction{leaves})
		}
	}
	return p
}

func (p phraseClause) weight(c *corpus) float64 { return p.must.weight(c) }
func (p phraseClause) count(c *corpus) int      { return p.must.count(c) }

func (p phraseClause) score(c *corpus, norm float64, v *view) (float64, bool) {
	if len(p.must.children) == 0 || !phraseAt(p.positions, v) {
		return 0, false
	}
	return p.must.score(c, norm, v)
}

// phraseAt reports whether the passage holds the phrase as Bleve's phrase
// searcher finds it: leading empty positions (dropped stop words) are
// skipped, each later position must be the next word position (an empty
// one takes any word, or none), trailing empty positions need nothing.
func phraseAt(positions [][]string, v *view) bool {
	for len(positions) > 0 && isEmpty(positions[0]) {
		positions = positions[1:]
	}
	if len(positions) == 0 {
		return false
	}
	at := map[int][]string{}
	for i, p := range v.pos {
		at[p] = append(at[p], v.terms[i])
	}
	for i, first := range v.terms {
		if !slices.Contains(positions[0], first) {
			continue
		}
		next, ok := v.pos[i], true
		for _, want := range positions[1:] {
			next++
			if isEmpty(want) {
				continue
			}
			if !slices.ContainsFunc(at[next], func(t string) bool { return slices.Contains(want, t) }) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func isEmpty(terms []string) bool {
	for _, t := range terms {
		if t != "" {
			return false
		}
	}
	return true
}

// plan is a retrieval.Query as Bleve's searchers would run it: Required
// phrases in a conjunction with the disjunction of the optional terms and
// phrases (or that disjunction alone). A collection filter adds nothing
// to a score in Bleve (its clauses have boost 0), so it is left to
// OpenSearch.
type plan struct {
	root clause
}

func newPlan(q retrieval.Query) (plan, bool) {
	var should []clause
	for _, t := range q.Terms {
		should = append(should, termClause{t.Term, t.Boost})
	}
	for _, ph := range q.Phrases {
		should = append(should, newPhrase(ph))
	}
	var must []clause
	for _, ph := range q.Required {
		must = append(must, newPhrase(ph))
	}
	if len(should) > 0 {
		must = append(must, disjunction{should})
	}
	switch {
	case len(must) == 0:
		return plan{}, false
	case len(q.Required) == 0:
		return plan{root: must[0]}, true
	}
	return plan{root: conjunction{must}}, true
}

// queryTerms lists every term the query names, once.
func queryTerms(q retrieval.Query) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, t := range q.Terms {
		add(t.Term)
	}
	for _, phs := range [][]retrieval.Phrase{q.Phrases, q.Required} {
		for _, ph := range phs {
			for _, pos := range ph.Positions {
				for _, t := range pos {
					add(t)
				}
			}
		}
	}
	return out
}

// scoreAll scores candidate passages and returns the k best matching
// ones, best first; equal scores are ordered by document and passage, so
// the order never depends on how the cluster returned them.
func (p plan) scoreAll(c *corpus, cands []candidate, k int) []retrieval.Hit {
	if c.avgLen <= 0 {
		return nil
	}
	norm := 1.0 / math.Sqrt(p.root.weight(c))
	hits := make([]retrieval.Hit, 0, len(cands))
	for _, cand := range cands {
		s, ok := p.root.score(c, norm, newView(cand.Terms, cand.Pos))
		if ok {
			hits = append(hits, retrieval.Hit{Doc: cand.Doc, Passage: cand.Ord, Score: s})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Doc != b.Doc {
			return a.Doc < b.Doc
		}
		return a.Passage < b.Passage
	})
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits
}

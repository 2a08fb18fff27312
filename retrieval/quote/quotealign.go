package quote

import (
	"github.com/citebot/citebot/retrieval"
	rtext "github.com/citebot/citebot/retrieval/text"
)

// This file aligns a checked text's words with a document's: a weighted
// word-level edit distance in which the whole checked text must be
// aligned but the document may start and end anywhere (semi-global
// alignment), and at a gap (an ellipsis in the checked text) any run of
// document words may be skipped for free.

// Alignment operations, one per step of the traceback.
const (
	opMatch = iota // the words are equal
	opDel          // a checked word the document lacks
	opIns          // a document word the checked text lacks
	opSkip         // a document word an ellipsis stands for
)

// step is one operation of an alignment: q and d index the words
// consumed (-1 when the operation consumes none of that side).
type step struct {
	op   uint8
	q, d int
}

// alignment is the best way the checked words occur in a run of
// document words.
type alignment struct {
	steps []step
	// cost is the weight of unmatched words on both sides (0: exact).
	cost float64
	// matched, quote and doc weigh the matched words, all checked words
	// and the document words in the aligned run (gaps excluded).
	matched, quote, doc float64
	// first and last index the document words of the aligned run
	// (inclusive), -1 when none.
	first, last int
}

// similarity is the weighted Dice coefficient of the alignment: 1 when
// the words are the same, 0 when none match.
func (a alignment) similarity() float64 {
	if a.quote+a.doc == 0 {
		return 0
	}
	return 2 * a.matched / (a.quote + a.doc)
}

// exact reports an alignment in which every checked word matched and the
// document added nothing except where an ellipsis stands.
func (a alignment) exact() bool { return a.cost == 0 && a.matched > 0 }

// maxAlignCells bounds the dynamic programme (checked words × document
// words); callers give longer documents in windows.
const maxAlignCells = 4 << 20

// align finds the best alignment of q (checked words) in d (document
// words): the least weight of unmatched words and, among alignments that
// cost the same, the one that matches the most (so "impacts of migration"
// against "impacts of mass migration" is "mass" inserted, not
// "migration" dropped at the free end). Unmatched checked words at
// either end of the run are then paired with the document's neighbouring
// words as substitutions (see pairEnds). It returns ok false when either
// is empty or the problem is larger than maxAlignCells.
func align(q, d []rtext.Word) (alignment, bool) {
	m, n := len(q), len(d)
	if m == 0 || n == 0 || (m+1)*(n+1) > maxAlignCells {
		return alignment{}, false
	}
	wq := make([]float64, m)
	for i, w := range q {
		wq[i] = rtext.WordWeight(w.Norm)
	}
	wd := make([]float64, n)
	for j, w := range d {
		wd[j] = rtext.WordWeight(w.Norm)
	}
	cols := n + 1
	cost := make([]float64, (m+1)*cols)
	// gain is the weight matched on the way to each cell: of two ways
	// that cost the same, the one matching more wins.
	gain := make([]float64, (m+1)*cols)
	back := make([]uint8, (m+1)*cols)
	// better reports whether cost c with gain g beats cell k; atLeast
	// whether it does as well.
	const eps = 1e-9
	better := func(c, g float64, k int) bool {
		return c < cost[k]-eps || c <= cost[k]+eps && g > gain[k]+eps
	}
	atLeast := func(c, g float64, k int) bool {
		return c < cost[k]-eps || c <= cost[k]+eps && g >= gain[k]-eps
	}
	// Row 0: the document may start anywhere.
	for j := 1; j <= n; j++ {
		back[j] = opSkip
	}
	for i := 1; i <= m; i++ {
		prev, row := (i-1)*cols, i*cols
		if q[i-1].Gap && i > 1 {
			// An ellipsis before this word: the document words it
			// stands for are skipped for free.
			for j := 1; j <= n; j++ {
				if better(cost[prev+j-1], gain[prev+j-1], prev+j) {
					cost[prev+j], gain[prev+j] = cost[prev+j-1], gain[prev+j-1]
					back[prev+j] = opSkip
				}
			}
		}
		cost[row], gain[row] = cost[prev]+wq[i-1], gain[prev]
		back[row] = opDel
		for j := 1; j <= n; j++ {
			k := row + j
			cost[k], gain[k], back[k] = cost[prev+j]+wq[i-1], gain[prev+j], opDel
			if c, g := cost[row+j-1]+wd[j-1], gain[row+j-1]; better(c, g, k) {
				cost[k], gain[k], back[k] = c, g, opIns
			}
			if q[i-1].Norm == d[j-1].Norm {
				if c, g := cost[prev+j-1], gain[prev+j-1]+wq[i-1]; atLeast(c, g, k) {
					cost[k], gain[k], back[k] = c, g, opMatch
				}
			}
		}
	}
	// The document may end anywhere: the cheapest cell of the last row,
	// matching the most on ties, the earliest after that.
	end, last := 0, m*cols
	for j := 1; j <= n; j++ {
		if better(cost[last+j], gain[last+j], last+end) {
			end = j
		}
	}
	a := alignment{cost: cost[last+end], first: -1, last: -1}
	for _, w := range wq {
		a.quote += w
	}
	i, j := m, end
	for i > 0 || j > 0 {
		if i == 0 {
			break // the free start
		}
		switch back[i*cols+j] {
		case opMatch:
			a.steps = append(a.steps, step{opMatch, i - 1, j - 1})
			a.matched += wq[i-1] + wd[j-1]
			a.doc += wd[j-1]
			i, j = i-1, j-1
		case opDel:
			a.steps = append(a.steps, step{opDel, i - 1, -1})
			i--
		case opIns:
			a.steps = append(a.steps, step{opIns, -1, j - 1})
			a.doc += wd[j-1]
			j--
		case opSkip:
			a.steps = append(a.steps, step{opSkip, -1, j - 1})
			j--
		}
	}
	a.matched /= 2
	for l, r := 0, len(a.steps)-1; l < r; l, r = l+1, r-1 {
		a.steps[l], a.steps[r] = a.steps[r], a.steps[l]
	}
	// Skips outside the run (none are recorded before the start) and
	// insertions or skips at its ends do not belong to it.
	for len(a.steps) > 0 && a.steps[0].op == opSkip {
		a.steps = a.steps[1:]
	}
	for _, s := range a.steps {
		if s.d >= 0 && s.op != opSkip {
			if a.first < 0 {
				a.first = s.d
			}
			a.last = s.d
		}
	}
	a.pairEnds(d)
	return a, true
}

// pairEnds turns checked words left unmatched at either end of the run
// into substitutions for the document's neighbouring words, when those
// follow on in the same phrase (one separator between them, no comma or
// closing quotation mark): "the adverse social impacts of mass
// immigration" against "… of mass migration" is "immigration" →
// "migration", not "immigration" missing. A document word after a clause
// break ("migration,” explicitly") is not paired: the quote's extra word
// stays missing. How similar the texts are (cost, similarity) does not
// change: this only says better which words differ.
func (a *alignment) pairEnds(d []rtext.Word) {
	if a.first < 0 {
		return
	}
	follows := func(j int) bool { return j > 0 && j < len(d) && d[j].Start-d[j-1].End <= 1 }
	// Trailing: deletions after the last match or insertion.
	t := len(a.steps)
	for t > 0 && a.steps[t-1].op == opDel {
		t--
	}
	if t > 0 && t < len(a.steps) && a.steps[t-1].op != opSkip {
		var ins []step
		for j := a.last + 1; j-a.last <= len(a.steps)-t && follows(j); j++ {
			ins = append(ins, step{opIns, -1, j})
			a.last = j
		}
		a.steps = append(a.steps, ins...)
	}
	// Leading: deletions before the first match or insertion.
	l := 0
	for l < len(a.steps) && a.steps[l].op == opDel {
		l++
	}
	if l > 0 && l < len(a.steps) && a.steps[l].op != opSkip {
		var ins []step
		for j := a.first - 1; a.first-j <= l && j >= 0 && follows(j+1); j-- {
			ins = append([]step{{opIns, -1, j}}, ins...)
			a.first = j
		}
		a.steps = append(ins, a.steps...)
	}
}

// differences lists the runs of unmatched words of an alignment of
// checked words q (from text qtext) with document words d (from text
// dtext, whose offsets the words carry).
func differences(a alignment, q []rtext.Word, qtext string, d []rtext.Word, dtext string) []retrieval.Difference {
	out := []retrieval.Difference{}
	prevDocEnd := -1 // end of the last document word before the run
	if a.first >= 0 {
		prevDocEnd = d[a.first].Start
	}
	for k := 0; k < len(a.steps); {
		s := a.steps[k]
		if s.op == opMatch || s.op == opSkip {
			if s.d >= 0 {
				prevDocEnd = d[s.d].End
			}
			k++
			continue
		}
		qs, qe, ds, de := -1, -1, -1, -1
		for ; k < len(a.steps) && (a.steps[k].op == opDel || a.steps[k].op == opIns); k++ {
			st := a.steps[k]
			if st.q >= 0 {
				if qs < 0 {
					qs = st.q
				}
				qe = st.q
			}
			if st.d >= 0 {
				if ds < 0 {
					ds = st.d
				}
				de = st.d
			}
		}
		var diff retrieval.Difference
		if qs >= 0 {
			diff.Expected = qtext[q[qs].Start:q[qe].End]
		}
		if ds >= 0 {
			diff.Start, diff.End = d[ds].Start, d[de].End
			diff.Found = dtext[diff.Start:diff.End]
		} else {
			at := prevDocEnd
			if at < 0 && k < len(a.steps) && a.steps[k].d >= 0 {
				at = d[a.steps[k].d].Start
			}
			diff.Start, diff.End = max(at, 0), max(at, 0)
		}
		out = append(out, diff)
	}
	return out
}

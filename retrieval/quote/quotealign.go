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
// words). It returns ok false when either is empty or the problem is
// larger than maxAlignCells.
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
	back := make([]uint8, (m+1)*cols)
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
				if cost[prev+j-1] < cost[prev+j] {
					cost[prev+j] = cost[prev+j-1]
					back[prev+j] = opSkip
				}
			}
		}
		cost[row] = cost[prev] + wq[i-1]
		back[row] = opDel
		for j := 1; j <= n; j++ {
			best, op := cost[prev+j]+wq[i-1], uint8(opDel)
			if c := cost[row+j-1] + wd[j-1]; c < best {
				best, op = c, opIns
			}
			if q[i-1].Norm == d[j-1].Norm {
				if c := cost[prev+j-1]; c <= best {
					best, op = c, opMatch
				}
			}
			cost[row+j], back[row+j] = best, op
		}
	}
	// The document may end anywhere: the cheapest cell of the last row,
	// the earliest on ties.
	end, last := 0, m*cols
	for j := 1; j <= n; j++ {
		if cost[last+j] < cost[last+end] {
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
	return a, true
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

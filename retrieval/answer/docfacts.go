package answer

import (
	"sort"
	"sync"
	"sync/atomic"

	"github.com/citebot/citebot/retrieval"
	rtext "github.com/citebot/citebot/retrieval/text"
)

// docFacts is what answering derives from a document alone, whatever the
// question: made on first use and kept with the document (IndexedDoc.Memo),
// so that each question reads it instead of analysing the same text
// again. Every value is what the code that used to compute it per
// question computed, so answers do not change.
type docFacts struct {
	doc        *retrieval.IndexedDoc
	titleTerms []string // the terms of the headline (rtext.Analyze)
	passages   []atomic.Pointer[passageFacts]

	metaOnce sync.Once
	meta     []string // the terms of the headline and publisher (metaTerms)

	quotesMu sync.Mutex
	quotes   map[retrieval.Span][]retrieval.Token // analysed quotes, by span
}

// passageFacts are one passage's.
type passageFacts struct {
	// words counts each sentence's words (wordCount).
	words []int
	// lower holds each sentence's words as surfacePairs splits them,
	// lower case.
	lower [][]string
	// hashes holds, per sentence, wordHash of each of those words.
	hashes [][]uint32
	// heading holds the terms of the section heading the passage sits
	// under (sectionHeading, analysed); nil for none.
	heading []string
}

type docFactsKey struct{}

// factsOf returns d's facts.
func factsOf(d *retrieval.IndexedDoc) *docFacts {
	return d.Memo(docFactsKey{}, func() any {
		f := &docFacts{doc: d, passages: make([]atomic.Pointer[passageFacts], len(d.Passages))}
		for _, t := range rtext.Analyze(d.Title) {
			f.titleTerms = append(f.titleTerms, t.Term)
		}
		return f
	}).(*docFacts)
}

// passage returns passage ord's facts, made on first use (two questions
// racing to make them make the same; one is kept).
func (f *docFacts) passage(d *retrieval.IndexedDoc, ord int) *passageFacts {
	if pf := f.passages[ord].Load(); pf != nil {
		return pf
	}
	p := d.Passages[ord]
	pf := &passageFacts{words: make([]int, len(p.Sentences)), lower: make([][]string, len(p.Sentences)),
		hashes: make([][]uint32, len(p.Sentences))}
	for k, sp := range p.Sentences {
		text := d.Text[sp.Start:sp.End]
		pf.words[k] = wordCount(text)
		pf.lower[k] = rtext.PairWords(text)
		pf.hashes[k] = rtext.WordHashes(pf.lower[k])
	}
	if h := sectionHeading(d, ord); h != "" {
		for _, t := range rtext.Analyze(h) {
			pf.heading = append(pf.heading, t.Term)
		}
	}
	f.passages[ord].CompareAndSwap(nil, pf)
	return f.passages[ord].Load()
}

// metaTerms are the terms of rtext.Analyze(d.Title + " \n " + d.Publisher),
// made on first use.
func (f *docFacts) metaTerms() []string {
	f.metaOnce.Do(func() {
		for _, t := range rtext.Analyze(f.doc.Title + " \n " + f.doc.Publisher) {
			f.meta = append(f.meta, t.Term)
		}
	})
	return f.meta
}

// quoteTokens is rtext.Analyze(d.Text[sp.Start:sp.End]), kept.
func (f *docFacts) quoteTokens(d *retrieval.IndexedDoc, sp retrieval.Span) []retrieval.Token {
	f.quotesMu.Lock()
	toks, ok := f.quotes[sp]
	f.quotesMu.Unlock()
	if ok {
		return toks
	}
	toks = rtext.Analyze(d.Text[sp.Start:sp.End])
	f.quotesMu.Lock()
	if f.quotes == nil {
		f.quotes = map[retrieval.Span][]retrieval.Token{}
	}
	f.quotes[sp] = toks
	f.quotesMu.Unlock()
	return toks
}

// QuoteTokens is rtext.Analyze(c.Quote), kept with the document when the
// ranker retrieved it (agree.Ranking).
func (r *ranker) QuoteTokens(c retrieval.Citation) []retrieval.Token {
	if d := r.seen[c.Doc]; d != nil && c.Start >= 0 && c.Start <= c.End && c.End <= len(d.Text) && d.Text[c.Start:c.End] == c.Quote {
		return factsOf(d).quoteTokens(d, retrieval.Span{Start: c.Start, End: c.End})
	}
	return rtext.Analyze(c.Quote)
}

// Mentions reports whether the citation's document holds s as whole
// words (retrieval.IndexedDoc.Mentions); true for a document the ranking
// has not read.
func (r *ranker) Mentions(c retrieval.Citation, s string) bool {
	d := r.seen[c.Doc]
	return d == nil || d.Mentions(s)
}

// sortByScore is sort.SliceStable(all, higher score first), moving each
// scored sentence (a few hundred bytes) once instead of at every swap.
func sortByScore(all []scored) {
	order := make([]int32, len(all))
	for i := range order {
		order[i] = int32(i)
	}
	sort.SliceStable(order, func(a, b int) bool { return all[order[a]].score > all[order[b]].score })
	// all[i] = old all[order[i]], in place, cycle by cycle.
	for i := range all {
		if int(order[i]) == i {
			continue
		}
		tmp := all[i]
		j := i
		for {
			k := int(order[j])
			order[j] = int32(j)
			if k == i {
				all[j] = tmp
				break
			}
			all[j] = all[k]
			j = k
		}
	}
}

// scoredPool holds the slices rankSentences scores a question's sentences
// in (tens of kilobytes each), for the next question: Ask gives its
// slice back when it has its answer.
var scoredPool sync.Pool

// getScored returns an empty slice with room for n scored sentences.
func getScored(n int) []scored {
	if p, ok := scoredPool.Get().(*[]scored); ok && cap(*p) >= n {
		return (*p)[:0]
	}
	return make([]scored, 0, n)
}

// putScored gives all back for another question; the caller keeps
// nothing of it.
func putScored(all []scored) {
	all = all[:cap(all)]
	clear(all) // the documents it points to may be evicted meanwhile
	scoredPool.Put(&all)
}

// rankBuffers are a ranker's reusable memory for scorePassage: scratch
// that one call uses and the next overwrites, and flags that scored
// sentences keep for the rest of the question, carved from larger blocks.
type rankBuffers struct {
	intScratch   []int
	floatScratch []float64
	hits         []hit
	pass         []scored // one passage's scored sentences
	flagBlock    []bool   // what flags has not handed out yet …
	flagAll      []bool   // … of this block
}

// rankBufferPool holds rankBuffers for the next question: Ask gives its
// ranker's back with its scored sentences (release).
var rankBufferPool = sync.Pool{New: func() any { return new(rankBuffers) }}

// release gives the question's scored sentences and the ranker's buffers
// back for another question; the caller keeps nothing of either.
func (r *ranker) release(all []scored) {
	if r == nil {
		return // no passage was found: nothing was taken
	}
	putScored(all)
	if b := r.buf; b != nil {
		r.buf = nil
		clear(b.pass[:cap(b.pass)])
		b.pass = b.pass[:0]
		clear(b.flagAll)
		b.flagBlock = b.flagAll
		rankBufferPool.Put(b)
	}
}

// ints returns n zeroed ints, valid until the next call.
func (b *rankBuffers) ints(n int) []int {
	if cap(b.intScratch) < n {
		b.intScratch = make([]int, n)
	}
	s := b.intScratch[:n]
	clear(s)
	return s
}

// floats returns n floats to overwrite, valid until the next call.
func (b *rankBuffers) floats(n int) []float64 {
	if cap(b.floatScratch) < n {
		b.floatScratch = make([]float64, n)
	}
	return b.floatScratch[:n]
}

// flags returns n false flags, never handed out again.
func (b *rankBuffers) flags(n int) []bool {
	if len(b.flagBlock) < n {
		b.flagAll = make([]bool, max(n, 2048))
		b.flagBlock = b.flagAll
	}
	s := b.flagBlock[:n:n]
	b.flagBlock = b.flagBlock[n:]
	return s
}

// intsPool holds int slices for scratch that is done with when its
// function returns (indexValue's offsets).
var intsPool = sync.Pool{New: func() any { return new([]int) }}

func getInts() *[]int  { return intsPool.Get().(*[]int) }
func putInts(p *[]int) { intsPool.Put(p) }

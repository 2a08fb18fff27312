package text

import (
	"runtime"
	"sort"
	"sync"

	"github.com/citebot/citebot/retrieval"
)

// IndexDocument is what every backend stores for a document: its
// segmentation into passages and sentences, each passage's analysed
// tokens and typed entities (offsets into the document's text), and its
// content hash. Doing this once, at index time, is what lets answering
// read a passage instead of analysing it again.
func IndexDocument(d retrieval.Document) *retrieval.IndexedDoc {
	passages := Segment(d.Text)
	for i := range passages {
		p := &passages[i]
		p.Tokens = Analyze(d.Text[p.Start:p.End])
		for k := range p.Tokens {
			p.Tokens[k].Start += p.Start
			p.Tokens[k].End += p.Start
		}
	}
	addEntities(d.Text, passages)
	return &retrieval.IndexedDoc{Document: d, Hash: d.Hash(), Passages: passages}
}

// IndexAll runs IndexDocument over docs on every CPU, keeping their
// order: building an index is mostly this work.
func IndexAll(docs []retrieval.Document) []*retrieval.IndexedDoc {
	out := make([]*retrieval.IndexedDoc, len(docs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = IndexDocument(docs[i])
			}
		}()
	}
	for i := range docs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// addEntities finds the entities of every sentence of the document once
// (windows of a long paragraph share sentences) and gives each passage
// those inside it.
func addEntities(text string, passages []retrieval.Passage) {
	var sents []retrieval.Span
	seen := map[int]bool{}
	for _, p := range passages {
		for _, s := range p.Sentences {
			if !seen[s.Start] {
				seen[s.Start] = true
				sents = append(sents, s)
			}
		}
	}
	sort.Slice(sents, func(i, j int) bool { return sents[i].Start < sents[j].Start })
	names := nameEntities(text, sents)
	var all []retrieval.Entity
	for i, s := range sents {
		es := amountEntities(text, s)
		// A name that is part of a date or amount ("May 5") is not a name.
		for _, n := range names[i] {
			if !overlapsAny(n.Span, es) {
				es = append(es, n)
			}
		}
		sort.Slice(es, func(a, b int) bool { return es[a].Start < es[b].Start })
		all = append(all, es...)
	}
	for i := range passages {
		p := &passages[i]
		lo := sort.Search(len(all), func(k int) bool { return all[k].Start >= p.Start })
		for k := lo; k < len(all) && all[k].End <= p.End; k++ {
			p.Entities = append(p.Entities, all[k])
		}
	}
}

func overlapsAny(sp retrieval.Span, es []retrieval.Entity) bool {
	for _, e := range es {
		if sp.Start < e.End && e.Start < sp.End {
			return true
		}
	}
	return false
}

package text

import (
	"runtime"
	"sync"

	"github.com/citebot/citebot/retrieval"
)

// IndexDocument is what every backend stores for a document: its
// segmentation into passages and sentences, each passage's analysed
// tokens (offsets into the document's text), and its content hash. Doing
// this once, at index time, is what lets answering read a passage instead
// of analysing it again.
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

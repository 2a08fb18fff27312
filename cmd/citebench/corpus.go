package main

import (
	"bufio"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/citebot/citebot/retrieval/ingest"
	rtext "github.com/citebot/citebot/retrieval/text"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/qaeval"
	"github.com/citebot/citebot/seeds"
)

// question is one benchmark question with what counts as a right quote.
type question struct {
	ID       string
	Question string
	Golds    []string
	// Doc and Span locate the gold answer (COVID-QA): a quote is right
	// when it overlaps Span in Doc. With Span empty, a quote is right when
	// it contains one of Golds (SQuAD, the seeds' dev set).
	Doc  string
	Span retrieval.Span
}

// unit is one quote a system returns: a sentence of a document.
type unit struct {
	Doc   string
	Span  retrieval.Span
	Quote string
}

// right reports whether u answers q (qaeval's criteria: SQuAD's "the quote
// contains a gold answer", COVID-QA's "the quote overlaps the gold span").
func (q *question) right(u unit) bool {
	if q.Span.End > q.Span.Start {
		return u.Doc == q.Doc && u.Span.Start < q.Span.End && q.Span.Start < u.Span.End
	}
	return qaeval.ContainsAny(u.Quote, q.Golds)
}

// corpus is one benchmark corpus: documents and the questions asked of
// them.
type corpus struct {
	Name      string
	How       string // how it was made, for the report
	Docs      []retrieval.Document
	Questions []question
}

// source finds the shared datasets.
type source struct {
	shared string // the ../shared folder
	seed   uint64
	// from names the corpus scaled corpora are assembled from:
	// "squad+covid" (the default) or "seeds" (small, for tests).
	from string
}

func (s source) squadPath() string {
	return filepath.Join(s.shared, "data", "squad", "dev-v1.1.json.gz")
}
func (s source) covidPath() string {
	return filepath.Join(s.shared, "data", "covid-qa", "covidQA-200423.json.gz")
}
func (s source) seedsQAPath() string { return filepath.Join(s.shared, "qa", "seeds-dev.jsonl") }

// size is one entry of -sizes: a named corpus or a passage count to scale
// to.
type size struct {
	name   string // squad, covid, seeds, or the count as written (100k)
	target int    // passages, for scaled corpora
}

// parseSizes reads -sizes: squad, covid, seeds, or a passage count such
// as 100k, 1m or 25000.
func parseSizes(s string) ([]size, error) {
	var out []size
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch f {
		case "":
			continue
		case "squad", "covid", "seeds":
			out = append(out, size{name: f})
			continue
		}
		mult := 1
		num := f
		switch {
		case strings.HasSuffix(f, "k"):
			mult, num = 1000, strings.TrimSuffix(f, "k")
		case strings.HasSuffix(f, "m"):
			mult, num = 1000000, strings.TrimSuffix(f, "m")
		}
		n, err := strconv.Atoi(num)
		if err != nil || n <= 0 || n > 10000 {
			return nil, fmt.Errorf("size %q: want squad, covid, seeds or a passage count such as 100k or 1m", f)
		}
		out = append(out, size{name: f, target: n * mult})
	}
	if len(out) == 0 {
		return nil, errors.New("no sizes given")
	}
	return out, nil
}

// load builds the corpus of one size.
func (s source) load(ctx context.Context, sz size) (*corpus, error) {
	switch sz.name {
	case "squad":
		docs, qs, err := s.squad()
		if err != nil {
			return nil, err
		}
		return &corpus{Name: "squad", How: "SQuAD v1.1 dev: one document per article (48), its 2,067 paragraphs as passages", Docs: docs, Questions: qs}, nil
	case "covid":
		ds, err := qaeval.LoadSQuAD(s.covidPath())
		if err != nil {
			return nil, fmt.Errorf("COVID-QA: %w", err)
		}
		docs, qqs := qaeval.COVIDCorpus(ds)
		qs := make([]question, 0, len(qqs))
		for _, q := range qqs {
			qs = append(qs, question{ID: q.ID, Question: q.Question, Golds: q.Golds, Doc: q.Doc, Span: q.Span})
		}
		return &corpus{Name: "covid", How: "COVID-QA (April 2020): 98 long articles; a quote is right when it overlaps the gold span", Docs: docs, Questions: qs}, nil
	case "seeds":
		docs, qs, err := s.seeds(ctx)
		if err != nil {
			return nil, err
		}
		return &corpus{Name: "seeds", How: "citebot's two embedded seed articles and the seeds' dev questions", Docs: docs, Questions: qs}, nil
	}
	return s.scaled(ctx, sz)
}

func (s source) squad() ([]retrieval.Document, []question, error) {
	ds, err := qaeval.LoadSQuAD(s.squadPath())
	if err != nil {
		return nil, nil, fmt.Errorf("SQuAD: %w", err)
	}
	docs, qqs := qaeval.SQuADCorpus(ds, nil)
	qs := make([]question, 0, len(qqs))
	for _, q := range qqs {
		qs = append(qs, question{ID: q.ID, Question: q.Question, Golds: q.Golds, Doc: q.Doc})
	}
	return docs, qs, nil
}

// seeds returns the embedded seed articles and the answerable questions of
// the seeds' dev set.
func (s source) seeds(ctx context.Context) ([]retrieval.Document, []question, error) {
	docs, errs := ingest.LoadFS(ctx, seeds.FS, "seeds")
	if len(errs) > 0 {
		return nil, nil, fmt.Errorf("seeds: %w", errors.Join(errs...))
	}
	f, err := os.Open(s.seedsQAPath())
	if err != nil {
		return nil, nil, fmt.Errorf("seed questions: %w", err)
	}
	defer f.Close()
	items, err := qaeval.ReadJSONL(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", s.seedsQAPath(), err)
	}
	var qs []question
	for _, it := range items {
		if it.Unanswerable || len(it.Answers) == 0 {
			continue
		}
		qs = append(qs, question{ID: it.ID, Question: it.Question, Golds: it.Answers})
	}
	return docs, qs, nil
}

// scaled assembles a corpus of about sz.target passages: the original
// documents (so every question keeps its answer) plus new documents made
// of real sentences sampled with a fixed seed.
func (s source) scaled(ctx context.Context, sz size) (*corpus, error) {
	var base, pool []retrieval.Document
	var qs []question
	var how string
	switch s.from {
	case "", "squad+covid":
		docs, q, err := s.squad()
		if err != nil {
			return nil, err
		}
		ds, err := qaeval.LoadSQuAD(s.covidPath())
		if err != nil {
			return nil, fmt.Errorf("COVID-QA: %w", err)
		}
		covid, _ := qaeval.COVIDCorpus(ds)
		base, pool, qs = append(docs, covid...), append(docs, covid...), q
		how = "the 48 SQuAD dev articles and 98 COVID-QA articles as they are, plus documents assembled from their sentences; SQuAD questions"
	case "seeds":
		docs, q, err := s.seeds(ctx)
		if err != nil {
			return nil, err
		}
		base, pool, qs = docs, docs, q
		how = "the seed articles plus documents assembled from their sentences; the seeds' dev questions"
	default:
		return nil, fmt.Errorf("-scale-from %q: want squad+covid or seeds", s.from)
	}
	docs := assemble(base, pool, sz.target, s.seed)
	return &corpus{Name: sz.name, How: how, Docs: docs, Questions: qs}, nil
}

// Assembled documents: paragraphs of 2–6 sentences, kept under
// paraBytes so that each is one passage (citebot windows paragraphs
// over 1,500 bytes), 3–10 paragraphs a document. Four sentences in
// five come from one source document, the document's theme, so a
// paragraph reads like one subject; the fifth from anywhere.
const (
	paraBytes    = 1400
	themeShare   = 0.8
	minParaSents = 2
	maxParaSents = 6
	minDocParas  = 3
	maxDocParas  = 10
)

// assemble returns base plus new documents made of pool's sentences (as
// retrieval.Segment splits them), until there are about target passages
// in all. The same inputs and seed always give the same documents.
func assemble(base, pool []retrieval.Document, target int, seed uint64) []retrieval.Document {
	passages := segmentCounts(base)
	have := 0
	for _, n := range passages {
		have += n
	}
	out := append([]retrieval.Document(nil), base...)
	if have >= target {
		return out
	}
	// sentences[d] are the sentences of pool document d; all indexes
	// every sentence as (document, sentence).
	sentences := make([][]string, len(pool))
	var all [][2]int
	segs := segmentAll(pool)
	for d, ps := range segs {
		for _, p := range ps {
			for _, sp := range p.Sentences {
				// One line: a line break inside a sentence (COVID-QA
				// has them) would start a new paragraph, and a
				// passage, in the assembled document.
				sentences[d] = append(sentences[d], strings.Join(strings.Fields(pool[d].Text[sp.Start:sp.End]), " "))
				all = append(all, [2]int{d, len(sentences[d]) - 1})
			}
		}
	}
	if len(all) == 0 {
		return out
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	pick := func() (int, string) {
		ref := all[rng.IntN(len(all))]
		return ref[0], sentences[ref[0]][ref[1]]
	}
	var b strings.Builder
	for n := 0; have < target; n++ {
		theme, _ := pick() // a theme in proportion to its sentences
		nParas := minDocParas + rng.IntN(maxDocParas-minDocParas+1)
		b.Reset()
		for p := 0; p < nParas && have < target; p++ {
			if p > 0 {
				b.WriteString("\n\n")
			}
			nSents := minParaSents + rng.IntN(maxParaSents-minParaSents+1)
			para := 0
			for k := 0; k < nSents; k++ {
				var s string
				if rng.Float64() < themeShare {
					ss := sentences[theme]
					s = ss[rng.IntN(len(ss))]
				} else {
					_, s = pick()
				}
				if k > 0 && para+1+len(s) > paraBytes {
					break
				}
				if k > 0 {
					b.WriteByte(' ')
					para++
				}
				b.WriteString(s)
				para += len(s)
			}
			have++
		}
		title := pool[theme].Title
		if title == "" {
			title = pool[theme].ID
		}
		out = append(out, retrieval.Document{
			ID:       fmt.Sprintf("assembled-%07d", n),
			Metadata: retrieval.Metadata{Title: fmt.Sprintf("%s (assembled %d)", title, n), Publisher: "citebench"},
			Text:     b.String(),
		})
	}
	return out
}

// segmentCounts returns how many passages each document has.
func segmentCounts(docs []retrieval.Document) []int {
	segs := segmentAll(docs)
	out := make([]int, len(docs))
	for i, s := range segs {
		out[i] = len(s)
	}
	return out
}

// segmentAll segments documents in parallel, as citebot does when it
// indexes.
func segmentAll(docs []retrieval.Document) [][]retrieval.Passage {
	out := make([][]retrieval.Passage, len(docs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				out[i] = rtext.Segment(docs[i].Text)
			}
		})
	}
	for i := range docs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// sample returns up to n questions chosen with a fixed seed (all of them
// when n is 0 or covers them), in their original order.
func sample(qs []question, n int, seed uint64) []question {
	if n <= 0 || n >= len(qs) {
		return qs
	}
	rng := rand.New(rand.NewPCG(seed, 0x2545f4914f6cdd1d))
	idx := rng.Perm(len(qs))[:n]
	keep := make([]bool, len(qs))
	for _, i := range idx {
		keep[i] = true
	}
	out := make([]question, 0, n)
	for i, q := range qs {
		if keep[i] {
			out = append(out, q)
		}
	}
	return out
}

// writeGob writes v to path.
func writeGob(path string, v any) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := gob.NewEncoder(w).Encode(v); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// readGob reads what writeGob wrote.
func readGob(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(v); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// Package corpus makes citebench's corpora and questions: SQuAD v1.1
// dev, COVID-QA, citebot's seeds, and corpora of any size assembled from
// their real sentences with a fixed seed; it samples the questions, says
// whether a quote answers one, and hands both to the measured phases
// (run as processes of their own) as gob files.
package corpus

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

	"github.com/citebot/citebot/cmd/citebench/internal/citebot"
)

// Question is one benchmark question with what counts as a right quote.
type Question struct {
	ID       string
	Question string
	Golds    []string
	// Doc and Span locate the gold answer (COVID-QA): a quote is right
	// when it overlaps Span in Doc. With Span empty, a quote is right when
	// it contains one of Golds (SQuAD, the seeds' dev set).
	Doc  string
	Span citebot.Span
}

// Quote is one quote a system returns: a sentence of a document.
type Quote struct {
	Doc  string
	Span citebot.Span
	Text string
}

// Right reports whether quote answers q (qaeval's criteria: SQuAD's "the
// quote contains a gold answer", COVID-QA's "the quote overlaps the gold
// span").
func (q *Question) Right(quote Quote) bool {
	if q.Span.End > q.Span.Start {
		return quote.Doc == q.Doc && quote.Span.Start < q.Span.End && q.Span.Start < quote.Span.End
	}
	return citebot.ContainsAny(quote.Text, q.Golds)
}

// Corpus is one benchmark corpus: documents and the questions asked of
// them.
type Corpus struct {
	Name      string
	How       string // how it was made, for the report
	Docs      []citebot.Document
	Questions []Question
}

// Source finds the shared datasets.
type Source struct {
	Shared string // the ../shared folder
	Seed   uint64 // of the corpus generator and the question sample
	// From names the corpus scaled corpora are assembled from:
	// "squad+covid" (the default) or "seeds" (small, for tests).
	From string
}

func (s Source) squadPath() string {
	return filepath.Join(s.Shared, "data", "squad", "dev-v1.1.json.gz")
}
func (s Source) covidPath() string {
	return filepath.Join(s.Shared, "data", "covid-qa", "covidQA-200423.json.gz")
}

// SeedsQAPath is the seeds' dev question set.
func (s Source) SeedsQAPath() string { return filepath.Join(s.Shared, "qa", "seeds-dev.jsonl") }

// Size is one entry of -sizes: a named corpus or a passage count to scale
// to.
type Size struct {
	Name   string // squad, covid, seeds, or the count as written (100k)
	Target int    // passages, for scaled corpora
}

// ParseSizes reads -sizes: squad, covid, seeds, or a passage count such
// as 100k, 1m or 25000.
func ParseSizes(s string) ([]Size, error) {
	var out []Size
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch f {
		case "":
			continue
		case "squad", "covid", "seeds":
			out = append(out, Size{Name: f})
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
		out = append(out, Size{Name: f, Target: n * mult})
	}
	if len(out) == 0 {
		return nil, errors.New("no sizes given")
	}
	return out, nil
}

// Load builds the corpus of one size.
func (s Source) Load(ctx context.Context, sz Size) (*Corpus, error) {
	switch sz.Name {
	case "squad":
		docs, qs, err := s.squad()
		if err != nil {
			return nil, err
		}
		return &Corpus{Name: "squad", How: "SQuAD v1.1 dev: one document per article (48), its 2,067 paragraphs as passages", Docs: docs, Questions: qs}, nil
	case "covid":
		docs, qs, err := s.covid()
		if err != nil {
			return nil, err
		}
		return &Corpus{Name: "covid", How: "COVID-QA (April 2020): 98 long articles; a quote is right when it overlaps the gold span", Docs: docs, Questions: qs}, nil
	case "seeds":
		docs, qs, err := s.seeds(ctx)
		if err != nil {
			return nil, err
		}
		return &Corpus{Name: "seeds", How: "citebot's two embedded seed articles and the seeds' dev questions", Docs: docs, Questions: qs}, nil
	}
	return s.scaled(ctx, sz)
}

func (s Source) squad() ([]citebot.Document, []Question, error) {
	docs, dqs, err := citebot.SQuAD(s.squadPath())
	if err != nil {
		return nil, nil, err
	}
	return docs, datasetQuestions(dqs, false), nil
}

func (s Source) covid() ([]citebot.Document, []Question, error) {
	docs, dqs, err := citebot.COVIDQA(s.covidPath())
	if err != nil {
		return nil, nil, err
	}
	return docs, datasetQuestions(dqs, true), nil
}

// datasetQuestions converts a dataset's questions; withSpan keeps the
// gold span, which then decides what is right (COVID-QA).
func datasetQuestions(dqs []citebot.DatasetQuestion, withSpan bool) []Question {
	qs := make([]Question, 0, len(dqs))
	for _, q := range dqs {
		bq := Question{ID: q.ID, Question: q.Question, Golds: q.Golds, Doc: q.Doc}
		if withSpan {
			bq.Span = q.Span
		}
		qs = append(qs, bq)
	}
	return qs
}

// seeds returns the embedded seed articles and the answerable questions of
// the seeds' dev set.
func (s Source) seeds(ctx context.Context) ([]citebot.Document, []Question, error) {
	docs, err := citebot.Seeds(ctx)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(s.SeedsQAPath())
	if err != nil {
		return nil, nil, fmt.Errorf("seed questions: %w", err)
	}
	defer f.Close()
	items, err := citebot.ReadQuestionSet(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", s.SeedsQAPath(), err)
	}
	var qs []Question
	for _, it := range items {
		if it.Unanswerable || len(it.Answers) == 0 {
			continue
		}
		qs = append(qs, Question{ID: it.ID, Question: it.Question, Golds: it.Answers})
	}
	return docs, qs, nil
}

// scaled assembles a corpus of about sz.Target passages: the original
// documents (so every question keeps its answer) plus new documents made
// of real sentences sampled with a fixed seed.
func (s Source) scaled(ctx context.Context, sz Size) (*Corpus, error) {
	var base []citebot.Document
	var qs []Question
	var how string
	switch s.From {
	case "", "squad+covid":
		docs, q, err := s.squad()
		if err != nil {
			return nil, err
		}
		covid, _, err := s.covid()
		if err != nil {
			return nil, err
		}
		base, qs = append(docs, covid...), q
		how = "the 48 SQuAD dev articles and 98 COVID-QA articles as they are, plus documents assembled from their sentences; SQuAD questions"
	case "seeds":
		docs, q, err := s.seeds(ctx)
		if err != nil {
			return nil, err
		}
		base, qs = docs, q
		how = "the seed articles plus documents assembled from their sentences; the seeds' dev questions"
	default:
		return nil, fmt.Errorf("-scale-from %q: want squad+covid or seeds", s.From)
	}
	docs := Assemble(base, base, sz.Target, s.Seed)
	return &Corpus{Name: sz.Name, How: how, Docs: docs, Questions: qs}, nil
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

// Assemble returns base plus new documents made of pool's sentences (as
// citebot segments them), until there are about target passages in all.
// The same inputs and seed always give the same documents.
func Assemble(base, pool []citebot.Document, target int, seed uint64) []citebot.Document {
	passages := SegmentCounts(base)
	have := 0
	for _, n := range passages {
		have += n
	}
	out := append([]citebot.Document(nil), base...)
	if have >= target {
		return out
	}
	// sentences[d] are the sentences of pool document d; all indexes
	// every sentence as (document, sentence).
	sentences := make([][]string, len(pool))
	var all [][2]int
	segs := SegmentAll(pool)
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
		out = append(out, citebot.Document{
			ID:       fmt.Sprintf("assembled-%07d", n),
			Metadata: citebot.Metadata{Title: fmt.Sprintf("%s (assembled %d)", title, n), Publisher: "citebench"},
			Text:     b.String(),
		})
	}
	return out
}

// SegmentCounts returns how many passages each document has.
func SegmentCounts(docs []citebot.Document) []int {
	segs := SegmentAll(docs)
	out := make([]int, len(docs))
	for i, s := range segs {
		out[i] = len(s)
	}
	return out
}

// SegmentAll segments documents in parallel, as citebot does when it
// indexes.
func SegmentAll(docs []citebot.Document) [][]citebot.Passage {
	out := make([][]citebot.Passage, len(docs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				out[i] = citebot.Segment(docs[i].Text)
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

// Sample returns up to n questions chosen with a fixed seed (all of them
// when n is 0 or covers them), in their original order.
func Sample(qs []Question, n int, seed uint64) []Question {
	if n <= 0 || n >= len(qs) {
		return qs
	}
	rng := rand.New(rand.NewPCG(seed, 0x2545f4914f6cdd1d))
	idx := rng.Perm(len(qs))[:n]
	keep := make([]bool, len(qs))
	for _, i := range idx {
		keep[i] = true
	}
	out := make([]Question, 0, n)
	for i, q := range qs {
		if keep[i] {
			out = append(out, q)
		}
	}
	return out
}

// WriteGob writes v to path (documents and questions for a phase).
func WriteGob(path string, v any) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = gob.NewEncoder(w).Encode(v)
	if err == nil {
		err = w.Flush()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadGob reads what WriteGob wrote.
func ReadGob(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	if err := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(v); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

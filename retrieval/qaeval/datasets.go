package qaeval

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"
)

// SQuAD is a SQuAD v1.1/v2.0 dev file. COVID-QA uses the same shape (its
// "context" is a whole article).
type SQuAD struct {
	Data []struct {
		Title      string `json:"title"`
		Paragraphs []struct {
			DocumentID any    `json:"document_id"`
			Context    string `json:"context"`
			QAs        []struct {
				ID       any    `json:"id"`
				Question string `json:"question"`
				Answers  []struct {
					Text        string `json:"text"`
					AnswerStart int    `json:"answer_start"`
				} `json:"answers"`
				IsImpossible bool `json:"is_impossible"`
			} `json:"qas"`
		} `json:"paragraphs"`
	} `json:"data"`
}

// LoadSQuAD reads a SQuAD-shaped JSON file, gzipped or not.
func LoadSQuAD(path string) (*SQuAD, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	var s SQuAD
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// Question is a dataset question with what counts as right.
type Question struct {
	ID       string
	Question string
	Golds    []string // answer texts
	Doc      string   // the document it is about
	// Span is the gold answer's byte span in Doc (COVID-QA), re-anchored
	// to where the answer text really is.
	Span retrieval.Span
	// Title is the article's title (SQuAD), which FitArticle splits on.
	Title string
}

// FitArticle splits SQuAD's articles in two by title: true for the half
// citebot's models are fitted on, false for the half only ever measured.
// The split is by a hash of the title, not by position, because SQuAD
// v1.1 and v2.0 list their articles in different orders (and v2.0's
// answerable questions are v1.1's), so an article lands on the same side
// in both.
func FitArticle(title string) bool {
	h := fnv.New32a()
	h.Write([]byte(title))
	return h.Sum32()%2 == 0
}

// SQuADCorpus returns one document per article (its paragraphs separated by
// blank lines, in order) and the answerable questions. Articles whose index
// fails keep are left out of the corpus but their questions are still
// returned, marked with Doc "" — the out-of-corpus questions.
func SQuADCorpus(s *SQuAD, keep func(article int) bool) ([]retrieval.Document, []Question) {
	var docs []retrieval.Document
	var qs []Question
	for i, a := range s.Data {
		in := keep == nil || keep(i)
		id := fmt.Sprintf("squad-%02d", i)
		var parts []string
		for _, p := range a.Paragraphs {
			parts = append(parts, p.Context)
			for _, qa := range p.QAs {
				if qa.IsImpossible || len(qa.Answers) == 0 {
					continue
				}
				q := Question{ID: fmt.Sprint(qa.ID), Question: qa.Question, Title: a.Title}
				if in {
					q.Doc = id
				}
				for _, an := range qa.Answers {
					q.Golds = append(q.Golds, an.Text)
				}
				qs = append(qs, q)
			}
		}
		if in {
			docs = append(docs, retrieval.Document{
				ID:       id,
				Metadata: retrieval.Metadata{Title: strings.ReplaceAll(a.Title, "_", " "), Publisher: "Wikipedia"},
				Text:     strings.Join(parts, "\n\n"),
			})
		}
	}
	return docs, qs
}

// SQuADImpossible returns SQuAD v2.0's unanswerable questions (written
// against the paragraphs to look answerable) about the articles keep
// allows, with the document they are about.
func SQuADImpossible(s *SQuAD, keep func(article int) bool) []Question {
	var qs []Question
	for i, a := range s.Data {
		if keep != nil && !keep(i) {
			continue
		}
		for _, p := range a.Paragraphs {
			for _, qa := range p.QAs {
				if qa.IsImpossible {
					qs = append(qs, Question{ID: fmt.Sprint(qa.ID), Question: qa.Question, Doc: fmt.Sprintf("squad-%02d", i), Title: a.Title})
				}
			}
		}
	}
	return qs
}

// COVIDCorpus returns one document per article (the context as is) and its
// questions, with gold spans re-anchored to the nearest occurrence of the
// answer text (234 of the dataset's offsets are off by a few characters).
func COVIDCorpus(s *SQuAD) ([]retrieval.Document, []Question) {
	var docs []retrieval.Document
	var qs []Question
	for _, a := range s.Data {
		for _, p := range a.Paragraphs {
			id := fmt.Sprintf("covid-%v", p.DocumentID)
			title, _, _ := strings.Cut(p.Context, "\n")
			docs = append(docs, retrieval.Document{ID: id, Metadata: retrieval.Metadata{Title: strings.TrimSpace(title)}, Text: p.Context})
			for _, qa := range p.QAs {
				if len(qa.Answers) == 0 {
					continue
				}
				an := qa.Answers[0]
				start := byteOffset(p.Context, an.AnswerStart)
				at := nearest(p.Context, an.Text, start)
				if at < 0 {
					continue
				}
				qs = append(qs, Question{ID: fmt.Sprint(qa.ID), Question: qa.Question, Golds: []string{an.Text}, Doc: id,
					Span: retrieval.Span{Start: at, End: at + len(an.Text)}})
			}
		}
	}
	return docs, qs
}

// byteOffset converts a character offset (as Python counts) to bytes.
func byteOffset(s string, chars int) int {
	i := 0
	for n := 0; n < chars && i < len(s); n++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// nearest finds the occurrence of sub in s closest to byte offset near.
func nearest(s, sub string, near int) int {
	best, bestD := -1, 1<<62
	for from := 0; ; {
		i := strings.Index(s[from:], sub)
		if i < 0 {
			return best
		}
		i += from
		d := i - near
		if d < 0 {
			d = -d
		}
		if d < bestD {
			best, bestD = i, d
		}
		from = i + 1
	}
}

// DatasetReport totals a dataset run.
type DatasetReport struct {
	Questions int
	Answered  int // not declined
	At1       int // the first citation is right
	At5       int // one of the first five is right
	// ShortRight and ShortWrong count short answers that hold a gold
	// answer (and little more) and that hold none (see JudgeShort).
	ShortRight, ShortWrong int
	Quotes                 int
	Verbatim               int
	P50, P90               time.Duration
	P99                    time.Duration
	// QuoteBytes is the total length of first quotes, to show that quotes
	// stay sentence-sized.
	QuoteBytes int
}

// Judge says whether a citation answers a question.
type Judge func(q Question, c retrieval.Citation) bool

// QuoteContainsGold is SQuAD's criterion: the quote contains a gold answer.
func QuoteContainsGold(q Question, c retrieval.Citation) bool { return ContainsAny(c.Quote, q.Golds) }

// QuoteOverlapsSpan is COVID-QA's criterion: the quote overlaps the gold
// answer span in the right document.
func QuoteOverlapsSpan(q Question, c retrieval.Citation) bool {
	return c.Doc == q.Doc && c.Start < q.Span.End && q.Span.Start < c.End
}

// RunDataset asks every question (in parallel, one worker per CPU) with top
// 5 citations and judges the first and the first five. neverDecline
// measures the ranking alone (see retrieval.AskOptions.NeverDecline).
func RunDataset(ctx context.Context, ix Index, qs []Question, judge Judge, neverDecline bool) (DatasetReport, error) {
	asked, err := AskAll(ctx, ix, qs, neverDecline)
	if err != nil {
		return DatasetReport{}, err
	}
	return asked.Report(ix, judge, nil)
}

// Asked holds the answers to a dataset's questions, so that parts of it
// can be scored without asking again.
type Asked struct {
	Questions []Question
	Answers   []retrieval.Answer
	Latencies []time.Duration
}

// AskAll asks every question (in parallel, one worker per CPU) with top 5
// citations.
func AskAll(ctx context.Context, ix Index, qs []Question, neverDecline bool) (Asked, error) {
	type out struct {
		ans retrieval.Answer
		lat time.Duration
		err error
	}
	outs := make([]out, len(qs))
	// A question's error is kept with it and reported in question order
	// below, so the function never fails and parallel's only error is the
	// context's, returned at the end.
	_ = parallel(ctx, len(qs), func(i int) error {
		start := time.Now()
		a, err := ix.Ask(ctx, qs[i].Question, retrieval.AskOptions{Top: 5, NeverDecline: neverDecline})
		outs[i] = out{a, time.Since(start), err}
		return nil
	})
	asked := Asked{Questions: qs}
	for i, o := range outs {
		if o.err != nil {
			return asked, fmt.Errorf("question %s: %w", qs[i].ID, o.err)
		}
		asked.Answers = append(asked.Answers, o.ans)
		asked.Latencies = append(asked.Latencies, o.lat)
	}
	return asked, ctx.Err()
}

// Report judges the answers to the questions keep selects (all when nil).
func (a Asked) Report(ix Index, judge Judge, keep func(Question) bool) (DatasetReport, error) {
	var rep DatasetReport
	var lat []time.Duration
	for i, ans := range a.Answers {
		q := a.Questions[i]
		if keep != nil && !keep(q) {
			continue
		}
		rep.Questions++
		lat = append(lat, a.Latencies[i])
		if ans.Answered {
			rep.Answered++
		}
		switch JudgeShort(ans, q.Golds) {
		case ShortRight:
			rep.ShortRight++
		case ShortWrong:
			rep.ShortWrong++
		}
		for k, c := range ans.Citations {
			if k == 0 {
				rep.QuoteBytes += len(c.Quote)
			}
			if judge(q, c) {
				if k == 0 {
					rep.At1++
				}
				rep.At5++
				break
			}
		}
		n, ok, err := verbatim(ix, ans)
		if err != nil {
			return rep, err
		}
		rep.Quotes += n
		rep.Verbatim += ok
	}
	rep.P50, rep.P90, rep.P99 = Percentile(lat, 50), Percentile(lat, 90), Percentile(lat, 99)
	return rep, nil
}

// Pct formats a/b as a percentage.
func Pct(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}

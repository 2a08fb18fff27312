// Package qaeval measures citebot's answers against question sets: the
// ../shared/qa JSON Lines format newsrooms can write for their own
// documents, and the public SQuAD and COVID-QA datasets used for the
// quality targets. Scores are computed from the answers alone, so the same
// harness serves any corpus.
package qaeval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"
)

// Item is one question of a question set (the ../shared/qa format).
type Item struct {
	ID           string   `json:"id"`
	Question     string   `json:"question"`
	Answers      []string `json:"answers"`
	Docs         []string `json:"docs"`
	Unanswerable bool     `json:"unanswerable"`
	// Kind says what the question asks for (person, place, date, amount,
	// metadata, unanswerable …); optional. Figures are also given per
	// kind when a set has them.
	Kind string `json:"kind,omitempty"`
}

// ReadJSONL reads a question set, one JSON object per line.
func ReadJSONL(r io.Reader) ([]Item, error) {
	var items []Item
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		var it Item
		if err := json.Unmarshal([]byte(s), &it); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if strings.TrimSpace(it.Question) == "" {
			return nil, fmt.Errorf("line %d: no question", line)
		}
		if it.ID == "" {
			it.ID = fmt.Sprintf("line%d", line)
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read question set: %w", err)
	}
	return items, nil
}

// Index is what an evaluation needs: answers, and document texts to check
// quotes against.
type Index interface {
	Ask(ctx context.Context, question string, opts retrieval.AskOptions) (retrieval.Answer, error)
	DocumentText(id string) (string, error)
}

// Result is the verdict on one question.
type Result struct {
	Item          Item
	Answer        retrieval.Answer
	AnsweredRight bool // a gold answer is in the short answer
	CitedRight    bool // … and a citation among the first three is from an expected document
	DeclinedRight bool // an unanswerable question was declined
	// FirstQuoteRight: the first quote is from an expected document and
	// holds a gold answer.
	FirstQuoteRight bool
	// Short is the verdict on the short answer (see JudgeShort).
	Short    ShortVerdict
	Verbatim bool // every quote is byte for byte in its document
	Latency  time.Duration
}

// Right reports whether the question was handled as the set expects.
func (r Result) Right() bool {
	if r.Item.Unanswerable {
		return r.DeclinedRight
	}
	return r.CitedRight
}

// ShortVerdict judges an answer's short answer.
type ShortVerdict int

// Short answer verdicts. A short answer is an answer shorter than the
// first quote and at most 80 characters (an answer that is the whole quote
// is not one). It is right when it holds a gold answer and is at most three
// times that answer's length, wrong when it holds none: a wrong fact in
// bold is worse than no short answer at all.
const (
	NoShort    ShortVerdict = iota // declined, or the answer is the quote
	ShortRight                     // holds a gold answer, and not much more
	ShortLong                      // holds a gold answer among much else
	ShortWrong                     // holds no gold answer
)

// maxShortRunes bounds a short answer.
const maxShortRunes = 80

// JudgeShort judges ans's short answer against golds.
func JudgeShort(ans retrieval.Answer, golds []string) ShortVerdict {
	if !ans.Answered || len(ans.Citations) == 0 {
		return NoShort
	}
	return JudgeShortText(ans.Short, ans.Citations[0].Quote, golds)
}

// JudgeShortText judges short as the short answer beside quote.
func JudgeShortText(short, quote string, golds []string) ShortVerdict {
	n := utf8.RuneCountInString(short)
	if short == "" || n > maxShortRunes || len(short) >= len(quote) {
		return NoShort
	}
	t := " " + Normalize(short) + " "
	held := false
	for _, g := range golds {
		ng := Normalize(g)
		if ng == "" || !strings.Contains(t, " "+ng+" ") {
			continue
		}
		held = true
		if n <= 3*utf8.RuneCountInString(g) {
			return ShortRight
		}
	}
	if held {
		return ShortLong
	}
	return ShortWrong
}

// Tally counts a run's verdicts.
type Tally struct {
	Questions      int
	Answerable     int
	Unanswerable   int
	AnsweredRight  int
	CitedRight     int
	DeclinedRight  int
	FirstQuote     int // answerable questions whose first quote holds a gold answer from an expected document
	ShortRight     int
	ShortWrong     int
	ShortAnswers   int // short answers given to answerable questions
	WronglyDecline int // answerable questions declined
}

func (t *Tally) add(r Result) {
	t.Questions++
	if r.Item.Unanswerable {
		t.Unanswerable++
		if r.DeclinedRight {
			t.DeclinedRight++
		}
		return
	}
	t.Answerable++
	if !r.Answer.Answered {
		t.WronglyDecline++
	}
	if r.AnsweredRight {
		t.AnsweredRight++
	}
	if r.CitedRight {
		t.CitedRight++
	}
	if r.FirstQuoteRight {
		t.FirstQuote++
	}
	if r.Short != NoShort {
		t.ShortAnswers++
	}
	switch r.Short {
	case ShortRight:
		t.ShortRight++
	case ShortWrong:
		t.ShortWrong++
	}
}

// Summary totals a run, overall and per kind of question.
type Summary struct {
	Tally
	ByKind map[string]*Tally
	// Calibration bins the answered questions by their confidence: how
	// often an answer given with that confidence had a right first quote.
	Calibration    [calibrationBins]CalibrationBin
	Quotes         int
	VerbatimQuotes int
	LatencyP50     time.Duration
	LatencyP90     time.Duration
	LatencyP99     time.Duration
}

// calibrationBins split confidence into fifths.
const calibrationBins = 5

// CalibrationBin counts the answered questions whose confidence fell in
// one fifth of [0, 1], and those whose first quote was right (an
// unanswerable question answered never is).
type CalibrationBin struct {
	Answered, Right int
}

func (s *Summary) calibrate(r Result) {
	if !r.Answer.Answered {
		return
	}
	b := &s.Calibration[min(calibrationBins-1, max(0, int(r.Answer.Confidence*calibrationBins)))]
	b.Answered++
	if r.FirstQuoteRight {
		b.Right++
	}
}

// Run asks every item and scores the answers.
func Run(ctx context.Context, ix Index, items []Item, top int) (Summary, []Result, error) {
	s := Summary{ByKind: map[string]*Tally{}}
	results := make([]Result, 0, len(items))
	var lat []time.Duration
	for _, it := range items {
		start := time.Now()
		ans, err := ix.Ask(ctx, it.Question, retrieval.AskOptions{Top: top})
		if err != nil {
			return s, results, fmt.Errorf("question %s: %w", it.ID, err)
		}
		r := Result{Item: it, Answer: ans, Latency: time.Since(start)}
		lat = append(lat, r.Latency)
		if it.Unanswerable {
			r.DeclinedRight = !ans.Answered
		} else {
			r.AnsweredRight = ans.Answered && ContainsAny(ans.Short, it.Answers)
			r.CitedRight = r.AnsweredRight && citedFrom(ans.Citations, it.Docs, 3)
			r.FirstQuoteRight = ans.Answered && citedFrom(ans.Citations, it.Docs, 1) && ContainsAny(ans.Citations[0].Quote, it.Answers)
			r.Short = JudgeShort(ans, it.Answers)
		}
		n, ok, err := verbatim(ix, ans)
		if err != nil {
			return s, results, fmt.Errorf("question %s: %w", it.ID, err)
		}
		r.Verbatim = n == ok
		s.Quotes += n
		s.VerbatimQuotes += ok
		s.add(r)
		s.calibrate(r)
		if it.Kind != "" {
			k := s.ByKind[it.Kind]
			if k == nil {
				k = &Tally{}
				s.ByKind[it.Kind] = k
			}
			k.add(r)
		}
		results = append(results, r)
	}
	s.LatencyP50, s.LatencyP90, s.LatencyP99 = Percentile(lat, 50), Percentile(lat, 90), Percentile(lat, 99)
	return s, results, nil
}

// citedFrom reports whether one of the first k citations is from one of
// docs (any document counts when docs is empty).
func citedFrom(cs []retrieval.Citation, docs []string, k int) bool {
	if len(docs) == 0 {
		return len(cs) > 0
	}
	for i, c := range cs {
		if i == k {
			break
		}
		for _, d := range docs {
			if c.Doc == d {
				return true
			}
		}
	}
	return false
}

// verbatim counts an answer's quotes and those that are exactly their
// document's text between their offsets.
func verbatim(ix Index, a retrieval.Answer) (n, ok int, err error) {
	for _, cs := range [][]retrieval.Citation{a.Citations, a.Closest} {
		for _, c := range cs {
			n++
			text, err := ix.DocumentText(c.Doc)
			if err != nil {
				return n, ok, fmt.Errorf("document %s: %w", c.Doc, err)
			}
			if c.Start >= 0 && c.Start <= c.End && c.End <= len(text) && text[c.Start:c.End] == c.Quote {
				ok++
			}
		}
	}
	return n, ok, nil
}

// Normalize prepares text for answer matching: lower case, punctuation
// removed, thousands separators dropped ("7,500" = "7500"), single spaces.
func Normalize(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == ',' && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]):
			// thousands separator
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case r == '.' && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]):
			b.WriteRune(r) // decimal point
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// ContainsAny reports whether text contains one of the gold answers, both
// normalised, at word boundaries.
func ContainsAny(text string, golds []string) bool {
	t := " " + Normalize(text) + " "
	for _, g := range golds {
		ng := Normalize(g)
		if ng != "" && strings.Contains(t, " "+ng+" ") {
			return true
		}
	}
	return false
}

// Percentile returns the p-th percentile of ds (nearest rank).
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(a, b int) bool { return s[a] < s[b] })
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

// WriteSummary prints a summary as a small table, then one line per
// kind of question when the set has kinds.
func WriteSummary(w io.Writer, s Summary) error {
	pct := func(a, b int) string {
		if b == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
	}
	_, err := fmt.Fprintf(w, "questions       %d (%d answerable, %d unanswerable)\n"+
		"answered-right  %d/%d  %s\n"+
		"cited-right     %d/%d  %s\n"+
		"first-quote     %d/%d  %s  (the first quote holds a gold answer, from an expected document)\n"+
		"short answers   %d right, %d wrong of %d short answers to %d answerable questions\n"+
		"declined-right  %d/%d  %s  (answerable questions declined: %d)\n"+
		"verbatim        %d/%d quotes  %s\n"+
		"latency         p50 %s  p90 %s  p99 %s\n",
		s.Questions, s.Answerable, s.Unanswerable,
		s.AnsweredRight, s.Answerable, pct(s.AnsweredRight, s.Answerable),
		s.CitedRight, s.Answerable, pct(s.CitedRight, s.Answerable),
		s.FirstQuote, s.Answerable, pct(s.FirstQuote, s.Answerable),
		s.ShortRight, s.ShortWrong, s.ShortAnswers, s.Answerable,
		s.DeclinedRight, s.Unanswerable, pct(s.DeclinedRight, s.Unanswerable), s.WronglyDecline,
		s.VerbatimQuotes, s.Quotes, pct(s.VerbatimQuotes, s.Quotes),
		s.LatencyP50.Round(time.Microsecond), s.LatencyP90.Round(time.Microsecond), s.LatencyP99.Round(time.Microsecond))
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "\n%-14s %9s %11s\n", "confidence", "answered", "first quote right"); err != nil {
		return err
	}
	for i, b := range s.Calibration {
		lo, hi := float64(i)/calibrationBins, float64(i+1)/calibrationBins
		if _, err := fmt.Fprintf(w, "%.1f–%.1f %14d %11s\n", lo, hi, b.Answered, pct(b.Right, b.Answered)); err != nil {
			return err
		}
	}
	if len(s.ByKind) == 0 {
		return nil
	}
	kinds := make([]string, 0, len(s.ByKind))
	for k := range s.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	if _, err := fmt.Fprintf(w, "\n%-14s %9s %11s %11s %12s %12s %10s\n", "kind", "questions", "answered", "first-quote", "short right", "short wrong", "declined"); err != nil {
		return err
	}
	for _, k := range kinds {
		t := s.ByKind[k]
		declined := fmt.Sprintf("%d/%d", t.WronglyDecline, t.Answerable)
		if t.Unanswerable > 0 {
			declined = fmt.Sprintf("%d/%d", t.DeclinedRight, t.Unanswerable)
		}
		if _, err := fmt.Fprintf(w, "%-14s %9d %11s %11s %12d %12d %10s\n", k, t.Questions,
			fmt.Sprintf("%d/%d", t.AnsweredRight, t.Answerable), fmt.Sprintf("%d/%d", t.FirstQuote, t.Answerable),
			t.ShortRight, t.ShortWrong, declined); err != nil {
			return err
		}
	}
	return nil
}

// WriteTable prints one line per question.
func WriteTable(w io.Writer, rs []Result) error {
	for _, r := range rs {
		verdict := "ok"
		if !r.Right() {
			verdict = "MISS"
		}
		got := r.Answer.Short
		if !r.Answer.Answered {
			got = "(declined)"
		}
		doc := ""
		if len(r.Answer.Citations) > 0 {
			doc = r.Answer.Citations[0].Doc
		}
		if _, err := fmt.Fprintf(w, "%-4s %-8s %-60.60q → %-40.40q %s\n", verdict, r.Item.ID, r.Item.Question, got, doc); err != nil {
			return err
		}
	}
	return nil
}

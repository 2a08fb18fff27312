package answer

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer/agree"
	"github.com/citebot/citebot/retrieval/question"
	rtext "github.com/citebot/citebot/retrieval/text"
)

// Ask answers a question from one generation of an index. A question the
// documents do not answer is declined (Answered false, Closest filled),
// which is not an error; errors mean the index could not be read or ctx
// ended. Engine.Ask adds "who said …?" questions (see WhoSaidQuestion).
func Ask(ctx context.Context, b retrieval.Backend, text string, opts retrieval.AskOptions) (retrieval.Answer, error) {
	top := opts.Top
	if top <= 0 {
		top = retrieval.DefaultTop
	}
	top = min(top, retrieval.MaxTop)
	q := question.Analyze(text)
	ans := retrieval.Answer{Question: q.Text, Citations: []retrieval.Citation{}, Closest: []retrieval.Citation{}, AnswerType: q.Type.String()}
	all, r, err := rankSentences(ctx, b, &q, opts.Filter)
	if err != nil {
		return ans, err
	}
	defer r.release(all) // nothing of the answer points into either
	if len(all) == 0 {
		ans.Reason = "no document shares a word with the question"
		return ans, nil
	}
	if q.Intent != question.IntentContent {
		if ok := r.answerFromMetadata(&ans, all); ok {
			return ans, nil
		}
	}

	// The best sentence that could answer: its passage holds the question's
	// numbers (a question about fiscal 2027 is not answered with the 2026
	// figure). Whether it really answers is the decline model's call.
	bestIdx := -1
	for i := range all {
		if opts.NeverDecline || r.missingNumber(&all[i]) == "" {
			bestIdx = i
			break
		}
	}
	// The confidence is the probability that the sentence quoted (or
	// the closest one, for a decline) answers; a rule that declines
	// overrides the models, and the confidence then stays under
	// retrieval.LowConfidence.
	pAnswer, conf := r.judge(all, max(bestIdx, 0))
	ruledOut := func(reason string) (retrieval.Answer, error) {
		ans.Reason = reason
		ans.Confidence = round3(min(conf, retrieval.LowConfidence))
		ans.Closest = closest(all, top)
		return ans, nil
	}
	switch {
	case opts.NeverDecline:
	case bestIdx < 0:
		return ruledOut(fmt.Sprintf("no passage that answers mentions %q", r.missingNumber(&all[0])))
	case r.noAmountNear(all, bestIdx):
		// An amount is asked for, and neither the sentence nor its
		// passage gives one: it is not answered here.
		return ruledOut("the passages that come closest give no figure for it")
	case pAnswer < answerThreshold || conf < confidenceThreshold:
		ans.Reason = r.declineReason(&all[bestIdx])
		ans.Confidence = round3(conf)
		ans.Closest = closest(all, top)
		return ans, nil
	}
	ans.Confidence = round3(conf)

	best := all[bestIdx]
	ans.Answered = true
	c := cite(best)
	if pick, ok := r.shortAnswer(best); ok && shortProbability(r.shortFeatures(&best, pick, conf)) >= shortThreshold {
		hl := pick.c.Span
		c.Highlight = &hl
		ans.Short = best.doc.Text[hl.Start:hl.End]
	} else {
		ans.Short = c.Quote
	}
	ans.Citations = append(ans.Citations, c)
	ans.Citations = append(ans.Citations, r.supporting(all, bestIdx, ans.Short, c.Highlight != nil, top-1)...)
	agree.Finish(&ans, r.q, r) // as_of and agreement
	return ans, nil
}

// missingNumber returns a number or year of the question that the
// sentence's passage lacks, or "".
func (r *ranker) missingNumber(s *scored) string {
	for i, t := range r.q.Terms {
		if !s.inPass[i] && (t.Kind == question.KindNumber || t.Kind == question.KindYear) {
			return t.Surface
		}
	}
	return ""
}

// missingName returns a name in the question that the sentence's document
// never mentions, or "".
func (r *ranker) missingName(s *scored) string {
	for i, t := range r.q.Terms {
		if !s.inPass[i] && t.Kind == question.KindName && !s.doc.Mentions(rtext.StripPossessive(t.Surface)) {
			return rtext.StripPossessive(t.Surface)
		}
	}
	return ""
}

// unsupported says why a sentence cannot serve as a supporting quote: a
// number of the question missing from its passage or a name missing from
// its document. "" means it can.
func (r *ranker) unsupported(s *scored) string {
	if n := r.missingNumber(s); n != "" {
		return fmt.Sprintf("no passage that answers mentions %q", n)
	}
	if n := r.missingName(s); n != "" {
		return fmt.Sprintf("the documents that come closest do not mention %q", n)
	}
	return ""
}

// cite turns a scored sentence into a citation.
func cite(s scored) retrieval.Citation {
	d := s.doc
	sp := quoteSpan(d, s.ord, s.sent, s.span)
	return retrieval.Citation{
		Doc:        d.ID,
		Metadata:   d.Metadata,
		Collection: d.Collection,
		Paragraph:  d.Passages[s.ord].Paragraph,
		Page:       d.PageAt(sp.Start),
		Start:      sp.Start,
		End:        sp.End,
		Quote:      d.Text[sp.Start:sp.End],
		Score:      round3(sigmoid(s.score)),
	}
}

// minQuoteBytes is the length below which a quote is extended with the
// next sentence of its paragraph: a reader needs some context to use it.
const minQuoteBytes = 80

// quoteSpan is the stretch of text quoted for sentence sent of passage ord:
// the sentence, with the sentence before it when it opens by referring back
// ("He said …", "It was …") — a quote must stand on its own — and with the
// sentence after it while it is shorter than minQuoteBytes.
func quoteSpan(d *retrieval.IndexedDoc, ord, sent int, sp retrieval.Span) retrieval.Span {
	if ord < 0 || ord >= len(d.Passages) {
		return sp
	}
	ss := d.Passages[ord].Sentences
	if sent < 0 || sent >= len(ss) || ss[sent] != sp {
		return sp
	}
	if sent > 0 && startsWithPronoun(d.Text[sp.Start:sp.End]) {
		sp.Start = ss[sent-1].Start
	}
	if sp.End-sp.Start < minQuoteBytes && sent+1 < len(ss) {
		sp.End = ss[sent+1].End
	}
	return sp
}

// closest offers the best sentence of each of the nearest passages.
func closest(all []scored, top int) []retrieval.Citation {
	out := []retrieval.Citation{}
	seen := map[string]bool{}
	for _, s := range all {
		key := fmt.Sprintf("%s#%d", s.doc.ID, s.ord)
		if seen[key] || s.question {
			continue
		}
		seen[key] = true
		out = append(out, cite(s))
		if len(out) == top {
			break
		}
	}
	return out
}

// supporting picks up to n further quotes after the best one: first those
// from other documents that state the same short answer ("say the same
// thing"), then the next best sentences that could answer on their own.
func (r *ranker) supporting(all []scored, bestIdx int, answer string, typed bool, n int) []retrieval.Citation {
	if n <= 0 {
		return nil
	}
	best := all[bestIdx]
	used := map[int]bool{bestIdx: true}
	var out []retrieval.Citation
	quoted := []retrieval.Citation{cite(best)}
	overlaps := func(c retrieval.Citation) bool {
		for _, q := range quoted {
			if q.Doc == c.Doc && c.Start < q.End && q.Start < c.End {
				return true
			}
		}
		return false
	}
	eligible := func(i int) bool {
		s := &all[i]
		if used[i] || s.question || s.covS == 0 || s.feat[fHeading] > 0 {
			return false
		}
		if s.doc.ID == best.doc.ID && s.span == best.span {
			return false
		}
		return r.missingNumber(s) == ""
	}
	if typed {
		want := normalizeValue(answer)
		for i := range all {
			if len(out) == n {
				return out
			}
			s := &all[i]
			if s.doc.ID == best.doc.ID || !eligible(i) {
				continue
			}
			text := s.doc.Text[s.span.Start:s.span.End]
			if at := indexValue(text, want); at >= 0 {
				c := cite(*s)
				if overlaps(c) {
					continue
				}
				hl := retrieval.Span{Start: s.span.Start + at, End: s.span.Start + at + len(valueAt(text, at, len(answer)))}
				if hl.End > hl.Start {
					c.Highlight = &hl
				}
				out = append(out, c)
				quoted = append(quoted, c)
				used[i] = true
			}
		}
	}
	for i := range all {
		if len(out) == n {
			break
		}
		if !eligible(i) {
			continue
		}
		c := cite(all[i])
		if overlaps(c) {
			continue
		}
		if typed {
			text := c.Quote
			if at := indexValue(text, normalizeValue(answer)); at >= 0 {
				hl := retrieval.Span{Start: c.Start + at, End: c.Start + at + len(valueAt(text, at, len(answer)))}
				c.Highlight = &hl
			}
		}
		out = append(out, c)
		quoted = append(quoted, c)
		used[i] = true
	}
	return out
}

// normalizeValue reduces a short answer to a comparable form: lower case,
// no thousands separators, single spaces.
func normalizeValue(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ',' && i > 0 && i+1 < len(s) && isDigit(s[i-1]) && isDigit(s[i+1]) {
			continue
		}
		b.WriteByte(c)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// indexValue finds a normalised value in text (at word boundaries) and
// returns its byte offset in text, or -1.
func indexValue(text, want string) int {
	if want == "" {
		return -1
	}
	offsBuf := getInts()
	defer putInts(offsBuf)
	norm, offs := normalizeWithOffsets(text, (*offsBuf)[:0])
	*offsBuf = offs
	from := 0
	for {
		i := strings.Index(norm[from:], want)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(want)
		if (i == 0 || !retrieval.IsWordByte(norm[i-1])) && (end == len(norm) || !retrieval.IsWordByte(norm[end])) {
			return offs[i]
		}
		from = i + 1
	}
}

// valueAt returns the text of a value found at offset at, about n bytes
// long, extended to the end of its last word.
func valueAt(text string, at, n int) string {
	end := min(len(text), at+n)
	for end < len(text) && (retrieval.IsWordByte(text[end]) || text[end] >= 'A' && text[end] <= 'Z' || text[end] == ',' && end+1 < len(text) && isDigit(text[end+1])) {
		end++
	}
	return text[at:end]
}

// normalizeWithOffsets is normalizeValue that also maps each byte of the
// result back to its offset in s, appended to offs.
func normalizeWithOffsets(s string, offs []int) (string, []int) {
	var b strings.Builder
	lastSpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ',' && i > 0 && i+1 < len(s) && isDigit(s[i-1]) && isDigit(s[i+1]) {
			continue
		}
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			if lastSpace {
				continue
			}
			c = ' '
			lastSpace = true
		} else {
			lastSpace = false
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
		offs = append(offs, i)
	}
	return b.String(), offs
}

// shortAnswer picks, from the best sentence, the entity of the kind the
// question asks for closest to the question's words in it. It reports
// false — the quote is the answer — unless one candidate is exactly of
// that kind and stands out: a wrong name or number in bold is worse than
// none.
func (r *ranker) shortAnswer(s scored) (shortPick, bool) {
	if r.q.Type == question.TypeYesNo {
		return shortPick{}, false
	}
	cands := r.freshCandidatesIn(s.doc, s.ord, s.span, s.toks)
	if len(cands) == 0 {
		return shortPick{}, false
	}
	return r.clearCandidate(s.doc.Text, cands, s.toks)
}

// clearCandidate returns the best candidate when it is of exactly the
// kind asked for and no other candidate of that kind comes close: the
// runner-up scores under 80% of it, or only the best counts the
// question's noun ("how many votes").
func (r *ranker) clearCandidate(text string, cands []candidate, toks []retrieval.Token) (shortPick, bool) {
	type scoredCand struct {
		c  candidate
		sc float64
	}
	var exact []scoredCand
	scores := r.candidateScores(text, cands, toks, true)
	for k, c := range cands {
		if c.exact {
			exact = append(exact, scoredCand{c, scores[k]})
		}
	}
	if len(exact) == 0 {
		return shortPick{}, false
	}
	sort.SliceStable(exact, func(i, j int) bool { return exact[i].sc > exact[j].sc })
	alone := len(exact) == 1
	if r.q.Want.Noun != "" {
		var counted []scoredCand
		for _, e := range exact {
			if e.c.nounMatch {
				counted = append(counted, e)
			}
		}
		if len(counted) == 1 {
			return shortPick{c: counted[0].c, alone: alone}, true
		}
		if len(counted) > 1 {
			exact = counted
		}
	}
	pick := shortPick{c: exact[0].c, alone: alone}
	if len(exact) > 1 {
		if exact[0].sc > 0 {
			pick.runnerUp = exact[1].sc / exact[0].sc
		}
		if exact[1].sc >= 0.8*exact[0].sc {
			return shortPick{}, false
		}
	}
	return pick, true
}

// bestCandidateIn is bestCandidate given the sentence's tokens.
func (r *ranker) bestCandidateIn(text string, cands []candidate, toks []retrieval.Token) (retrieval.Span, float64) {
	scores := r.candidateScores(text, cands, toks, false)
	bestScore, best := -1.0, retrieval.Span{}
	for k, c := range cands {
		if scores[k] > bestScore {
			bestScore, best = scores[k], c.Span
		}
	}
	return best, bestScore
}

// candidateScores scores each candidate by how close the question's words
// sit to it: each word's weight over one plus the words in between, times
// the candidate's prior. With nearest, each occurrence of a question word
// counts only for the candidates nearest to it, so a number is not
// credited with the words that describe its neighbour ("the FY2026 cap of
// 7,500 … 100,000 in FY2024").
func (r *ranker) candidateScores(text string, cands []candidate, toks []retrieval.Token, nearest bool) []float64 {
	scores := make([]float64, len(cands))
	if len(cands) == 0 {
		return scores
	}
	gaps := make([]int, len(cands))
	// Clauses: a question word in the candidate's own clause (between
	// commas, semicolons, brackets, dashes) says more about it than one
	// across a comma ("the cap for fiscal 2026 was 7,500, down from
	// 100,000 in fiscal 2024").
	from := cands[0].Start
	for _, t := range toks {
		from = min(from, t.Start)
	}
	clause := make([]int, len(cands))
	for k, c := range cands {
		clause[k] = clauseAt(text, from, c.Start)
	}
	for _, t := range toks {
		i := r.match(t.Term)
		if i < 0 {
			continue
		}
		w := r.weight[i]
		if r.localWeight != nil {
			// What tells this sentence's candidates apart is what is
			// rare among the candidate sentences ("FY2024"), not the
			// topic every one of them shares ("refugee cap").
			w = r.localWeight[i]
		}
		if r.q.Terms[i].Specific() {
			w *= 2
		}
		minGap := -1
		for k, c := range cands {
			gap := 0
			switch {
			case t.Start < c.Start:
				gap = wordsBetween(text, t.Start, c.Start)
			case t.Start >= c.End:
				gap = wordsBetween(text, c.End, t.Start)
			case t.End <= c.End:
				gap = -1 // inside the candidate: restates the question
			}
			gaps[k] = gap
			if gap >= 0 && (minGap < 0 || gap < minGap) {
				minGap = gap
			}
		}
		tc := clauseAt(text, from, t.Start)
		for k := range cands {
			if gaps[k] < 0 || nearest && gaps[k] > minGap {
				continue
			}
			v := w / float64(1+gaps[k])
			if tc == clause[k] {
				v *= 2
			}
			scores[k] += v
		}
	}
	for k, c := range cands {
		scores[k] *= c.prior
		if r.candidateYear(text, c, toks) == yearOther {
			scores[k] *= 0.5
		}
	}
	return scores
}

// yearFit is how the year nearest a candidate in its sentence stands to
// the years the question asks about.
type yearFit int

const (
	yearUnknown yearFit = iota // no year asked, or none in the sentence
	yearAsked                  // the nearest year is one asked about
	yearOther                  // it is another year
)

// candidateYear reads the year nearest candidate c: "7,500" in "the
// FY2026 cap of 7,500 … 100,000 in FY2024" stands by another year than
// the one a question about fiscal 2024 asks.
func (r *ranker) candidateYear(text string, c candidate, toks []retrieval.Token) yearFit {
	asked := map[string]bool{}
	for _, t := range r.q.Terms {
		if t.Kind == question.KindYear {
			asked[t.Term] = true
		}
	}
	if len(asked) == 0 {
		return yearUnknown
	}
	nearest, best := "", -1
	for _, t := range toks {
		if len(t.Term) != 4 || !rtext.AllDigits(t.Term) || t.Term < "1000" || t.Term > "2199" || t.Start >= c.Start && t.End <= c.End {
			continue
		}
		gap := 0
		if t.Start < c.Start {
			gap = wordsBetween(text, t.Start, c.Start)
		} else {
			gap = wordsBetween(text, c.End, t.Start)
		}
		if best < 0 || gap < best {
			nearest, best = t.Term, gap
		}
	}
	switch {
	case nearest == "":
		return yearUnknown
	case asked[nearest]:
		return yearAsked
	}
	return yearOther
}

// clauseAt counts the clause breaks (commas, semicolons, colons,
// brackets, dashes) in text[from:at]: offsets with the same count are in
// the same clause.
func clauseAt(text string, from, at int) int {
	if at <= from {
		return 0
	}
	n := 0
	for _, r := range text[from:at] {
		switch r {
		case ',', ';', ':', '(', ')', '—', '–':
			n++
		}
	}
	return n
}

// wordsBetween counts the words between two offsets.
func wordsBetween(text string, from, to int) int {
	return rtext.CountFields(text[from:to])
}

// metadataLines is how many passages from the top a byline, dateline or
// headline may stand in.
const metadataLines = 3

// maxMetadataLineWords bounds the lines read as a byline or dateline.
const maxMetadataLineWords = 15

// answerFromMetadata answers questions about a document itself (who wrote
// it, when it was published, who published it, its headline) from its
// metadata, citing the line near the top that shows it (the byline, the
// dateline, the headline) or else the first passage, marked as read from
// metadata. It reports false when no retrieved document has the field.
func (r *ranker) answerFromMetadata(ans *retrieval.Answer, all []scored) bool {
	var best *retrieval.IndexedDoc
	bestMatch := -1.0
	seen := map[string]bool{}
	for rank, s := range all {
		d := s.doc
		if seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		if metaField(d, r.q.Intent) == "" {
			continue
		}
		// Prefer the document whose headline or publisher the question
		// names; break ties by retrieval rank.
		m := make([]bool, len(r.q.Terms))
		for _, term := range factsOf(d).metaTerms() {
			if i, ok := r.termIdx[term]; ok {
				m[i] = true
			}
		}
		score := r.coverage(m) + s.covP - 0.001*float64(rank)
		if score > bestMatch {
			best, bestMatch = d, score
		}
	}
	if best == nil || bestMatch < 0.25 {
		return false
	}
	if r.q.Intent == question.IntentHeadline {
		ans.AnswerType = ""
	}
	value := metaField(best, r.q.Intent)
	c := retrieval.Citation{Doc: best.ID, Metadata: best.Metadata, Collection: best.Collection, Score: round3(min(1, bestMatch)), FromMetadata: true}
	// The value is the document's own; what is uncertain is whether this
	// is the document meant.
	ans.Confidence = c.Score
	// Cite the line that shows the value: a short line anywhere (a
	// byline, a dateline, a source note), else a sentence near the top,
	// else the first passage.
	found := false
	for _, shortLine := range []bool{true, false} {
		for k, p := range best.Passages {
			if found || !shortLine && k >= metadataLines || shortLine && wordCount(best.Text[p.Start:p.End]) > maxMetadataLineWords {
				continue
			}
			for _, sp := range p.Sentences {
				sent := best.Text[sp.Start:sp.End]
				if at := indexValue(sent, normalizeValue(value)); at >= 0 {
					c.Paragraph, c.Start, c.End, c.Quote, c.Page = p.Paragraph, sp.Start, sp.End, sent, best.PageAt(sp.Start)
					hl := retrieval.Span{Start: sp.Start + at, End: sp.Start + at + len(valueAt(sent, at, len(value)))}
					if hl != sp {
						c.Highlight = &hl
					}
					found = true
					break
				}
			}
		}
	}
	if !found {
		if len(best.Passages) == 0 {
			return false
		}
		p := best.Passages[0]
		c.Paragraph, c.Start, c.End, c.Quote = p.Paragraph, p.Start, p.End, best.Text[p.Start:p.End]
		c.Page = best.PageAt(p.Start)
	}
	ans.Answered = true
	ans.Short = value
	if c.Highlight != nil {
		ans.Short = best.Text[c.Highlight.Start:c.Highlight.End]
	}
	ans.Citations = append(ans.Citations, c)
	return true
}

// amountKinds are the kinds of entity that give a figure.
var amountKinds = map[retrieval.EntityKind]bool{retrieval.EntityMoney: true, retrieval.EntityPercent: true,
	retrieval.EntityNumber: true, retrieval.EntityQuantity: true, retrieval.EntityDuration: true, retrieval.EntityAge: true}

// noAmountNear reports a question asking for a figure (an amount, a
// count, a quantity) whose best sentence, and that sentence's passage,
// give no figure at all.
func (r *ranker) noAmountNear(all []scored, i int) bool {
	if r.q.Want.Empty() || !amountKinds[r.q.Want.Kinds[0].Kind] {
		return false
	}
	s := &all[i]
	p := s.doc.Passages[s.ord]
	// Any figure will do here ("100,000" for "how much"): the rule only
	// catches a passage that gives none at all; whether a figure of
	// another kind answers is the decline model's call.
	return len(r.freshCandidatesIn(s.doc, s.ord, p.Span, p.Tokens)) == 0
}

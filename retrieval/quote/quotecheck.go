// Package quote checks quotes against one generation of an index: does
// the text appear in the documents (exactly, nearly, with the differing
// words marked, or not at all), and who do the documents say said it.
// Candidates come from the backend's search; each is verified against the
// document's own text by a word alignment, so every match and difference
// is a slice of the document.
package quote

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"
	rtext "github.com/citebot/citebot/retrieval/text"
)

// NearThreshold is the least similarity (weighted Dice coefficient of the
// aligned words, see QuoteMatch.Score) for a near match. It was fitted on
// quote-check cases generated from SQuAD: `citebot eval --quotes squad
// FILE --cases 200 -v` prints the share of near and not_found cases right
// at each threshold, a plateau from 0.65 (99.5%) to 0.75 (99.4%) peaking
// at 0.70 (99.6%); COVID-QA cases agree (98.1% at 0.65, 98.8% at 0.70).
// 0.65 is the low end of the plateau, so that a quote with two of its
// five content words changed ("protect your voters from the adverse
// social impacts" against "… your citizens from the negative social
// impacts") is still near. Lower, unrelated sentences sharing a few
// words (or the text's own words shuffled) pass as near.
const NearThreshold = 0.65

// closestFloor is the least similarity for a passage to be offered as
// closest when the verdict is not_found.
const closestFloor = 0.3

// maxExactMatches bounds how many places an exact quote is reported at.
const maxExactMatches = 10

// cleanQuote makes arbitrary input safe to check: valid UTF-8, trimmed,
// at most MaxQuoteBytes long, and cleaned as document text is (a quote
// copied from a PDF viewer keeps its ligatures and soft hyphens; the
// documents have none, see text.CleanExtracted).
func cleanQuote(s string) string {
	s = rtext.CleanExtracted(strings.ToValidUTF8(s, "\uFFFD"))
	if len(s) > retrieval.MaxQuoteBytes {
		cut := retrieval.MaxQuoteBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return strings.TrimSpace(s)
}

// Check says whether text appears in the documents of one generation:
// exactly, nearly (with the differing words marked) or not at all.
// Candidates come from the index (a phrase search for each part of the
// text, and a search for its rarest words), never from query syntax; each
// is verified against the document text by a word alignment.
func Check(ctx context.Context, b retrieval.Backend, text string, opts retrieval.QuoteOptions) (retrieval.QuoteCheck, error) {
	top := opts.Top
	if top <= 0 {
		top = retrieval.DefaultTop
	}
	top = min(top, retrieval.MaxTop)
	text = cleanQuote(text)
	qc := retrieval.QuoteCheck{Text: text, Verdict: retrieval.VerdictNotFound, Matches: []retrieval.QuoteMatch{}, Variants: []retrieval.QuoteMatch{}, Closest: []retrieval.QuoteMatch{}}
	words := rtext.Words(text, true)
	if len(words) == 0 {
		qc.Reason = "the text has no words to look for"
		return qc, nil
	}
	cands, err := quoteCandidates(ctx, b, text, words, opts.Filter)
	if err != nil {
		return qc, err
	}
	var exact, rest []quoteCand
	for _, c := range cands {
		if c.a.exact() {
			exact = append(exact, c)
		} else {
			rest = append(rest, c)
		}
	}
	sort.SliceStable(rest, func(i, j int) bool { return rest[i].sim > rest[j].sim })
	var near, closest []retrieval.QuoteMatch
	for _, c := range rest {
		switch {
		case c.sim >= NearThreshold && len(near) < top:
			near = append(near, c.match(words, text))
		case c.sim >= closestFloor && c.sim < NearThreshold && len(closest) < top:
			closest = append(closest, c.match(words, text))
		}
	}
	switch {
	case len(exact) > 0:
		qc.Verdict = retrieval.VerdictExact
		for _, c := range exact[:min(len(exact), max(top, maxExactMatches))] {
			qc.Matches = append(qc.Matches, c.match(words, text))
		}
		qc.Variants = append(qc.Variants, near...)
	case len(near) > 0:
		qc.Verdict = retrieval.VerdictNear
		qc.Matches = near
	default:
		qc.Closest = append(qc.Closest, closest...)
	}
	return qc, nil
}

// quoteCand is a paragraph aligned with the checked text.
type quoteCand struct {
	doc       *retrieval.IndexedDoc
	paragraph int
	words     []rtext.Word // the paragraph's words (offsets into doc.Text)
	a         alignment
	sim       float64
}

// match turns an aligned candidate into a QuoteMatch.
func (c quoteCand) match(words []rtext.Word, text string) retrieval.QuoteMatch {
	d := c.doc
	region := retrieval.Span{Start: c.words[c.a.first].Start, End: c.words[c.a.last].End}
	sent := sentencesCovering(d, c.paragraph, region)
	cite := retrieval.Citation{
		Doc: d.ID, Metadata: d.Metadata, Collection: d.Collection,
		Paragraph: c.paragraph, Page: d.PageAt(sent.Start),
		Start: sent.Start, End: sent.End, Quote: d.Text[sent.Start:sent.End],
		Score: round3(c.sim),
	}
	if region != sent {
		hl := region
		cite.Highlight = &hl
	}
	diffs := []retrieval.Difference{}
	if !c.a.exact() {
		diffs = differences(c.a, words, text, c.words, d.Text)
	}
	return retrieval.QuoteMatch{Citation: cite, Differences: diffs}
}

// sentencesCovering returns the span from the start of the sentence of
// the paragraph holding region.Start to the end of the one holding the
// end of region (region itself when no sentence does).
func sentencesCovering(d *retrieval.IndexedDoc, paragraph int, region retrieval.Span) retrieval.Span {
	out := region
	for _, p := range d.Passages {
		if p.Paragraph != paragraph {
			continue
		}
		for _, s := range p.Sentences {
			if s.Start <= region.Start && region.Start < s.End {
				out.Start = min(out.Start, s.Start)
			}
			if s.Start < region.End && region.End <= s.End {
				out.End = max(out.End, s.End)
			}
		}
	}
	return out
}

// Candidate search sizes: passages holding every part as a phrase (the
// exact candidates, enough to list maxExactMatches places after
// duplicates), and passages sharing the rarest words (the near ones).
const (
	phraseCandidates = 4 * maxExactMatches
	wordCandidates   = 24
	maxQuoteTerms    = 40
)

// quoteCandidates searches the index for passages that may hold the
// checked words and aligns the words with each of their paragraphs, in
// retrieval order (phrase hits first), one candidate per paragraph.
func quoteCandidates(ctx context.Context, b retrieval.Backend, text string, words []rtext.Word, f retrieval.Filter) ([]quoteCand, error) {
	var phrases []retrieval.Phrase
	for _, part := range quoteParts(words) {
		ph, ok := retrieval.PhraseOf(rtext.Analyze(text[part[0].Start:part[len(part)-1].End]), 0)
		if !ok {
			continue // only stop words: a phrase query would find nothing
		}
		phrases = append(phrases, ph)
	}
	var hits []retrieval.Hit
	if len(phrases) > 0 {
		h, err := b.Search(ctx, retrieval.Query{Required: phrases}, phraseCandidates, f)
		if err != nil {
			return nil, err
		}
		hits = append(hits, h...)
	}
	terms, err := rarestTerms(ctx, b, text)
	if err != nil {
		return nil, err
	}
	if len(terms) > 0 {
		q := retrieval.Query{}
		for _, t := range terms {
			q.Terms = append(q.Terms, retrieval.QueryTerm{Term: t, Boost: 1})
		}
		for _, ph := range phrases {
			ph.Boost = 2
			q.Phrases = append(q.Phrases, ph)
		}
		h, err := b.Search(ctx, q, wordCandidates, f)
		if err != nil {
			return nil, err
		}
		hits = append(hits, h...)
	}

	type key struct {
		doc       string
		paragraph int
	}
	seen := map[key]bool{}
	var out []quoteCand
	for _, h := range hits {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("checking the quote: %w", err)
		}
		d, err := b.Document(ctx, h.Doc)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", h.Doc, err)
		}
		if h.Passage >= len(d.Passages) {
			continue // index and store disagree; skip rather than fail
		}
		para := d.Passages[h.Passage].Paragraph
		k := key{h.Doc, para}
		if seen[k] {
			continue
		}
		seen[k] = true
		span := paragraphSpan(d, para)
		dw := paragraphWords(d, span)
		a, ok := align(words, dw)
		if !ok {
			// A paragraph too long to align whole: align the passage hit.
			p := d.Passages[h.Passage].Span
			dw = offsetWords(rtext.Words(d.Text[p.Start:p.End], false), p.Start)
			if a, ok = align(words, dw); !ok {
				continue
			}
		}
		if a.first < 0 {
			continue
		}
		out = append(out, quoteCand{doc: d, paragraph: para, words: dw, a: a, sim: a.similarity()})
	}
	return out, nil
}

// quoteParts splits checked words at ellipses.
func quoteParts(words []rtext.Word) [][]rtext.Word {
	var parts [][]rtext.Word
	start := 0
	for i := 1; i <= len(words); i++ {
		if i == len(words) || words[i].Gap {
			parts = append(parts, words[start:i])
			start = i
		}
	}
	return parts
}

// paragraphSpan is the span of all passages of one paragraph.
func paragraphSpan(d *retrieval.IndexedDoc, paragraph int) retrieval.Span {
	sp := retrieval.Span{Start: -1}
	for _, p := range d.Passages {
		if p.Paragraph != paragraph {
			continue
		}
		if sp.Start < 0 || p.Start < sp.Start {
			sp.Start = p.Start
		}
		sp.End = max(sp.End, p.End)
	}
	return sp
}

func offsetWords(ws []rtext.Word, base int) []rtext.Word {
	for i := range ws {
		ws[i].Start += base
		ws[i].End += base
	}
	return ws
}

// wordsKey keys a paragraph's words in IndexedDoc.Memo.
type wordsKey retrieval.Span

// paragraphWords is offsetWords(rtext.Words(the paragraph's text), its
// start), kept with the document: checks read the same paragraphs again
// and again. The slice is shared: callers must not modify it.
func paragraphWords(d *retrieval.IndexedDoc, span retrieval.Span) []rtext.Word {
	return d.Memo(wordsKey(span), func() any {
		return offsetWords(rtext.Words(d.Text[span.Start:span.End], false), span.Start)
	}).([]rtext.Word)
}

// rarestTerms returns the distinct analysed terms of text, at most
// maxQuoteTerms of them, the rarest in the index first kept.
func rarestTerms(ctx context.Context, b retrieval.Backend, text string) ([]string, error) {
	var terms []string
	seen := map[string]bool{}
	for _, t := range rtext.Analyze(text) {
		if !seen[t.Term] {
			seen[t.Term] = true
			terms = append(terms, t.Term)
		}
	}
	if len(terms) > maxQuoteTerms {
		st, err := b.TermStats(ctx, terms)
		if err != nil {
			return nil, err
		}
		sort.SliceStable(terms, func(i, j int) bool { return st.DF[terms[i]] < st.DF[terms[j]] })
		terms = terms[:maxQuoteTerms]
	}
	return terms, nil
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

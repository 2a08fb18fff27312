package retrieval

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Verdict is the outcome of a quote check.
type Verdict string

// Quote check verdicts.
const (
	// VerdictExact: every part of the text (split at ellipses, in order)
	// occurs word for word in one paragraph of a document, up to case,
	// quotation marks, apostrophes, dashes, punctuation and white space.
	VerdictExact Verdict = "exact"
	// VerdictNear: no exact occurrence, but a passage says nearly the
	// same words (similarity at least NearThreshold); its differing
	// words are listed.
	VerdictNear Verdict = "near"
	// VerdictNotFound: nothing in the documents comes close.
	VerdictNotFound Verdict = "not_found"
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

// MaxQuoteBytes bounds the text one quote check compares; longer text is
// cut at a rune boundary (the bot rejects it instead).
const MaxQuoteBytes = 5000

// maxExactMatches bounds how many places an exact quote is reported at.
const maxExactMatches = 10

// QuoteMatch is one place a checked text occurs. The Citation's quote is
// the sentence or sentences holding the match, verbatim; its Highlight is
// the matched run of words (nil when that is the whole quote); its Score is
// the similarity, 1 for an exact match. Differences are the runs where the
// document's words differ from the checked text's, empty for exact
// matches (an ellipsis's omitted words are not differences).
type QuoteMatch struct {
	Citation
	Differences []Difference `json:"differences"`
}

// QuoteCheck is the answer to "do the documents say this?". Verdict is
// exact (Matches lists every place, up to 10; Variants the places that
// word it differently, such as another article quoting the same talking
// point), near (Matches lists the closest passages with their
// differences, best first) or not_found (Matches is empty; Closest may
// offer passages sharing some words).
type QuoteCheck struct {
	Text     string       `json:"text"`
	Verdict  Verdict      `json:"verdict"`
	Matches  []QuoteMatch `json:"matches"`
	Variants []QuoteMatch `json:"variants"`
	Closest  []QuoteMatch `json:"closest"`
	// Reason says why nothing could be looked up, when that is so.
	Reason string `json:"reason,omitempty"`
}

// QuoteOptions tune a quote check.
type QuoteOptions struct {
	// Top is the most near matches (or closest passages) to return; 0
	// means DefaultTop. Exact matches are listed up to 10 regardless.
	Top int
	// Filter restricts the documents searched.
	Filter Filter
}

// cleanQuote makes arbitrary input safe to check: valid UTF-8, trimmed,
// and at most MaxQuoteBytes long.
func cleanQuote(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > MaxQuoteBytes {
		cut := MaxQuoteBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return strings.TrimSpace(s)
}

// CheckQuote says whether text appears in the documents: exactly, nearly
// (with the differing words marked) or not at all. Candidates come from
// the index (a phrase search for each part of the text, and a search for
// its rarest words), never from query syntax; each is verified against
// the document text by a word alignment.
func (ix *Index) CheckQuote(ctx context.Context, text string, opts QuoteOptions) (QuoteCheck, error) {
	top := opts.Top
	if top <= 0 {
		top = DefaultTop
	}
	top = min(top, MaxTop)
	text = cleanQuote(text)
	qc := QuoteCheck{Text: text, Verdict: VerdictNotFound, Matches: []QuoteMatch{}, Variants: []QuoteMatch{}, Closest: []QuoteMatch{}}
	words := splitWords(text, true)
	if len(words) == 0 {
		qc.Reason = "the text has no words to look for"
		return qc, nil
	}
	cands, err := ix.quoteCandidates(ctx, text, words, opts.Filter)
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
	var near, closest []QuoteMatch
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
		qc.Verdict = VerdictExact
		for _, c := range exact[:min(len(exact), max(top, maxExactMatches))] {
			qc.Matches = append(qc.Matches, c.match(words, text))
		}
		qc.Variants = append(qc.Variants, near...)
	case len(near) > 0:
		qc.Verdict = VerdictNear
		qc.Matches = near
	default:
		qc.Closest = append(qc.Closest, closest...)
	}
	return qc, nil
}

// quoteCand is a paragraph aligned with the checked text.
type quoteCand struct {
	doc       *storedDoc
	paragraph int
	words     []qword // the paragraph's words (offsets into doc.Text)
	a         alignment
	sim       float64
}

// match turns an aligned candidate into a QuoteMatch.
func (c quoteCand) match(words []qword, text string) QuoteMatch {
	d := c.doc
	region := Span{c.words[c.a.first].start, c.words[c.a.last].end}
	sent := sentencesCovering(d, c.paragraph, region)
	cite := Citation{
		Doc: d.ID, Metadata: d.Metadata, Collection: d.Collection,
		Paragraph: c.paragraph, Page: d.pageAt(sent.Start),
		Start: sent.Start, End: sent.End, Quote: d.Text[sent.Start:sent.End],
		Score: round3(c.sim),
	}
	if region != sent {
		hl := region
		cite.Highlight = &hl
	}
	diffs := []Difference{}
	if !c.a.exact() {
		diffs = differences(c.a, words, text, c.words, d.Text)
	}
	return QuoteMatch{Citation: cite, Differences: diffs}
}

// sentencesCovering returns the span from the start of the sentence of
// the paragraph holding region.Start to the end of the one holding the
// end of region (region itself when no sentence does).
func sentencesCovering(d *storedDoc, paragraph int, region Span) Span {
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
func (ix *Index) quoteCandidates(ctx context.Context, text string, words []qword, f Filter) ([]quoteCand, error) {
	var phrases []query.Query
	for _, part := range quoteParts(words) {
		ph := text[part[0].start:part[len(part)-1].end]
		if len(analyze(ph)) == 0 {
			continue // only stop words: a phrase query would find nothing
		}
		pq := bleve.NewMatchPhraseQuery(ph)
		pq.SetField(fieldText)
		pq.Analyzer = analyzerName
		phrases = append(phrases, pq)
	}
	var hits []passageHit
	if len(phrases) > 0 {
		h, err := ix.searchQuery(ctx, bleve.NewConjunctionQuery(phrases...), phraseCandidates, f)
		if err != nil {
			return nil, err
		}
		hits = append(hits, h...)
	}
	terms, err := ix.rarestTerms(ctx, text)
	if err != nil {
		return nil, err
	}
	if len(terms) > 0 {
		var should []query.Query
		for _, t := range terms {
			tq := bleve.NewTermQuery(t)
			tq.SetField(fieldText)
			should = append(should, tq)
		}
		for _, pq := range phrases {
			pq.(*query.MatchPhraseQuery).SetBoost(2)
			should = append(should, pq)
		}
		h, err := ix.searchQuery(ctx, bleve.NewDisjunctionQuery(should...), wordCandidates, f)
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
		d, err := ix.store.get(h.doc)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", h.doc, err)
		}
		if h.ord >= len(d.Passages) {
			continue // index and store disagree; skip rather than fail
		}
		para := d.Passages[h.ord].Paragraph
		k := key{h.doc, para}
		if seen[k] {
			continue
		}
		seen[k] = true
		span := paragraphSpan(d, para)
		dw := offsetWords(splitWords(d.Text[span.Start:span.End], false), span.Start)
		a, ok := align(words, dw)
		if !ok {
			// A paragraph too long to align whole: align the passage hit.
			p := d.Passages[h.ord].Span
			dw = offsetWords(splitWords(d.Text[p.Start:p.End], false), p.Start)
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
func quoteParts(words []qword) [][]qword {
	var parts [][]qword
	start := 0
	for i := 1; i <= len(words); i++ {
		if i == len(words) || words[i].gap {
			parts = append(parts, words[start:i])
			start = i
		}
	}
	return parts
}

// paragraphSpan is the span of all passages of one paragraph.
func paragraphSpan(d *storedDoc, paragraph int) Span {
	sp := Span{Start: -1}
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

func offsetWords(ws []qword, base int) []qword {
	for i := range ws {
		ws[i].start += base
		ws[i].end += base
	}
	return ws
}

// rarestTerms returns the distinct analysed terms of text, at most
// maxQuoteTerms of them, the rarest in the index first kept.
func (ix *Index) rarestTerms(ctx context.Context, text string) ([]string, error) {
	var terms []Term
	seen := map[string]bool{}
	for _, t := range analyze(text) {
		if !seen[t.Term] {
			seen[t.Term] = true
			terms = append(terms, Term{Term: t.Term})
		}
	}
	if len(terms) > maxQuoteTerms {
		df, _, err := ix.termStats(ctx, terms)
		if err != nil {
			return nil, err
		}
		sort.SliceStable(terms, func(i, j int) bool { return df[terms[i].Term] < df[terms[j].Term] })
		terms = terms[:maxQuoteTerms]
	}
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = t.Term
	}
	return out, nil
}

// searchQuery runs q (restricted to f's collections) and returns the top
// k passages. Like searchPassages, it takes a query built from terms and
// phrases, never from query syntax.
func (ix *Index) searchQuery(ctx context.Context, q query.Query, k int, f Filter) ([]passageHit, error) {
	if len(f.Collections) > 0 {
		var colls []query.Query
		for _, c := range f.Collections {
			tq := bleve.NewTermQuery(c)
			tq.SetField(fieldCollection)
			colls = append(colls, tq)
		}
		q = bleve.NewConjunctionQuery(q, bleve.NewDisjunctionQuery(colls...))
	}
	req := bleve.NewSearchRequestOptions(q, k, 0, false)
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits := make([]passageHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		if doc, ord, ok := parsePassageID(h.ID); ok {
			hits = append(hits, passageHit{doc: doc, ord: ord, score: h.Score})
		}
	}
	return hits, nil
}

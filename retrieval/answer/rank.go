package answer

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/question"
	rtext "github.com/citebot/citebot/retrieval/text"
)

// Ranking constants. Weights are general properties of English prose and
// were fitted on SQuAD and COVID-QA as a whole, never per question.
const (
	// candidatePassages is how many BM25 passages are re-ranked at the
	// sentence level.
	candidatePassages = 12

	// absentVerbWeight scales the weight of a verb-shaped question word
	// that no passage contains.
	absentVerbWeight = 0.3
)

// Sentence features, each in [0, 1].
const (
	fCoverage   = iota // IDF-weighted share of the question in the sentence
	fContext           // extra share found in the neighbouring sentences
	fProximity         // matched terms close together (× coverage)
	fBigram            // question word pairs kept together
	fPhrase            // quoted phrases found
	fType              // holds something of the expected answer type
	fPassage           // the passage's BM25 score, relative to the best
	fPassCov           // IDF-weighted share of the question in the passage
	fLength            // sentence length in words, up to 60, over 60
	fFirst             // first sentence of its passage
	fRarest            // the rarest question term matched, relative to the rarest overall
	fTitle             // IDF-weighted share of the question in the document's headline
	fFocus             // coverage per word: coverage × min(1, 20 / words)
	fRun               // longest run of question terms in question order, over terms
	fNovel             // share of the sentence's words that are not in the question
	fSurface           // share of the question's word pairs, stop words included, in the sentence verbatim
	fCoref             // the sentence starts with a pronoun: the previous sentence's coverage
	fAnswerNear        // a candidate of the expected type sits close to the question's words
	fLocal             // coverage weighted by rarity among the candidate sentences
	fLocalCtx          // the same for the sentence with its neighbours, minus fLocal
	fLocalPass         // the same for the whole passage
	fIntra             // coverage weighted by rarity among the sentences of the same passage
	fExact             // holds an entity of exactly the kind asked for (not only one that will do)
	fNoun              // holds a number of what the question counts ("how many votes": "92,153 votes")
	fSpecific          // share of the question's names, numbers and years in the sentence
	fVerbs             // share of the question's verbs in the sentence
	fLead              // 1 / paragraph number: news puts the answer early
	fHeadline          // the document's headline (a summary, rarely the answer)
	fCausal            // a why question, and the sentence gives a reason ("because", "due to", "after")
	fHeadName          // holds a name with the question's head noun in it ("Saha Airlines" for "which airline")
	// Binary features: sentences that are unlikely answers whatever their
	// words, and the FAQ answer that follows a matching question.
	fQuestion // ends with a question mark
	fHeading  // a heading or label: short, no closing punctuation
	fShort    // three words or fewer
	fFAQ      // the answer after a matching FAQ question
	// fUntyped + AnswerType: the question wants a number, date, name … and
	// the sentence holds none ("how many" is rarely answered without a
	// number). One feature per answer type.
	fUntyped
	numFeatures = fUntyped + int(question.TypeQuote) + 1
)

// featureNames name the features for tuning output and explanations.
var featureNames = func() [numFeatures]string {
	n := [numFeatures]string{
		fCoverage: "fCoverage", fContext: "fContext", fProximity: "fProximity", fBigram: "fBigram",
		fPhrase: "fPhrase", fType: "fType", fPassage: "fPassage", fPassCov: "fPassCov", fLength: "fLength",
		fFirst: "fFirst", fRarest: "fRarest", fTitle: "fTitle", fFocus: "fFocus", fRun: "fRun",
		fNovel: "fNovel", fSurface: "fSurface", fCoref: "fCoref", fAnswerNear: "fAnswerNear",
		fLocal: "fLocal", fLocalCtx: "fLocalCtx", fLocalPass: "fLocalPass", fIntra: "fIntra",
		fExact: "fExact", fNoun: "fNoun", fSpecific: "fSpecific", fVerbs: "fVerbs", fLead: "fLead", fHeadline: "fHeadline", fCausal: "fCausal", fHeadName: "fHeadName",
		fQuestion: "fQuestion", fHeading: "fHeading", fShort: "fShort", fFAQ: "fFAQ",
	}
	for t := question.TypeNone + 1; t <= question.TypeQuote; t++ {
		n[fUntyped+int(t)] = "fUntyped+" + typeConstNames[t]
	}
	n[fUntyped] = "fUntyped"
	return n
}()

var typeConstNames = [...]string{"None", "Number", "Person", "Org", "Date", "Place", "YesNo", "Quote"}

// handSetFeatures are the features SQuAD cannot teach (it has no FAQ pages
// and few quotations); tuning keeps their weights as they are.
var handSetFeatures = map[int]bool{fQuestion: true, fFAQ: true, fUntyped + int(question.TypeQuote): true, fUntyped + int(question.TypeYesNo): true, fUntyped: true}

// featureWeights combine the features linearly into a sentence's score.
// They are fitted by `citebot tune` (pairwise logistic regression on
// SQuAD dev, even-numbered articles; see RANKING.md) and hold for English
// prose in general: nothing in them names a word or a question. They are
// read from model.json (see model.go). SQuAD has no FAQ pages and few
// quotations, so the weights of handSetFeatures are set by hand rather
// than fitted: a question is not its own answer, the answer after it
// stands in for it, and a "what did X say" question wants a quotation.
var featureWeights [numFeatures]float64

// sigmoid maps a score to (0, 1) for reporting.
func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// ranker scores the sentences of retrieved passages for one question.
type ranker struct {
	titles  map[string]float64 // document id → headline coverage
	pairs   map[string]bool    // the question's word pairs, lower case
	pairTab rtext.PairTable    // pairs, for surfaceShare
	q       *question.Question
	weight  []float64 // per question term: Weight × IDF
	total   float64
	termIdx map[string]int
	df      map[string]int // passages holding each question term
	maxBM25 float64        // the best passage's raw BM25 score
	n       int            // passages in the index
	docs    int            // documents in the index
	// specific and verbs mark the question's names, numbers and years and
	// its verbs, by term index; nSpecific and nVerbs count them.
	specific, verbs   []bool
	nSpecific, nVerbs int
	// localWeight is each question term's weight by its rarity among the
	// candidate sentences (see localCoverage), nil before they are known.
	localWeight []float64
	// seen holds the documents retrieved for the question, by id.
	seen    map[string]*retrieval.IndexedDoc
	bigrams [][2]int
	// scratch backs scratchBools.
	scratch []bool
	// buf holds scratch and flags for scorePassage (see release).
	buf *rankBuffers
	// firstBytes holds the first byte of every question term: a term
	// starting with another byte matches none (nor is a variant of one).
	firstBytes [4]uint64
	// lengths holds the lengths (under 64) of the question terms: only a
	// term of one of them can be one.
	lengths uint64
}

func newRanker(q *question.Question, df map[string]int, n int) *ranker {
	r := &ranker{q: q, termIdx: make(map[string]int, len(q.Terms)), titles: map[string]float64{}, df: df, n: n,
		seen: map[string]*retrieval.IndexedDoc{}}
	r.pairs = surfacePairs(q.Text, true)
	r.pairTab = rtext.NewPairTable(r.pairs)
	for i, t := range q.Terms {
		w := t.Weight * idf(df[t.Term], n)
		if df[t.Term] == 0 && t.Verb {
			// A verb no document uses is usually the question's own
			// paraphrase ("received" for "sent to"), not missing content.
			w *= absentVerbWeight
		}
		r.weight = append(r.weight, w)
		r.total += w
		r.termIdx[t.Term] = i
		if t.Term != "" {
			r.firstBytes[t.Term[0]>>6] |= 1 << (t.Term[0] & 63)
		}
		if len(t.Term) < 64 {
			r.lengths |= 1 << len(t.Term)
		}
		r.specific = append(r.specific, t.Specific())
		r.verbs = append(r.verbs, t.Verb)
		if t.Specific() {
			r.nSpecific++
		}
		if t.Verb {
			r.nVerbs++
		}
	}
	// Pairs of question terms written next to each other (stop words
	// between them allowed).
	byPos := make([]int, len(q.Terms))
	for i := range byPos {
		byPos[i] = i
	}
	sort.Slice(byPos, func(a, b int) bool { return q.Terms[byPos[a]].Position < q.Terms[byPos[b]].Position })
	for k := 1; k < len(byPos); k++ {
		a, b := q.Terms[byPos[k-1]], q.Terms[byPos[k]]
		if b.Position-a.Position <= 2 {
			r.bigrams = append(r.bigrams, [2]int{byPos[k-1], byPos[k]})
		}
	}
	return r
}

// match returns the question term a document term matches, or -1: the
// same term, or a morphological variant the stemmer missed ("Victorian" and
// "Victoria", "informaticists" and "informatics", "Amazonian" and "Amazon"):
// a shared prefix of at least six letters that is all but at most one letter
// of the shorter word, the longer at most four letters longer.
func (r *ranker) match(term string) int {
	if term != "" && r.firstBytes[term[0]>>6]&(1<<(term[0]&63)) == 0 {
		return -1
	}
	if len(term) >= 64 || r.lengths&(1<<len(term)) != 0 {
		if i, ok := r.termIdx[term]; ok {
			return i
		}
	}
	if len(term) < 6 {
		return -1
	}
	// No cache: after the first-byte check, comparing with the few
	// question terms costs less than remembering the answer.
	for i, t := range r.q.Terms {
		if isVariant(term, t.Term) {
			return i
		}
	}
	return -1
}

func isVariant(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) < 6 || len(b)-len(a) > 4 || a[0] != b[0] {
		return false
	}
	cp := 0
	for cp < len(a) && a[cp] == b[cp] {
		cp++
	}
	return cp >= 6 && cp >= len(a)-1
}

// typedCandidates is how many of the best sentences (by their other
// features) are searched for answer candidates of the expected type. The
// search is the costliest feature; sentences below the cut cannot win, so
// they are marked as holding none.
const typedCandidates = 20

// typeFeatures sets fType, fAnswerNear and the untyped flag: whether a
// sentence holds a candidate answer of the expected type, and how close it
// sits to the question's words.
func (r *ranker) typeFeatures(all []scored) {
	if r.q.Type == question.TypeNone && r.q.HeadTerm == "" {
		return
	}
	order := make([]int, len(all))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return all[order[a]].score > all[order[b]].score })
	for rank, i := range order {
		s := &all[i]
		var fresh []candidate
		if r.q.Type != question.TypeYesNo && rank < typedCandidates && s.covS > 0 {
			fresh = r.freshCandidatesIn(s.doc, s.ord, s.span, s.toks)
		}
		if len(fresh) > 0 {
			s.feat[fType] = 1
			s.feat[fAnswerNear] = r.answerNearness(s.doc.Text, fresh, s.toks)
			for _, c := range fresh {
				if c.exact {
					s.feat[fExact] = 1
				}
				if r.q.HeadTerm != "" && isNameKind(c.kind) && holdsTerm(s.toks, c.Span, r.q.HeadTerm) {
					s.feat[fHeadName] = 1
				}
				if c.nounMatch {
					s.feat[fNoun] = 1
				}
			}
		} else {
			s.feat[fUntyped+int(r.q.Type)] = 1
		}
		s.score = combine(s.feat)
	}
}

// localCoverage sets each candidate's fLocal feature: coverage where a
// term's weight is its rarity among the candidate sentences rather than the
// corpus. The article's topic word is rare in the corpus but in every
// candidate; the detail that tells candidates apart is rare among them.
func (r *ranker) localCoverage(all []scored) {
	n := len(all)
	if n == 0 || len(r.q.Terms) == 0 {
		return
	}
	count := make([]int, len(r.q.Terms))
	for _, s := range all {
		for i, m := range s.matched {
			if m {
				count[i]++
			}
		}
	}
	w := make([]float64, len(count))
	total := 0.0
	for i, c := range count {
		w[i] = r.q.Terms[i].Weight * idf(c, n)
		total += w[i]
	}
	r.localWeight = w
	type key struct {
		doc       string
		ord, sent int
	}
	at := make(map[key]int, n)
	for k, s := range all {
		at[key{s.doc.ID, s.ord, s.sent}] = k
	}
	cov := func(m []bool) float64 {
		got := 0.0
		for i, ok := range m {
			if ok {
				got += w[i]
			}
		}
		if total == 0 {
			return 0
		}
		return got / total
	}
	for k := range all {
		s := &all[k]
		s.feat[fLocal] = cov(s.matched)
		ctx := append(r.scratchBools(len(s.matched))[:0], s.matched...)
		for _, d := range []int{-1, 1} {
			if j, ok := at[key{s.doc.ID, s.ord, s.sent + d}]; ok {
				for i, m := range all[j].matched {
					ctx[i] = ctx[i] || m
				}
			}
		}
		s.feat[fLocalCtx] = cov(ctx) - s.feat[fLocal]
		s.feat[fLocalPass] = cov(s.inPass)
		s.score = combine(s.feat)
	}
}

// titleCoverage is the share of the question (IDF-weighted) that the
// document's headline holds: questions name the topic a headline states.
func (r *ranker) titleCoverage(d *retrieval.IndexedDoc) float64 {
	if c, ok := r.titles[d.ID]; ok {
		return c
	}
	m := make([]bool, len(r.q.Terms))
	for _, term := range factsOf(d).titleTerms {
		if i, ok := r.termIdx[term]; ok {
			m[i] = true
		}
	}
	c := r.coverage(m)
	r.titles[d.ID] = c
	return c
}

var pronouns = map[string]bool{"he": true, "she": true, "it": true, "they": true, "his": true, "her": true,
	"its": true, "their": true, "this": true, "these": true, "those": true, "that": true, "such": true}

// startsWithPronoun reports whether a sentence opens by referring back
// ("It is dominated by …", "He proposed …").
func startsWithPronoun(s string) bool {
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(s)
	}
	return pronouns[strings.ToLower(s[:end])]
}

// answerNearness scores the best candidate answer by how close the
// question's words sit to it, weighted by rarity, over the question's total
// weight.
func (r *ranker) answerNearness(text string, cands []candidate, toks []retrieval.Token) float64 {
	_, sc := r.bestCandidateIn(text, cands, toks)
	if r.total == 0 {
		return 0
	}
	return min(1, sc/r.total)
}

// surfacePairs returns the adjacent word pairs of s in lower case. For a
// question (skipWh), pairs with a question word are left out: documents do
// not repeat them.
func surfacePairs(s string, skipWh bool) map[string]bool {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	out := make(map[string]bool, len(words))
	for i := 1; i < len(words); i++ {
		if skipWh && (whWords[words[i-1]] || whWords[words[i]]) {
			continue
		}
		out[words[i-1]+" "+words[i]] = true
	}
	return out
}

var whWords = map[string]bool{"who": true, "whom": true, "whose": true, "what": true, "which": true, "when": true, "where": true, "how": true, "why": true}

// surfaceShare is the share of the question's word pairs that the sentence
// holds verbatim (case aside): questions copy phrases, function words and
// all ("may also work in").
func (r *ranker) surfaceShare(text string) float64 {
	if len(r.pairs) == 0 {
		return 0
	}
	return float64(r.pairTab.Count(text)) / float64(len(r.pairs))
}

// surfaceShareWords is surfaceShare of a sentence whose words
// (passageFacts.lower) are known.
func (r *ranker) surfaceShareWords(words []string, hashes []uint32) float64 {
	if len(r.pairs) == 0 {
		return 0
	}
	return float64(r.pairTab.CountWords(words, hashes)) / float64(len(r.pairs))
}

// longestRun is the longest sequence of question terms that the sentence
// holds in the question's order, each within three words of the last, over
// the number of question terms.
func (r *ranker) longestRun(hs []hit) float64 {
	if len(r.q.Terms) < 2 || len(hs) < 2 {
		return 0
	}
	best := 1
	// run[i] = longest run ending at hit i
	run := make([]int, len(hs))
	for i := range hs {
		run[i] = 1
		qi := r.q.Terms[hs[i].term].Position
		for j := 0; j < i; j++ {
			d := hs[i].pos - hs[j].pos
			qd := qi - r.q.Terms[hs[j].term].Position
			if d >= 1 && d <= 3 && qd >= 1 && qd <= 3 && run[j]+1 > run[i] {
				run[i] = run[j] + 1
			}
		}
		best = max(best, run[i])
	}
	return float64(best-1) / float64(len(r.q.Terms)-1)
}

// novelty is the share of a sentence's terms that are not question terms:
// the answer is something the question does not already say.
func novelty(matched, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(total-matched) / float64(total)
}

// rarest is the weight of the heaviest matched term over the heaviest
// question term.
func (r *ranker) rarest(m []bool) float64 {
	top, got := 0.0, 0.0
	for i, w := range r.weight {
		top = max(top, w)
		if m[i] {
			got = max(got, w)
		}
	}
	if top == 0 {
		return 0
	}
	return got / top
}

// scored is a sentence with its features and score.
type scored struct {
	doc      *retrieval.IndexedDoc
	ord      int // passage
	sent     int // sentence within the passage
	span     retrieval.Span
	score    float64
	feat     [numFeatures]float64
	covS     float64           // coverage by the sentence
	covP     float64           // coverage by the whole passage
	matched  []bool            // question terms in the sentence
	inPass   []bool            // question terms in the passage
	question bool              // the sentence is a question (an FAQ entry)
	toks     []retrieval.Token // the sentence's analysed tokens, offsets into the document
	faq      bool              // this is the answer after a matching FAQ question
	bm25     float64
}

// sentenceTokens is the analysis of one sentence: question-term hits by
// position.
type hit struct {
	term int
	pos  int
}

func (r *ranker) coverage(m []bool) float64 {
	if r.total == 0 {
		return 0
	}
	var s float64
	for i, ok := range m {
		if ok {
			s += r.weight[i]
		}
	}
	return s / r.total
}

// scorePassage scores every sentence of one passage, appending them to
// out.
func (r *ranker) scorePassage(d *retrieval.IndexedDoc, ord int, bm25n float64, out []scored) []scored {
	p := d.Passages[ord]
	toks := p.Tokens
	nt := len(r.q.Terms)
	ns := len(p.Sentences)
	// Tokens go to sentences in order, so each sentence's tokens, and its
	// question-term hits, are a run of the passage's: sentence k's tokens
	// are toks[first[k]:][:sentTokens[k]], its hits allHits[hitFrom[k]:hitTo[k]].
	// Scratch for this call: counts and offsets, the hits.
	ints := r.buf.ints(4*ns + nt)
	sentTokens, first, hitFrom, hitTo := ints[:ns:ns], ints[ns:2*ns:2*ns], ints[2*ns:3*ns:3*ns], ints[3*ns:4*ns:4*ns]
	inSents := ints[4*ns:]
	// The passage's flags, kept by its scored sentences: inPass, then each
	// sentence's matched terms.
	flags := r.buf.flags(nt * (ns + 1))
	inPass := flags[:nt:nt]
	scratch := r.scratchBools(nt)
	allHits := r.buf.hits[:0]
	defer func() { r.buf.hits = allHits[:0] }()
	si := 0
	for ti, t := range toks {
		for si < ns-1 && t.Start >= p.Sentences[si].End {
			si++
			hitFrom[si] = len(allHits)
		}
		sentTokens[si]++
		if sentTokens[si] == 1 {
			first[si] = ti
		}
		if i := r.match(t.Term); i >= 0 {
			allHits = append(allHits, hit{term: i, pos: t.Position})
			inPass[i] = true
		}
		hitTo[si] = len(allHits)
	}
	for k := range ns {
		hitTo[k] = max(hitTo[k], hitFrom[k])
	}
	hits := func(k int) []hit { return allHits[hitFrom[k]:hitTo[k]:hitTo[k]] }
	// byS shares the document's tokens (capacity capped, so nothing
	// appends into them).
	byS := func(k int) []retrieval.Token {
		if sentTokens[k] == 0 {
			return nil
		}
		return toks[first[k] : first[k]+sentTokens[k] : first[k]+sentTokens[k]]
	}
	// A section heading ("1951 Refugee Convention and Protocols") is the
	// context of the paragraphs under it: its words count for the passage.
	pf := factsOf(d).passage(d, ord)
	for _, term := range pf.heading {
		if i := r.match(term); i >= 0 {
			inPass[i] = true
		}
	}
	covP := r.coverage(inPass)
	// Rarity of each question term among this passage's sentences.
	for k := range p.Sentences {
		seen := scratch
		clear(seen)
		for _, h := range hits(k) {
			if !seen[h.term] {
				seen[h.term] = true
				inSents[h.term]++
			}
		}
	}
	intraW := r.buf.floats(nt)
	intraTotal := 0.0
	for i := range intraW {
		intraW[i] = r.q.Terms[i].Weight * idf(inSents[i], len(p.Sentences)) * r.weight[i]
		intraTotal += intraW[i]
	}
	for k, sp := range p.Sentences {
		m := flags[(k+1)*nt : (k+2)*nt : (k+2)*nt]
		for _, h := range hits(k) {
			m[h.term] = true
		}
		ctx := append(scratch[:0], m...)
		for _, nb := range []int{k - 1, k + 1} {
			if nb >= 0 && nb < ns {
				for _, h := range hits(nb) {
					ctx[h.term] = true
				}
			}
		}
		covS := r.coverage(m)
		covN := r.coverage(ctx)
		text := d.Text[sp.Start:sp.End]
		var f [numFeatures]float64
		f[fCoverage] = covS
		f[fContext] = covN - covS
		f[fProximity] = proximity(hits(k)) * covS
		f[fBigram] = r.bigramShare(hits(k))
		f[fPhrase] = r.phraseShare(byS(k))
		f[fPassage] = bm25n
		f[fPassCov] = covP
		words := pf.words[k]
		f[fLength] = float64(min(words, 60)) / 60
		if k == 0 {
			f[fFirst] = 1
		}
		f[fRarest] = r.rarest(m)
		f[fTitle] = r.titleCoverage(d)
		f[fFocus] = covS * min(1, 20/float64(max(1, words)))
		f[fRun] = r.longestRun(hits(k))
		f[fNovel] = novelty(len(hits(k)), sentTokens[k])
		f[fSurface] = r.surfaceShareWords(pf.lower[k], pf.hashes[k])
		if intraTotal > 0 {
			got := 0.0
			for i, ok := range m {
				if ok {
					got += intraW[i]
				}
			}
			f[fIntra] = got / intraTotal
		}
		if k > 0 && startsWithPronoun(text) {
			prev := scratch
			clear(prev)
			for _, h := range hits(k - 1) {
				prev[h.term] = true
			}
			f[fCoref] = r.coverage(prev)
		}
		isQ := isQuestionSentence(text)
		f[fQuestion] = b2f(isQ)
		f[fHeading] = b2f(!isQ && isHeading(text))
		f[fHeadline] = b2f(ord == 0 && k == 0 && len(p.Sentences) == 1 && (text == d.Title || isHeading(text) || rtext.MostlyCapitalised(text)))
		f[fLead] = 1 / float64(p.Paragraph)
		if r.nSpecific > 0 {
			f[fSpecific] = float64(countTrue(m, r.specific)) / float64(r.nSpecific)
		}
		if r.nVerbs > 0 {
			f[fVerbs] = float64(countTrue(m, r.verbs)) / float64(r.nVerbs)
		}
		if r.q.Why {
			f[fCausal] = b2f(givesReason(text))
		}
		f[fShort] = b2f(words <= 3)
		out = append(out, scored{doc: d, ord: ord, sent: k, span: sp, feat: f, score: combine(f), covS: covS, covP: covP,
			matched: m, inPass: inPass, question: isQ, bm25: bm25n, toks: byS(k)})
	}
	return out
}

// scratchBools returns the ranker's scratch flags, n long, for use within
// one call.
func (r *ranker) scratchBools(n int) []bool {
	if cap(r.scratch) < n {
		r.scratch = make([]bool, n)
	}
	return r.scratch[:n]
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func combine(f [numFeatures]float64) float64 {
	s := 0.0
	for i, w := range featureWeights {
		s += w * f[i]
	}
	return s
}

// sectionHeading returns the heading the passage sits under: the nearest of
// the three passages before it that is a single heading-like line, or "".
func sectionHeading(d *retrieval.IndexedDoc, ord int) string {
	for k := ord - 1; k >= 0 && k >= ord-3; k-- {
		p := d.Passages[k]
		if len(p.Sentences) != 1 {
			continue
		}
		if text := d.Text[p.Start:p.End]; isHeading(text) {
			return text
		}
	}
	return ""
}

// proximity is high when the sentence's question terms sit close together:
// distinct terms matched over the shortest window holding all of them.
func proximity(hs []hit) float64 {
	// Counts by term index, in an array while the indexes are small.
	maxTerm := -1
	for _, h := range hs {
		maxTerm = max(maxTerm, h.term)
	}
	var small [32]int
	var count []int
	if maxTerm < len(small) {
		count = small[:maxTerm+1]
	} else {
		count = make([]int, maxTerm+1)
	}
	k := 0
	for _, h := range hs {
		if count[h.term] == 0 {
			k++
		}
		count[h.term]++
	}
	if k < 2 {
		return 0
	}
	clear(count)
	// Hits come in token order, by position; the shortest window does not
	// depend on the order of hits at the same position.
	sorted := hs
	if !slices.IsSortedFunc(hs, func(a, b hit) int { return a.pos - b.pos }) {
		sorted = append([]hit(nil), hs...)
		sort.Slice(sorted, func(a, b int) bool { return sorted[a].pos < sorted[b].pos })
	}
	have := 0
	best := 1 << 30
	lo := 0
	for _, h := range sorted {
		if count[h.term] == 0 {
			have++
		}
		count[h.term]++
		for have == k {
			if w := h.pos - sorted[lo].pos + 1; w < best {
				best = w
			}
			count[sorted[lo].term]--
			if count[sorted[lo].term] == 0 {
				have--
			}
			lo++
		}
	}
	return float64(k) / float64(best)
}

func (r *ranker) bigramShare(hs []hit) float64 {
	if len(r.bigrams) == 0 {
		return 0
	}
	found := 0
	for _, bg := range r.bigrams {
	search:
		for _, a := range hs {
			if a.term != bg[0] {
				continue
			}
			for _, b := range hs {
				if d := b.pos - a.pos; b.term == bg[1] && d >= 1 && d <= 3 {
					found++
					break search
				}
			}
		}
	}
	return float64(found) / float64(len(r.bigrams))
}

// phraseShare is the share of the question's quoted phrases that the
// sentence contains (compared as analysed terms, so case, punctuation and
// inflection do not matter).
func (r *ranker) phraseShare(toks []retrieval.Token) float64 {
	if len(r.q.Phrases) == 0 {
		return 0
	}
	terms := make([]string, 0, len(toks))
	for _, t := range toks {
		terms = append(terms, t.Term)
	}
	joined := " " + strings.Join(terms, " ") + " "
	found := 0
	for _, ph := range r.q.Phrases {
		if strings.Contains(joined, " "+strings.Join(ph.Terms, " ")+" ") {
			found++
		}
	}
	return float64(found) / float64(len(r.q.Phrases))
}

// freshCandidatesIn are the answer candidates of sentence sent (of
// passage ord of d, whose tokens are toks) that are not simply words of the
// question.
func (r *ranker) freshCandidatesIn(d *retrieval.IndexedDoc, ord int, sent retrieval.Span, toks []retrieval.Token) []candidate {
	cands := candidates(d, ord, sent, r.q)
	out := cands[:0]
	names := r.q.Type == question.TypePerson || r.q.Type == question.TypeOrg || r.q.Type == question.TypePlace
	for _, c := range cands {
		in, shares := r.questionTermsIn(toks, c.Span)
		// A name that shares a word with the question ("Kublai Khan" for
		// "Who was Kublai Khan's brother?", "Diplomats Directed" in a
		// title-case headline) is the question's subject, not its answer;
		// a span made only of question words restates the question.
		if in || names && shares {
			continue
		}
		out = append(out, c)
	}
	return out
}

// questionTermsIn looks at the tokens inside sp: all reports whether every
// one is a question term (or there are none), any whether one other than
// the head noun is.
func (r *ranker) questionTermsIn(toks []retrieval.Token, sp retrieval.Span) (all, any bool) {
	all = true
	for _, t := range toks {
		if t.Start < sp.Start || t.End > sp.End {
			continue
		}
		switch _, ok := r.termIdx[t.Term]; {
		case !ok:
			all = false
		case t.Term != r.q.HeadTerm:
			// The head noun in a name is its category ("Saha
			// Airlines" for "which airline"), not the question's
			// subject.
			any = true
		}
	}
	return all, any
}

func isQuestionSentence(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '"' || r == '”' || r == '’' || r == ')' })
	return strings.HasSuffix(s, "?")
}

// isHeading reports whether s reads as a heading or label rather than a
// sentence: short and without closing punctuation.
func isHeading(s string) bool {
	s = strings.TrimSpace(s)
	r, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune(".!?\"”’)]:;", r) {
		return false
	}
	return wordCount(s) < 10
}

func wordCount(s string) int { return rtext.CountFields(s) }

// rankSentences retrieves passages and scores their sentences, best first.
func rankSentences(ctx context.Context, b retrieval.Backend, q *question.Question, f retrieval.Filter) ([]scored, *ranker, error) {
	hits, err := b.Search(ctx, searchQuery(q), candidatePassages, f)
	if err != nil || len(hits) == 0 {
		return nil, nil, err
	}
	terms := make([]string, len(q.Terms))
	for i, t := range q.Terms {
		terms[i] = t.Term
	}
	st, err := b.TermStats(ctx, terms)
	if err != nil {
		return nil, nil, err
	}
	r := newRanker(q, st.DF, st.Passages)
	r.docs = st.Documents
	maxBM := hits[0].Score
	r.maxBM25 = maxBM
	// Sentences of the passages found, scored; r.buf.pass holds one
	// passage's at a time.
	all := getScored(6 * len(hits))
	r.buf = rankBufferPool.Get().(*rankBuffers)
	seen := map[string]map[int]bool{} // doc → sentence starts already scored
	for _, h := range hits {
		if err := ctx.Err(); err != nil {
			return nil, nil, fmt.Errorf("ranking: %w", err)
		}
		d, err := b.Document(ctx, h.Doc)
		if err != nil {
			return nil, nil, fmt.Errorf("load %s: %w", h.Doc, err)
		}
		if h.Passage >= len(d.Passages) {
			continue // index and store disagree; skip rather than fail
		}
		r.seen[d.ID] = d
		bm := 0.0
		if maxBM > 0 {
			bm = h.Score / maxBM
		}
		if seen[h.Doc] == nil {
			seen[h.Doc] = map[int]bool{}
		}
		ss := r.scorePassage(d, h.Passage, bm, r.buf.pass[:0])
		r.buf.pass = ss
		for i, s := range ss {
			// FAQ: a matching question that ends its passage is answered
			// by the next passage's first sentence.
			if s.question && i == len(ss)-1 && h.Passage+1 < len(d.Passages) {
				next := r.scorePassage(d, h.Passage+1, bm, nil)
				if len(next) > 0 {
					a := next[0]
					if !a.question {
						inherit := s.feat
						inherit[fQuestion], inherit[fFAQ] = 0, 1
						if sc := combine(inherit); sc > a.score {
							a.feat, a.score = inherit, sc
						}
						a.covS = max(a.covS, s.covS)
						a.covP = max(a.covP, s.covP)
						a.matched = orBools(a.matched, s.matched)
						a.inPass = orBools(a.inPass, s.inPass)
						a.faq = true
						ss = append(ss, a)
					}
				}
			}
		}
		for _, s := range ss {
			if seen[h.Doc][s.span.Start] {
				// Overlapping windows share sentences: keep the best.
				for i := range all {
					if all[i].doc.ID == h.Doc && all[i].span.Start == s.span.Start && s.score > all[i].score {
						all[i] = s
					}
				}
				continue
			}
			seen[h.Doc][s.span.Start] = true
			all = append(all, s)
		}
	}
	r.localCoverage(all)
	r.typeFeatures(all)
	sortByScore(all)
	return all, r, nil
}

func orBools(a, b []bool) []bool {
	out := append([]bool(nil), a...)
	for i := range b {
		if i < len(out) && b[i] {
			out[i] = true
		}
	}
	return out
}

// searchQuery is the BM25 retrieval for a question: a disjunction of its
// analysed terms (each boosted by its weight) and its quoted phrases.
func searchQuery(q *question.Question) retrieval.Query {
	var out retrieval.Query
	for _, t := range q.Terms {
		out.Terms = append(out.Terms, retrieval.QueryTerm{Term: t.Term, Boost: t.Weight})
	}
	for _, ph := range q.Phrases {
		if p, ok := retrieval.PhraseOf(rtext.Analyze(ph.Text), 2); ok {
			out.Phrases = append(out.Phrases, p)
		}
	}
	return out
}

// idf is BM25's inverse document frequency: rare terms weigh more. A term
// found nowhere gets the weight of one found once, so junk words do not
// swamp a question.
func idf(df, n int) float64 {
	if df < 1 {
		df = 1
	}
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// ValueSpan is the candidate the ranker would pick in a citation (any
// candidate of the kind asked for, closest to the question's words), for
// reading what a citation without a highlight states (agree.Ranking).
func (r *ranker) ValueSpan(c retrieval.Citation) (retrieval.Span, bool) {
	d := r.seen[c.Doc]
	if d == nil {
		return retrieval.Span{}, false
	}
	var cands []candidate
	var toks []retrieval.Token
	for ord, p := range d.Passages {
		if p.End <= c.Start || p.Start >= c.End {
			continue
		}
		sent := retrieval.Span{Start: max(c.Start, p.Start), End: min(c.End, p.End)}
		cands = append(cands, r.freshCandidatesIn(d, ord, sent, p.Tokens)...)
		for _, t := range p.Tokens {
			if t.Start >= sent.Start && t.End <= sent.End {
				toks = append(toks, t)
			}
		}
	}
	if len(cands) == 0 {
		return retrieval.Span{}, false
	}
	best, score := r.bestCandidateIn(d.Text, cands, toks)
	return best, score > 0
}

// countTrue counts the indexes where both a and b are true.
func countTrue(a, b []bool) int {
	n := 0
	for i := range a {
		if a[i] && i < len(b) && b[i] {
			n++
		}
	}
	return n
}

// reasonMarkers are the words and phrases that give a reason or purpose.
var reasonMarkers = []string{"because", "due to", "owing to", "as a result", "in order to", "so that", "since ", "after ",
	"caused by", "cause of", "led to", "leading to", "in response to", "amid ", "reason", "to avoid", "to reduce", "to prevent",
	"to protect", "for fear", "following ", "thanks to", "blamed", "attributed to", "resulted from", "as it ", "as they ", "as the "}

// givesReason reports whether a sentence gives a reason or purpose.
func givesReason(s string) bool {
	low := strings.ToLower(s)
	for _, m := range reasonMarkers {
		if strings.Contains(low, m) {
			return true
		}
	}
	return false
}

package answer

import (
	"fmt"
	"math"
	"strings"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/question"
	rtext "github.com/citebot/citebot/retrieval/text"
)

// Declining. Whether the best sentence really answers is decided by a
// logistic model over evidence about the question as a whole: how much of
// it the best passage and sentence cover, how much of it the corpus has
// never seen, whether its names are where the answer is, and whether the
// retrieved passages concentrate on one document (a question about
// something the corpus holds) or scatter over many (one whose words merely
// occur here and there). The weights are fitted by `citebot tune` on SQuAD
// corpora of several sizes with questions from inside and outside them; see
// RANKING.md.

// Decline features.
const (
	dBias         = iota
	dCovP         // coverage of the question by the best passage
	dCovS         // … by the best sentence
	dCovPT        // … by the passage and its document's headline
	dCovN         // … by the sentence and its neighbours
	dAbsent       // weight share of question terms found nowhere in the corpus
	dAbsentName   // … of names and numbers found nowhere
	dNameDoc      // weight share of names the best document never mentions
	dNamePT       // … that neither the passage nor the headline mentions
	dScore        // the best sentence's ranking score, squashed
	dInvTerms     // 1 / number of question terms
	dSurfS        // question word pairs found verbatim in the sentence
	dSurfP        // … in the passage
	dSpread       // distinct documents among the top candidates, relative
	dMass         // share of the retrieved passages' BM25 mass in the best document
	dCovPMass     // dCovP × dMass
	dInvDocs      // 1 / documents in the corpus (small corpora concentrate trivially)
	dUntyped      // the question wants a number, date, name … and the sentence has none
	dMargin       // the best score over the best score from another document, squashed
	dRawBM25      // the best passage's raw BM25 score over the question's total weight
	dNamesMissing // share of the question's multi-word names the best document lacks
	dSpecificS    // share of the question's names, numbers and years in the best sentence
	dSpecificP    // … in its passage (with the headline and section heading)
	dExact        // the sentence holds an entity of exactly the kind asked for
	dClear        // … and one stands out as the short answer
	dNoun         // a number in it counts what the question counts
	dWant         // the question asks for a kind of entity at all
	dHeadline     // the sentence is the document's headline
	dVerbs        // share of the question's verbs in the sentence
	dLocal        // the sentence's coverage weighted by rarity among the candidates
	// The question asks for a kind of entity and the sentence holds none
	// of exactly that kind: of a person, organisation or place; a date; an
	// amount, quantity or number.
	dMissName
	dMissDate
	dMissAmount
	dMissNoun     // "how many N" and no number in the sentence counts N
	dMissSpecific // the question's names, numbers and years are not all in the sentence and its neighbours
	dMissPassage  // … and no sentence of its passage holds an entity of the kind asked for either
	dNegation     // the question is negated ("never", "not") and the sentence is not
	dRelation     // weighted share of the question's plain words (not names or numbers) in the sentence
	dExactRel     // dExact × dRelation: the kind asked for beside what is asked about it
	numDecline
)

// declineNames name the decline features for tuning output.
var declineNames = [numDecline]string{
	dBias: "dBias", dCovP: "dCovP", dCovS: "dCovS", dCovPT: "dCovPT", dCovN: "dCovN", dAbsent: "dAbsent",
	dAbsentName: "dAbsentName", dNameDoc: "dNameDoc", dNamePT: "dNamePT", dScore: "dScore",
	dInvTerms: "dInvTerms", dSurfS: "dSurfS", dSurfP: "dSurfP", dSpread: "dSpread", dMass: "dMass",
	dCovPMass: "dCovPMass", dInvDocs: "dInvDocs", dUntyped: "dUntyped", dMargin: "dMargin",
	dRawBM25: "dRawBM25", dNamesMissing: "dNamesMissing", dSpecificS: "dSpecificS", dSpecificP: "dSpecificP",
	dExact: "dExact", dClear: "dClear", dNoun: "dNoun", dWant: "dWant", dHeadline: "dHeadline", dVerbs: "dVerbs",
	dLocal: "dLocal", dMissName: "dMissName", dMissDate: "dMissDate", dMissAmount: "dMissAmount",
	dMissNoun: "dMissNoun", dMissSpecific: "dMissSpecific", dMissPassage: "dMissPassage", dNegation: "dNegation",
	dRelation: "dRelation", dExactRel: "dExactRel",
}

// declineWeights are the logistic model's weights (see above), read from
// model.json (see model.go).
var declineWeights [numDecline]float64

// confidenceWeights are the confidence model's weights over the decline
// features (model.json's "confidence"); confidenceFitted says there is
// one. Under confidenceThreshold citebot declines as well: the documents
// may cover the question, but no sentence is likely to answer it.
var (
	confidenceWeights   [numDecline]float64
	confidenceFitted    bool
	confidenceThreshold float64
)

// answerThreshold is the decline model's probability above which citebot
// answers (from model.json).
var answerThreshold float64

// spreadWindow is how many top candidates the spread feature looks at.
const spreadWindow = 15

// declineFeatures computes the decline model's inputs for the candidate
// all[best].
func (r *ranker) declineFeatures(all []scored, best int) [numDecline]float64 {
	docs := r.docs
	var x [numDecline]float64
	s := &all[best]
	x[dBias] = 1
	x[dCovP] = s.covP
	x[dCovS] = s.covS
	x[dCovN] = s.covS + s.feat[fContext]
	x[dScore] = sigmoid(s.score)
	x[dInvTerms] = 1 / float64(max(1, len(r.q.Terms)))
	x[dSurfS] = s.feat[fSurface]
	p := s.doc.Passages[s.ord]
	x[dSurfP] = r.surfaceShare(s.doc.Text[p.Start:p.End])
	if s.feat[fUntyped+int(r.q.Type)] > 0 {
		x[dUntyped] = 1
	}

	title := make([]bool, len(r.q.Terms))
	for _, term := range factsOf(s.doc).titleTerms {
		if i := r.match(term); i >= 0 {
			title[i] = true
		}
	}
	pt := make([]bool, len(r.q.Terms))
	for i, t := range r.q.Terms {
		pt[i] = title[i] || s.inPass[i]
		if r.total == 0 {
			continue
		}
		w := r.weight[i] / r.total
		if r.df[t.Term] == 0 {
			x[dAbsent] += w
			if t.Kind != question.KindWord {
				x[dAbsentName] += w
			}
		}
		if t.Kind == question.KindName {
			if !s.inPass[i] && !s.doc.Mentions(rtext.StripPossessive(t.Surface)) {
				x[dNameDoc] += w
			}
			if !pt[i] {
				x[dNamePT] += w
			}
		}
	}
	x[dCovPT] = r.coverage(pt)

	// Do the retrieved passages concentrate on the best document?
	window := min(spreadWindow, max(1, docs))
	seenDoc := map[string]bool{}
	for i := 0; i < len(all) && i < spreadWindow; i++ {
		seenDoc[all[i].doc.ID] = true
	}
	x[dSpread] = float64(len(seenDoc)) / float64(window)
	type pkey struct {
		doc string
		ord int
	}
	seenP := map[pkey]bool{}
	mass, massBest := 0.0, 0.0
	for _, c := range all {
		k := pkey{c.doc.ID, c.ord}
		if seenP[k] {
			continue
		}
		seenP[k] = true
		mass += c.bm25
		if c.doc.ID == s.doc.ID {
			massBest += c.bm25
		}
	}
	if mass > 0 {
		x[dMass] = massBest / mass
	}
	x[dCovPMass] = x[dCovP] * x[dMass]
	x[dInvDocs] = 1 / float64(max(1, docs))
	if len(r.q.Names) > 0 {
		missing := 0
		for _, n := range r.q.Names {
			if !s.doc.Mentions(n) {
				missing++
			}
		}
		x[dNamesMissing] = float64(missing) / float64(len(r.q.Names))
	}
	if r.total > 0 {
		x[dRawBM25] = r.maxBM25 * s.bm25 / r.total
	}
	x[dSpecificS] = s.feat[fSpecific]
	if r.nSpecific > 0 {
		x[dSpecificP] = float64(countTrue(pt, r.specific)) / float64(r.nSpecific)
	} else {
		x[dSpecificS], x[dSpecificP] = 1, 1
	}
	x[dExact] = s.feat[fExact]
	if s.feat[fExact] > 0 {
		if _, ok := r.shortAnswer(*s); ok {
			x[dClear] = 1
		}
	}
	x[dNoun] = s.feat[fNoun]
	x[dWant] = b2f(!r.q.Want.Empty())
	x[dHeadline] = s.feat[fHeadline]
	x[dVerbs] = s.feat[fVerbs]
	x[dLocal] = s.feat[fLocal]
	if !r.q.Want.Empty() && s.feat[fExact] == 0 {
		switch r.q.Want.Kinds[0].Kind {
		case retrieval.EntityPerson, retrieval.EntityOrg, retrieval.EntityPlace:
			x[dMissName] = 1
		case retrieval.EntityDate, retrieval.EntityYear, retrieval.EntityMonth, retrieval.EntityTime:
			x[dMissDate] = 1
		default:
			x[dMissAmount] = 1
		}
	}
	if r.q.Want.Noun != "" && s.feat[fNoun] == 0 {
		x[dMissNoun] = 1
	}
	if !r.q.Want.Empty() && s.feat[fExact] == 0 {
		x[dMissPassage] = 1
		p := s.doc.Passages[s.ord]
		for _, c := range r.freshCandidatesIn(s.doc, s.ord, p.Span, p.Tokens) {
			if c.exact {
				x[dMissPassage] = 0
				break
			}
		}
	}
	x[dRelation] = r.plainCoverage(s.matched)
	x[dExactRel] = x[dExact] * x[dRelation]
	if r.q.Negated && !rtext.HasNegation(s.doc.Text[s.span.Start:s.span.End]) {
		x[dNegation] = 1
	}
	if r.nSpecific > 0 {
		ctx := append([]bool(nil), s.matched...)
		for _, n := range r.neighbours(all, best) {
			for i, m := range n.matched {
				ctx[i] = ctx[i] || m
			}
		}
		if countTrue(ctx, r.specific) < r.nSpecific {
			x[dMissSpecific] = 1
		}
	}
	other := math.Inf(-1)
	for _, c := range all {
		if c.doc.ID != s.doc.ID {
			other = c.score
			break
		}
	}
	if !math.IsInf(other, -1) {
		x[dMargin] = sigmoid(s.score - other)
	} else {
		x[dMargin] = 1
	}
	return x
}

// answerable is the decline model's probability that the documents
// answer the question, judged with all[best] as the sentence to quote.
func (r *ranker) answerable(all []scored, best int) float64 {
	return logistic(declineWeights[:], r.declineFeatures(all, best))
}

// judge is both models' verdict on all[best] from one reading of the
// evidence: the decline model's probability that the documents answer,
// and the confidence model's that the sentence does (the decline
// model's when model.json has no confidence model).
func (r *ranker) judge(all []scored, best int) (answerable, confidence float64) {
	if len(all) == 0 {
		return 0, 0
	}
	x := r.declineFeatures(all, best)
	answerable = logistic(declineWeights[:], x)
	if !confidenceFitted {
		return answerable, answerable
	}
	return answerable, logistic(confidenceWeights[:], x)
}

func logistic(w []float64, x [numDecline]float64) float64 {
	z := 0.0
	for i, wi := range w {
		z += wi * x[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// declineReason explains a decline in plain words, naming what is missing
// when something is.
func (r *ranker) declineReason(s *scored) string {
	var absent []string
	for _, t := range r.q.Terms {
		if r.df[t.Term] == 0 && t.Kind != question.KindWord {
			absent = append(absent, fmt.Sprintf("%q", rtext.StripPossessive(t.Surface)))
		}
	}
	switch {
	case len(absent) > 0:
		return "none of the documents mention " + strings.Join(absent, " or ")
	case r.missingName(s) != "":
		return fmt.Sprintf("the documents that come closest do not mention %q", r.missingName(s))
	}
	return fmt.Sprintf("the closest passage covers only %.0f%% of the question", 100*s.covP)
}

// neighbours returns the sentences just before and after all[i] in its
// passage, among the candidates.
func (r *ranker) neighbours(all []scored, i int) []*scored {
	var out []*scored
	s := &all[i]
	for k := range all {
		c := &all[k]
		if c.doc == s.doc && c.ord == s.ord && (c.sent == s.sent-1 || c.sent == s.sent+1) {
			out = append(out, c)
		}
	}
	return out
}

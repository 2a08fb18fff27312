package answer

import (
	"math"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/question"
)

// A short answer is a fact in bold, and a wrong one is worse than none:
// the reader takes it without reading the quote. So the candidate the
// ranker would put forward is weighed once more, by a logistic model of
// "is this span the answer" fitted like the decline model (see
// model.json's "short" section), and shown only above short_threshold;
// otherwise the answer is the quote itself, as the contract allows.

// Short-answer features, each in [0, 1].
const (
	sBias       = iota
	sConfidence // the confidence model's probability that the sentence answers
	sMargin     // 1 − the runner-up's score over the candidate's (1 when alone)
	sAlone      // the only candidate of the kind asked for in the sentence
	sCounted    // "how many N", and the number counts N
	sCountAsked // "how many N" was asked
	sClause     // a question word stands in the candidate's own clause
	sNear       // 1 / (1 + words from the candidate to the nearest question word)
	sRelation   // share of the question's plain words (not names, numbers or frame words) in the sentence
	sSpecific   // share of the question's names, numbers and years in the sentence
	sSpecificP  // the same in the sentence's passage
	sVerbs      // share of the question's verbs in the sentence
	sCoverage   // the sentence's coverage of the question
	sLocative   // a place after a preposition of place
	sHeadName   // a name holding the question's category noun
	sAspect     // a figure the text introduces as the measure asked for
	sWords      // the candidate's length in words, over 8 (at most 1)
	sPerson     // the candidate's kind, one feature each
	sOrg
	sPlace
	sDate
	sAmount
	sQuotation
	sName
	numShort
)

var shortNames = [numShort]string{
	sBias: "sBias", sConfidence: "sConfidence", sMargin: "sMargin", sAlone: "sAlone", sCounted: "sCounted",
	sCountAsked: "sCountAsked", sClause: "sClause", sNear: "sNear", sRelation: "sRelation", sSpecific: "sSpecific",
	sSpecificP: "sSpecificP", sVerbs: "sVerbs", sCoverage: "sCoverage", sLocative: "sLocative", sHeadName: "sHeadName",
	sAspect: "sAspect", sWords: "sWords", sPerson: "sPerson", sOrg: "sOrg", sPlace: "sPlace", sDate: "sDate",
	sAmount: "sAmount", sQuotation: "sQuotation", sName: "sName",
}

// shortWeights and shortThreshold are the short-answer model, read from
// model.json; with no weights every clear candidate is shown.
var (
	shortWeights   [numShort]float64
	shortThreshold float64
)

// shortPick is the candidate clearCandidate chose, with what the model
// needs to know about the choice.
type shortPick struct {
	c candidate
	// runnerUp is the next exact candidate's score over the pick's (0
	// when it is alone); alone counts no other exact candidate.
	runnerUp float64
	alone    bool
}

// shortFeatures describes the pick in sentence s; confidence is the
// confidence model's probability for s (Answer.Confidence).
func (r *ranker) shortFeatures(s *scored, pick shortPick, confidence float64) [numShort]float64 {
	var x [numShort]float64
	c := pick.c
	text := s.doc.Text
	x[sBias] = 1
	x[sConfidence] = confidence
	x[sMargin] = 1 - pick.runnerUp
	x[sAlone] = b2f(pick.alone)
	x[sCountAsked] = b2f(r.q.Want.Noun != "")
	x[sCounted] = b2f(c.nounMatch)
	x[sLocative] = b2f(c.kind == retrieval.EntityPlace && afterLocative(text, s.span.Start, c.Start))
	x[sHeadName] = b2f(r.q.HeadTerm != "" && isNameKind(c.kind) && holdsTerm(s.toks, c.Span, r.q.HeadTerm))
	x[sAspect] = b2f(c.aspect)
	x[sWords] = min(1, float64(wordsBetween(text, c.Start, c.End))/8)
	x[sSpecific] = s.feat[fSpecific]
	x[sVerbs] = s.feat[fVerbs]
	x[sCoverage] = s.covS
	if r.nSpecific > 0 {
		x[sSpecificP] = float64(countTrue(s.inPass, r.specific)) / float64(r.nSpecific)
	}
	x[sRelation] = r.plainCoverage(s.matched)
	gap := -1
	clause := clauseAt(text, s.span.Start, c.Start)
	for _, t := range s.toks {
		if r.match(t.Term) < 0 || t.Start >= c.Start && t.End <= c.End {
			continue
		}
		g := 0 // a token that overlaps the candidate touches it
		switch {
		case t.End <= c.Start:
			g = wordsBetween(text, t.End, c.Start)
		case t.Start >= c.End:
			g = wordsBetween(text, c.End, t.Start)
		}
		if gap < 0 || g < gap {
			gap = g
		}
		if clauseAt(text, s.span.Start, t.Start) == clause {
			x[sClause] = 1
		}
	}
	if gap >= 0 {
		x[sNear] = 1 / float64(1+gap)
	}
	switch {
	case r.q.Type == question.TypeQuote:
		x[sQuotation] = 1
	case c.kind == retrieval.EntityPerson:
		x[sPerson] = 1
	case c.kind == retrieval.EntityOrg:
		x[sOrg] = 1
	case c.kind == retrieval.EntityPlace || c.kind == retrieval.EntityNationality:
		x[sPlace] = 1
	case c.kind == retrieval.EntityName:
		x[sName] = 1
	case amountKinds[c.kind]:
		x[sAmount] = 1
	default:
		x[sDate] = 1 // dates, years, months, weekdays, times
	}
	return x
}

// plainCoverage is the weighted share of the question's plain words
// (not names, numbers, years or frame words) among matched: what the
// question asks about its subject ("arrested", "funeral", "mother"),
// which an answer must speak of while the subject may be implied.
func (r *ranker) plainCoverage(matched []bool) float64 {
	plain, in := 0.0, 0.0
	for i, t := range r.q.Terms {
		if t.Kind != question.KindWord || t.Weight < 1 {
			continue
		}
		plain += r.weight[i]
		if matched[i] {
			in += r.weight[i]
		}
	}
	if plain == 0 {
		return 1
	}
	return in / plain
}

// shortProbability is the model's probability that the pick is the
// answer; 1 when no model is installed.
func shortProbability(x [numShort]float64) float64 {
	z, any := 0.0, false
	for i, w := range shortWeights {
		z += w * x[i]
		any = any || w != 0
	}
	if !any {
		return 1
	}
	return 1 / (1 + math.Exp(-z))
}

// ShortFeatures names the short-answer model's features (the keys of
// Model.Short), in the order Candidates.Short lists them.
func ShortFeatures() []string { return append([]string(nil), shortNames[:]...) }

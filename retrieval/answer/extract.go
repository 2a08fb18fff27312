package answer

import (
	"slices"
	"strings"

	"github.com/citebot/citebot/retrieval/question"

	"github.com/citebot/citebot/retrieval"
	rtext "github.com/citebot/citebot/retrieval/text"
)

// A candidate is a span of a sentence that could be the short answer.
type candidate struct {
	retrieval.Span         // absolute offsets
	prior          float64 // how well its kind answers (want.prior), and where it stands
	kind           retrieval.EntityKind
	// exact: the candidate is of exactly the kind asked for (want prior
	// at least question.ExactPrior), so it may be a short answer.
	exact bool
	// nounMatch: a number followed by the question's counted noun
	// ("92,153 votes" for "how many votes").
	nounMatch bool
	// aspect: the text introduces the figure as the measure asked for
	// ("a depth of" before it, for "how deep").
	aspect bool
}

// candidates returns the entities of sentence sent (in passage ord of d)
// whose kind answers q, each with its prior; for a quote question, the
// sentence's quotations.
func candidates(d *retrieval.IndexedDoc, ord int, sent retrieval.Span, q *question.Question) []candidate {
	text := d.Text
	var out []candidate
	if q.Type == question.TypeQuote {
		seg := text[sent.Start:sent.End]
		for _, sp := range rtext.QuotedSpans(seg) {
			inner, ok := rtext.TrimSpan(text, retrieval.Span{Start: sent.Start + sp.Start, End: sent.Start + sp.End})
			if !ok {
				continue
			}
			// "… a nation," – the closing comma belongs to the sentence.
			for inner.End > inner.Start && strings.ContainsRune(",.;:", rune(text[inner.End-1])) {
				inner.End--
			}
			if inner.End-inner.Start >= 8 {
				out = append(out, candidate{Span: inner, prior: 1})
			}
		}
		return out
	}
	if q.Want.Empty() && q.HeadTerm == "" || ord < 0 || ord >= len(d.Passages) {
		return nil
	}
	pass := d.Passages[ord]
	for _, e := range pass.Entities {
		if e.Start < sent.Start || e.End > sent.End {
			continue
		}
		p := q.Want.Prior(e.Kind)
		if q.HeadTerm != "" && isNameKind(e.Kind) && holdsTerm(pass.Tokens, e.Span, q.HeadTerm) {
			p = 1 // "Saha Airlines" for "which airline", whatever kind of name
		}
		if p == 0 {
			continue
		}
		c := candidate{Span: e.Span, prior: p, kind: e.Kind, exact: p >= question.ExactPrior}
		if e.Kind == retrieval.EntityQuantity && q.Want.Unit != "" && question.Dimension(e.Unit) != q.Want.Unit {
			c.prior *= 0.3 // "how deep" answered in tonnes
			c.exact = false
		}
		if e.Kind == retrieval.EntityPlace && q.Type == question.TypePlace {
			// "in Europe" answers where; "US diplomats" names whose, and
			// is never put forward as the answer to "where".
			if afterLocative(text, sent.Start, e.Start) {
				c.prior *= 1.3
			} else {
				c.prior *= 0.7
				c.exact = c.exact && q.Head != ""
			}
		}
		c.aspect = q.Want.Aspect != "" && introducedBy(text, sent.Start, e.Start, q.Want.Aspect)
		if q.Want.Noun != "" && (e.Kind == retrieval.EntityNumber || e.Kind == retrieval.EntityQuantity) {
			c.nounMatch = countsNoun(text, e, q.Want.Noun)
		}
		out = append(out, c)
	}
	// "at a depth of 1,400 feet" answers "how deep"; the other lengths of
	// the sentence ("50 miles south") are not put forward.
	if slices.ContainsFunc(out, func(c candidate) bool { return c.aspect }) {
		for k := range out {
			out[k].exact = out[k].exact && out[k].aspect
		}
	}
	if q.Type == question.TypePlace || q.Plural {
		out = mergeLists(text, out)
	}
	return out
}

// introducedBy reports whether noun stands among the four words before
// offset at (not before from), in the same clause: "a depth of over" for
// the figure after it.
func introducedBy(text string, from, at int, noun string) bool {
	before := strings.ToLower(text[max(from, at-48):at])
	if i := strings.LastIndexAny(before, ",;:()"); i >= 0 {
		before = before[i+1:]
	}
	f := strings.Fields(before)
	for k := max(0, len(f)-4); k < len(f); k++ {
		if strings.Trim(f[k], ".\"'“”") == noun {
			return true
		}
	}
	return false
}

// isNameKind reports whether k is a kind of proper name.
func isNameKind(k retrieval.EntityKind) bool {
	switch k {
	case retrieval.EntityPerson, retrieval.EntityOrg, retrieval.EntityPlace, retrieval.EntityName:
		return true
	}
	return false
}

// holdsTerm reports whether one of toks inside sp has the analysed term.
func holdsTerm(toks []retrieval.Token, sp retrieval.Span, term string) bool {
	for _, t := range toks {
		if t.Start >= sp.Start && t.End <= sp.End && t.Term == term {
			return true
		}
	}
	return false
}

// countsNoun reports whether the number e counts noun: the word after it
// (or its unit) is the noun, in either number ("92,153 votes" for
// "votes", "one vote").
func countsNoun(text string, e retrieval.Entity, noun string) bool {
	if e.Unit != "" && sameNoun(e.Unit, noun) {
		return true
	}
	var first [3]string
	f := rtext.LeadingFields(text[e.End:], first[:]) // text is the whole document
	for k := 0; k < len(f) && k < 3; k++ {
		w := strings.ToLower(strings.Trim(f[k], ".,;:()\"'“”"))
		if sameNoun(w, noun) {
			return true
		}
		if k == 0 && (w == "more" || w == "new" || w == "other" || w == "of") {
			continue // "3000 more troops", "dozens of people"
		}
		if !adjectiveLike(w) {
			break
		}
	}
	return false
}

func sameNoun(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	if a == b {
		return true
	}
	stem := func(s string) string {
		for _, suf := range []string{"ies", "es", "s"} {
			if strings.HasSuffix(s, suf) && len(s) > len(suf)+2 {
				return strings.TrimSuffix(s, suf)
			}
		}
		return s
	}
	return stem(a) == stem(b) || (a == "people" && b == "persons") || (a == "persons" && b == "people")
}

// adjectiveLike words may stand between a number and its noun ("five
// young people", "3 confirmed deaths").
func adjectiveLike(w string) bool {
	return strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "al") || strings.HasSuffix(w, "ive") || strings.HasSuffix(w, "ous") ||
		strings.HasSuffix(w, "ing") || w == "young" || w == "old" || w == "new" || w == "more" || w == "other" || w == "small" || w == "large"
}

// mergeLists joins adjacent names separated by ", ", " and ", ", and " or
// " or " into one candidate ("Europe, Canada, and Australia").
func mergeLists(text string, in []candidate) []candidate {
	if len(in) < 2 {
		return in
	}
	var out []candidate
	cur := in[0]
	n := 1
	for _, c := range in[1:] {
		gap := text[cur.End:c.Start]
		switch strings.TrimSpace(gap) {
		case ",", "and", ", and", "or", ", or", "&":
			cur.End = c.End
			cur.prior = max(cur.prior, c.prior)
			// "in Port Ellis, Oregon": the preposition before the
			// first place governs the whole list.
			cur.exact = cur.exact || c.exact
			cur.aspect = cur.aspect || c.aspect
			n++
			continue
		}
		if n > 1 {
			cur.prior *= 1.2
		}
		out = append(out, cur)
		cur, n = c, 1
	}
	if n > 1 {
		cur.prior *= 1.2
	}
	return append(out, cur)
}

var locatives = rtext.WordSet("in at from to across throughout near into within outside inside around")

// afterLocative reports whether the word before offset at (within the
// sentence starting at from) is a preposition of place ("in Europe").
func afterLocative(text string, from, at int) bool {
	before := strings.Fields(text[from:at])
	return len(before) > 0 && locatives[strings.ToLower(before[len(before)-1])]
}

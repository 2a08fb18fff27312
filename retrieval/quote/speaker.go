package quote

import (
	"strings"
	"unicode"

	"github.com/citebot/citebot/retrieval"
	rtext "github.com/citebot/citebot/retrieval/text"
)

// This file reads who a sentence says spoke: the speech verb near a
// quotation and its subject, and which of the names around it is the
// speaker. The patterns it knows, each general to news writing:
//
//   - subject then verb: "Interior Minister Joachim Brudziński called the
//     stabbing “…”", "“…,” Wynnum coach Matt Myers said";
//   - verb then subject: "“…,” said study co-author Professor Carl Lipo of
//     Binghamton University", "Remarked … scientist Tierra Curry, “…”",
//     "“…,” said Khan, “…”" (an attribution between two halves);
//   - an appositive or relative clause between subject and verb is passed
//     over: "Alexis Boon, the head of …, said", "Luis Ortega, who voted
//     no, said" (the speaker is never "voted no"); a role followed by the
//     name it stands for gives the name: "said his father, Abdullah
//     Kurdi";
//   - a name's complement is not the speaker: "Cardinal Marc Ouellet of the
//     Holy See said", "Rutgers University political scholar Kelly Dittmar";
//     an organisation's name runs into a person's only up to the person
//     ("Amnesty International Man-kei Tam" is Man-kei Tam);
//   - a participle after a comma belongs to the sentence's subject: "Adil
//     Abdul-Mahdi … spoke out against the attack, calling it “…”";
//   - naming verbs (called, described, characterized, dubbed) attribute a
//     characterisation when they have an object ("called the move a “…”",
//     "characterized the attack as “…”"), not when they name a thing ("a
//     bill called “…”");
//   - a passive's agent speaks: "he was told by Minister Yevgeny Zinichev of
//     “…”", "was described by the CBCP as “…”";
//   - according to: "According to Samoa Observer editor Keni Lesa, … “…”",
//     "“…,” according to a tweet on Monday by … Mike Pompeo";
//   - a clause ending in a colon names its subject as the speaker, whatever
//     its verb: "Fashion designer Mary Quant described Day to the BBC in
//     2002: “…”", "In his message, he appreciated Soleimani's lifepath: “…”";
//   - a speaker introduced without a name or an organisation is no one in
//     particular: "One MP told the BBC", "One of the children said", "An
//     eyewitness described …".

// prepositions make the name after them a complement, not a subject.
// ("by" is not one: its name is an agent, "a tweet … by Mike Pompeo".)
var prepositions = map[string]bool{
	"of": true, "at": true, "from": true, "for": true, "with": true, "in": true, "on": true,
	"to": true, "about": true, "against": true, "via": true, "per": true, "into": true, "over": true,
	"under": true, "between": true, "among": true, "amongst": true, "than": true, "like": true,
	"toward": true, "towards": true, "after": true, "before": true, "during": true, "since": true,
}

// orgWords mark a capitalised run as an organisation ("Amnesty
// International", "Florida Department of Transportation").
var orgWords = map[string]bool{
	"university": true, "ministry": true, "department": true, "council": true, "office": true, "party": true,
	"police": true, "agency": true, "times": true, "news": true, "post": true, "foundation": true,
	"institute": true, "committee": true, "commission": true, "court": true, "bank": true, "company": true,
	"corporation": true, "group": true, "forces": true, "organization": true, "organisation": true,
	"union": true, "league": true, "federation": true, "service": true, "authority": true, "board": true,
	"church": true, "center": true, "centre": true, "society": true, "association": true,
	"international": true, "command": true, "inc": true, "ltd": true, "show": true, "fund": true,
	"government": true, "parliament": true, "congress": true, "senate": true, "assembly": true,
	"army": true, "navy": true, "reuters": true, "press": true, "network": true, "channel": true,
	"hospital": true, "school": true, "college": true, "observer": true, "guardian": true, "herald": true,
	"journal": true, "tribune": true, "bureau": true, "administration": true, "embassy": true,
}

// titleWords are offices and honorifics: a run made only of them names
// no one ("the Prime Minister", "Mayor"), and they may lead a name kept
// whole ("Detective Inspector Steven Jones").
var titleWords = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "professor": true, "sir": true,
	"president": true, "vice": true, "prime": true, "minister": true, "secretary": true, "senator": true,
	"sen": true, "representative": true, "rep": true, "governor": true, "gov": true, "mayor": true,
	"judge": true, "justice": true, "chief": true, "attorney": true, "general": true, "commissioner": true,
	"director": true, "chairman": true, "chair": true, "chancellor": true, "speaker": true, "king": true,
	"queen": true, "prince": true, "princess": true, "crown": true, "sheikh": true, "ambassador": true,
	"cardinal": true, "pope": true, "bishop": true, "archbishop": true, "father": true, "rev": true,
	"detective": true, "inspector": true, "sergeant": true, "sgt": true, "constable": true, "officer": true,
	"sheriff": true, "deputy": true, "captain": true, "capt": true, "coach": true, "lieutenant": true,
	"colonel": true, "major": true, "admiral": true, "fellow": true, "research": true, "senior": true,
	"head": true, "leader": true, "member": true, "mp": true, "ceo": true, "spokesperson": true,
	"minority": true, "majority": true, "whip": true,
	"spokesman": true, "spokeswoman": true, "ex": true, "former": true, "acting": true, "supreme": true,
	"foreign": true, "interior": true, "defence": true, "defense": true, "finance": true, "health": true,
}

// anonymousStarts open a speaker the text does not name ("One MP", "an
// eyewitness", "some residents").
var anonymousStarts = map[string]bool{"one": true, "a": true, "an": true, "another": true, "some": true, "several": true, "many": true}

// run is a run of capitalised words (with connectors such as "of" and
// "bin" inside) in a clause's words: ws[first..last].
type run struct{ first, last int }

func (r run) span(ws []aword) retrieval.Span {
	return retrieval.Span{Start: ws[r.first].start, End: ws[r.last].end}
}

// clause is the words of a stretch of text outside quotation marks, with
// the text they come from.
type clause struct {
	text string
	ws   []aword
}

// newClause returns the words of sp that stand outside quotation marks.
func newClause(text string, sp retrieval.Span) clause {
	quoted := rtext.QuotedSpans(text[sp.Start:sp.End])
	var ws []aword
	for _, w := range clauseWords(text, sp) {
		inside := false
		for _, q := range quoted {
			if sp.Start+q.Start <= w.start && w.end <= sp.Start+q.End {
				inside = true
				break
			}
		}
		if !inside {
			ws = append(ws, w)
		}
	}
	return clause{text: text, ws: ws}
}

// comma reports punctuation (a comma, a dash, a parenthesis, a colon)
// between ws[i-1] and ws[i]: a break between phrases.
func (c clause) comma(i int) bool {
	if i <= 0 || i >= len(c.ws) {
		return true
	}
	return strings.ContainsAny(c.text[c.ws[i-1].end:c.ws[i].start], ",;:()—–\"“”.!?")
}

// capitalised reports a word that may be part of a name: capitalised
// (or a number inside one, "10 Downing Street"), not a word that only
// starts sentences ("The", "However").
func (c clause) capitalised(i int) bool {
	w := c.ws[i].text
	return rtext.StartsUpper(w) && !rtext.IsNonName(w) && !calendarWord(w) && !(i == 0 && gerund(w) && (i+1 >= len(c.ws) || !rtext.StartsUpper(c.ws[i+1].text)))
}

// continues reports a capitalised word that carries on the name before
// it even though it usually opens sentences ("Westwood One", "Doctor
// Who", "Ying He").
func (c clause) continues(j int) bool {
	w := c.ws[j].text
	return rtext.StartsUpper(w) && rtext.IsNonName(w) && !calendarWord(w)
}

// connector reports a lower-case word inside a name ("Ministry of
// Foreign Affairs", "Mohammad bin Salman"), between capitalised words.
func (c clause) connector(i int) bool {
	if i <= 0 || i+1 >= len(c.ws) || c.ws[i].text != c.ws[i].lower {
		return false
	}
	switch c.ws[i].lower {
	case "of":
		// "Ministry of Foreign Affairs", "Secretary of State", not a
		// person's complement ("Carl Lipo of Binghamton University").
		prev := strings.ToLower(c.ws[i-1].text)
		if !orgWords[prev] && !titleWords[prev] {
			return false
		}
	case "van", "von", "de", "da", "du", "la", "le", "al", "bin", "der", "den", "and":
	default:
		return false
	}
	return !c.comma(i) && !c.comma(i+1) && c.capitalised(i-1) && c.capitalised(i+1)
}

// runs lists the name runs among ws[lo:hi], in order, never across
// punctuation.
func (c clause) runs(lo, hi int) []run {
	var out []run
	for i := lo; i < hi; i++ {
		if !c.capitalised(i) {
			continue
		}
		r := run{i, i}
		for j := i + 1; j < hi && !c.comma(j) && !(possessive(c.ws[j-1].text) && !c.orgWord(j)) && (c.capitalised(j) || c.continues(j) || c.connector(j) && j+1 < hi); j++ {
			r.last = j
		}
		for r.last > r.first && c.connector(r.last) {
			r.last--
		}
		out = append(out, r)
		i = r.last
	}
	return out
}

// complement reports a run that is the object of a preposition ("of the
// Holy See", "to Martin Smith", "of journalist Jamal Khashoggi"),
// looking back (not before ws[lo]) over one determiner or lower-case
// role word. ("of the parliament Ali Larijani" is not one: the name
// stands in apposition to a title.)
func (c clause) complement(r run, lo int) bool {
	for k, skipped := r.first-1, 0; k >= lo && skipped <= 1; k-- {
		w := c.ws[k]
		if w.text != w.lower || c.comma(k+1) || !startsLetter(w.text) {
			return false
		}
		if prepositions[w.lower] {
			return true
		}
		skipped++
	}
	return false
}

func startsLetter(s string) bool {
	for _, r := range s {
		return unicode.IsLetter(r)
	}
	return false
}

// orgWord reports a word that makes a name an organisation's: an
// organisation word or an acronym ("BBC", "SDF", "U.S").
func (c clause) orgWord(k int) bool {
	w := strings.TrimSuffix(strings.TrimSuffix(c.ws[k].text, "'s"), "’s")
	low := strings.ToLower(w)
	if orgWords[low] {
		return true
	}
	letters := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, w)
	return len(letters) >= 2 && strings.ToUpper(letters) == letters && !titleWords[low] && !romanNumeral(letters)
}

// romanNumeral reports a regnal number ("II", "XIV"): part of a
// person's name, not an acronym.
func romanNumeral(w string) bool {
	return strings.Trim(w, "IVXLC") == "" && len(w) <= 5
}

// orgLike reports a run naming an organisation: one ending in an
// organisation word or acronym ("Emergencies Ministry", "the BBC"), or
// one holding an organisation word followed by "of" ("Foreign Ministry of
// Iraq", "University of California").
func (c clause) orgLike(r run) bool {
	if c.orgWord(r.last) {
		return true
	}
	for k := r.first; k < r.last; k++ {
		if c.orgWord(k) && c.ws[k+1].lower == "of" {
			return true
		}
	}
	return false
}

// titlesOnly reports a run made of offices, honorifics and organisation
// words alone ("Senate Minority Leader"): an office, not who holds it.
func (c clause) titlesOnly(r run) bool {
	title := false
	for k := r.first; k <= r.last; k++ {
		switch {
		case titleWords[strings.ToLower(strings.TrimSuffix(c.ws[k].text, "."))]:
			title = true
		case !c.orgWord(k) && !c.connector(k):
			return false
		}
	}
	return title
}

// person returns the part of r that names a person, or false when r
// names an organisation or only an office. A run that is a subject is
// kept whole, offices included ("Interior Minister Joachim Brudziński",
// "US Secretary of State Mike Pompeo"). A run that is a preposition's
// object may still end in a person, after the organisation it names:
// "director of Amnesty International Man-kei Tam" is Man-kei Tam.
func (c clause) person(r run, complement bool) (run, bool) {
	if c.titlesOnly(r) || !complement && c.orgLike(r) {
		return run{}, false
	}
	if !complement {
		return r, true
	}
	last := -1
	for k := r.first; k <= r.last; k++ {
		if c.orgWord(k) {
			last = k
		}
	}
	if last < 0 {
		return run{}, false
	}
	p := run{last + 1, r.last}
	for p.first <= p.last && (titleWords[c.ws[p.first].lower] || c.connector(p.first) || c.ws[p.first].lower == "of") {
		if c.ws[p.first].lower == "of" && p.first+1 <= p.last {
			p.first++ // "Secretary of State": the office's object
		}
		p.first++
	}
	if p.first > p.last || p.last-p.first < 1 || last+1 <= r.last && c.connector(last+1) || c.titlesOnly(p) {
		return run{}, false
	}
	return p, true
}

// pickName chooses the speaker among the names of ws[lo:hi]: the last
// person named as a head (not a preposition's object), else the first
// organisation so named, else none.
func (c clause) pickName(lo, hi int) (retrieval.Span, bool) {
	var org *run
	var best *run
	for _, r := range c.runs(lo, hi) {
		if possessive(c.ws[r.last].text) {
			// "Biden's Twitter account" is Biden's voice; "Erdogan's
			// office", "a State Department spokesperson's statement"
			// speak for themselves, and "San Diego's chancellor" is
			// someone else.
			if c.accountAfter(r.last+1, hi) || c.documentAfter(r.last+1, hi) {
				p := r
				best = &p
				continue
			}
			if r.last+1 < hi && !c.comma(r.last+1) && !c.capitalised(r.last+1) {
				if head := c.nounAfter(r.last+1, hi); head >= 0 && orgHeads[c.ws[head].lower] {
					whole := run{r.first, head}
					best = &whole
				}
			}
			continue
		}
		if c.complement(r, lo) {
			// A person's part of a complement run may still lead
			// ("director of Amnesty International Man-kei Tam").
			if p, ok := c.person(r, true); ok {
				best = &p
			}
			continue
		}
		if r.last+1 < hi && !c.comma(r.last+1) && c.ws[r.last+1].text == c.ws[r.last+1].lower && roleHeads[c.ws[r.last+1].lower] {
			// "a State Department spokesperson": the name modifies a
			// role, which speaks.
			if sp, _, ok := c.role(lo, r.last+2); ok && sp.Start < c.ws[r.first].start {
				return sp, true
			}
			whole := run{r.first, r.last + 1}
			best = &whole
			continue
		}
		if p, ok := c.person(r, false); ok {
			best = &p
			continue
		}
		if org == nil && c.orgLike(r) && !c.titlesOnly(r) {
			o := r
			org = &o
		}
	}
	switch {
	case best != nil:
		sp := best.span(c.ws)
		if possessive(c.ws[best.last].text) {
			sp.End -= len(c.ws[best.last].text) - len(strings.TrimSuffix(strings.TrimSuffix(c.ws[best.last].text, "'s"), "’s"))
		}
		return sp, true
	case org != nil:
		return org.span(c.ws), true
	}
	return retrieval.Span{}, false
}

func possessive(w string) bool { return strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s") }

// accountAfter reports "[Twitter] account" within the words after a
// possessive: the possessor speaks through it.
func (c clause) accountAfter(k, hi int) bool {
	for n := 0; k < hi && n < 3 && !c.comma(k); k, n = k+1, n+1 {
		if c.ws[k].lower == "account" || c.ws[k].lower == "accounts" {
			return true
		}
	}
	return false
}

// documentAfter reports a document of the possessor's right after a
// possessive ("Stardom's official statement read", "Trump's statement
// read"): its words are the possessor's.
func (c clause) documentAfter(k, hi int) bool {
	for n := 0; k < hi && n < 3 && !c.comma(k) && c.ws[k].text == c.ws[k].lower; k, n = k+1, n+1 {
		if documentNouns[c.ws[k].lower] {
			return true
		}
	}
	return false
}

// nounAfter returns the index of the last lower-case word of the noun
// phrase starting at ws[k] (up to three words), or -1.
func (c clause) nounAfter(k, hi int) int {
	last := -1
	for n := 0; k < hi && n < 3 && !c.comma(k) && c.ws[k].text == c.ws[k].lower && !prepositions[c.ws[k].lower] && !speechVerbs[c.ws[k].lower] && rtext.WordWeight(c.ws[k].lower) == 1; k, n = k+1, n+1 {
		last = k
	}
	return last
}

// roleHeads are nouns a name may modify that then speak for it: "a State
// Department spokesperson", "a Hampshire Police spokesman".
var roleHeads = map[string]bool{
	"spokesperson": true, "spokesman": true, "spokeswoman": true, "official": true, "officials": true,
	"spokespeople": true, "representative": true, "statement": true, "release": true,
}

// orgHeads are nouns after a possessive that make the phrase an
// organisation speaking ("Erdogan's office").
var orgHeads = map[string]bool{"office": true, "government": true, "ministry": true, "campaign": true, "administration": true, "team": true, "spokesperson": true, "spokesman": true, "spokeswoman": true}

// segments splits ws[lo:hi] at punctuation into [start, end) ranges.
func (c clause) segments(lo, hi int) [][2]int {
	var out [][2]int
	start := lo
	for i := lo + 1; i <= hi; i++ {
		if i == hi || c.comma(i) {
			out = append(out, [2]int{start, i})
			start = i
		}
	}
	return out
}

// role returns a noun phrase without a name in ws[lo:hi] read as a
// speaker: a determiner and what follows ("the commissioner", "his
// father", "a State Department spokesperson", "investigators"), or
// false. A speaker introduced as one of many, without a name or an
// organisation, is marked anonymous.
func (c clause) role(lo, hi int) (sp retrieval.Span, anonymous, ok bool) {
	if lo >= hi {
		return retrieval.Span{}, false, false
	}
	// The noun phrase ends the range: read it back to its determiner
	// ("The cable quotes the president" is "the president").
	for k := hi - 1; k > lo; k-- {
		if determinersNP[c.ws[k].lower] || anonymousStarts[c.ws[k].lower] {
			lo = k
			break
		}
	}
	first := c.ws[lo]
	if !determinersNP[first.lower] && !anonymousStarts[first.lower] && first.text != first.lower {
		return retrieval.Span{}, false, false
	}
	// "One of the children", "some of the users": one of many, unnamed.
	oneOf := lo >= 2 && c.ws[lo-1].lower == "of" && anonymousStarts[c.ws[lo-2].lower] && !c.comma(lo-1) && !c.comma(lo)
	sp = retrieval.Span{Start: first.start, End: c.ws[hi-1].end}
	hasName := false
	for k := lo + 1; k < hi; k++ {
		if c.capitalised(k) && !titleWords[c.ws[k].lower] {
			hasName = true
		}
		if c.ws[k].text == c.ws[k].lower && (speechVerbs[c.ws[k].lower] || npStops[c.ws[k].lower] && !prepositions[c.ws[k].lower]) {
			return retrieval.Span{}, false, false // a clause, not a noun phrase
		}
	}
	if (anonymousStarts[first.lower] || oneOf) && !hasName {
		return sp, true, true
	}
	if !determinersNP[first.lower] && !anonymousStarts[first.lower] {
		// No determiner: a bare plural such as "investigators", never a
		// function word ("and urges").
		for k := lo; k < hi; k++ {
			if rtext.WordWeight(c.ws[k].lower) < 1 || c.ws[k].text != c.ws[k].lower {
				return retrieval.Span{}, false, false
			}
		}
		if hi-lo > 2 {
			return retrieval.Span{}, false, false
		}
	}
	return sp, false, true
}

// subjectBefore reads the subject of the speech verb ws[i], within
// ws[lo:i]: a pronoun, the name of the phrase before it (past an
// appositive or relative clause set off by commas), or a role.
func (c clause) subjectBefore(lo, i int) (speech, bool) {
	v := c.ws[i].lower
	j := i - 1
	for j >= lo && c.ws[j].text == c.ws[j].lower && (skippable[c.ws[j].lower] || strings.HasSuffix(c.ws[j].lower, "ly")) && !c.comma(j+1) {
		j--
	}
	if j < lo {
		return speech{}, false
	}
	w := c.ws[j]
	if subjectPronouns[w.lower] && !c.comma(j+1) && !(j > lo && c.capitalised(j-1) && !c.comma(j)) {
		return speech{verb: v, subject: retrieval.Span{Start: w.start, End: w.end}}, true
	}
	if w.lower == "which" || w.lower == "that" {
		// "a statement which read, …": a document's words are its
		// author's, the sentence's subject; anything else ("a law
		// which says") speaks for no one.
		if j > lo && documentNouns[c.ws[j-1].lower] {
			return c.clauseSubject(lo, j, v)
		}
		return speech{}, false
	}
	segs := c.segments(lo, j+1)
	last := segs[len(segs)-1]
	if c.comma(j + 1) {
		// "X, the head of …, said": the appositive is the last segment,
		// the subject the one before it; a person's name wins over an
		// office or an organisation ("the current bishop, Allan Casicas,
		// said"; "The Senate Minority Leader, Chuck Schumer, said").
		if subordinate(c.ws[last[0]].lower) {
			// "X, who voted no, said", "The account for …, which
			// replaced …, hosted by …, who both worked for …, tweeted":
			// the subject is the first segment not a subordinate one.
			k := len(segs) - 1
			for k > 0 && subordinate(c.ws[segs[k][0]].lower) {
				k--
			}
			if subordinate(c.ws[segs[k][0]].lower) {
				return speech{}, false
			}
			last = segs[k]
			if sp, ok := c.pickName(last[0], last[1]); ok {
				return speech{verb: v, subject: sp}, true
			}
			if sp, anon, ok := c.role(last[0], last[1]); ok {
				return speech{verb: v, subject: sp, anonymous: anon}, true
			}
			return speech{}, false
		}
		if len(segs) >= 2 {
			head := segs[len(segs)-2]
			hp, hok := c.pickName(head[0], head[1])
			ap, aok := c.pickName(last[0], last[1])
			switch {
			case hok && (!aok || c.isPerson(hp) || !c.isPerson(ap)):
				return speech{verb: v, subject: hp}, true
			case aok:
				return speech{verb: v, subject: ap}, true
			}
			if sp, anon, ok := c.role(head[0], head[1]); ok {
				return speech{verb: v, subject: sp, anonymous: anon}, true
			}
		}
	}
	// "Chris Wright, the Chief Technology Officer of Red Hat said": an
	// appositive whose closing comma is missing; the name before it is
	// the speaker.
	if len(segs) >= 2 && determinersNP[c.ws[last[0]].lower] && !c.comma(j+1) {
		prev := segs[len(segs)-2]
		if sp, ok := c.pickName(prev[0], prev[1]); ok && sp.End == c.ws[prev[1]-1].end && c.isPerson(sp) {
			return speech{verb: v, subject: sp}, true
		}
	}
	if sp, ok := c.pickName(last[0], last[1]); ok {
		return speech{verb: v, subject: sp}, true
	}
	if sp, anon, ok := c.role(last[0], last[1]); ok {
		return speech{verb: v, subject: sp, anonymous: anon}, true
	}
	return speech{}, false
}

// subjectAfter reads the subject after the speech verb ws[i] ("said
// Smith", "said his father, Abdullah Kurdi", "said University of
// California, San Diego's chancellor, Pradeep Khosla").
func (c clause) subjectAfter(i, hi int) (speech, bool) {
	v := c.ws[i].lower
	if i+1 >= hi || c.comma(i+1) && !strings.HasPrefix(c.text[c.ws[i].end:c.ws[i+1].start], " (") {
		return speech{}, false
	}
	if w := c.ws[i+1]; subjectPronouns[w.lower] {
		return speech{verb: v, subject: retrieval.Span{Start: w.start, End: w.end}}, true
	}
	segs := c.segments(i+1, hi)
	first := segs[0]
	sp, named := c.pickName(first[0], first[1])
	if named && !c.orgLike(c.runAt(sp)) {
		return speech{verb: v, subject: sp}, true
	}
	// A role or an organisation, then the person it names.
	for _, seg := range segs[1:min(len(segs), 3)] {
		if p, ok := c.pickName(seg[0], seg[1]); ok && !c.orgLike(c.runAt(p)) {
			return speech{verb: v, subject: p}, true
		}
	}
	if named {
		return speech{verb: v, subject: sp}, true
	}
	if sp, anon, ok := c.role(first[0], first[1]); ok {
		return speech{verb: v, subject: sp, anonymous: anon}, true
	}
	return speech{}, false
}

// subordinate reports a word that opens a relative or participial clause
// set off by commas: who, which, whose, or a past participle ("hosted
// by …").
func subordinate(w string) bool {
	switch w {
	case "who", "whom", "whose", "which", "where":
		return true
	}
	return strings.HasSuffix(w, "ed") && len(w) > 4
}

// isPerson reports whether the name at sp reads as a person's, not an
// organisation's or an office's.
func (c clause) isPerson(sp retrieval.Span) bool {
	r := c.runAt(sp)
	_, ok := c.person(r, false)
	return ok
}

// documentNouns are things that speak for their authors ("a statement
// which read", "a release which said").
var documentNouns = map[string]bool{
	"statement": true, "release": true, "letter": true, "message": true, "post": true, "tweet": true,
	"notice": true, "note": true, "email": true, "e-mail": true, "memo": true, "announcement": true,
}

// runAt returns the run of words spanning sp.
func (c clause) runAt(sp retrieval.Span) run {
	r := run{-1, -1}
	for k, w := range c.ws {
		if w.start == sp.Start {
			r.first = k
		}
		if w.end == sp.End {
			r.last = k
		}
	}
	if r.first < 0 || r.last < r.first {
		return run{0, 0}
	}
	return r
}

// introWords open a phrase before a sentence's subject ("In his
// message, he …", "Following the vote, a spokesperson …").
var introWords = map[string]bool{
	"in": true, "on": true, "at": true, "after": true, "before": true, "during": true, "following": true,
	"earlier": true, "later": true, "meanwhile": true, "however": true, "yesterday": true, "today": true,
	"speaking": true, "writing": true, "asked": true, "when": true, "while": true, "as": true, "since": true,
	"last": true, "this": true, "upon": true, "with": true, "for": true, "despite": true, "according": true,
}

// clauseSubject reads the subject of the clause ws[lo:hi] (the speaker
// of a participle after a comma, or of a clause ending in a colon): past
// an opening phrase set off by a comma, a pronoun or the first name;
// verb names the speech verb if any.
func (c clause) clauseSubject(lo, hi int, verb string) (speech, bool) {
	if lo >= hi {
		return speech{}, false
	}
	if introWords[c.ws[lo].lower] || calendarWord(c.ws[lo].text) || gerund(c.ws[lo].text) {
		for k := lo + 1; k < hi; k++ {
			if c.comma(k) {
				lo = k
				break
			}
		}
	}
	if lo >= hi {
		return speech{}, false
	}
	if w := c.ws[lo]; subjectPronouns[w.lower] {
		return speech{verb: verb, subject: retrieval.Span{Start: w.start, End: w.end}}, true
	}
	if w := c.ws[lo]; determinersNP[w.lower] || anonymousStarts[w.lower] {
		// "An eyewitness described for news agency PA Media …": the
		// subject is the noun phrase up to its verb; names after the
		// verb are objects.
		end := lo + 1
		for end < hi && !c.comma(end) && !(c.ws[end].text == c.ws[end].lower && verbLike(c.ws[end].lower)) {
			end++
		}
		if sp, anon, ok := c.role(lo, end); ok && anon {
			return speech{verb: verb, subject: sp, anonymous: true}, true
		}
		if sp, ok := c.pickName(lo, end); ok {
			return speech{verb: verb, subject: sp}, true
		}
		if sp, _, ok := c.role(lo, end); ok && verb != "" {
			return speech{verb: verb, subject: sp}, true
		}
		return speech{}, false
	}
	segs := c.segments(lo, hi)
	for _, seg := range segs[:min(len(segs), 2)] {
		for _, r := range c.runs(seg[0], seg[1]) {
			if possessive(c.ws[r.last].text) {
				if c.accountAfter(r.last+1, seg[1]) {
					sp := r.span(c.ws)
					sp.End -= 2
					if strings.HasSuffix(c.ws[r.last].text, "’s") {
						sp.End -= 2 // "’" is three bytes
					}
					return speech{verb: verb, subject: sp}, true
				}
				continue // "Biden's commitment": Biden's, not Biden
			}
			if r.first > seg[0] && possessive(c.ws[r.first-1].text) {
				continue // "Biden's Twitter account": a thing of Biden's
			}
			if c.complement(r, lo) {
				continue
			}
			// A single sentence-initial word followed by a lower-case
			// noun is not a name ("Fashion designer …").
			if r.first == r.last && r.first == lo && r.first+1 < seg[1] && !c.comma(r.first+1) && !verbLike(c.ws[r.first+1].lower) {
				continue
			}
			if p, ok := c.person(r, false); ok {
				return speech{verb: verb, subject: p.span(c.ws)}, true
			}
			if c.orgLike(r) && !c.titlesOnly(r) {
				return speech{verb: verb, subject: r.span(c.ws)}, true
			}
		}
		if seg[0] == lo {
			if sp, anon, ok := c.role(seg[0], min(seg[1], seg[0]+6)); ok && anon {
				return speech{verb: verb, subject: sp, anonymous: true}, true
			}
		}
	}
	return speech{}, false
}

// verbLike reports a lower-case word that reads as a verb: a speech
// verb, an auxiliary, or a past tense.
func verbLike(w string) bool {
	return speechVerbs[w] || skippable[w] || strings.HasSuffix(w, "ed")
}

var calendar = map[string]bool{
	"Monday": true, "Tuesday": true, "Wednesday": true, "Thursday": true, "Friday": true, "Saturday": true,
	"Sunday": true, "January": true, "February": true, "March": true, "April": true, "June": true,
	"July": true, "August": true, "September": true, "October": true, "November": true, "December": true,
}

// calendarWord reports a day or month name: capitalised, never a speaker.
func calendarWord(w string) bool { return calendar[w] }

// gerund reports a capitalised -ing word, which opens a participial
// phrase ("Speaking to …", "Refusing to …"), not a name.
func gerund(w string) bool { return len(w) > 5 && strings.HasSuffix(w, "ing") && rtext.StartsUpper(w) }

// namingVerbs attribute a characterisation only with an object before
// the quotation ("called the move a “…”", "described it as “…”").
var namingVerbs = map[string]bool{
	"call": true, "calls": true, "called": true, "calling": true, "describe": true, "describes": true,
	"described": true, "describing": true, "characterize": true, "characterizes": true, "characterized": true,
	"characterizing": true, "characterise": true, "characterises": true, "characterised": true,
	"characterising": true, "dub": true, "dubs": true, "dubbed": true, "dubbing": true, "brand": true,
	"brands": true, "branded": true, "branding": true,
}

// speechAt reads ws[i] as a speech verb of the clause ws[lo:hi] whose
// quotation follows (after says whether the verb follows the quotation):
// the speaker, by the patterns at the top of this file.
func (c clause) speechAt(lo, i, hi int, after bool) (speech, bool) {
	w := c.ws[i]
	if i > lo && c.ws[i-1].lower == "to" {
		return speech{}, false // "trying to add the question, “…”": no one spoke
	}
	if namingVerbs[w.lower] && !after && (i+1 >= hi || c.comma(i+1)) && !c.relativeBefore(lo, i) {
		return speech{}, false // "a bill called “…”": a name, not speech
	}
	// "quoted (by the Times) as saying": the one quoted is the subject of
	// "is quoted", or the object of "quoted".
	if i > lo && c.ws[i-1].lower == "as" && strings.HasSuffix(w.lower, "ing") {
		for j := i - 2; j >= lo && j >= i-10; j-- {
			if c.ws[j].lower != "quoted" && c.ws[j].lower != "quotes" {
				continue
			}
			if j+1 < i-1 && c.ws[j+1].lower != "by" && c.ws[j+1].lower != "as" {
				if sp, ok := c.pickName(j+1, i-1); ok {
					return speech{verb: "quoted … " + w.lower, subject: sp}, true
				}
				if sp, anon, ok := c.role(j+1, i-1); ok {
					return speech{verb: "quoted … " + w.lower, subject: sp, anonymous: anon}, true
				}
			}
			if a, ok := c.subjectBefore(lo, j); ok {
				a.verb = "quoted … " + w.lower
				return a, true
			}
			return speech{}, false
		}
	}
	// A passive with its agent: "was told by X", "was described by X as".
	if i > lo && (c.ws[i-1].lower == "was" || c.ws[i-1].lower == "were" || c.ws[i-1].lower == "been" || c.ws[i-1].lower == "is") {
		if i+2 < hi && c.ws[i+1].lower == "by" {
			end := i + 2
			for end < hi && !c.comma(end) && c.ws[end].lower != "as" && c.ws[end].lower != "of" || end < hi && c.ws[end].lower == "of" && c.capitalised(end-1) && end+1 < hi && c.capitalised(end+1) {
				end++
			}
			if sp, ok := c.pickName(i+2, end); ok {
				return speech{verb: w.lower + " by", subject: sp}, true
			}
		}
		return speech{}, false // "it has been said": no one
	}
	if i == lo || c.comma(i) && (after || i == lo) {
		return c.subjectAfter(i, hi)
	}
	// A participle after a comma belongs to the sentence's subject.
	if strings.HasSuffix(w.lower, "ing") && c.comma(i) {
		return c.clauseSubject(0, i, w.lower)
	}
	if strings.HasSuffix(w.lower, "ing") && i+1 < hi && after {
		return speech{}, false // "…,” emphasizing X": not a speaker
	}
	return c.subjectBefore(lo, i)
}

// reportsSomeone reports a clause whose subject is a person or a role
// and which goes on to a verb ("a spokesman for 10 Downing Street
// expressed disappointment").
func (c clause) reportsSomeone(lo, hi int) bool {
	if lo >= hi {
		return false
	}
	w := c.ws[lo]
	if !determinersNP[w.lower] && !anonymousStarts[w.lower] && !c.capitalised(lo) {
		return false
	}
	for k := lo + 1; k < hi; k++ {
		if c.ws[k].text == c.ws[k].lower && verbLike(c.ws[k].lower) {
			_, isName := c.pickName(lo, k)
			_, _, isRole := c.role(lo, k)
			return isName && c.isPerson(c.spanOf(lo, k)) || isRole
		}
	}
	return false
}

// spanOf is the text span of ws[lo:hi].
func (c clause) spanOf(lo, hi int) retrieval.Span {
	return retrieval.Span{Start: c.ws[lo].start, End: c.ws[hi-1].end}
}

// relativeBefore reports "which" or "whom" shortly before ws[i], the
// object of a naming verb ("which the New York Times called “…”").
func (c clause) relativeBefore(lo, i int) bool {
	for k := i - 1; k >= lo && k >= i-6; k-- {
		if c.ws[k].lower == "which" || c.ws[k].lower == "whom" {
			return true
		}
		if c.comma(k + 1) {
			return false
		}
	}
	return false
}

// accordingTo reads "according to X" in ws[lo:hi]: X's name, a role, or
// for a document of its own ("according to its press release, the NBA
// …") the name after it.
func (c clause) accordingTo(lo, hi int) (speech, bool) {
	for i := lo; i+1 < hi; i++ {
		if c.ws[i].lower != "according" || c.ws[i+1].lower != "to" {
			continue
		}
		segs := c.segments(i+2, hi)
		if len(segs) == 0 {
			return speech{}, false
		}
		first := segs[0]
		if first[0] < hi && (subjectPronouns[c.ws[first[0]].lower] || objectPronouns[c.ws[first[0]].lower] != "") {
			w := c.ws[first[0]]
			return speech{verb: "according to", subject: retrieval.Span{Start: w.start, End: w.end}}, true
		}
		if sp, ok := c.pickName(first[0], first[1]); ok {
			if len(segs) > 1 && c.orgLike(c.runAt(sp)) && c.reportsSomeone(segs[1][0], segs[1][1]) {
				// "According to the BBC, a spokesman for … expressed …":
				// the outlet reports; whose words they are is unclear.
				return speech{}, false
			}
			return speech{verb: "according to", subject: sp}, true
		}
		if first[0] < first[1] && (c.ws[first[0]].lower == "its" || c.ws[first[0]].lower == "their") && len(segs) > 1 {
			if sp, ok := c.pickName(segs[1][0], min(segs[1][1], segs[1][0]+4)); ok {
				return speech{verb: "according to", subject: sp}, true
			}
		}
		if sp, anon, ok := c.role(first[0], first[1]); ok {
			return speech{verb: "according to", subject: sp, anonymous: anon}, true
		}
		if first[0] < first[1] && first[1]-first[0] == 1 {
			w := c.ws[first[0]]
			return speech{verb: "according to", subject: retrieval.Span{Start: w.start, End: w.end}}, true
		}
		return speech{}, false
	}
	return speech{}, false
}

// objectPronouns stand for a speaker after a preposition ("according to
// him"), with the subject pronoun they resolve as.
var objectPronouns = map[string]string{"him": "he", "her": "she", "them": "they"}

// speechBefore finds who speaks the quotation opening right after the
// clause sp (the text of its sentence before the opening mark, after any
// earlier quotation; sentStart is where the sentence starts): the last
// speech verb of the clause and its subject. (See weakBefore for what
// counts only when the clause after the quotation names no one.)
func speechBefore(text string, sp retrieval.Span, sentStart int) (speech, bool) {
	c := newClause(text, sp)
	if len(c.ws) == 0 {
		return speech{}, false
	}
	if last := len(c.ws) - 1; c.ws[last].lower == "quote" && last > 0 {
		// A label: "Trump quote: “…”".
		if sp, ok := c.pickName(0, last); ok {
			return speech{verb: "quote", subject: sp}, true
		}
	}
	for i := len(c.ws) - 1; i >= 0 && i >= len(c.ws)-14; i-- {
		if !isSpeechVerb(c.ws, i) || i > 0 && determinersNP[c.ws[i-1].lower] {
			continue // "in their comments": a noun
		}
		if sp.Start > sentStart && i > 0 && c.ws[i].lower == c.ws[i].text {
			// The clause follows an earlier quotation in the sentence:
			// the participle's subject is the whole sentence's.
			if strings.HasSuffix(c.ws[i].lower, "ing") && c.comma(i) {
				whole := newClause(text, retrieval.Span{Start: sentStart, End: sp.End})
				return whole.clauseSubject(0, len(whole.ws), c.ws[i].lower)
			}
		}
		if a, ok := c.speechAt(0, i, len(c.ws), false); ok {
			return a, true
		}
		if !namingVerbs[c.ws[i].lower] {
			return speech{}, false
		}
	}
	return speech{}, false
}

// weakBefore reads what attributes a quotation in the clause before it
// without a speech verb: "According to X, … “…”", or a clause ending in
// a colon ("X disagreed with these findings: “…”"), whose subject is the
// speaker. It counts only when the clause after the quotation names no
// one ("Fellow Democrats were more supportive: “…”, wrote Elizabeth
// Warren").
func weakBefore(text string, sp retrieval.Span, sentStart int) (speech, bool) {
	c := newClause(text, sp)
	if a, ok := c.accordingTo(0, len(c.ws)); ok {
		return a, true
	}
	if strings.HasSuffix(strings.TrimSpace(text[sp.Start:sp.End]), ":") {
		whole := newClause(text, retrieval.Span{Start: sentStart, End: sp.End})
		if a, ok := whole.clauseSubject(0, len(whole.ws), ""); ok {
			return a, true
		}
	}
	return speech{}, false
}

// speechAfter reads the clause after a quotation: ", said Smith", ",
// Smith said", ", Wynnum coach Matt Myers said", "… of mud, according to
// investigators" (the verb within the first ten words).
func speechAfter(text string, sp retrieval.Span) (speech, bool) {
	c := newClause(text, sp)
	if a, ok := c.accordingTo(0, len(c.ws)); ok {
		return a, true
	}
	for i := 0; i < len(c.ws) && i < 10; i++ {
		if !isSpeechVerb(c.ws, i) {
			continue
		}
		if i == 0 {
			if strings.HasSuffix(c.ws[0].lower, "ing") {
				return speech{}, false // "…,” emphasizing X": not a speaker
			}
			return c.subjectAfter(0, len(c.ws))
		}
		if c.ws[i-1].lower == "been" || c.ws[i-1].lower == "be" {
			return speech{}, false
		}
		// The subject must be all that stands between the quotation
		// and the verb.
		for k := 0; k < i; k++ {
			if k > 0 && c.comma(k) {
				return speech{}, false
			}
		}
		a, ok := c.subjectBefore(0, i)
		if ok && a.subject.Start != c.ws[0].start && !a.anonymous {
			// a name chosen inside a longer subject is fine; a role must
			// be the whole subject
			if _, named := c.pickName(0, i); !named {
				return speech{}, false
			}
		}
		return a, ok
	}
	return speech{}, false
}

// speechIn finds the attribution of a whole sentence, outside its own
// quotations (for a quotation in the next sentence): "“…,” said his
// father, Abdullah Kurdi, following the ceremony.", "Brett McGurk … also
// criticized the decision via Twitter.", "… according to Brown."
func speechIn(text string, sp retrieval.Span) (speech, bool) {
	c := newClause(text, sp)
	if a, ok := c.accordingTo(0, len(c.ws)); ok {
		return a, true
	}
	for i := len(c.ws) - 1; i >= 0; i-- {
		if !isSpeechVerb(c.ws, i) || namingVerbs[c.ws[i].lower] || i > 0 && determinersNP[c.ws[i-1].lower] {
			continue
		}
		if i > 0 && (c.ws[i-1].lower == "been" || c.ws[i-1].lower == "be") {
			continue
		}
		if strings.HasSuffix(c.ws[i].lower, "ing") && c.comma(i) {
			// "…”, recalling their first meeting": the sentence's subject.
			if a, ok := c.clauseSubject(0, i, c.ws[i].lower); ok {
				return a, true
			}
			continue
		}
		quoteBefore := i == 0 || strings.ContainsAny(text[c.ws[i-1].end:c.ws[i].start], quoteMarks)
		if quoteBefore || i == 0 {
			if a, ok := c.subjectAfter(i, len(c.ws)); ok {
				return a, true
			}
			continue
		}
		if a, ok := c.subjectBefore(0, i); ok {
			return a, true
		}
	}
	return speech{}, false
}

// resolvePronoun finds the name a pronoun at pro stands for, in the
// sentences before it (sents[k] holds it; earlier ones may come from
// the paragraph before), at most three back: in each, among the names
// outside quotations that are not a preposition's object, the last one
// followed by a speech verb, else the first. "he" and "she" stand for
// people, not organisations; "it" stands for the subject of its sentence
// when that opens with a determiner ("The cable … it says").
func resolvePronoun(text string, sents []retrieval.Span, k int, pro retrieval.Span, lower string) (retrieval.Span, bool) {
	for i := k; i >= 0 && i >= k-3; i-- {
		if i >= len(sents) {
			continue
		}
		sp := sents[i]
		if i == k {
			sp.End = min(sp.End, pro.Start)
		}
		if sp.End <= sp.Start {
			continue
		}
		c := newClause(text, sp)
		if lower == "it" && len(c.ws) >= 2 && determinersNP[c.ws[0].lower] && c.ws[0].lower != "one" && c.ws[0].text != c.ws[0].lower && !c.capitalised(1) {
			return retrieval.Span{Start: c.ws[0].start, End: c.ws[1].end}, true
		}
		var first, spoke *retrieval.Span
		for _, r := range c.runs(0, len(c.ws)) {
			if c.complement(r, 0) {
				continue
			}
			p, isPerson := c.person(r, false)
			var cand retrieval.Span
			switch {
			case isPerson:
				cand = p.span(c.ws)
			case lower != "he" && lower != "she" && lower != "i" && c.orgLike(r) && !c.titlesOnly(r):
				cand = r.span(c.ws)
			default:
				continue
			}
			if first == nil {
				first = &cand
			}
			next := r.last + 1
			for next < len(c.ws) && (skippable[c.ws[next].lower] || strings.HasSuffix(c.ws[next].lower, "ly") && c.ws[next].text == c.ws[next].lower) {
				next++
			}
			if next < len(c.ws) && isSpeechVerb(c.ws, next) && !c.comma(next) {
				s := cand
				spoke = &s
			}
		}
		if spoke != nil {
			return *spoke, true
		}
		if first != nil {
			return *first, true
		}
	}
	return retrieval.Span{}, false
}

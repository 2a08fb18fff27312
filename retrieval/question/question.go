package question

import (
	"strings"
	"unicode"
	"unicode/utf8"

	rtext "github.com/citebot/citebot/retrieval/text"
)

// AnswerType is the kind of answer a question asks for.
type AnswerType int

// Answer types, from question words ("how many", "who", "when", …).
const (
	TypeNone   AnswerType = iota
	TypeNumber            // how many, how much, what percentage
	TypePerson            // who, whom, whose
	TypeOrg               // which newspaper, which company
	TypeDate              // when, what year, what day
	TypePlace             // where, which country, which regions
	TypeYesNo             // is, did, does, can …
	TypeQuote             // what did X say
)

var answerTypeNames = [...]string{"", "number", "person", "organisation", "date", "place", "yes/no", "quote"}

func (t AnswerType) String() string {
	if int(t) < len(answerTypeNames) {
		return answerTypeNames[t]
	}
	return "unknown"
}

// Intent marks questions about a document itself rather than its content.
type Intent int

// Document-metadata intents.
const (
	IntentContent   Intent = iota
	IntentAuthor           // who wrote the X article
	IntentPublished        // when was X published
	IntentPublisher        // who published X
	IntentHeadline         // what was the headline of X
)

// TermKind tells how specific a question term is.
type TermKind int

// Term kinds. Names and numbers are specific: a document that lacks them
// cannot answer the question.
const (
	KindWord   TermKind = iota
	KindName            // capitalised word or acronym inside the question
	KindNumber          // a number (thousands separators removed)
	KindYear            // a number that reads as a year
)

// Term is one analysed (stemmed, normalised) question term.
type Term struct {
	Term    string   // as indexed
	Surface string   // as written in the question
	Kind    TermKind // how specific it is
	// Weight scales the term's rarity in coverage: 1 for content words,
	// less for words that frame the answer ("which newspaper", "how many
	// talking points") and that documents often do not repeat.
	Weight float64
	// Position is the term's word position in the question.
	Position int
	// Verb is set for words that read as verb forms ("received",
	// "focusing", "told"): questions paraphrase verbs more than nouns.
	Verb bool
}

// Specific reports whether the answer's source must contain the term.
func (t Term) Specific() bool { return t.Kind != KindWord }

// Question is the analysis of one question: its content terms, quoted
// phrases, numbers and the expected answer type.
type Question struct {
	Text    string
	Terms   []Term   // distinct by Term, in question order
	Phrases []Phrase // quoted phrases
	Type    AnswerType
	Intent  Intent
	// Head is the noun after "which"/"what" ("regions" in "Which regions
	// …"), lower case; it names the answer's category.
	Head string
	// HeadTerm is the head noun's analysed term ("airlin" for "which
	// airline"), empty when there is none or it only frames the answer
	// ("what kind", "which year"). A name that holds it ("Saha Airlines")
	// is of the category asked for, whatever kind of name it is.
	HeadTerm string
	// Plural is set when the head noun is plural, so a list answers.
	Plural bool
	// Names are the multi-word proper names of the question ("Student
	// Government", "Black Sea"), as written: a document that has the words
	// but not the name is about something else.
	Names []string

	// Why is set for questions asking for a reason ("why", "what
	// caused", "how come").
	Why bool
	// Negated is set for questions with a negation ("Who never …",
	// "What don't they …").
	Negated bool

	// want is the kind of entity that answers the question (see want.go).
	Want Want
}

// MaxBytes bounds the work one question can cause: longer input is
// cut (at a rune boundary) before analysis, and at most maxQuestionTerms
// distinct terms are kept.
const (
	MaxBytes         = 2000
	maxQuestionTerms = 32
)

// headModifiers stand before the noun a "which" question asks about
// without being it: "which former CDC director", "which two countries".
var headModifiers = rtext.WordSet("former current then new old first second third last final other main top senior leading major key largest biggest smallest oldest youngest two three four five several both")

// quoteVerbs, after "what did X", ask for someone's words: "What did
// Schiff call it?", "What did she tweet?".
var quoteVerbs = rtext.WordSet("say tell write state declare call tweet post describe claim argue warn announce add reply respond comment testify")

// frameWords describe the shape of an answer rather than its content
// ("what is the name of", "how many", "what day of the week"); documents
// rarely repeat them, so they count for little in coverage.
var frameWords = map[string]bool{
	"name": true, "named": true, "called": true, "kind": true, "type": true, "sort": true,
	"many": true, "much": true, "number": true, "amount": true, "percentage": true, "percent": true,
	"day": true, "week": true, "month": true, "year": true, "years": true, "date": true, "time": true,
	"century": true, "decade": true, "term": true, "word": true, "example": true, "one": true,
	"mention": true, "mentioned": true, "mentions": true, "say": true, "says": true, "said": true,
	"according": true, "describe": true, "described": true, "main": true, "primary": true,
}

// IsFrameWord reports whether a lower-case word describes the shape of an
// answer ("number", "name", "kind") rather than what it is about.
func IsFrameWord(w string) bool { return frameWords[w] }

var auxVerbs = map[string]bool{
	"is": true, "are": true, "was": true, "were": true, "do": true, "does": true, "did": true,
	"can": true, "could": true, "has": true, "have": true, "had": true, "will": true, "would": true,
	"should": true, "may": true, "might": true, "must": true, "shall": true, "am": true,
}

var determiners = map[string]bool{"the": true, "a": true, "an": true, "of": true, "kind": true, "type": true, "sort": true}

var orgNouns = map[string]bool{
	"newspaper": true, "paper": true, "outlet": true, "publication": true, "company": true, "firm": true,
	"organization": true, "organisation": true, "agency": true, "institute": true, "institution": true,
	"university": true, "group": false, "party": true, "team": true, "network": true, "channel": true,
	"department": true, "ministry": true, "bank": true, "corporation": true, "band": true, "club": true,
	"school": true, "college": true, "newspapers": true, "companies": true, "organizations": true,
	"agencies": true, "station": true, "magazine": true, "broadcaster": true, "union": true,
}

var placeNouns = map[string]bool{
	"country": true, "countries": true, "city": true, "cities": true, "region": true, "regions": true,
	"state": true, "states": true, "continent": true, "continents": true, "place": true, "places": true,
	"nation": true, "nations": true, "location": true, "town": true, "province": true, "area": true,
	"areas": true, "island": true, "county": true, "capital": true, "river": true, "village": true,
}

var personNouns = map[string]bool{
	"person": true, "people": true, "man": true, "woman": true, "president": true, "leader": true,
	"author": true, "writer": true, "reporter": true, "official": true, "spokesperson": true,
	"politician": true, "king": true, "queen": true, "scientist": true, "player": true, "coach": true,
	"minister": true, "emperor": true, "artist": true, "composer": true, "singer": true,
}

var dateNouns = map[string]bool{
	"year": true, "day": true, "date": true, "month": true, "century": true, "decade": true,
	"time": true, "era": true, "period": true, "season": true,
}

var quantityAdjectives = map[string]bool{
	"long": true, "old": true, "far": true, "big": true, "large": true, "tall": true, "high": true,
	"often": true, "deep": true, "wide": true, "heavy": true, "fast": true, "small": true,
}

// word is a surface word of the question.
type word struct {
	text  string // as written
	lower string
	start int
	end   int
}

func surfaceWords(q string) []word {
	var out []word
	for _, sp := range rtext.WordSpans(q) {
		s := q[sp.Start:sp.End]
		lower := strings.ToLower(s)
		// "What's", "Who're": the question word and its verb.
		if stem, verb, ok := whContraction(lower); ok {
			out = append(out, word{text: s[:len(stem)], lower: stem, start: sp.Start, end: sp.Start + len(stem)},
				word{text: s[len(stem):], lower: verb, start: sp.Start + len(stem), end: sp.End})
			continue
		}
		out = append(out, word{text: s, lower: lower, start: sp.Start, end: sp.End})
	}
	return out
}

// whContraction splits a question word contracted with "is" or "are"
// ("what's" → "what", "is").
func whContraction(lower string) (stem, verb string, ok bool) {
	for _, c := range []struct{ suffix, verb string }{{"'s", "is"}, {"’s", "is"}, {"'re", "are"}, {"’re", "are"}} {
		if stem, found := strings.CutSuffix(lower, c.suffix); found {
			switch stem {
			case "who", "what", "which", "when", "where", "how", "why":
				return stem, c.verb, true
			}
		}
	}
	return "", "", false
}

// Clean makes arbitrary input safe to analyse: valid UTF-8, no
// control characters, trimmed, and at most MaxBytes long.
func Clean(q string) string {
	q = strings.ToValidUTF8(q, " ")
	if len(q) > MaxBytes {
		cut := MaxBytes
		for cut > 0 && !utf8.RuneStart(q[cut]) {
			cut--
		}
		q = q[:cut]
	}
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, q)
	return strings.TrimSpace(q)
}

// Analyze turns a question into terms, phrases and an answer type.
// It never fails: any input, including query syntax and junk, gives a
// Question (possibly with no terms).
func Analyze(text string) Question {
	text = Clean(text)
	q := Question{Text: text}
	words := surfaceWords(text)
	whIdx := detectType(&q, words)

	// The head noun after which/what names the answer's category.
	headPos := -1
	if whIdx >= 0 && (words[whIdx].lower == "which" || words[whIdx].lower == "what") {
		for k := whIdx + 1; k < len(words) && k <= whIdx+4; k++ {
			w := words[k]
			if auxVerbs[w.lower] || determiners[w.lower] {
				if k == whIdx+1 && !determiners[w.lower] {
					break // "what was …": no head noun
				}
				continue
			}
			if r, _ := utf8.DecodeRuneInString(w.text); unicode.IsUpper(r) || unicode.IsDigit(r) || headModifiers[w.lower] {
				continue // "which UK policy", "which former director": the noun is next
			}
			q.Head = w.lower
			q.Plural = strings.HasSuffix(w.lower, "s") && !strings.HasSuffix(w.lower, "ss")
			headPos = k
			break
		}
		refineTypeByHead(&q)
	}
	q.Want = wantOf(&q, words, whIdx, headPos)
	q.Negated = rtext.HasNegation(text)
	q.Why = whIdx >= 0 && (words[whIdx].lower == "why" || words[whIdx].lower == "how" && whIdx+1 < len(words) && words[whIdx+1].lower == "come") ||
		strings.Contains(strings.ToLower(text), "what caused") || strings.Contains(strings.ToLower(text), "reason for")

	firstWordStart := -1
	if len(words) > 0 {
		firstWordStart = words[0].start
	}
	seen := map[string]int{}
	for _, t := range rtext.Analyze(text) {
		surface := text[t.Start:t.End]
		term := Term{Term: t.Term, Surface: surface, Weight: 1, Position: t.Position}
		switch {
		case rtext.AllDigits(strings.ReplaceAll(t.Term, ".", "")) && strings.Trim(t.Term, ".") != "":
			term.Kind = KindNumber
			switch {
			case len(t.Term) == 4 && t.Term >= "1000" && t.Term <= "2199" && !strings.Contains(surface, ","):
				term.Kind = KindYear
			case followsName(text, t.Start):
				// "Super Bowl 50", "Apollo 11": part of a name, which a
				// passage may refer to without the number.
				term.Kind = KindName
			}
		case t.Start != firstWordStart && isNameWord(surface):
			term.Kind = KindName
		}
		lower := strings.ToLower(surface)
		term.Verb = term.Kind == KindWord && looksLikeVerb(lower)
		if term.Kind == KindWord && frameWords[lower] {
			term.Weight = 0.35
		}
		if headPos >= 0 && t.Start == words[headPos].start {
			term.Weight = 0.35
			if !frameWords[lower] && !dateNouns[lower] {
				q.HeadTerm = t.Term
			}
		}
		if i, ok := seen[term.Term]; ok {
			// Keep one entry per term, with the stronger reading.
			if term.Weight > q.Terms[i].Weight {
				q.Terms[i].Weight = term.Weight
			}
			if term.Kind > q.Terms[i].Kind {
				q.Terms[i].Kind = term.Kind
			}
			continue
		}
		if len(q.Terms) >= maxQuestionTerms {
			continue
		}
		seen[term.Term] = len(q.Terms)
		q.Terms = append(q.Terms, term)
	}
	q.Phrases = quotedPhrases(text)
	q.Names = namePhrases(text, words)
	return q
}

// namePhrases returns runs of two or more capitalised words, not counting
// the question's first word ("Which" or a capitalised name alike).
func namePhrases(text string, words []word) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start >= 0 && end-start >= 2 {
			out = append(out, rtext.StripPossessive(text[words[start].start:words[end-1].end]))
		}
		start = -1
	}
	for i, w := range words {
		capital := i > 0 && isNameWord(w.text) && !auxVerbs[w.lower]
		contiguous := i > 0 && start >= 0 && strings.TrimSpace(text[words[i-1].end:w.start]) == ""
		switch {
		case capital && (start < 0 || contiguous):
			if start < 0 {
				start = i
			}
		case capital:
			flush(i)
			start = i
		default:
			flush(i)
		}
	}
	flush(len(words))
	return out
}

// followsName reports whether the word before offset at is capitalised and
// not the question's first word.
func followsName(q string, at int) bool {
	before := strings.Fields(q[:at])
	if len(before) < 2 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(before[len(before)-1])
	return unicode.IsUpper(r)
}

// looksLikeVerb reports whether a lower-case word has the shape of an
// inflected verb: a past or -ing form, or an irregular verb.
func looksLikeVerb(w string) bool {
	if rtext.IsIrregularVerb(w) {
		return true
	}
	n := len(w)
	return n >= 5 && (strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing"))
}

// isNameWord reports whether a surface word is a proper name or acronym
// (capitalised), as opposed to a common word.
func isNameWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) {
		return false
	}
	return s != "I"
}

// detectType sets the answer type and intent from the question words and
// returns the index of the wh-word (-1 if none).
func detectType(q *Question, words []word) int {
	if len(words) == 0 {
		return -1
	}
	lw := make([]string, len(words))
	for i, w := range words {
		lw[i] = w.lower
	}
	whIdx := -1
	isWh := func(w string) bool {
		switch w {
		case "who", "whom", "whose", "what", "which", "when", "where", "how", "why":
			return true
		}
		return false
	}
	// Wh-words come early ("In what year …"), or, in questions that do not
	// start with a verb, anywhere ("… was dealt with by whom?").
	for i, w := range lw {
		if isWh(w) && (i <= 3 || !auxVerbs[lw[0]]) {
			whIdx = i
			break
		}
	}
	if whIdx < 0 {
		if auxVerbs[lw[0]] {
			q.Type = TypeYesNo
		}
		return -1
	}
	next := func(k int) string {
		if whIdx+k < len(lw) {
			return lw[whIdx+k]
		}
		return ""
	}
	switch lw[whIdx] {
	case "who", "whom", "whose":
		q.Type = TypePerson
	case "when":
		q.Type = TypeDate
	case "where":
		q.Type = TypePlace
	case "how":
		switch n := next(1); {
		case n == "many" || n == "much":
			q.Type = TypeNumber
		case quantityAdjectives[n]:
			q.Type = TypeNumber
		}
	case "what", "which":
		n := next(1)
		if determiners[n] {
			n = next(2)
		}
		switch {
		case n == "did" || n == "does" || n == "do":
			// "What did the president say about borders?"
			for i := whIdx + 2; i < len(lw) && i <= whIdx+8; i++ {
				if quoteVerbs[lw[i]] {
					q.Type = TypeQuote
				}
			}
		case n == "percentage" || n == "percent" || n == "number" || n == "amount":
			q.Type = TypeNumber
		}
		if q.Type == TypeNone && (auxVerbs[next(1)]) {
			// "What was the FY2026 refugee cap?", "What is the population
			// of Canada?": the noun phrase's head names the answer.
			if h := npHead(lw, whIdx+2); quantityNouns[h] {
				q.Type = TypeNumber // before headNounType: "area" is a place too
			} else {
				q.Type = headNounType(h)
			}
		}
	}
	if lw[0] != lw[whIdx] && auxVerbs[lw[0]] && whIdx > 2 {
		q.Type = TypeYesNo
	}
	switch q.Intent = MetadataIntent(lw, whIdx); q.Intent {
	case IntentAuthor:
		q.Type = TypePerson
	case IntentPublisher:
		q.Type = TypeOrg
	case IntentPublished:
		q.Type = TypeDate
	case IntentHeadline:
		q.Type = TypeNone
	}
	return whIdx
}

// quantityNouns name amounts: a question asking for one wants a number.
var quantityNouns = map[string]bool{
	"population": true, "number": true, "amount": true, "cost": true, "price": true, "size": true,
	"total": true, "percentage": true, "rate": true, "cap": true, "limit": true, "budget": true,
	"value": true, "count": true, "figure": true, "ceiling": true, "salary": true, "height": true,
	"length": true, "width": true, "weight": true, "distance": true, "age": true, "score": true,
	"share": true, "revenue": true, "income": true, "fee": true, "fine": true, "toll": true,
	"capacity": true, "area": true, "speed": true, "temperature": true, "quota": true, "target": true,
	"attendance": true, "margin": true, "debt": true, "deficit": true, "worth": true, "duration": true,
}

// prepositions end a noun phrase.
var prepositions = map[string]bool{
	"where": true, "when": true, "whose": true, "whom": true,
	"of": true, "for": true, "in": true, "on": true, "at": true, "by": true, "from": true, "to": true,
	"with": true, "under": true, "during": true, "after": true, "before": true, "since": true,
	"about": true, "between": true, "per": true, "among": true, "that": true, "which": true, "who": true,
}

// npHead returns the last word of the noun phrase starting at i (after a
// determiner), which ends at a preposition, verb-like word or the end.
// relativeWords open a clause that qualifies a noun phrase ("the shop
// where the fire started"), ending the phrase.
var relativeWords = rtext.WordSet("where which who whom whose that when")

func npHead(lw []string, i int) string {
	if i < len(lw) && determiners[lw[i]] {
		i++
	}
	head := ""
	for ; i < len(lw); i++ {
		w := lw[i]
		if prepositions[w] || auxVerbs[w] || relativeWords[w] {
			break
		}
		head = w
	}
	return head
}

// refineTypeByHead sets the answer type from the head noun when the
// question word alone did not ("which newspaper", "what year").
func refineTypeByHead(q *Question) {
	if q.Type != TypeNone || q.Head == "" {
		return
	}
	q.Type = headNounType(q.Head)
	if q.Type == TypeNone && roleLikeNoun(q.Head) {
		q.Type = TypePerson // "which director", "which spokeswoman"
	}
}

// headNounType is the answer type a head noun names: a date ("year"), an
// organisation ("newspaper"), a place ("city") or a person ("minister");
// TypeNone for any other. The word lists do not overlap.
func headNounType(h string) AnswerType {
	switch {
	case dateNouns[h]:
		return TypeDate
	case orgNouns[h]:
		return TypeOrg
	case placeNouns[h]:
		return TypePlace
	case personNouns[h]:
		return TypePerson
	}
	return TypeNone
}

// Phrase is a quoted phrase of the question, matched as a phrase.
type Phrase struct {
	Text  string   // as written, without the quotes
	Terms []string // analysed
}

// quotedPhrases returns each quoted phrase of two or more terms.
func quotedPhrases(q string) []Phrase {
	var out []Phrase
	for _, p := range rtext.QuotedSpans(q) {
		ph := Phrase{Text: q[p.Start:p.End]}
		for _, t := range rtext.Analyze(ph.Text) {
			ph.Terms = append(ph.Terms, t.Term)
		}
		if len(ph.Terms) >= 2 {
			out = append(out, ph)
		}
	}
	return out
}

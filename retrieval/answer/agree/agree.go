// Package agree says what the quotes of an answer say about its
// sources: whether they state the same value for the answer ("2 sources
// agree: 7,500", "Sources differ: …", newest first), and as of when the
// answer holds (Answer.Agreement and Answer.AsOf).
//
// It is apart from answering (package answer) because it is a concern
// of its own, read once at the end of an answer: it never changes which
// quotes are picked, only what is said about them. It reads values with
// its own byte scanners (valuescan.go), which nothing else uses, and
// asks the ranking that made the answer for only two things (Ranking).
package agree

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/citebot/citebot/retrieval/question"

	rtext "github.com/citebot/citebot/retrieval/text"

	"github.com/citebot/citebot/retrieval"
)

// valueKind is how values of an answer type are compared.
type valueKind int

const (
	kindNone valueKind = iota
	kindNumber
	kindDate
	kindName
)

func kindOf(answerType string) valueKind {
	switch answerType {
	case question.TypeNumber.String():
		return kindNumber
	case question.TypeDate.String():
		return kindDate
	case question.TypePerson.String(), question.TypeOrg.String(), question.TypePlace.String():
		return kindName
	}
	return kindNone
}

// Ranking is what agreement asks of the ranking that made an answer.
type Ranking interface {
	// ValueSpan is the span, in the document, of the value of the
	// answer's type the ranking would pick in a citation without a
	// highlight, and whether there is one.
	ValueSpan(c retrieval.Citation) (retrieval.Span, bool)
	// QuoteTokens is rtext.Analyze(c.Quote), which the ranking may hold
	// already.
	QuoteTokens(c retrieval.Citation) []retrieval.Token
	// Mentions reports whether the citation's document holds s as whole
	// words (text, headline, publisher or author); true when the ranking
	// does not know the document.
	Mentions(c retrieval.Citation, s string) bool
}

// Finish adds what an answer says about its sources: AsOf, and Agreement
// when the short answer is a number, a date or a name. q is the question
// as the ranking analysed it (nil: ans.Question is analysed again).
// ranking reads a value from a citation without a highlight (nil: only
// highlighted citations count, and quotes are analysed here). It is
// called once, when the answer's citations are final.
func Finish(ans *retrieval.Answer, q *question.Question, ranking Ranking) {
	if !ans.Answered || len(ans.Citations) == 0 {
		return
	}
	ans.Agreement = agreementFor(ans, q, ranking)
	ans.AsOf = asOf(ans)
}

// asOf is the date of the first citation's document or, when it is
// undated, the newest date of the documents that state the same value.
func asOf(ans *retrieval.Answer) string {
	if d := ans.Citations[0].Date; d != "" {
		return d
	}
	if ans.Agreement == nil {
		return ""
	}
	for _, v := range ans.Agreement.Values {
		if slices.Contains(v.Citations, 0) {
			return v.Date
		}
	}
	return ""
}

// agreementFor groups the values the citations state for the answer;
// nil when the answer is not a number, date or name, or fewer than two
// documents state a value that answers the same question as the first
// citation's (see stated and sameThing). Values that cannot be told to
// be about the same thing are left out rather than reported as
// differing: "Sources differ" is only ever said of like and like.
func agreementFor(ans *retrieval.Answer, analysed *question.Question, ranking Ranking) *retrieval.Agreement {
	kind := kindOf(ans.AnswerType)
	if kind == kindNone || len(ans.Citations) < 2 {
		return nil
	}
	var q asked
	if analysed != nil {
		// The question Ask analysed: analysing ans.Question (its cleaned
		// text) again gives the same.
		q = askedOf(analysed)
	} else {
		q = newAsked(ans.Question)
	}
	var first *statement
	var groups []*retrieval.AgreementValue
	var keys []value
	docs := map[string]bool{}
	for i, c := range ans.Citations {
		st, ok := stated(c, kind, ranking, q)
		if !ok {
			if i == 0 {
				return nil // the answer itself cannot be told apart
			}
			continue
		}
		if first == nil {
			first = &st
		} else if !sameThing(*first, st) {
			continue
		}
		v, surface := st.value, st.surface
		docs[c.Doc] = true
		g := -1
		for k := range groups {
			if keys[k].compatible(v) {
				g = k
				break
			}
		}
		if g < 0 {
			groups = append(groups, &retrieval.AgreementValue{Value: surface})
			keys = append(keys, v)
			g = len(groups) - 1
		}
		av := groups[g]
		if !strings.EqualFold(surface, av.Value) && !slices.ContainsFunc(av.Forms, func(f string) bool { return strings.EqualFold(f, surface) }) {
			av.Forms = append(av.Forms, surface)
		}
		if !slices.Contains(av.Docs, c.Doc) {
			av.Docs = append(av.Docs, c.Doc)
		}
		av.Citations = append(av.Citations, i)
		if c.Date > av.Date {
			av.Date = c.Date
		}
	}
	if len(docs) < 2 {
		return nil
	}
	a := &retrieval.Agreement{Status: retrieval.AgreementAgree}
	for _, g := range groups {
		a.Values = append(a.Values, *g)
	}
	if len(a.Values) == 1 {
		a.Summary = fmt.Sprintf("%d sources agree: %s", len(a.Values[0].Docs), a.Values[0].Value)
		return a
	}
	a.Status = retrieval.AgreementDiffer
	// Newest first (undated last); then the most sources; then citation
	// order.
	sort.SliceStable(a.Values, func(i, j int) bool {
		vi, vj := a.Values[i], a.Values[j]
		if vi.Date != vj.Date {
			return vi.Date > vj.Date
		}
		return len(vi.Docs) > len(vj.Docs)
	})
	if a.Values[0].Date != "" && a.Values[0].Date > a.Values[1].Date {
		a.Values[0].Newest = true
	}
	var parts []string
	for _, v := range a.Values {
		var notes []string
		if v.Newest {
			notes = append(notes, "newest")
		}
		if v.Date != "" {
			notes = append(notes, v.Date)
		}
		notes = append(notes, plural(len(v.Docs), "source"))
		parts = append(parts, fmt.Sprintf("%s (%s)", v.Value, strings.Join(notes, ", ")))
	}
	a.Summary = "Sources differ: " + strings.Join(parts, " vs ")
	return a
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// asked is what agreement needs of the question: its content terms (as
// analysed, without the words that only frame an answer, such as "how
// many"), and the noun after "which"/"what" ("union").
type asked struct {
	terms map[string]bool
	// names are the terms and words of the names the question holds
	// ("Belarusian" in "When is the Belarusian presidential election?"):
	// a citation whose quote and document mention none of them is about
	// another election.
	names    map[string]bool
	surfaces []string
	head     string
}

func newAsked(text string) asked {
	q := question.Analyze(text)
	return askedOf(&q)
}

func askedOf(q *question.Question) asked {
	a := asked{terms: map[string]bool{}, names: map[string]bool{}, head: q.Head}
	for _, t := range q.Terms {
		if t.Kind != question.KindNumber && t.Kind != question.KindYear && !question.IsFrameWord(strings.ToLower(t.Surface)) {
			a.terms[t.Term] = true
			if t.Kind == question.KindName {
				a.names[t.Term] = true
				// A place in any of its forms: "Belarusian" is
				// mentioned by a story about Belarus.
				name := rtext.StripPossessive(t.Surface)
				if place, ok := rtext.PlaceOf(name); ok {
					a.surfaces = append(a.surfaces, rtext.PlaceForms(place)...)
				} else {
					a.surfaces = append(a.surfaces, name)
				}
			}
		}
	}
	return a
}

// mentionedIn reports whether any of the question's terms is among
// terms; a question without content terms (as in tests that build an
// answer by hand) is taken to be mentioned.
func (q asked) mentionedIn(terms []string) bool {
	if len(q.terms) == 0 {
		return true
	}
	return slices.ContainsFunc(terms, func(t string) bool { return q.terms[t] })
}

// namedIn reports whether a citation is about what the question names:
// its quote (terms) or its document mentions one of the question's
// names, or the question names nothing. Without a ranking to read the
// document, the quote alone cannot tell ("the city" for "Riverton"), so
// it counts as named.
func (q asked) namedIn(c retrieval.Citation, terms []string, ranking Ranking) bool {
	if len(q.names) == 0 || ranking == nil || slices.ContainsFunc(terms, func(t string) bool { return q.names[t] }) {
		return true
	}
	return slices.ContainsFunc(q.surfaces, func(s string) bool { return ranking.Mentions(c, s) })
}

// statement is the value one citation states, with what it is about.
type statement struct {
	value   value
	surface string
	// counted are the terms of the words that follow an amount and say
	// what it counts ("sworn officers" in "317 sworn officers"), names
	// skipped ("1,800 Riverton Transit workers" counts workers).
	counted []string
	// periods are the years and fiscal years the quote names.
	periods []int
}

// stated reads the value a citation states and checks that it answers
// the question asked, as far as can be told:
//
//   - an amount that is part of a name or a date ("Local 1700", "Route
//     9", "Feb. 10") is not an amount;
//   - an amount that counts something the question does not ask about
//     ("317 sworn officers" for "How much is the budget?") does not
//     answer it, unless the words just before it do ("the refugee cap of
//     7,500 contrasts …");
//   - a name that is only a title ("Mayor") names no one, and for a
//     "which union …?" question a name without "union" does not answer
//     when the quote holds a name with it ("Riverton Transit" beside
//     "Amalgamated Transit Union Local 1700");
//   - the quote mentions something the question asks about.
func stated(c retrieval.Citation, kind valueKind, ranking Ranking, q asked) (statement, bool) {
	s, e, ok := citationValue(c, kind, ranking)
	if !ok {
		return statement{}, false
	}
	quote := c.Quote
	surface := strings.TrimRight(strings.TrimSpace(quote[s:e]), ",.;:")
	v, ok := parseValue(kind, surface)
	if !ok {
		return statement{}, false
	}
	st := statement{value: v, surface: surface, periods: periodsIn(quote)}
	toks := quoteTokens(c, ranking)
	var all []string
	for _, t := range toks {
		all = append(all, t.Term)
	}
	if !q.mentionedIn(all) || !q.namedIn(c, all, ranking) {
		return statement{}, false
	}
	switch kind {
	case kindNumber:
		if v.unit == "" && namesNumber(quote[:s]) {
			return statement{}, false
		}
		st.counted = countedAfter(quote, e, toks)
		if len(st.counted) > 0 && !q.mentionedIn(st.counted) && !q.mentionedIn(termsBefore(toks, s, 3)) {
			return statement{}, false
		}
	case kindName:
		if onlyTitles(surface) || q.head != "" && !strings.Contains(strings.ToLower(surface), q.head) && nameWith(quote, q.head) {
			return statement{}, false
		}
	}
	return st, true
}

// sameThing reports whether b can be compared with a, the answer's own
// statement: amounts in the same unit counting the same thing (when both
// say what they count), in the same period (when both name one).
func sameThing(a, b statement) bool {
	if a.value.kind == kindNumber {
		if a.value.unit != b.value.unit {
			return false
		}
		if len(a.counted) > 0 && len(b.counted) > 0 && !slices.ContainsFunc(a.counted, func(t string) bool { return slices.Contains(b.counted, t) }) {
			return false
		}
	}
	// A date answer is itself the period; amounts and names of different
	// periods are different facts.
	if a.value.kind != kindDate && len(a.periods) > 0 && len(b.periods) > 0 &&
		!slices.ContainsFunc(a.periods, func(y int) bool { return slices.Contains(b.periods, y) }) {
		return false
	}
	return true
}

// periodsIn lists the periods a text names: fiscal years, and years
// named as a period: after a preposition ("in 2024", "since 2019") or in
// a date ("March 4, 2026"), so that amounts ("1800 workers") and names
// ("Local 1700") are not taken for years (matchPeriod).
func periodsIn(s string) []int {
	var out []int
	add := func(y int) {
		if y > 0 && !slices.Contains(out, y) {
			out = append(out, y)
		}
	}
	spans, years := fiscalYears(s)
	for _, y := range years {
		if len(y) == 2 {
			y = "20" + y
		}
		n, _ := strconv.Atoi(y)
		add(n)
	}
	// Fiscal years replaced by a space, as they were with the regular
	// expressions this replaces.
	rest := s
	if len(spans) > 0 {
		var b strings.Builder
		last := 0
		for _, sp := range spans {
			b.WriteString(s[last:sp[0]])
			b.WriteByte(' ')
			last = sp[1]
		}
		b.WriteString(s[last:])
		rest = b.String()
	}
	for i := 0; i < len(rest); {
		if end, y := matchPeriod(rest, i); end >= 0 {
			n, _ := strconv.Atoi(rest[y:end])
			add(n)
			i = end
			continue
		}
		i = runeEnd(rest, i)
	}
	return out
}

// namesNumber reports whether the text before a bare number ends in a
// capitalised word that makes the number part of a name or a date
// ("Local 1700", "Route 9", "Feb. 10"), rather than a word that qualifies
// an amount ("About 1,800", "Nearly 40").
func namesNumber(before string) bool {
	f := strings.Fields(before)
	if len(f) == 0 || !strings.HasSuffix(before, " ") && !strings.HasSuffix(before, "\u00a0") {
		return false
	}
	w := strings.TrimRight(f[len(f)-1], ".")
	low := strings.ToLower(w)
	possessive := strings.HasSuffix(low, "'s") || strings.HasSuffix(low, "’s") || strings.HasSuffix(low, "s'") || strings.HasSuffix(low, "s’")
	return rtext.StartsUpper(w) && !possessive && rtext.WordWeight(low) == 1 && !hasApproxWord(low)
}

// countedAfter returns the terms of the words right after an amount
// ending at end (up to three, stopping at punctuation or a function
// word), skipping capitalised words: what the amount counts.
func countedAfter(quote string, end int, toks []retrieval.Token) []string {
	var out []string
	prevEnd, prevPos := end, -1
	for _, t := range toks {
		if t.Start < end || t.Start < prevEnd {
			continue // before the amount, or a term over words already read ("place:united_states")
		}
		gap := strings.TrimSpace(quote[prevEnd:t.Start])
		// "340-officer city" counts officers as "340 officers" does.
		hyphened := prevPos < 0 && (gap == "-" || gap == "‑")
		if gap != "" && !hyphened || prevPos >= 0 && t.Position != prevPos+1 {
			break // punctuation, or a function word the analyser dropped
		}
		prevEnd, prevPos = t.End, t.Position
		if rtext.StartsUpper(quote[t.Start:t.End]) {
			continue
		}
		if out = append(out, t.Term); len(out) == 3 {
			break
		}
	}
	return out
}

// termsBefore returns the terms of the last n analysed words before
// offset at.
func termsBefore(toks []retrieval.Token, at, n int) []string {
	var out []string
	for i := len(toks) - 1; i >= 0 && len(out) < n; i-- {
		if toks[i].End <= at {
			out = append(out, toks[i].Term)
		}
	}
	return out
}

// titles are words that, capitalised, stand before a name or for an
// office but are not one ("Mayor", "the Chief").
var titles = map[string]bool{
	"mayor": true, "president": true, "governor": true, "senator": true, "chief": true, "sheriff": true,
	"judge": true, "minister": true, "secretary": true, "director": true, "commissioner": true,
	"chair": true, "chairman": true, "chairwoman": true, "council": true, "councillor": true,
	"councilman": true, "councilwoman": true, "member": true, "spokesperson": true, "spokesman": true,
	"spokeswoman": true, "officer": true, "general": true, "captain": true, "sergeant": true,
	"detective": true, "inspector": true, "superintendent": true, "professor": true, "doctor": true,
	"dr": true, "mr": true, "mrs": true, "ms": true, "sir": true, "king": true, "queen": true,
	"prime": true, "premier": true, "chancellor": true, "pope": true, "the": true,
}

// onlyTitles reports a name made of titles alone ("Mayor", "Council
// Member"), which names an office, not who holds it.
func onlyTitles(s string) bool {
	ws := rtext.QuoteWords(s)
	return len(ws) > 0 && !slices.ContainsFunc(ws, func(w string) bool { return !titles[w] })
}

// nameWith reports whether text holds a capitalised name containing the
// noun head ("Transit Union" for "union").
func nameWith(text, head string) bool {
	if head == "" {
		return false
	}
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if rtext.StartsUpper(f) && strings.EqualFold(f, head) {
			return true
		}
	}
	return false
}

// citationValue finds the value a citation states, as byte offsets into
// its quote: its highlight (grown to the whole amount or date around it,
// so "100,000" in "100,000+ in FY2024" reads "100,000+"), or for a
// citation without one, the value of the answer's type the ranking
// would pick in it. Names written in lower case ("president") are roles,
// not names, and state nothing comparable.
func citationValue(c retrieval.Citation, kind valueKind, ranking Ranking) (int, int, bool) {
	q := c.Quote
	var s, e int
	switch h := c.Highlight; {
	case h != nil && h.Start >= c.Start && h.End <= c.End && h.Start < h.End:
		s, e = h.Start-c.Start, h.End-c.Start
	case ranking != nil && kind != kindName:
		best, ok := ranking.ValueSpan(c)
		if !ok {
			return 0, 0, false
		}
		s, e = best.Start-c.Start, best.End-c.Start
	default:
		return 0, 0, false
	}
	var match func(s string, i int) int
	switch kind {
	case kindNumber:
		match = matchAmount
	case kindDate:
		match = matchFiscalOrDate
	}
	if match != nil {
		for _, m := range findAll(q, match) {
			if m[0] <= s && e <= m[1] || s <= m[0] && m[1] <= e {
				s, e = min(s, m[0]), max(e, m[1])
			}
		}
	}
	v := strings.TrimRight(strings.TrimSpace(q[s:e]), ",.;:")
	if v == "" || kind == kindName && !rtext.StartsUpper(v) {
		return 0, 0, false
	}
	return s, e, true
}

// value is a normalised value.
type value struct {
	kind valueKind
	// number
	num    float64
	unit   string // "%", "$", "" …
	approx bool
	// date: year, month, day (0 when not given; a fiscal year is its
	// year), or a word ("friday", "1990s")
	y, m, d int
	word    string
	// name: folded words
	words []string
}

// compatible reports whether two values say the same thing (see
// Agreement for the rules).
func (a value) compatible(b value) bool {
	switch a.kind {
	case kindNumber:
		if a.unit != b.unit {
			return false
		}
		if a.num == b.num {
			return true
		}
		if a.approx || b.approx {
			return math.Abs(a.num-b.num) <= 0.05*math.Max(math.Abs(a.num), math.Abs(b.num))
		}
		return false
	case kindDate:
		if a.word != "" || b.word != "" {
			return a.word == b.word
		}
		if a.y != b.y {
			return false
		}
		return (a.m == 0 || b.m == 0 || a.m == b.m) && (a.d == 0 || b.d == 0 || a.d == b.d)
	case kindName:
		short, long := a.words, b.words
		if len(short) > len(long) {
			short, long = long, short
		}
		for _, w := range short {
			if !slices.Contains(long, w) {
				return false
			}
		}
		return len(short) > 0
	}
	return false
}

func parseValue(kind valueKind, s string) (value, bool) {
	switch kind {
	case kindNumber:
		return parseNumber(s)
	case kindDate:
		return parseDate(s)
	case kindName:
		v := value{kind: kindName}
		for _, w := range rtext.QuoteWords(s) {
			w = strings.TrimSuffix(w, "'s")
			if w != "the" && w != "" {
				v.words = append(v.words, w)
			}
		}
		return v, len(v.words) > 0
	}
	return value{}, false
}

var (
	scales    = map[string]float64{"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "dozen": 12, "dozens": 12}
	smallNums = map[string]float64{
		"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
		"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
		"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
		"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "half": 0.5,
	}
)

// parseNumber reads an amount: digits with thousands separators and
// decimals, scale words ("4.2 billion", "a dozen"), number words, a unit
// (%, currency) and whether it is approximate. Bounds ("more than",
// "over", "+") do not change the number: "100,000+" and "100,000" name
// the same figure.
func parseNumber(s string) (value, bool) {
	v := value{kind: kindNumber, approx: hasApproxWord(s)}
	low := strings.ToLower(s)
	switch {
	case strings.Contains(low, "%") || strings.Contains(low, "percent") || strings.Contains(low, "per cent"):
		v.unit = "%"
	case strings.ContainsAny(low, "$£€¥"):
		v.unit = string([]rune(strings.TrimLeft(low[strings.IndexAny(low, "$£€¥"):], " "))[0])
	}
	num, found := 0.0, false
	if m := firstFigure(s); m != "" {
		n, err := strconv.ParseFloat(strings.ReplaceAll(m, ",", ""), 64)
		if err != nil {
			return v, false
		}
		num, found = n, true
	}
	words := strings.FieldsFunc(low, func(r rune) bool { return !unicode.IsLetter(r) })
	for _, w := range words {
		if n, ok := smallNums[w]; ok && !found {
			num, found = n, true
			continue
		}
		if sc, ok := scales[w]; ok {
			if !found {
				num, found = 1, true
			}
			num *= sc
		}
	}
	v.num = num
	return v, found
}

var (
	monthNames = map[string]int{
		"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
		"september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3,
		"apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
	}
)

// parseDate reads a date, a month, a year or a fiscal year ("FY2024",
// "fiscal year 2024"); other date words ("Friday", "the 1990s") compare
// as words.
func parseDate(s string) (value, bool) {
	v := value{kind: kindDate}
	if _, years := fiscalYears(s); len(years) > 0 {
		y := years[0]
		if len(y) == 2 {
			y = "20" + y
		}
		v.y, _ = strconv.Atoi(y)
		return v, true
	}
	if y, m, d, ok := isoDate(s); ok {
		v.y, _ = strconv.Atoi(y)
		v.m, _ = strconv.Atoi(m)
		v.d, _ = strconv.Atoi(d)
		return v, true
	}
	low := strings.ToLower(s)
	for _, w := range strings.FieldsFunc(low, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if mo, ok := monthNames[w]; ok {
			v.m = mo
			break
		}
	}
	rest := s
	if from, to, ok := yearOnly(s); ok {
		v.y, _ = strconv.Atoi(s[from:to])
		rest = s[:from] + s[to:]
	}
	if v.m > 0 {
		if day, ok := dayNumber(rest); ok {
			if d, _ := strconv.Atoi(day); d >= 1 && d <= 31 {
				v.d = d
			}
		}
	}
	if v.y == 0 {
		v.word = strings.Join(rtext.QuoteWords(strings.TrimPrefix(low, "the ")), " ")
		return v, v.word != ""
	}
	return v, true
}

// quoteTokens is rtext.Analyze(c.Quote), from the ranking when it has
// them.
func quoteTokens(c retrieval.Citation, ranking Ranking) []retrieval.Token {
	if ranking != nil {
		return ranking.QuoteTokens(c)
	}
	return rtext.Analyze(c.Quote)
}

package answer

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

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
	case TypeNumber.String():
		return kindNumber
	case TypeDate.String():
		return kindDate
	case TypePerson.String(), TypeOrg.String(), TypePlace.String():
		return kindName
	}
	return kindNone
}

// finishAnswer adds what an answer says about its sources: AsOf, and
// Agreement when the short answer is a number, a date or a name. r reads
// a value from a citation without a highlight (nil: only highlighted
// citations count). It is called once at the end of Ask.
func finishAnswer(ans *retrieval.Answer, r *ranker) {
	if !ans.Answered || len(ans.Citations) == 0 {
		return
	}
	ans.Agreement = agreementFor(ans, r)
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

// agreementFor groups the citations' values; nil when the answer is not
// a number, date or name, or fewer than two documents state one.
func agreementFor(ans *retrieval.Answer, r *ranker) *retrieval.Agreement {
	kind := kindOf(ans.AnswerType)
	if kind == kindNone || len(ans.Citations) < 2 {
		return nil
	}
	var groups []*retrieval.AgreementValue
	var keys []value
	docs := map[string]bool{}
	for i, c := range ans.Citations {
		surface, ok := citationValue(c, kind, r)
		if !ok {
			continue
		}
		v, ok := parseValue(kind, surface)
		if !ok {
			continue
		}
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

// citationValue reads the value a citation states: its highlight (grown
// to the whole amount or date around it, so "100,000" in "100,000+ in
// FY2024" reads "100,000+"), or for a citation without one, the
// candidate of the answer's type the ranker would pick in it. Names
// written in lower case ("president") are roles, not names, and state
// nothing comparable.
func citationValue(c retrieval.Citation, kind valueKind, r *ranker) (string, bool) {
	q := c.Quote
	var s, e int
	switch h := c.Highlight; {
	case h != nil && h.Start >= c.Start && h.End <= c.End && h.Start < h.End:
		s, e = h.Start-c.Start, h.End-c.Start
	case r != nil && kind != kindName:
		best, ok := r.citationCandidate(c)
		if !ok {
			return "", false
		}
		s, e = best.Start-c.Start, best.End-c.Start
	default:
		return "", false
	}
	var re *regexp.Regexp
	switch kind {
	case kindNumber:
		re = numberRe
	case kindDate:
		re = fiscalOrDateRe
	}
	if re != nil {
		for _, m := range re.FindAllStringIndex(q, -1) {
			if m[0] <= s && e <= m[1] || s <= m[0] && m[1] <= e {
				s, e = min(s, m[0]), max(e, m[1])
			}
		}
	}
	v := strings.TrimRight(strings.TrimSpace(q[s:e]), ",.;:")
	if kind == kindName && !startsUpper(v) {
		return "", false
	}
	return v, v != ""
}

// fiscalOrDateRe is dateRe, plus fiscal years ("FY2024", "FY 24",
// "fiscal 2024", "fiscal year 2024").
var fiscalOrDateRe = regexp.MustCompile(`(?i)\b(?:FY\s?(?:\d{4}|\d{2})|fiscal\s+(?:year\s+)?\d{4})\b|` + dateRe.String())

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
	approxWords = regexp.MustCompile(`(?i)\b(?:about|around|nearly|almost|approximately|roughly|some|an estimated|just over|just under)\b`)
	digitsRe    = regexp.MustCompile(`\d[\d,]*(?:\.\d+)?`)
	scales      = map[string]float64{"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "dozen": 12, "dozens": 12}
	smallNums   = map[string]float64{
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
	v := value{kind: kindNumber, approx: approxWords.MatchString(s)}
	low := strings.ToLower(s)
	switch {
	case strings.Contains(low, "%") || strings.Contains(low, "percent") || strings.Contains(low, "per cent"):
		v.unit = "%"
	case strings.ContainsAny(low, "$£€¥"):
		v.unit = string([]rune(strings.TrimLeft(low[strings.IndexAny(low, "$£€¥"):], " "))[0])
	}
	num, found := 0.0, false
	if m := digitsRe.FindString(s); m != "" {
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
	isoDateRe  = regexp.MustCompile(`\b(\d{4})-(\d{2})(?:-(\d{2}))?\b`)
	yearOnlyRe = regexp.MustCompile(`\b(1[0-9]\d{2}|20\d{2}|21\d{2})\b`)
	fiscalRe   = regexp.MustCompile(`(?i)\bFY\s?(\d{4}|\d{2})\b|\bfiscal\s+(?:year\s+)?(\d{4})\b`)
	dayRe      = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\b`)
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
	if m := fiscalRe.FindStringSubmatch(s); m != nil {
		y := m[1] + m[2]
		if len(y) == 2 {
			y = "20" + y
		}
		v.y, _ = strconv.Atoi(y)
		return v, true
	}
	if m := isoDateRe.FindStringSubmatch(s); m != nil {
		v.y, _ = strconv.Atoi(m[1])
		v.m, _ = strconv.Atoi(m[2])
		v.d, _ = strconv.Atoi(m[3])
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
	if m := yearOnlyRe.FindStringIndex(s); m != nil {
		v.y, _ = strconv.Atoi(s[m[0]:m[1]])
		rest = s[:m[0]] + s[m[1]:]
	}
	if v.m > 0 {
		if m := dayRe.FindStringSubmatch(rest); m != nil {
			if d, _ := strconv.Atoi(m[1]); d >= 1 && d <= 31 {
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

package agree

import "unicode/utf8"

// Byte scanners for the values agreement reads (agree.go): amounts and
// dates grown to their whole extent in a quote, the years a quote names
// as periods, and the parts of a short answer. Each finds exactly what a
// regular expression used to find — the one named in its comment, which
// valuescan_test.go keeps as the oracle it is checked against — with
// the same leftmost-first choices, in a fraction of the time: answering
// runs no regular expression over sentence text.
//
// Conventions, those of Go's regexp: \b is an ASCII word boundary
// ([0-9A-Za-z_] on one side only), \s is [\t\n\f\r ], \d is [0-9], and
// case-insensitive letters also match the two non-ASCII runes that fold
// to ASCII ones (the Kelvin sign K, the long s ſ).

// isReWord is regexp's \w: ASCII letters, digits and '_'.
func isReWord(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

// reBoundary is \b at i: a word byte on exactly one side (a multi-byte
// rune is not a word character).
func reBoundary(s string, i int) bool {
	before := i > 0 && isReWord(s[i-1])
	after := i < len(s) && isReWord(s[i])
	return before != after
}

func isReSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\f' || b == '\r' }

func isReDigit(s string, i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }

// spaceRun is the end of the run of \s starting at i.
func spaceRun(s string, i int) int {
	for i < len(s) && isReSpace(s[i]) {
		i++
	}
	return i
}

// digitRun is the end of the run of \d starting at i.
func digitRun(s string, i int) int {
	for isReDigit(s, i) {
		i++
	}
	return i
}

// digitsAt reports n digits at i.
func digitsAt(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for k := i; k < i+n; k++ {
		if s[k] < '0' || s[k] > '9' {
			return false
		}
	}
	return true
}

// foldAt matches w (lower-case ASCII; other bytes literally) at s[i:]
// case-insensitively, as (?i) does, and returns the end, or -1.
func foldAt(s string, i int, w string) int {
	for k := 0; k < len(w); k++ {
		if i >= len(s) {
			return -1
		}
		c := w[k]
		b := s[i]
		switch {
		case b == c || c >= 'a' && c <= 'z' && b == c-'a'+'A':
			i++
		case c == 'k' && b == 0xe2 && i+2 < len(s) && s[i+1] == 0x84 && s[i+2] == 0xaa: // U+212A KELVIN SIGN
			i += 3
		case c == 's' && b == 0xc5 && i+1 < len(s) && s[i+1] == 0xbf: // U+017F LATIN SMALL LETTER LONG S
			i += 2
		default:
			return -1
		}
	}
	return i
}

// exactAt matches w byte for byte (a case-sensitive pattern).
func exactAt(s string, i int, w string) int {
	if len(s)-i >= len(w) && s[i:i+len(w)] == w {
		return i + len(w)
	}
	return -1
}

// runeEnd is the end of the rune starting at i (one byte for an invalid
// one): where the next match may start.
func runeEnd(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return i + 1
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	return i + size
}

// findAll runs match at each rune start from the left and returns the
// non-overlapping matches, as FindAllStringIndex does (match never
// returns an empty match).
func findAll(s string, match func(s string, i int) int) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); {
		if e := match(s, i); e >= 0 {
			out = append(out, [2]int{i, e})
			i = e
			continue
		}
		i = runeEnd(s, i)
	}
	return out
}

// findFirst is the leftmost match, as FindStringIndex finds it.
func findFirst(s string, match func(s string, i int) int) (int, int, bool) {
	for i := 0; i < len(s); i = runeEnd(s, i) {
		if e := match(s, i); e >= 0 {
			return i, e, true
		}
	}
	return 0, 0, false
}

// Amounts: numberRe,
//
//	(?i)(?:\bMODIFIER\s+)?(?:(?:[$£€¥]\s?)?\d+(?:,\d{3})*(?:\.\d+)?(?:\s*(?:%|percent\b|per cent\b|SCALEs?\b))?\+?|\bNUMBER(?:[\s-]+NUMBER)*(?:\s+SCALEs?)?\b)

var (
	numModifiers = newWordList("more than", "fewer than", "less than", "greater than", "higher than", "lower than",
		"over", "under", "about", "around", "nearly", "almost", "approximately", "roughly", "at least", "at most",
		"up to", "some", "just over", "just under", "an estimated", "as many as", "as few as")
	numberWordList = newWordList("a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
		"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "dozen",
		"dozens", "hundreds", "thousands", "millions", "billions", "half", "several", "few", "many", "numerous",
		"none", "single", "multiple", "both", "twice", "double", "triple", "countless")
	scaleWordList = newWordList("hundred", "thousand", "million", "billion", "trillion", "dozen")
)

// matchAmount is numberRe anchored at i: the end of its match, or -1.
func matchAmount(s string, i int) int {
	if reBoundary(s, i) {
		for _, m := range numModifiers.at(s, i) {
			if j := foldAt(s, i, m); j >= 0 {
				// \s+ takes every space: what follows starts with a
				// currency sign, a digit or a letter.
				if k := spaceRun(s, j); k > j {
					if e := amountCore(s, k); e >= 0 {
						return e
					}
				}
			}
		}
	}
	return amountCore(s, i)
}

// amountCore is numberRe without the modifier.
func amountCore(s string, i int) int {
	if e := amountDigits(s, i); e >= 0 {
		return e
	}
	if !reBoundary(s, i) {
		return -1
	}
	return numberWords(s, i)
}

// currencyLen is the length of a currency sign [$£€¥] at i, or 0.
func currencyLen(s string, i int) int {
	for _, c := range [...]string{"$", "£", "€", "¥"} {
		if exactAt(s, i, c) >= 0 {
			return len(c)
		}
	}
	return 0
}

// amountDigits is the first branch: a figure in digits.
func amountDigits(s string, i int) int {
	j := -1
	if c := currencyLen(s, i); c > 0 {
		switch k := i + c; {
		case k < len(s) && isReSpace(s[k]) && isReDigit(s, k+1):
			j = k + 1
		case isReDigit(s, k):
			j = k
		}
	} else if isReDigit(s, i) {
		j = i
	}
	if j < 0 {
		return -1
	}
	k := digitRun(s, j)
	for k < len(s) && s[k] == ',' && digitsAt(s, k+1, 3) {
		k += 4
	}
	if k+1 < len(s) && s[k] == '.' && isReDigit(s, k+1) {
		k = digitRun(s, k+1)
	}
	// (?:\s*(?:%|percent\b|per cent\b|SCALEs?\b))?: every alternative
	// starts with a non-space, so \s* takes every space or none matches.
	if t := spaceRun(s, k); t < len(s) {
		switch {
		case s[t] == '%':
			k = t + 1
		case wordThenBoundary(s, t, "percent") >= 0:
			k = wordThenBoundary(s, t, "percent")
		case wordThenBoundary(s, t, "per cent") >= 0:
			k = wordThenBoundary(s, t, "per cent")
		default:
			if e := scaleThenBoundary(s, t); e >= 0 {
				k = e
			}
		}
	}
	if k < len(s) && s[k] == '+' {
		k++
	}
	return k
}

// wordThenBoundary is (?i)w\b at i.
func wordThenBoundary(s string, i int, w string) int {
	if e := foldAt(s, i, w); e >= 0 && reBoundary(s, e) {
		return e
	}
	return -1
}

// scaleThenBoundary is (?i)SCALEs?\b at i.
func scaleThenBoundary(s string, i int) int {
	for _, w := range scaleWordList.at(s, i) {
		e := foldAt(s, i, w)
		if e < 0 {
			continue
		}
		if es := foldAt(s, e, "s"); es >= 0 && reBoundary(s, es) {
			return es
		}
		if reBoundary(s, e) {
			return e
		}
	}
	return -1
}

// numberWords is NUMBER(?:[\s-]+NUMBER)*(?:\s+SCALEs?)?\b at i, with the
// backtracking the pattern allows ("dozen" before "dozens").
func numberWords(s string, i int) int {
	for _, w := range numberWordList.at(s, i) {
		if e := foldAt(s, i, w); e >= 0 {
			if end := numberWordsRest(s, e); end >= 0 {
				return end
			}
		}
	}
	return -1
}

func numberWordsRest(s string, j int) int {
	// One more number word, greedily; [\s-]+ takes every separator, as
	// a letter must follow.
	k := j
	for k < len(s) && (isReSpace(s[k]) || s[k] == '-') {
		k++
	}
	if k > j {
		if end := numberWords(s, k); end >= 0 {
			return end
		}
	}
	if t := spaceRun(s, j); t > j {
		if e := scaleThenBoundary(s, t); e >= 0 {
			return e
		}
	}
	if reBoundary(s, j) {
		return j
	}
	return -1
}

// Dates: fiscalOrDateRe, (?i) throughout,
//
//	\b(?:FY\s?(?:\d{4}|\d{2})|fiscal\s+(?:year\s+)?\d{4})\b|\b(?:DATE alternatives)\b

// matchFiscalOrDate is fiscalOrDateRe anchored at i.
func matchFiscalOrDate(s string, i int) int {
	if !reBoundary(s, i) {
		return -1
	}
	if e, _ := fiscalAt(s, i); e >= 0 {
		return e
	}
	return matchDate(s, i)
}

// fiscalAt is (?i)FY\s?(?:\d{4}|\d{2})\b|fiscal\s+(?:year\s+)?\d{4}\b at i
// (the \b before it checked by the caller): the end, and where the
// year's digits start; -1 for no match.
func fiscalAt(s string, i int) (end, year int) {
	if e := foldAt(s, i, "fy"); e >= 0 {
		opts := [2]int{-1, e}
		if e < len(s) && isReSpace(s[e]) {
			opts[0] = e + 1
		}
		for _, j := range opts {
			if j < 0 {
				continue
			}
			if digitsAt(s, j, 4) && reBoundary(s, j+4) {
				return j + 4, j
			}
			if digitsAt(s, j, 2) && reBoundary(s, j+2) {
				return j + 2, j
			}
		}
	}
	if e := foldAt(s, i, "fiscal"); e >= 0 {
		if k := spaceRun(s, e); k > e {
			if y := foldAt(s, k, "year"); y >= 0 {
				if m := spaceRun(s, y); m > y && digitsAt(s, m, 4) && reBoundary(s, m+4) {
					return m + 4, m
				}
			}
			if digitsAt(s, k, 4) && reBoundary(s, k+4) {
				return k + 4, k
			}
		}
	}
	return -1, -1
}

var (
	monthList = newWordList("january", "february", "march", "april", "may", "june", "july", "august", "september",
		"october", "november", "december", "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sept.", "sep.",
		"oct.", "nov.", "dec.")
	weekdayList    = newWordList("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
	ordinalSuffix  = []string{"st", "nd", "rd", "th"}
	centuryOrdinal = newWordList("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
		"tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
		"eighteenth", "nineteenth", "twentieth", "twenty-first")
)

// matchDate is dateRe's alternatives, in order, each followed by \b, at
// i (the \b before them checked by the caller).
func matchDate(s string, i int) int {
	for _, alt := range dateAlternatives {
		if e := alt(s, i); e >= 0 {
			return e
		}
	}
	return -1
}

// dateAlternatives are dateRe's alternatives in its order; each returns
// the end of its first match that a \b follows, or -1.
var dateAlternatives = [...]func(s string, i int) int{
	dateMonthDayYear, dateDayMonthYear, dateMonthDay, dateMonthYear, dateISO, dateWeekday, dateDecade,
	dateCenturyDigits, dateCenturyWords, dateClock, dateYearsAgo, dateYear,
}

// upTo2Digits lists where \d{1,2} at i may end, the longer first; 0
// marks no choice.
func upTo2Digits(s string, i int) [2]int {
	var out [2]int
	if isReDigit(s, i) {
		if isReDigit(s, i+1) {
			out[0] = i + 2
		}
		out[1] = i + 1
	}
	return out
}

// optOrdinal lists where (?:st|nd|rd|th)? at i may end: with the suffix
// first.
func optOrdinal(s string, i int) [2]int {
	out := [2]int{0, i}
	if e := ordinalAt(s, i); e >= 0 {
		out[0] = e
	}
	return out
}

func ordinalAt(s string, i int) int {
	for _, o := range ordinalSuffix {
		if e := foldAt(s, i, o); e >= 0 {
			return e
		}
	}
	return -1
}

// monthEnds lists where a month name at i may end, in the pattern's order.
func monthEnds(s string, i int, out []int) []int {
	for _, m := range monthList.at(s, i) {
		if e := foldAt(s, i, m); e >= 0 {
			out = append(out, e)
		}
	}
	return out
}

// dayEnds lists where \d{1,2}(?:st|nd|rd|th)? at i may end, in the
// pattern's order: the longer number first, and for each the suffix
// first; 0 marks no choice.
func dayEnds(s string, i int) [4]int {
	var out [4]int
	for k, d := range upTo2Digits(s, i) {
		if d == 0 {
			continue
		}
		o := optOrdinal(s, d)
		out[2*k], out[2*k+1] = o[0], o[1]
	}
	return out
}

// monthDayEnds lists where MONTH\s+\d{1,2}(?:st|nd|rd|th)? at i may end,
// in the pattern's order.
func monthDayEnds(s string, i int, out []int) []int {
	var buf [2]int
	for _, m := range monthEnds(s, i, buf[:0]) {
		a := spaceRun(s, m)
		if a == m {
			continue
		}
		for _, o := range dayEnds(s, a) {
			if o != 0 {
				out = append(out, o)
			}
		}
	}
	return out
}

// MONTH\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}
func dateMonthDayYear(s string, i int) int {
	var buf [8]int
	for _, o := range monthDayEnds(s, i, buf[:0]) {
		if e := commaYear(s, o); e >= 0 {
			return e
		}
	}
	return -1
}

// commaYear is ,?\s+\d{4}\b at i.
func commaYear(s string, i int) int {
	opts := [2]int{-1, i}
	if i < len(s) && s[i] == ',' {
		opts[0] = i + 1
	}
	for _, c := range opts {
		if c < 0 {
			continue
		}
		if b := spaceRun(s, c); b > c && digitsAt(s, b, 4) && reBoundary(s, b+4) {
			return b + 4
		}
	}
	return -1
}

// \d{1,2}(?:st|nd|rd|th)?\s+MONTH,?\s+\d{4}
func dateDayMonthYear(s string, i int) int {
	var buf [2]int
	for _, o := range dayEnds(s, i) {
		if o == 0 {
			continue
		}
		a := spaceRun(s, o)
		if a == o {
			continue
		}
		for _, m := range monthEnds(s, a, buf[:0]) {
			if e := commaYear(s, m); e >= 0 {
				return e
			}
		}
	}
	return -1
}

// MONTH\s+\d{1,2}(?:st|nd|rd|th)?
func dateMonthDay(s string, i int) int {
	var buf [8]int
	for _, o := range monthDayEnds(s, i, buf[:0]) {
		if reBoundary(s, o) {
			return o
		}
	}
	return -1
}

// MONTH(?:\s+(?:of\s+)?\d{4})?
func dateMonthYear(s string, i int) int {
	var buf [2]int
	for _, m := range monthEnds(s, i, buf[:0]) {
		if a := spaceRun(s, m); a > m {
			if of := foldAt(s, a, "of"); of >= 0 {
				if b := spaceRun(s, of); b > of && digitsAt(s, b, 4) && reBoundary(s, b+4) {
					return b + 4
				}
			}
			if digitsAt(s, a, 4) && reBoundary(s, a+4) {
				return a + 4
			}
		}
		if reBoundary(s, m) {
			return m
		}
	}
	return -1
}

// \d{4}-\d{2}-\d{2}
func dateISO(s string, i int) int {
	if digitsAt(s, i, 4) && exactAt(s, i+4, "-") >= 0 && digitsAt(s, i+5, 2) && exactAt(s, i+7, "-") >= 0 &&
		digitsAt(s, i+8, 2) && reBoundary(s, i+10) {
		return i + 10
	}
	return -1
}

// WEEKDAY
func dateWeekday(s string, i int) int {
	for _, w := range weekdayList.at(s, i) {
		if e := wordThenBoundary(s, i, w); e >= 0 {
			return e
		}
	}
	return -1
}

// (?:the\s+)?\d{3}0s
func dateDecade(s string, i int) int {
	decade := func(j int) int {
		if digitsAt(s, j, 3) && exactAt(s, j+3, "0") >= 0 {
			if e := foldAt(s, j+4, "s"); e >= 0 && reBoundary(s, e) {
				return e
			}
		}
		return -1
	}
	if t := foldAt(s, i, "the"); t >= 0 {
		if a := spaceRun(s, t); a > t {
			if e := decade(a); e >= 0 {
				return e
			}
		}
	}
	return decade(i)
}

// \d{1,2}(?:st|nd|rd|th)(?:\s+and\s+\d{1,2}(?:st|nd|rd|th))?\s+centur(?:y|ies)
func dateCenturyDigits(s string, i int) int {
	century := func(j int) int {
		a := spaceRun(s, j)
		if a == j {
			return -1
		}
		c := foldAt(s, a, "centur")
		if c < 0 {
			return -1
		}
		for _, tail := range [...]string{"y", "ies"} {
			if e := wordThenBoundary(s, c, tail); e >= 0 {
				return e
			}
		}
		return -1
	}
	for _, d := range upTo2Digits(s, i) {
		if d == 0 {
			continue
		}
		o := ordinalAt(s, d)
		if o < 0 {
			continue
		}
		// (?:\s+and\s+\d{1,2}ORD)?, greedily.
		if a := spaceRun(s, o); a > o {
			if and := foldAt(s, a, "and"); and >= 0 {
				if b := spaceRun(s, and); b > and {
					for _, d2 := range upTo2Digits(s, b) {
						if d2 == 0 {
							continue
						}
						if o2 := ordinalAt(s, d2); o2 >= 0 {
							if e := century(o2); e >= 0 {
								return e
							}
						}
					}
				}
			}
		}
		if e := century(o); e >= 0 {
			return e
		}
	}
	return -1
}

// ORDINAL\s+century
func dateCenturyWords(s string, i int) int {
	for _, w := range centuryOrdinal.at(s, i) {
		if e := foldAt(s, i, w); e >= 0 {
			if a := spaceRun(s, e); a > e {
				if c := wordThenBoundary(s, a, "century"); c >= 0 {
					return c
				}
			}
		}
	}
	return -1
}

// \d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?
func dateClock(s string, i int) int {
	for _, d := range upTo2Digits(s, i) {
		if d == 0 || exactAt(s, d, ":") < 0 || !digitsAt(s, d+1, 2) {
			continue
		}
		t := d + 3
		// \s* takes every space: a letter follows.
		if a := spaceRun(s, t); a < len(s) && (s[a]|0x20 == 'a' || s[a]|0x20 == 'p') {
			for _, dot1 := range [...]bool{true, false} {
				m := a + 1
				if dot1 {
					if exactAt(s, m, ".") < 0 {
						continue
					}
					m++
				}
				if m >= len(s) || s[m]|0x20 != 'm' {
					continue
				}
				m++
				if exactAt(s, m, ".") >= 0 && reBoundary(s, m+1) {
					return m + 1
				}
				if reBoundary(s, m) {
					return m
				}
			}
		}
		if reBoundary(s, t) {
			return t
		}
	}
	return -1
}

// [\d.,]+\s+(?:million\s+|billion\s+)?years\s+ago
func dateYearsAgo(s string, i int) int {
	k := i
	for k < len(s) && (s[k] >= '0' && s[k] <= '9' || s[k] == '.' || s[k] == ',') {
		k++
	}
	if k == i {
		return -1
	}
	a := spaceRun(s, k)
	if a == k {
		return -1
	}
	yearsAgo := func(j int) int {
		y := foldAt(s, j, "years")
		if y < 0 {
			return -1
		}
		if b := spaceRun(s, y); b > y {
			return wordThenBoundary(s, b, "ago")
		}
		return -1
	}
	for _, scale := range [...]string{"million", "billion"} {
		if m := foldAt(s, a, scale); m >= 0 {
			if b := spaceRun(s, m); b > m {
				if e := yearsAgo(b); e >= 0 {
					return e
				}
			}
		}
	}
	return yearsAgo(a)
}

// (?:1[0-9]|20|21)\d{2}
func dateYear(s string, i int) int {
	if isYearDigits(s, i, '0', '9') && reBoundary(s, i+4) {
		return i + 4
	}
	return -1
}

// isYearDigits reports four digits at i that start with 1 (then any
// digit), 20 or 21; lo and hi bound the digit after a leading 1.
func isYearDigits(s string, i int, lo, hi byte) bool {
	if !digitsAt(s, i, 4) {
		return false
	}
	switch s[i] {
	case '1':
		return s[i+1] >= lo && s[i+1] <= hi
	case '2':
		return s[i+1] == '0' || s[i+1] == '1'
	}
	return false
}

// Periods: periodRe,
//
//	(?i)\b(?:in|since|during|by|until|through|from|for|of|before|after|year|calendar|\d{1,2},)\s+(1[89]\d{2}|20\d{2}|21\d{2})\b
var periodWords = newWordList("in", "since", "during", "by", "until", "through", "from", "for", "of", "before", "after", "year", "calendar")

// matchPeriod is periodRe anchored at i: the match's end and where its
// year starts, or -1.
func matchPeriod(s string, i int) (int, int) {
	if !reBoundary(s, i) {
		return -1, -1
	}
	year := func(j int) (int, int) {
		if a := spaceRun(s, j); a > j && isYearDigits(s, a, '8', '9') && reBoundary(s, a+4) {
			return a + 4, a
		}
		return -1, -1
	}
	for _, w := range periodWords.at(s, i) {
		if e := foldAt(s, i, w); e >= 0 {
			if end, y := year(e); end >= 0 {
				return end, y
			}
		}
	}
	for _, d := range upTo2Digits(s, i) {
		if d != 0 && exactAt(s, d, ",") >= 0 {
			if end, y := year(d + 1); end >= 0 {
				return end, y
			}
		}
	}
	return -1, -1
}

// fiscalYears is fiscalRe.FindAllStringSubmatch's years (group 1 or 2)
// and spans.
func fiscalYears(s string) (spans [][2]int, years []string) {
	for i := 0; i < len(s); {
		if reBoundary(s, i) {
			if e, y := fiscalAt(s, i); e >= 0 {
				spans = append(spans, [2]int{i, e})
				years = append(years, s[y:e])
				i = e
				continue
			}
		}
		i = runeEnd(s, i)
	}
	return spans, years
}

// approxWordList are approxWords' alternatives.
var approxWordList = newWordList("about", "around", "nearly", "almost", "approximately", "roughly", "some", "an estimated", "just over", "just under")

// hasApproxWord is approxWords.MatchString:
// (?i)\b(?:about|around|nearly|almost|approximately|roughly|some|an estimated|just over|just under)\b.
func hasApproxWord(s string) bool {
	_, _, ok := findFirst(s, func(s string, i int) int {
		if !reBoundary(s, i) {
			return -1
		}
		for _, w := range approxWordList.at(s, i) {
			if e := wordThenBoundary(s, i, w); e >= 0 {
				return e
			}
		}
		return -1
	})
	return ok
}

// firstFigure is digitsRe.FindString: \d[\d,]*(?:\.\d+)?.
func firstFigure(s string) string {
	for i := 0; i < len(s); i++ {
		if !isReDigit(s, i) {
			continue
		}
		k := i + 1
		for k < len(s) && (s[k] >= '0' && s[k] <= '9' || s[k] == ',') {
			k++
		}
		if k+1 < len(s) && s[k] == '.' && isReDigit(s, k+1) {
			k = digitRun(s, k+1)
		}
		return s[i:k]
	}
	return ""
}

// isoDate is isoDateRe.FindStringSubmatch: \b(\d{4})-(\d{2})(?:-(\d{2}))?\b;
// day is "" when the date has none.
func isoDate(s string) (year, month, day string, ok bool) {
	for i := 0; i < len(s); i = runeEnd(s, i) {
		if !reBoundary(s, i) || !digitsAt(s, i, 4) || exactAt(s, i+4, "-") < 0 || !digitsAt(s, i+5, 2) {
			continue
		}
		if exactAt(s, i+7, "-") >= 0 && digitsAt(s, i+8, 2) && reBoundary(s, i+10) {
			return s[i : i+4], s[i+5 : i+7], s[i+8 : i+10], true
		}
		if reBoundary(s, i+7) {
			return s[i : i+4], s[i+5 : i+7], "", true
		}
	}
	return "", "", "", false
}

// yearOnly is yearOnlyRe.FindStringIndex: \b(1[0-9]\d{2}|20\d{2}|21\d{2})\b.
func yearOnly(s string) (int, int, bool) {
	return findFirst(s, func(s string, i int) int {
		if reBoundary(s, i) && isYearDigits(s, i, '0', '9') && reBoundary(s, i+4) {
			return i + 4
		}
		return -1
	})
}

// dayNumber is dayRe.FindStringSubmatch's group: \b(\d{1,2})(?:st|nd|rd|th)?\b,
// case-sensitive.
func dayNumber(s string) (string, bool) {
	for i := 0; i < len(s); i = runeEnd(s, i) {
		if !reBoundary(s, i) {
			continue
		}
		for _, d := range upTo2Digits(s, i) {
			if d == 0 {
				continue
			}
			for _, o := range ordinalSuffix {
				if e := exactAt(s, d, o); e >= 0 && reBoundary(s, e) {
					return s[i:d], true
				}
			}
			if reBoundary(s, d) {
				return s[i:d], true
			}
		}
	}
	return "", false
}

// wordList is a list of (?i) alternatives, lower case, indexed by first
// letter: at a position only those whose first letter matches the text
// there can match, and they are tried in the list's order.
type wordList struct {
	byFirst [26][]string
}

func newWordList(words ...string) *wordList {
	l := &wordList{}
	for _, w := range words {
		l.byFirst[w[0]-'a'] = append(l.byFirst[w[0]-'a'], w)
	}
	return l
}

// at returns the words that may match at s[i:], in order: those whose
// first letter is the letter there in either case, or, for the long s
// and the Kelvin sign, s and k.
func (l *wordList) at(s string, i int) []string {
	if i >= len(s) {
		return nil
	}
	switch c := s[i]; {
	case c >= 'a' && c <= 'z':
		return l.byFirst[c-'a']
	case c >= 'A' && c <= 'Z':
		return l.byFirst[c-'A']
	case c == 0xc5 && i+1 < len(s) && s[i+1] == 0xbf: // ſ
		return l.byFirst['s'-'a']
	case c == 0xe2 && i+2 < len(s) && s[i+1] == 0x84 && s[i+2] == 0xaa: // K
		return l.byFirst['k'-'a']
	}
	return nil
}

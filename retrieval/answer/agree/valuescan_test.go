package agree

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"testing"

	"github.com/citebot/citebot/retrieval/text/texttest"
)

// The regular expressions agreement used to read values with, kept here
// as the oracles valuescan.go's scanners must agree with, match for match.
var (
	oNumberWords = `(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen|dozens|hundreds|thousands|millions|billions|half|several|few|many|numerous|none|single|multiple|both|twice|double|triple|countless)`
	oScaleWords  = `(?:hundred|thousand|million|billion|trillion|dozen)`
	oNumModifier = `(?:(?:more|fewer|less|greater|higher|lower) than|over|under|about|around|nearly|almost|approximately|roughly|at least|at most|up to|some|just over|just under|an estimated|as many as|as few as)`

	// oNumberRe matches amounts: "7,500", "100,000+", "$4.2 billion",
	// "3.5%", "more than a dozen", "over a dozen", "two million".
	oNumberRe = regexp.MustCompile(`(?i)(?:\b` + oNumModifier + `\s+)?(?:(?:[$£€¥]\s?)?\d+(?:,\d{3})*(?:\.\d+)?(?:\s*(?:%|percent\b|per cent\b|` + oScaleWords + `s?\b))?\+?|\b` + oNumberWords + `(?:[\s-]+` + oNumberWords + `)*(?:\s+` + oScaleWords + `s?)?\b)`)

	oMonths   = `(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)`
	oWeekdays = `(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`
	// oDateRe matches dates: "November 28, 2025", "28 November 2025",
	// "November 2025", "2025-11-28", "Friday", "the 1990s", "19th century",
	// and bare years.
	oDateRe = regexp.MustCompile(`\b(?:` + oMonths + `\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+` + oMonths + `,?\s+\d{4}|` + oMonths + `\s+\d{1,2}(?:st|nd|rd|th)?|` + oMonths + `(?:\s+(?:of\s+)?\d{4})?|\d{4}-\d{2}-\d{2}|` + oWeekdays + `|(?:the\s+)?\d{3}0s|\d{1,2}(?:st|nd|rd|th)(?:\s+and\s+\d{1,2}(?:st|nd|rd|th))?\s+centur(?:y|ies)|(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first)\s+century|\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|[\d.,]+\s+(?:million\s+|billion\s+)?years\s+ago|(?:1[0-9]|20|21)\d{2})\b`)

	// The rest as agree.go had them.
	oFiscalOrDateRe = regexp.MustCompile(`(?i)\b(?:FY\s?(?:\d{4}|\d{2})|fiscal\s+(?:year\s+)?\d{4})\b|` + oDateRe.String())
	oPeriodRe       = regexp.MustCompile(`(?i)\b(?:in|since|during|by|until|through|from|for|of|before|after|year|calendar|\d{1,2},)\s+(1[89]\d{2}|20\d{2}|21\d{2})\b`)
	oApproxWords    = regexp.MustCompile(`(?i)\b(?:about|around|nearly|almost|approximately|roughly|some|an estimated|just over|just under)\b`)
	oDigitsRe       = regexp.MustCompile(`\d[\d,]*(?:\.\d+)?`)
	oISODateRe      = regexp.MustCompile(`\b(\d{4})-(\d{2})(?:-(\d{2}))?\b`)
	oYearOnlyRe     = regexp.MustCompile(`\b(1[0-9]\d{2}|20\d{2}|21\d{2})\b`)
	oFiscalRe       = regexp.MustCompile(`(?i)\bFY\s?(\d{4}|\d{2})\b|\bfiscal\s+(?:year\s+)?(\d{4})\b`)
	oDayRe          = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\b`)
)

func indexPairs(ms [][]int) [][2]int {
	var out [][2]int
	for _, m := range ms {
		out = append(out, [2]int{m[0], m[1]})
	}
	return out
}

// checkValueScanners compares every scanner with its regular expression
// on s.
func checkValueScanners(t *testing.T, s string) {
	t.Helper()
	if got, want := findAll(s, matchAmount), indexPairs(oNumberRe.FindAllStringIndex(s, -1)); !slices.Equal(got, want) {
		t.Errorf("amounts in %q: %v, numberRe %v", s, got, want)
	}
	if got, want := findAll(s, matchFiscalOrDate), indexPairs(oFiscalOrDateRe.FindAllStringIndex(s, -1)); !slices.Equal(got, want) {
		t.Errorf("dates in %q: %v, fiscalOrDateRe %v", s, got, want)
	}
	var periods, wantPeriods []string
	for i := 0; i < len(s); {
		if end, y := matchPeriod(s, i); end >= 0 {
			periods = append(periods, fmt.Sprint(i, end, s[y:end]))
			i = end
			continue
		}
		i = runeEnd(s, i)
	}
	for _, m := range oPeriodRe.FindAllStringSubmatchIndex(s, -1) {
		wantPeriods = append(wantPeriods, fmt.Sprint(m[0], m[1], s[m[2]:m[3]]))
	}
	if !slices.Equal(periods, wantPeriods) {
		t.Errorf("periods in %q: %q, periodRe %q", s, periods, wantPeriods)
	}
	spans, years := fiscalYears(s)
	var wantSpans [][2]int
	var wantYears []string
	for _, m := range oFiscalRe.FindAllStringSubmatch(s, -1) {
		wantYears = append(wantYears, m[1]+m[2])
	}
	wantSpans = indexPairs(oFiscalRe.FindAllStringIndex(s, -1))
	if !slices.Equal(spans, wantSpans) || !slices.Equal(years, wantYears) {
		t.Errorf("fiscal years in %q: %v %q, fiscalRe %v %q", s, spans, years, wantSpans, wantYears)
	}
	if got, want := hasApproxWord(s), oApproxWords.MatchString(s); got != want {
		t.Errorf("hasApproxWord(%q) = %v, approxWords %v", s, got, want)
	}
	if got, want := firstFigure(s), oDigitsRe.FindString(s); got != want {
		t.Errorf("firstFigure(%q) = %q, digitsRe %q", s, got, want)
	}
	y, mo, d, ok := isoDate(s)
	if m := oISODateRe.FindStringSubmatch(s); ok != (m != nil) || ok && (y != m[1] || mo != m[2] || d != m[3]) {
		t.Errorf("isoDate(%q) = %q %q %q %v, isoDateRe %q", s, y, mo, d, ok, m)
	}
	from, to, ok := yearOnly(s)
	if m := oYearOnlyRe.FindStringIndex(s); ok != (m != nil) || ok && (from != m[0] || to != m[1]) {
		t.Errorf("yearOnly(%q) = %d %d %v, yearOnlyRe %v", s, from, to, ok, m)
	}
	day, ok := dayNumber(s)
	if m := oDayRe.FindStringSubmatch(s); ok != (m != nil) || ok && day != m[1] {
		t.Errorf("dayNumber(%q) = %q %v, dayRe %q", s, day, ok, m)
	}
}

// valueScanCases are texts meant to reach every branch: the pattern
// words in every case and fold (the Kelvin sign, the long s), joined by
// the separators the patterns use and the ones they do not.
func valueScanCases() []string {
	cases := []string{
		"", "7,500", "100,000+ in FY2024", "$4.2 billion", "£ 30", "€1,000,000.50", "¥12", "3.5%", "54 percent", "12 per cent",
		"more than a dozen", "over a dozen", "two million", "dozens of people", "a dozen", "twenty-two", "one two three hundred",
		"hundreds of thousands", "two hundredfold", "about 1,800 workers", "some 40", "at least 3 dozens", "an estimated 4 trillions",
		"The cap was 7,500, down from 100,000 in fiscal 2024.", "FY 24", "FY2026", "fy26x", "fiscal year 2025", "fiscal  2025",
		"November 28, 2025", "28 November 2025", "28th of November 2025", "Nov. 28", "Sept. 3, 2020", "Sep. 3", "May", "may rain",
		"January of 2020", "2025-11-28", "2025-11", "Friday", "the 1990s", "1990s", "19th century", "19th and 20th centuries",
		"twenty-first century", "10:30 a.m.", "10:30 am", "9:05pm", "10:30 a.m", "123:45", "4.5 billion years ago", "2,000 years ago",
		"1995", "2199", "2200", "999", "in 2024", "since 1899", "4, 2026", "March 4, 2026", "Local 1700", "1800 workers",
		"\u212aelvin \u017fix \u017feventy \u017fept. 3", "xſix", "FIſCAL 2020", "centurieſ", "12th", "1st and 2nd", "31st", "123rd",
		"bad\xffbyte 12", "\xff3", "12\xff", "x12 12x _12", "per cent", "42 PERCENT", "10 Hundreds", "two-three", "four--five",
	}
	// Random joins of pattern pieces: a fixed seed, so a failure repeats.
	pieces := []string{"a", "A", "one", "two", "twenty", "hundred", "hundreds", "thousand", "dozen", "dozens", "million",
		"millions", "billion", "half", "several", "few", "more than", "over", "about", "some", "at least", "an estimated",
		"just over", "percent", "per cent", "%", "$", "£", "€", "¥", "+", "7", "12", "123", "1,234", "1,23", "4.2", ".5",
		"2024", "1899", "2199", "FY", "fy", "fiscal", "year", "January", "Jan.", "jan", "May", "Sept.", "Sep.", "Monday",
		"the", "1990s", "0s", "19th", "1st", "2nd", "3rd", "th", "st", "and", "century", "centuries", "first", "twenty-first",
		"10:30", "9:05", "a.m.", "am", "p", "m", ".", "years", "ago", "in", "since", "of", "by", "for", "calendar", ",",
		"2025-11-28", "2025-11", "-", "ſ", "\u212a", "é", "_", "x", "\xff"}
	seps := []string{"", " ", "  ", "-", ", ", "\t", "\n", "\v", "\u00a0", ".", "\f", "\r"}
	return append(cases, texttest.RandomJoins(rand.New(rand.NewPCG(15, 2026)), 20000, 6, pieces, seps)...)
}

// TestValueScannersMatchRegexps: the scanners agreement reads values
// with find exactly what the regular expressions they replace found, on
// pattern-dense generated texts and on the seed articles.
func TestValueScannersMatchRegexps(t *testing.T) {
	cases := append(valueScanCases(), texttest.SeedTexts(t)...)
	for _, s := range cases {
		checkValueScanners(t, s)
		if t.Failed() {
			return // one text's report is enough to work on
		}
	}
}

func FuzzValueScanners(f *testing.F) {
	for _, s := range valueScanCases()[:200] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkValueScanners(t, s) })
}

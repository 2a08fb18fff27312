package text

import (
	"regexp"
	"sort"
	"strings"

	"github.com/citebot/citebot/retrieval"
)

// This file finds dates, times, amounts of money, percentages, quantities
// with their units, durations, ages, ordinals and bare numbers. It runs at
// index time (IndexDocument), once per sentence; answering reads the
// entities it leaves instead of matching patterns again.

var (
	monthNames  = `January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.`
	dayOrdinal  = `\d{1,2}(?:st|nd|rd|th)?`
	weekdayRe   = `Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday`
	ordinalWord = `first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first|thirtieth|fortieth|fiftieth|hundredth`

	// dateRe matches calendar expressions, the most specific first.
	dateRe = regexp.MustCompile(`\b(?:` +
		`(?P<day1>(?:(?:` + weekdayRe + `),?\s+)?(?:` + monthNames + `)\s+` + dayOrdinal + `(?:,?\s+\d{4})?)` +
		`|(?P<day2>(?:(?:` + weekdayRe + `),?\s+)?(?:the\s+)?` + dayOrdinal + `(?:\s+of)?\s+(?:` + monthNames + `)(?:,?\s+\d{4})?)` +
		`|(?P<iso>\d{4}-\d{2}-\d{2})` +
		`|(?P<month>(?:(?:early|mid|late|last|next|this)[\s-]+)?(?:` + monthNames + `)(?:\s+(?:of\s+)?\d{4})?)` +
		`|(?P<weekday>` + weekdayRe + `)` +
		`|(?P<period>(?:the\s+)?(?:early\s+|mid-?|late\s+)?\d{3}0s|\d{1,2}(?:st|nd|rd|th)\s+centur(?:y|ies)|(?:` + ordinalWord + `)\s+century)` +
		`)(?:\b|$)`)

	// timeRe matches clock times.
	timeRe = regexp.MustCompile(`(?i)\b(?:\d{1,2}(?::\d{2})?\s?(?:[ap]\.m\.|[ap]m\b)|\d{1,2}:\d{2}(?:\s?(?:[ap]\.m\.|[ap]m\b))?|[0-2]\d[0-5]\d\s?(?:UTC|GMT)|noon|midnight)(?:\s+(?:local time|UTC|GMT|[ECMP][SD]T|BST|CET|CEST|IST|AEST|AEDT|JST))?`)

	currencyPrefix = `(?:(?:US|U\.S\.|A|AU|C|CA|NZ|HK|S|R|N|Z)\$|\$|£|€|¥|₹|₿|₩|₽|₺|₪|₦|Rs\.?\s?|(?:USD|EUR|GBP|JPY|CNY|INR|AUD|CAD|CHF|RUB|BRL|ZAR|NZD|HKD|SEK|NOK|DKK|PLN|MXN|KRW|TRY|NGN)\s?)`
	scaleWords     = `million|billion|trillion|thousand|hundred|bn|mn|m|k`
	currencyWords  = `(?:US\s+|Australian\s+|Canadian\s+|Hong\s+Kong\s+|New\s+Zealand\s+|Singapore\s+)?dollars?|euros?|pounds?(?:\s+sterling)?|sterling|yen|yuan|renminbi|rupees?|roubles?|rubles?|francs?|pesos?|kronor|kroner|krona|krone|dinars?|rand|reais|real|won|lira|liras|shekels?|naira|ringgit|baht|dirhams?|riyals?|rials?|zloty|forints?|bitcoins?|cents?|pence|USD|EUR|GBP`

	// numberRe matches a numeral with what it counts or measures: an
	// optional currency, the digits, an optional scale word, and an
	// optional percent sign, unit or currency word after it. Unit words
	// are checked in code (units), so the pattern stays readable.
	numberRe = regexp.MustCompile(`(?i)(?P<cur>` + currencyPrefix + `)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?\+?|\d+(?:\.\d+)?\+?)(?:\s?-?\s?(?P<scale>` + scaleWords + `)\b)?(?:(?P<sep>\s?-?\s?)(?P<tail>%|percent\b|per\s+cent\b|percentage\s+points?\b|(?:` + currencyWords + `)\b|[\p{L}°²³/]+(?:\s(?:per|an|a)\s\p{L}+)?))?`)

	// wordNumberRe matches numbers written as words ("twenty-two",
	// "three hundred", "a dozen", "dozens of"), with a scale word.
	wordNumberRe = regexp.MustCompile(`(?i)\b(?P<num>(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|a\s+dozen|dozens|hundreds|thousands|millions|billions|half\s+a\s+dozen|several|a\s+few|a\s+couple\s+of)(?:\s+(?:hundred|thousand|million|billion|trillion))?)(?:(?P<sep>\s+|-)(?P<tail>(?:of\s+)?[\p{L}°]+))?\b`)

	ordinalRe = regexp.MustCompile(`(?i)\b(?:\d+(?:st|nd|rd|th)|` + ordinalWord + `)\b`)

	// modifierRe matches the approximation or bound before an amount
	// ("more than", "about", "nearly"), which belongs to the answer.
	modifierRe = regexp.MustCompile(`(?i)(?:\b(?:more|fewer|less|greater|higher|lower)\s+than|\bover|\bunder|\babout|\baround|\bnearly|\balmost|\bapproximately|\broughly|\bat\s+least|\bat\s+most|\bup\s+to|\bsome|\bjust\s+(?:over|under)|\ban\s+estimated|\bas\s+many\s+as|\bas\s+few\s+as|\bin\s+excess\s+of)\s+$`)
)

// units maps unit words (lower case, singular and plural) to a normalised
// unit and whether it measures time.
var units = func() map[string]unit {
	m := map[string]unit{}
	add := func(norm string, time bool, forms ...string) {
		for _, f := range forms {
			m[f] = unit{norm, time}
		}
	}
	add("second", true, "second", "seconds", "sec", "secs", "s")
	add("minute", true, "minute", "minutes", "min", "mins")
	add("hour", true, "hour", "hours", "hr", "hrs", "h")
	add("day", true, "day", "days")
	add("week", true, "week", "weeks")
	add("month", true, "month", "months")
	add("year", true, "year", "years", "yr", "yrs")
	add("decade", true, "decade", "decades")
	add("century", true, "century", "centuries")
	add("mm", false, "mm", "millimetre", "millimetres", "millimeter", "millimeters")
	add("cm", false, "cm", "centimetre", "centimetres", "centimeter", "centimeters")
	add("m", false, "m", "metre", "metres", "meter", "meters")
	add("km", false, "km", "kilometre", "kilometres", "kilometer", "kilometers", "kms")
	add("mile", false, "mile", "miles", "mi")
	add("foot", false, "ft", "foot", "feet")
	add("inch", false, "in.", "inch", "inches")
	add("yard", false, "yard", "yards", "yd")
	add("nautical mile", false, "nautical", "nmi")
	add("light-year", false, "light-year", "light-years", "lightyear", "lightyears")
	add("hectare", false, "hectare", "hectares", "ha")
	add("acre", false, "acre", "acres")
	add("km²", false, "km²", "km2", "sq")
	add("g", false, "g", "gram", "grams", "gramme", "grammes")
	add("kg", false, "kg", "kilogram", "kilograms", "kilo", "kilos")
	add("tonne", false, "tonne", "tonnes", "ton", "tons", "t")
	add("pound", false, "lb", "lbs")
	add("ounce", false, "oz", "ounce", "ounces")
	add("litre", false, "l", "litre", "litres", "liter", "liters", "ml", "millilitres", "milliliters")
	add("gallon", false, "gallon", "gallons")
	add("barrel", false, "barrel", "barrels", "bpd")
	add("mph", false, "mph")
	add("km/h", false, "km/h", "kmh", "kph")
	add("knot", false, "knot", "knots")
	add("degree", false, "degree", "degrees", "°", "°c", "°f", "c", "f")
	add("watt", false, "w", "kw", "mw", "gw", "watt", "watts", "kilowatt", "kilowatts", "megawatt", "megawatts", "gigawatt", "gigawatts", "kwh", "mwh", "gwh", "twh")
	add("byte", false, "kb", "mb", "gb", "tb", "pb", "gigabyte", "gigabytes", "terabyte", "terabytes", "megabyte", "megabytes")
	add("magnitude", false, "magnitude")
	add("point", false, "point", "points")
	add("vote", false, "vote", "votes")
	add("storey", false, "storey", "storeys", "story", "stories", "floor", "floors")
	return m
}()

type unit struct {
	norm string
	time bool
}

// currencies maps currency words and symbols to a normalised currency.
func currencyOf(prefix, tail string) string {
	p := strings.ToUpper(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(prefix), ".")))
	switch {
	case strings.HasSuffix(p, "$"), p == "USD", p == "AUD", p == "CAD", p == "NZD", p == "HKD":
		return "$"
	case p == "£", p == "GBP":
		return "£"
	case p == "€", p == "EUR":
		return "€"
	case p != "":
		return p
	}
	t := strings.ToLower(tail)
	switch {
	case strings.Contains(t, "dollar"), t == "usd", t == "cent", t == "cents":
		return "$"
	case strings.Contains(t, "euro"), t == "eur":
		return "€"
	case strings.Contains(t, "pound"), t == "sterling", t == "pence", t == "gbp":
		return "£"
	}
	return t
}

var currencyWordRe = regexp.MustCompile(`(?i)^(?:` + currencyWords + `)$`)

// amountEntities finds the dates, times, amounts and numbers of one
// sentence, text[sent.Start:sent.End], as entities with absolute offsets.
// Where spans overlap, the longest (and so most specific) wins: a date
// swallows its day and year, "$4.2 billion" its digits.
func amountEntities(text string, sent retrieval.Span) []retrieval.Entity {
	return amountEntitiesWith(&scanningMatchers, text, sent)
}

// amountMatchers are how amountEntities finds its patterns' matches, each
// as the pattern's FindAllStringSubmatchIndex gives them: at index time
// the anchored finders and byte scanners; in TestAmountEntitiesLikeRegexps
// the regular expressions themselves, the oracle the others must equal.
type amountMatchers struct {
	date, time, number, ordinal, wordNumber func(s string) [][]int
	// modifierStart is where modifierRe's leftmost match in window
	// starts, or -1.
	modifierStart func(window string) int
}

// scanningMatchers are the finders of anchored.go and the scanners of
// scanners.go.
var scanningMatchers = amountMatchers{
	date: dateFinder.findAll, time: timeFinder.findAll, number: numberFinder.findAll,
	ordinal: ordinalFinder.findAll, wordNumber: wordNumberFinder.findAll,
	modifierStart: modifierStart,
}

func amountEntitiesWith(ms *amountMatchers, text string, sent retrieval.Span) []retrieval.Entity {
	seg := text[sent.Start:sent.End]
	var out []retrieval.Entity
	add := func(s, e int, kind retrieval.EntityKind, u string) {
		out = append(out, retrieval.Entity{Span: retrieval.Span{Start: sent.Start + s, End: sent.Start + e}, Kind: kind, Unit: u})
	}
	if mayHoldDate(seg) {
		for _, m := range ms.date(seg) {
			kind := retrieval.EntityMonth
			switch {
			case m[2*dateRe.SubexpIndex("day1")] >= 0, m[2*dateRe.SubexpIndex("day2")] >= 0, m[2*dateRe.SubexpIndex("iso")] >= 0:
				kind = retrieval.EntityDate
			case m[2*dateRe.SubexpIndex("weekday")] >= 0:
				kind = retrieval.EntityWeekday
			case m[2*dateRe.SubexpIndex("period")] >= 0:
				kind = retrieval.EntityPeriod
			case m[2*dateRe.SubexpIndex("month")] >= 0:
				word := seg[m[0]:m[1]]
				if word == "May" || word == "March" && m[1] < len(seg) && seg[m[1]] == 'e' {
					// "May" alone is more often the verb; a month needs a year.
					continue
				}
			}
			add(m[0], m[1], kind, "")
		}
		for _, m := range ms.time(seg) {
			add(m[0], m[1], retrieval.EntityTime, "")
		}
	}
	if hasDigit(seg) {
		for _, m := range ms.number(seg) {
			numberEntity(ms, seg, m, add)
		}
		for _, m := range ms.ordinal(seg) {
			add(m[0], m[1], retrieval.EntityOrdinal, "")
		}
	} else if mayHoldNumberWord(seg) {
		for _, m := range ms.ordinal(seg) {
			add(m[0], m[1], retrieval.EntityOrdinal, "")
		}
	}
	if mayHoldNumberWord(seg) {
		for _, m := range ms.wordNumber(seg) {
			wordNumberEntity(ms, seg, m, add)
		}
	}
	return longestFirst(out)
}

// numberEntity classifies one numberRe match.
func numberEntity(ms *amountMatchers, seg string, m []int, add func(s, e int, kind retrieval.EntityKind, u string)) {
	group := func(name string) (int, int, string) {
		i := numberRe.SubexpIndex(name)
		if m[2*i] < 0 {
			return -1, -1, ""
		}
		return m[2*i], m[2*i+1], seg[m[2*i]:m[2*i+1]]
	}
	start := m[0]
	cs, _, cur := group("cur")
	ns, ne, _ := group("num")
	_, se, scale := group("scale")
	ts, te, tail := group("tail")
	if cs < 0 {
		start = ns
		// A letter or digit right before the digits: part of a word or code.
		if ns > 0 && (isWordByte(seg[ns-1]) || seg[ns-1] == '.') {
			return
		}
	}
	numEnd := ne
	if se >= 0 {
		numEnd = se
		if s := strings.ToLower(scale); (s == "m" || s == "k") && cs < 0 {
			// "5m" is five million only as money; elsewhere metres or a code.
			numEnd, scale = ne, ""
			ts, te, tail = ne, se, s
		}
	}
	lowTail := strings.ToLower(tail)
	switch {
	case ts >= 0 && (lowTail == "%" || strings.HasPrefix(lowTail, "percent") || strings.HasPrefix(lowTail, "per") && strings.Contains(lowTail, "cent") || strings.HasPrefix(lowTail, "percentage")):
		add(start, te, retrieval.EntityPercent, "%")
		return
	case cs >= 0:
		end := numEnd
		if ts >= 0 && currencyWordRe.MatchString(tail) {
			end = te
		}
		add(withModifier(ms, seg, start), end, retrieval.EntityMoney, currencyOf(cur, tail))
		return
	case ts >= 0 && currencyWordRe.MatchString(tail):
		add(withModifier(ms, seg, start), te, retrieval.EntityMoney, currencyOf("", tail))
		return
	}
	if ts >= 0 {
		word := lowTail
		if i := strings.IndexAny(word, " "); i >= 0 {
			word = word[:i]
		}
		if u, ok := units[word]; ok {
			kind := retrieval.EntityQuantity
			if u.time {
				kind = retrieval.EntityDuration
				// "33-year-old", "33 years old", "aged 33 years": an age.
				rest := strings.ToLower(seg[te:])
				if strings.HasPrefix(rest, "-old") || strings.HasPrefix(rest, " old") {
					add(start, te+len("-old"), retrieval.EntityAge, "")
					return
				}
			}
			if u.norm == "magnitude" {
				// "magnitude 4.9" writes the unit first; "4.9 magnitude" is rare.
				kind = retrieval.EntityQuantity
			}
			add(withModifier(ms, seg, start), te, kind, u.norm)
			return
		}
	}
	// "magnitude 4.9", "Level 3": a unit before the number.
	if before := strings.ToLower(lastWord(seg[:start])); before == "magnitude" {
		add(start-len("magnitude")-1, numEnd, retrieval.EntityQuantity, "magnitude")
		return
	}
	digits := seg[ns:ne]
	if len(digits) == 4 && digits >= "1000" && digits <= "2199" && se < 0 && !strings.Contains(digits, ".") {
		add(ns, ne, retrieval.EntityYear, "")
		return
	}
	if age := ageAfterName(seg, ns, ne); age {
		add(ns, ne, retrieval.EntityAge, "")
		return
	}
	if strings.HasPrefix(seg[ne:], ":") {
		return // a clock time or a score, found elsewhere
	}
	add(withModifier(ms, seg, start), numEnd, retrieval.EntityNumber, "")
}

// wordNumberEntity classifies one wordNumberRe match.
func wordNumberEntity(ms *amountMatchers, seg string, m []int, add func(s, e int, kind retrieval.EntityKind, u string)) {
	ns, ne := m[2*wordNumberRe.SubexpIndex("num")], m[2*wordNumberRe.SubexpIndex("num")+1]
	if ns > 0 && isUpperWord(seg[ns:]) {
		return // capitalised inside a sentence: part of a name ("PLoS One", "Formula One")
	}
	ti := wordNumberRe.SubexpIndex("tail")
	if m[2*ti] >= 0 {
		tail := strings.ToLower(seg[m[2*ti]:m[2*ti+1]])
		tail = strings.TrimPrefix(tail, "of ")
		if u, ok := units[tail]; ok {
			kind := retrieval.EntityQuantity
			if u.time {
				kind = retrieval.EntityDuration
				rest := strings.ToLower(seg[m[2*ti+1]:])
				if strings.HasPrefix(rest, "-old") || strings.HasPrefix(rest, " old") {
					add(ns, m[2*ti+1]+len("-old"), retrieval.EntityAge, "")
					return
				}
			}
			add(withModifier(ms, seg, ns), m[2*ti+1], kind, u.norm)
			return
		}
		if currencyWordRe.MatchString(tail) {
			add(withModifier(ms, seg, ns), m[2*ti+1], retrieval.EntityMoney, currencyOf("", tail))
			return
		}
	}
	add(withModifier(ms, seg, ns), ne, retrieval.EntityNumber, "")
}

// withModifier moves start back over an approximation or bound ("more
// than", "about") written right before the amount.
func withModifier(ms *amountMatchers, seg string, start int) int {
	if at := ms.modifierStart(seg[max(0, start-24):start]); at >= 0 {
		return max(0, start-24) + at
	}
	return start
}

// ageAfterName reports the "39" of "Emily Spanton, 39," and "aged 82".
func ageAfterName(seg string, ns, ne int) bool {
	before := strings.TrimRight(seg[:ns], " ")
	if strings.HasSuffix(strings.ToLower(before), "aged") {
		return true
	}
	if !strings.HasSuffix(before, ",") || ne-ns > 3 {
		return false
	}
	after := seg[ne:]
	if !(strings.HasPrefix(after, ",") || strings.HasPrefix(after, ";") || strings.HasPrefix(after, ")")) {
		return false
	}
	prev := lastWord(strings.TrimSuffix(before, ","))
	return prev != "" && isUpperWord(prev)
}

// longestFirst drops entities inside a longer one and sorts by start.
func longestFirst(es []retrieval.Entity) []retrieval.Entity {
	if len(es) < 2 {
		return es
	}
	// Longest first, then by start, so containment is decided once.
	sortEntities(es, func(a, b retrieval.Entity) bool {
		if la, lb := a.End-a.Start, b.End-b.Start; la != lb {
			return la > lb
		}
		return a.Start < b.Start
	})
	var kept []retrieval.Entity
	for _, e := range es {
		overlaps := false
		for _, k := range kept {
			if e.Start < k.End && k.Start < e.End {
				overlaps = true
				break
			}
		}
		if !overlaps {
			kept = append(kept, e)
		}
	}
	sortEntities(kept, func(a, b retrieval.Entity) bool { return a.Start < b.Start })
	return kept
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func mayHoldDate(s string) bool {
	return hasDigit(s) || hasWordIn(s, dateWords) || strings.Contains(s, "noon") || strings.Contains(s, "midnight")
}

func mayHoldNumberWord(s string) bool { return hasWordIn(s, numberWordsSet) }

var dateWords = WordSet("January February March April May June July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday Saturday Sunday century")

var numberWordsSet = WordSet("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion dozen dozens hundreds thousands millions billions several few couple half first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth fortieth fiftieth hundredth")

func sortEntities(es []retrieval.Entity, less func(a, b retrieval.Entity) bool) {
	sort.SliceStable(es, func(i, j int) bool { return less(es[i], es[j]) })
}

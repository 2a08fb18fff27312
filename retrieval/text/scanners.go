package text

import (
	"strings"
	"unicode/utf8"
)

// Byte scanners and pre-checks for the entity patterns. Profiling index
// builds found most of the time in the regexp engine: anchored tries at
// candidates where no match could start (every number for dateRe, every
// "the" and "second"), the currency prefix tried at each byte before a
// number, and modifierRe searched before every amount. Each function
// here answers the same as the pattern it stands for, or says "maybe"
// and lets the pattern decide; text that is not ASCII goes to the
// pattern, because (?i) folds 's' with 'ſ' and 'k' with the Kelvin sign.
// TestAmountEntitiesLikeRegexps and TestScannersMatchLikeRegexps hold
// them to the patterns.

// modifierFinalWords are the last words of modifierRe's alternatives:
// a match ends with one of them, whole, then spaces.
var modifierFinalWords = WordSet("than over under about around nearly almost approximately roughly least most to some estimated as of")

// modifierStart is where modifierRe's leftmost match in window starts,
// or -1. A match ends with \s+ at the end of window, after a word that
// is one of modifierFinalWords; without those the pattern is not run.
func modifierStart(window string) int {
	if !isASCIIString(window) {
		return regexpStart(window)
	}
	end := len(window)
	for end > 0 && isReSpace(window[end-1]) {
		end--
	}
	if end == len(window) {
		return -1
	}
	start := end
	for start > 0 && isReWord(window[start-1]) {
		start--
	}
	if end-start > len("approximately") || !inFolded(window[start:end], modifierFinalWords) {
		return -1
	}
	return regexpStart(window)
}

func regexpStart(window string) int {
	if loc := modifierRe.FindStringIndex(window); loc != nil {
		return loc[0]
	}
	return -1
}

// dollarPrefixes and currencyCodes are currencyPrefix's letters before
// "$" and its three-letter codes (with "Rs" and "Rs."), lower case.
var (
	dollarPrefixes  = WordSet("US U.S. A AU C CA NZ HK S R N Z")
	currencyCodes   = WordSet("USD EUR GBP JPY CNY INR AUD CAD CHF RUB BRL ZAR NZD HKD SEK NOK DKK PLN MXN KRW TRY NGN Rs Rs.")
	currencySymbols = map[string]bool{"$": true, "£": true, "€": true, "¥": true, "₹": true, "₿": true, "₩": true, "₽": true, "₺": true, "₪": true, "₦": true}
)

// isCurrencyPrefix is currencyPrefixRe.MatchString(x): x is, whole, a
// currency prefix ("$", "US$", "€", "Rs. ", "USD ").
func isCurrencyPrefix(x string) bool {
	if x == "" {
		return false
	}
	if currencySymbols[x] {
		return true
	}
	if !isASCIIString(x) {
		return currencyPrefixRe.MatchString(x)
	}
	if before, ok := strings.CutSuffix(x, "$"); ok {
		return inFolded(before, dollarPrefixes)
	}
	// Rs\.?\s? and the codes' \s?: at most one space, at the end.
	if isReSpace(x[len(x)-1]) {
		x = x[:len(x)-1]
	}
	return inFolded(x, currencyCodes)
}

// dateDigitsMayStart reports whether a dateRe match may start at the
// digits at p: "12 May", "12th", "12 of", "2019-", "1990s". Other
// numbers ("in 2019", "5 people") are not tried.
func dateDigitsMayStart(s string, p int) bool {
	e := p
	for e < len(s) && s[e] >= '0' && s[e] <= '9' {
		e++
	}
	digits := e - p
	if digits > 4 || e == len(s) {
		return false
	}
	switch c := s[e]; {
	case c == 's' || c == 'n' || c == 'r' || c == 't':
		return true // an ordinal suffix or the s of a decade
	case c == '-':
		return digits == 4 // an ISO date
	case isReSpace(c):
		// A day, then "of" or a month.
		if digits > 2 {
			return false
		}
		for e < len(s) && isReSpace(s[e]) {
			e++
		}
		return e < len(s) && (s[e] == 'o' || strings.IndexByte("JFMASOND", s[e]) >= 0)
	}
	return false
}

// theMayStartDate reports whether a dateRe match may start at the "the"
// at p: only as "the 12th of May" or "the (early|mid|late) 1990s".
func theMayStartDate(s string, p int) bool {
	e := p + len("the")
	if e >= len(s) || !isReSpace(s[e]) {
		return false
	}
	for e < len(s) && isReSpace(s[e]) {
		e++
	}
	return e < len(s) && (s[e] >= '0' && s[e] <= '9' || s[e] == 'e' || s[e] == 'm' || s[e] == 'l')
}

// ordinalMayStart reports whether an ordinalRe match may start at p
// (a boundary before one of ordinalStarts): digits then a suffix's
// first letter, or the first three letters of an ordinal word.
func ordinalMayStart(s string, p int) bool {
	if s[p] >= '0' && s[p] <= '9' {
		e := p
		for e < len(s) && s[e] >= '0' && s[e] <= '9' {
			e++
		}
		if e == len(s) {
			return false
		}
		c := s[e] | 0x20
		return s[e] >= utf8.RuneSelf || c == 's' || c == 'n' || c == 'r' || c == 't'
	}
	return wordPrefixMayStart(s, p, ordinalPrefixes)
}

// wordNumberMayStart reports whether a wordNumberRe match may start at
// p: "a" then a space, or the first three letters of a number word.
func wordNumberMayStart(s string, p int) bool {
	if s[p]|0x20 == 'a' && p+1 < len(s) && isReSpace(s[p+1]) {
		return true
	}
	return wordPrefixMayStart(s, p, wordNumberPrefixes)
}

// wordPrefixMayStart reports whether the three bytes at p, folded, are
// in prefixes, or are not all ASCII (for the pattern to decide).
func wordPrefixMayStart(s string, p int, prefixes map[string]bool) bool {
	if p+3 > len(s) {
		return false
	}
	w := s[p : p+3]
	if !isASCIIString(w) {
		return true
	}
	return inFolded(w, prefixes)
}

var (
	ordinalPrefixes    = firstThrees(strings.Split(ordinalWord, "|"))
	wordNumberPrefixes = firstThrees(strings.Fields("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety dozens hundreds thousands millions billions half several"))
)

// firstThrees is the set of the first three letters of words (each at
// least three letters long).
func firstThrees(words []string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words {
		m[w[:3]] = true
	}
	return m
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// inFolded reports whether the ASCII word w, lower-cased, is in set,
// without allocating: words longer than 16 bytes are in none of the sets.
func inFolded(w string, set map[string]bool) bool {
	var buf [16]byte
	if len(w) > len(buf) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return set[string(buf[:len(w)])]
}

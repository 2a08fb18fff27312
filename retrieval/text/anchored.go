package text

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Finding entities used to run each pattern over the whole sentence, which
// spent most of an index build in the regexp engine stepping through text
// where no match can start. A finder gives the same matches — those of
// re.FindAllStringSubmatchIndex, leftmost first — by trying the pattern,
// anchored, only at the positions where a match can start: next names
// them (every such position, maybe more), and each try stops as soon as
// the pattern fails. TestFindersMatchLikeRegexps checks the equivalence.

// finder finds re's matches by anchored tries at candidate positions.
type finder struct {
	re *regexp.Regexp
	// atStart is ^(?:re); afterRune is ^(?s:.)(?:re), tried from the rune
	// before a candidate so that a \b at the candidate sees the text
	// before it, as it does in a search of the whole text.
	atStart, afterRune *regexp.Regexp
	// next returns the first position at or after pos where a match of
	// re may start (it must miss none), or -1.
	next func(s string, pos int) int
}

func newFinder(re *regexp.Regexp, next func(s string, pos int) int) finder {
	return finder{
		re:        re,
		atStart:   regexp.MustCompile(`^(?:` + re.String() + `)`),
		afterRune: regexp.MustCompile(`^(?s:.)(?:` + re.String() + `)`),
		next:      next,
	}
}

// at returns re's match starting at p (its submatches, as
// FindStringSubmatchIndex gives them, in s's offsets), or nil.
func (f finder) at(s string, p int) []int {
	if p == 0 {
		return f.atStart.FindStringSubmatchIndex(s)
	}
	_, size := utf8.DecodeLastRuneInString(s[:p])
	q := p - size
	m := f.afterRune.FindStringSubmatchIndex(s[q:])
	if m == nil {
		return nil
	}
	for i := range m {
		if m[i] >= 0 {
			m[i] += q
		}
	}
	m[0] = p // the match, without the rune of context
	return m
}

// findAll is re.FindAllStringSubmatchIndex(s, -1) for patterns that never
// match the empty string.
func (f finder) findAll(s string) [][]int {
	var out [][]int
	for pos := 0; pos < len(s); {
		p := f.next(s, pos)
		if p < 0 {
			break
		}
		if m := f.at(s, p); m != nil && m[1] > m[0] {
			out = append(out, m)
			pos = m[1]
			continue
		}
		pos = p + runeLen(s, p)
	}
	return out
}

func runeLen(s string, p int) int {
	if s[p] < utf8.RuneSelf {
		return 1
	}
	_, size := utf8.DecodeRuneInString(s[p:])
	return size
}

// isReWord is regexp's \w: ASCII letters, digits and '_'.
func isReWord(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

// isReSpace is regexp's \s.
func isReSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\f' || b == '\r' }

// reBoundary is regexp's \b at p: a \w character on one side only (a
// multi-byte rune is not one).
func reBoundary(s string, p int) bool {
	return (p > 0 && isReWord(s[p-1])) != (p < len(s) && isReWord(s[p]))
}

// nextBoundaryStart returns the first p ≥ pos where \b holds and the text
// starts with a byte in first (or, when longS, the long s ſ, which (?i)
// matches for s), or -1: where a pattern starting with \b and one of those
// letters may match.
func nextBoundaryStart(s string, pos int, first *[256]bool, longS bool) int {
	for p := pos; p < len(s); p++ {
		c := s[p]
		if !first[c] && !(longS && c == 0xc5 && p+1 < len(s) && s[p+1] == 0xbf) {
			continue
		}
		if reBoundary(s, p) && utf8.RuneStart(c) {
			return p
		}
	}
	return -1
}

// nextMayStart is nextBoundaryStart for (?i) patterns whose first
// letters may be ſ, skipping the candidates mayStart rules out.
func nextMayStart(s string, pos int, first *[256]bool, mayStart func(s string, p int) bool) int {
	for {
		p := nextBoundaryStart(s, pos, first, true)
		if p < 0 || mayStart(s, p) {
			return p
		}
		pos = p + 1
	}
}

// byteSet is the set of the bytes of chars, in both cases when fold.
func byteSet(chars string, fold bool) *[256]bool {
	var set [256]bool
	for i := 0; i < len(chars); i++ {
		c := chars[i]
		set[c] = true
		if fold && c >= 'a' && c <= 'z' {
			set[c-'a'+'A'] = true
		}
		if fold && c >= 'A' && c <= 'Z' {
			set[c-'A'+'a'] = true
		}
	}
	return &set
}

const digitChars = "0123456789"

// maxCurrencyBytes bounds the bytes of numberRe's currency prefix (the
// longest, "DKK " written with two Kelvin signs, is 8): a match starts at
// most that far before its first digit.
const maxCurrencyBytes = 16

var (
	// numberRe: a currency prefix (no digits in it), then digits.
	numberFinder = newFinder(numberRe, func(s string, pos int) int {
		for d := pos; d < len(s); d++ {
			if s[d] < '0' || s[d] > '9' {
				continue
			}
			// The first digit at or after pos: a match starts at it, or
			// at most maxCurrencyBytes before it where what lies between
			// is a currency prefix — which holds no \s but the last byte,
			// so it starts within the run of non-spaces before d.
			from := d
			if from > pos && isReSpace(s[from-1]) {
				from--
			}
			for from > pos && from > d-maxCurrencyBytes && !isReSpace(s[from-1]) {
				from--
			}
			for p := from; p < d; p++ {
				if utf8.RuneStart(s[p]) && isCurrencyPrefix(s[p:d]) {
					return p
				}
			}
			return d
		}
		return -1
	})
	currencyPrefixRe = regexp.MustCompile(`^(?i)(?:` + currencyPrefix + `)$`)
	// dateRe: \b, then a digit, or the first letter of a month or
	// weekday, "the", "early|mid|late|last|next|this" or an ordinal word
	// (case-sensitive).
	dateStarts = byteSet(digitChars+"JFMASONDTW"+"temlnfsh", false)
	dateFinder = newFinder(dateRe, func(s string, pos int) int {
		for {
			p := nextBoundaryStart(s, pos, dateStarts, false)
			switch {
			case p < 0:
				return p
			case s[p] >= '0' && s[p] <= '9':
				if dateDigitsMayStart(s, p) {
					return p
				}
			case strings.HasPrefix(s[p:], "the"):
				if theMayStartDate(s, p) {
					return p
				}
			case p+3 <= len(s) && dateWordPrefixes[s[p:p+3]]:
				return p
			}
			pos = p + 1
		}
	})
	// dateWordPrefixes are the first three letters of every word a date
	// may start with.
	dateWordPrefixes = func() map[string]bool {
		m := map[string]bool{}
		for _, alts := range []string{monthNames, weekdayRe, ordinalWord, "the|early|mid|late|last|next|this"} {
			for _, w := range strings.Split(strings.ReplaceAll(alts, `\`, ""), "|") {
				m[w[:3]] = true
			}
		}
		return m
	}()
	// timeRe: (?i)\b, then a digit, "noon" or "midnight".
	timeStarts = byteSet(digitChars+"nm", true)
	timeFinder = newFinder(timeRe, func(s string, pos int) int { return nextBoundaryStart(s, pos, timeStarts, false) })
	// ordinalRe: (?i)\b, then a digit or an ordinal word.
	ordinalStarts = byteSet(digitChars+"fstenh", true)
	ordinalFinder = newFinder(ordinalRe, func(s string, pos int) int {
		return nextMayStart(s, pos, ordinalStarts, ordinalMayStart)
	})
	// wordNumberRe: (?i)\b, then a number word, "a dozen", "half a dozen",
	// "a few", "a couple of".
	wordNumberStarts = byteSet("otfsenadhmb", true)
	wordNumberFinder = newFinder(wordNumberRe, func(s string, pos int) int {
		return nextMayStart(s, pos, wordNumberStarts, wordNumberMayStart)
	})
)

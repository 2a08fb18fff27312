package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// WordSet is the set of the space-separated words of s, in lower case:
// the word lists of analysis and answering are written this way.
func WordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[strings.ToLower(w)] = true
	}
	return m
}

// StripPossessive removes a possessive ending ("Smith's" → "Smith").
func StripPossessive(s string) string {
	for _, suf := range []string{"’s", "'s", "’", "'"} {
		s = strings.TrimSuffix(s, suf)
	}
	return s
}

// negations are the words that negate a clause.
var negations = WordSet("not never no none nobody nothing neither nor cannot without n't don't doesn't didn't isn't wasn't aren't weren't won't wouldn't can't couldn't hasn't haven't hadn't")

// HasNegation reports whether s holds a negation.
func HasNegation(s string) bool {
	for _, w := range strings.Fields(strings.ToLower(strings.ReplaceAll(s, "’", "'"))) {
		if negations[strings.Trim(w, ".,;:!?\"'()")] || strings.HasSuffix(strings.Trim(w, ".,;:!?\"'()"), "n't") {
			return true
		}
	}
	return false
}

// StartsUpper reports whether s begins with an upper-case letter (a
// name, not a role: "Mayor Reyes", not "the mayor").
func StartsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

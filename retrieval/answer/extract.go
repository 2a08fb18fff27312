package answer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	rtext "github.com/citebot/citebot/retrieval/text"

	"github.com/citebot/citebot/retrieval"
)

// A candidate is a span of a sentence that could be the short answer.
type candidate struct {
	retrieval.Span         // absolute offsets
	prior          float64 // how typical the span is of its type
	afterPrep      bool    // follows a locative preposition ("in Europe")
}

var (
	numberWords = `(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen|dozens|hundreds|thousands|millions|billions|half|several|few|many|numerous|none|single|multiple|both|twice|double|triple|countless)`
	scaleWords  = `(?:hundred|thousand|million|billion|trillion|dozen)`
	numModifier = `(?:(?:more|fewer|less|greater|higher|lower) than|over|under|about|around|nearly|almost|approximately|roughly|at least|at most|up to|some|just over|just under|an estimated|as many as|as few as)`

	// numberRe matches amounts: "7,500", "100,000+", "$4.2 billion",
	// "3.5%", "more than a dozen", "over a dozen", "two million".
	numberRe = regexp.MustCompile(`(?i)(?:\b` + numModifier + `\s+)?(?:(?:[$£€¥]\s?)?\d+(?:,\d{3})*(?:\.\d+)?(?:\s*(?:%|percent\b|per cent\b|` + scaleWords + `s?\b))?\+?|\b` + numberWords + `(?:[\s-]+` + numberWords + `)*(?:\s+` + scaleWords + `s?)?\b)`)

	months   = `(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)`
	weekdays = `(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`
	// dateRe matches dates: "November 28, 2025", "28 November 2025",
	// "November 2025", "2025-11-28", "Friday", "the 1990s", "19th century",
	// and bare years.
	dateRe = regexp.MustCompile(`\b(?:` + months + `\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+` + months + `,?\s+\d{4}|` + months + `\s+\d{1,2}(?:st|nd|rd|th)?|` + months + `(?:\s+(?:of\s+)?\d{4})?|\d{4}-\d{2}-\d{2}|` + weekdays + `|(?:the\s+)?\d{3}0s|\d{1,2}(?:st|nd|rd|th)(?:\s+and\s+\d{1,2}(?:st|nd|rd|th))?\s+centur(?:y|ies)|(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first)\s+century|\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|[\d.,]+\s+(?:million\s+|billion\s+)?years\s+ago|(?:1[0-9]|20|21)\d{2})\b`)

	yearRe = regexp.MustCompile(`^(?:1[0-9]|20|21)\d{2}$`)
)

var connectors = map[string]bool{"of": true, "the": true, "de": true, "van": true, "von": true, "da": true, "du": true, "la": true, "le": true, "al": true, "bin": true, "and": false, "for": true}

// nameSpans finds runs of capitalised words ("New York Times", "Afrikaner
// South Africans", "Humeyra Pamuk"), allowing lower-case connectors inside
// ("University of Chicago"). A run that starts the sentence with a word that
// rarely names anything is trimmed.
func nameSpans(text string, within retrieval.Span) []retrieval.Span {
	type w struct {
		s, e  int
		cap   bool
		conn  bool
		punct bool // followed by punctuation that ends a name
	}
	var words []w
	seg := text[within.Start:within.End]
	i := 0
	for i < len(seg) {
		r, size := utf8.DecodeRuneInString(seg[i:])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			i += size
			continue
		}
		j := i
		for j < len(seg) {
			r2, s2 := utf8.DecodeRuneInString(seg[j:])
			if unicode.IsLetter(r2) || unicode.IsDigit(r2) || r2 == '-' || r2 == '\'' || r2 == '’' || r2 == '.' && j+s2 < len(seg) && seg[j+s2] != ' ' {
				j += s2
				continue
			}
			break
		}
		word := seg[i:j]
		word = strings.TrimRight(word, ".-'’")
		end := i + len(word)
		// Possessive "Trump’s" names "Trump".
		for _, suf := range []string{"’s", "'s"} {
			if strings.HasSuffix(word, suf) {
				end -= len(suf)
				word = word[:len(word)-len(suf)]
			}
		}
		first, _ := utf8.DecodeRuneInString(word)
		punct := false
		if end < len(seg) {
			nr, _ := utf8.DecodeRuneInString(seg[end:])
			punct = nr != ' '
		}
		words = append(words, w{s: i, e: end, cap: unicode.IsUpper(first), conn: connectors[word], punct: punct})
		if j == i {
			j = i + size
		}
		i = j
	}
	var out []retrieval.Span
	for k := 0; k < len(words); k++ {
		if !words[k].cap {
			continue
		}
		start := k
		end := k
		for m := k + 1; m < len(words); m++ {
			if words[m-1].punct {
				break
			}
			if words[m].cap {
				end = m
				continue
			}
			if words[m].conn && m+1 < len(words) && words[m+1].cap && !words[m].punct {
				continue
			}
			break
		}
		// Drop leading words that are not names ("The", "In").
		for start <= end && rtext.IsNonName(seg[words[start].s:words[start].e]) {
			start++
		}
		if start <= end {
			out = append(out, retrieval.Span{Start: within.Start + words[start].s, End: within.Start + words[end].e})
		}
		k = end
	}
	return out
}

// Cheap tests that let most sentences skip the candidate regular
// expressions, which dominate answering time when they run on everything.

// numberWordSet holds the words numberRe can match without a digit.
var numberWordSet = wordSet(numberWords)

// dateWordSet holds the words dateRe can match without a digit.
var dateWordSet = wordSet(months + weekdays + "(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first)")

// wordSet extracts the lower-case words of a regular expression's
// alternations.
func wordSet(re string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(re, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
		out[strings.ToLower(w)] = true
	}
	return out
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func mayHoldNumber(s string) bool { return hasDigit(s) || hasWordIn(s, numberWordSet) }

func mayHoldDate(s string) bool { return hasDigit(s) || hasWordIn(s, dateWordSet) }

// hasWordIn reports whether any word of s, lower-cased, is in set.
func hasWordIn(s string, set map[string]bool) bool {
	start := -1
	for i, r := range s {
		letter := unicode.IsLetter(r)
		switch {
		case letter && start < 0:
			start = i
		case !letter && start >= 0:
			if set[strings.ToLower(s[start:i])] {
				return true
			}
			start = -1
		}
	}
	return start >= 0 && set[strings.ToLower(s[start:])]
}

// isTitleCase reports whether most words of four letters or more are
// capitalised, as in headlines.
func isTitleCase(s string) bool {
	long, capped := 0, 0
	for _, w := range strings.Fields(s) {
		if utf8.RuneCountInString(w) < 4 {
			continue
		}
		long++
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			capped++
		}
	}
	return long >= 3 && capped*10 >= long*7
}

var locatives = map[string]bool{"in": true, "at": true, "from": true, "to": true, "across": true, "throughout": true, "near": true, "into": true, "within": true, "of": false}

// afterLocative reports whether the word before offset at (within the
// sentence starting at from) is a locative preposition ("in Europe").
func afterLocative(text string, from, at int) bool {
	before := strings.Fields(text[from:at])
	return len(before) > 0 && locatives[strings.ToLower(before[len(before)-1])]
}

// roleNouns name a person by role when no name is given ("the president").
var roleNouns = regexp.MustCompile(`(?i)\bthe\s+(?:president|prime minister|spokesperson|spokesman|spokeswoman|secretary|minister|chancellor|governor|mayor|senator|judge|author|ceo|director|chief|king|queen|pope|official|officials|administration)\b`)

// candidates returns the spans of the sentence that fit the answer type.
func candidates(text string, sent retrieval.Span, t AnswerType, plural bool) []candidate {
	seg := text[sent.Start:sent.End]
	var out []candidate
	add := func(s, e int, prior float64) {
		sp, ok := rtext.TrimSpan(text, retrieval.Span{Start: sent.Start + s, End: sent.Start + e})
		if ok {
			out = append(out, candidate{Span: sp, prior: prior})
		}
	}
	switch t {
	case TypeNumber:
		if !mayHoldNumber(seg) {
			break
		}
		for _, m := range numberRe.FindAllStringIndex(seg, -1) {
			s := strings.TrimSpace(seg[m[0]:m[1]])
			if s == "" || strings.EqualFold(s, "a") || strings.EqualFold(s, "many") || strings.EqualFold(s, "both") {
				continue // alone, these are articles and determiners more than amounts
			}
			prior := 1.0
			if yearRe.MatchString(s) {
				prior = 0.25 // a bare year is rarely an amount
			}
			if !strings.ContainsAny(s, "0123456789") {
				prior *= 0.8
			}
			add(m[0], m[1], prior)
		}
	case TypeDate:
		if !mayHoldDate(seg) {
			break
		}
		for _, m := range dateRe.FindAllStringIndex(seg, -1) {
			add(m[0], m[1], 1)
		}
	case TypePerson, TypeOrg, TypePlace:
		// In a title-case headline every word is capitalised, so only a
		// name after a preposition ("… in Europe, Canada, and Australia")
		// is evidence of anything.
		titleCase := isTitleCase(seg)
		for _, sp := range nameSpans(text, sent) {
			prior := 1.0
			loc := afterLocative(text, sent.Start, sp.Start)
			switch {
			case t == TypePlace && loc:
				prior = 1.3
			case t == TypePlace:
				prior = 0.7
			}
			if t == TypePerson && strings.Contains(text[sp.Start:sp.End], " ") {
				prior = 1.1
			}
			if dateRe.MatchString(text[sp.Start:sp.End]) && len(text[sp.Start:sp.End]) < 12 {
				prior = 0.2 // "Friday", "November"
			}
			out = append(out, candidate{Span: sp, prior: prior, afterPrep: loc})
		}
		if t == TypePlace || plural {
			out = mergeLists(text, out)
		}
		if titleCase {
			kept := out[:0]
			for _, c := range out {
				if c.afterPrep {
					kept = append(kept, c)
				}
			}
			out = kept
		}
		if t == TypePerson {
			for _, m := range roleNouns.FindAllStringIndex(seg, -1) {
				add(m[0]+4, m[1], 0.6) // without "the "
			}
		}
	case TypeQuote:
		for _, sp := range rtext.QuotedSpans(seg) {
			inner, ok := rtext.TrimSpan(text, retrieval.Span{Start: sent.Start + sp.Start, End: sent.Start + sp.End})
			if !ok {
				continue
			}
			// "… a nation," – the closing comma belongs to the sentence.
			for inner.End > inner.Start && strings.ContainsRune(",.;:", rune(text[inner.End-1])) {
				inner.End--
			}
			if inner.End-inner.Start >= 8 {
				out = append(out, candidate{Span: inner, prior: 1})
			}
		}
	}
	return out
}

// mergeLists joins adjacent names separated by ", ", " and ", ", and " or
// " or " into one candidate ("Europe, Canada, and Australia").
func mergeLists(text string, in []candidate) []candidate {
	if len(in) < 2 {
		return in
	}
	var out []candidate
	cur := in[0]
	n := 1
	for _, c := range in[1:] {
		gap := text[cur.End:c.Start]
		switch strings.TrimSpace(gap) {
		case ",", "and", ", and", "or", ", or", "&":
			cur.End = c.End
			n++
			continue
		}
		if n > 1 {
			cur.prior *= 1.2
		}
		out = append(out, cur)
		cur, n = c, 1
	}
	if n > 1 {
		cur.prior *= 1.2
	}
	return append(out, cur)
}

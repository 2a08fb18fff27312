package bot

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ResolveFollowUp returns the question to ask for text, a message in a
// conversation whose latest question was earlier. Chat applies it to
// every message in a conversation the bot takes part in; other adapters
// may call it directly. The retrieval core sees one self-contained
// question either way.
//
// The rule works on word classes, not on particular words: each word is
// a function word (articles, prepositions, pronouns, auxiliaries,
// question words), a number or date (any word with a digit, month and
// day names), a name (capitalised), or a common word.
//
//   - A complete question stands alone: it opens with a question word or
//     an auxiliary, has at least two words of content and no pronoun
//     ("Who wrote the CRBC News article?"). It is asked as written.
//   - A question that leans on the earlier one through a pronoun, or has
//     too little content of its own ("What was it in fiscal 2024?",
//     "Who wrote it?", "Why?"), gets the earlier question's topic (its
//     words after the question frame) in place of the pronoun, or
//     appended. Numbers or names the follow-up brings replace the
//     topic's own.
//   - A fragment ("and in fiscal 2024?", "what about Germany?", "and the
//     asylum backlog?") is slotted into the earlier question: a phrase
//     with a number replaces the earlier question's numbers, names
//     replace its names, other words replace its closing noun phrase;
//     a phrase with no counterpart is appended, led by the follow-up's
//     own preposition.
//
// So "and in fiscal 2024?" after "What was the FY2026 refugee cap?"
// asks "What was the fiscal 2024 refugee cap?". An empty earlier
// question returns text unchanged; an empty text returns earlier.
func ResolveFollowUp(earlier, text string) string {
	e, f := splitWords(earlier), splitWords(text)
	switch {
	case len(e) == 0:
		return strings.TrimSpace(text)
	case len(f) == 0:
		return strings.TrimSpace(earlier)
	}
	f, fragment := stripConnectives(f)
	if len(f) == 0 {
		return strings.TrimSpace(earlier)
	}
	if !fragment && opensQuestion(f) {
		pronoun := slices.IndexFunc(f, func(w word) bool { return pronouns[w.lower] })
		if pronoun < 0 && countContent(f) >= 2 {
			return joinWords(f)
		}
		topic := topicOf(e, hasClass(f, classNumber), hasClass(f, className))
		if len(topic) == 0 {
			return joinWords(f)
		}
		if pronoun >= 0 {
			topic[0].lead = f[pronoun].lead + topic[0].lead
			topic[len(topic)-1].trail += f[pronoun].trail
			return joinWords(slices.Concat(f[:pronoun], topic, f[pronoun+1:]))
		}
		return joinWords(appendPhrase(f, "", topic))
	}
	out := slices.Clone(e)
	for _, p := range phrasesOf(f) {
		out = p.apply(out)
	}
	return joinWords(out)
}

// HasContent reports whether text has any word of content (not only
// function words, punctuation or emoji): "thanks!" and "ok" have none.
func HasContent(text string) bool { return countContent(splitWords(text)) > 0 }

// LooksLikeQuestion reports whether text reads as a question or a
// follow-up rather than conversation: it ends with a question mark, opens
// with a question word or auxiliary, or opens like a follow-up ("and in
// 2024", "what about …"). Adapters use it to pick, among un-addressed
// messages in a thread the bot takes part in, the ones meant for the
// bot.
func LooksLikeQuestion(text string) bool {
	t := strings.TrimSpace(text)
	if strings.HasSuffix(t, "?") {
		return true
	}
	w := splitWords(t)
	if len(w) == 0 {
		return false
	}
	if connectives[w[0].lower] {
		return true
	}
	_, fragment := stripConnectives(w)
	return fragment || opensQuestion(w)
}

// wordClass is what a word contributes to a question.
type wordClass int

const (
	classStop   wordClass = iota // function word or bare punctuation
	classCommon                  // other lower-case word
	className                    // capitalised word: a name, an acronym
	classNumber                  // has a digit, or names a month or day
)

// word is one whitespace-separated token: its core (letters and digits,
// with inner punctuation such as "7,500" or "Trump’s"), and the
// punctuation before and after it, kept so a rebuilt question reads
// like the original.
type word struct {
	lead, core, trail string
	lower             string
	class             wordClass
}

func splitWords(s string) []word {
	var out []word
	for _, f := range strings.Fields(s) {
		start := strings.IndexFunc(f, isWordRune)
		if start < 0 {
			out = append(out, word{lead: f})
			continue
		}
		end := strings.LastIndexFunc(f, isWordRune)
		_, size := utf8.DecodeRuneInString(f[end:])
		end += size
		w := word{lead: f[:start], core: f[start:end], trail: f[end:]}
		w.lower = strings.ToLower(w.core)
		w.class = classify(w.core, w.lower)
		out = append(out, w)
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func classify(core, lower string) wordClass {
	if core == "" {
		return classStop
	}
	r, _ := utf8.DecodeRuneInString(core)
	capital := unicode.IsUpper(r)
	switch {
	case strings.IndexFunc(core, unicode.IsDigit) >= 0:
		return classNumber
	case capital && temporal[lower]: // "May", not "may"
		return classNumber
	case utf8.RuneCountInString(core) > 1 && strings.ToUpper(core) == core: // "US", "UK"
		return className
	case functionWords[lower]:
		return classStop
	case capital:
		return className
	}
	return classCommon
}

// joinWords rebuilds a question, capitalising a leading function word
// (a follow-up stripped of "and" starts with "what").
func joinWords(ws []word) string {
	if len(ws) > 0 && ws[0].class == classStop && ws[0].lead == "" {
		r, size := utf8.DecodeRuneInString(ws[0].core)
		ws = slices.Clone(ws)
		ws[0].core = string(unicode.ToUpper(r)) + ws[0].core[size:]
	}
	parts := make([]string, 0, len(ws))
	for _, w := range ws {
		if s := w.lead + w.core + w.trail; s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

func countContent(ws []word) int {
	n := 0
	for _, w := range ws {
		if w.class != classStop {
			n++
		}
	}
	return n
}

func hasClass(ws []word, c wordClass) bool {
	return slices.ContainsFunc(ws, func(w word) bool { return w.class == c })
}

func opensQuestion(ws []word) bool {
	return len(ws) > 0 && (questionWords[ws[0].lower] || auxiliaries[ws[0].lower])
}

// stripConnectives drops the words that only link a follow-up to what
// came before ("and", "also", "what about") and reports whether the
// rest is a fragment by construction ("what about X" is never a complete
// question).
func stripConnectives(ws []word) ([]word, bool) {
	for len(ws) > 0 && connectives[ws[0].lower] {
		ws = ws[1:]
	}
	if len(ws) >= 2 && (ws[0].lower == "what" || ws[0].lower == "how") && (ws[1].lower == "about" || ws[1].lower == "of") {
		return ws[2:], true
	}
	return ws, false
}

// topicOf is the earlier question without its question frame (leading
// question words and auxiliaries) and, when the follow-up brings its own,
// without its numbers or names (each with the preposition that led it).
func topicOf(e []word, dropNumbers, dropNames bool) []word {
	i := 0
	for i < len(e) && (questionWords[e[i].lower] || auxiliaries[e[i].lower] || quantifiers[e[i].lower] || e[i].core == "") {
		i++
	}
	topic := slices.Clone(e[i:])
	if dropNumbers {
		topic = dropRuns(topic, classNumber)
	}
	if dropNames {
		topic = dropRuns(topic, className)
	}
	if len(topic) > 0 {
		topic[len(topic)-1].trail = strings.TrimRight(topic[len(topic)-1].trail, "?!.")
	}
	return topic
}

// dropRuns removes every run of words of class c, with a preposition
// directly before it and the common words between the two ("in fiscal
// 2026").
func dropRuns(ws []word, c wordClass) []word {
	var out []word
	for i := 0; i < len(ws); {
		if ws[i].class != c {
			out = append(out, ws[i])
			i++
			continue
		}
		j := len(out)
		for j > 0 && out[j-1].class == classCommon {
			j--
		}
		if j > 0 && prepositions[out[j-1].lower] {
			out = out[:j-1]
		}
		for i < len(ws) && ws[i].class == c {
			i++
		}
	}
	return out
}

// phrase is one run of content words of a fragment, with the
// preposition that led it.
type phrase struct {
	prep  string
	class wordClass
	words []word
}

// phrasesOf splits a fragment's content into phrases: names apart from
// the rest, and the rest a number phrase when it has a number ("fiscal
// 2024"), else common words. Numbers come first, then names, then
// common words, the order apply slots them in.
func phrasesOf(f []word) []phrase {
	var out []phrase
	prep := ""
	for i := 0; i < len(f); {
		if f[i].class == classStop {
			if prepositions[f[i].lower] {
				prep = f[i].core
			}
			i++
			continue
		}
		j := i
		for j < len(f) && f[j].class != classStop {
			j++
		}
		var names, rest []word
		for _, w := range f[i:j] {
			if w.class == className {
				names = append(names, w)
			} else {
				rest = append(rest, w)
			}
		}
		if len(names) > 0 {
			out = append(out, phrase{prep, className, names})
		}
		if len(rest) > 0 {
			c := classCommon
			if hasClass(rest, classNumber) {
				c = classNumber
			}
			out = append(out, phrase{prep, c, rest})
		}
		prep = ""
		i = j
	}
	order := map[wordClass]int{classNumber: 0, className: 1, classCommon: 2}
	slices.SortStableFunc(out, func(a, b phrase) int { return order[a.class] - order[b.class] })
	return out
}

// apply slots p into the question q (see ResolveFollowUp).
func (p phrase) apply(q []word) []word {
	start, end := -1, -1
	switch p.class {
	case classNumber, className:
		start = slices.IndexFunc(q, func(w word) bool { return w.class == p.class })
		if start >= 0 {
			end = start
			for end < len(q) && q[end].class == p.class {
				end++
			}
		}
	case classCommon:
		// The closing noun phrase: common words ending the question.
		end = len(q)
		start = end
		for start > 0 && q[start-1].class == classCommon {
			start--
		}
		if start == end {
			start = -1
		}
	}
	if start < 0 {
		prep := p.prep
		if prep == "" {
			prep = map[wordClass]string{classNumber: "in", className: "for"}[p.class]
		}
		return appendPhrase(q, prep, p.words)
	}
	words := slices.Clone(p.words)
	// "in fiscal 2026" + "fiscal 2024" must not read "in fiscal fiscal 2024".
	for k := start; len(words) > 1 && k > 0 && q[k-1].lower == words[0].lower; k-- {
		words = words[1:]
	}
	for i := range words {
		words[i].lead, words[i].trail = "", ""
	}
	words[0].lead = q[start].lead
	words[len(words)-1].trail = q[end-1].trail
	return slices.Concat(q[:start], words, q[end:])
}

// appendPhrase adds prep and words at the end of q, moving q's closing
// punctuation after them.
func appendPhrase(q []word, prep string, words []word) []word {
	if len(q) == 0 {
		return words
	}
	out := slices.Clone(q)
	last := &out[len(out)-1]
	closing := ""
	if t := strings.TrimRight(last.trail, "?!."); t != last.trail {
		closing = last.trail[len(t):]
		last.trail = t
	}
	if prep != "" {
		out = append(out, word{core: prep, lower: strings.ToLower(prep)})
	}
	for _, w := range words {
		w.lead, w.trail = "", ""
		out = append(out, w)
	}
	out[len(out)-1].trail = closing
	return out
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

var (
	questionWords = set("what", "who", "whom", "whose", "which", "when", "where", "why", "how")
	auxiliaries   = set("is", "are", "was", "were", "am", "do", "does", "did", "has", "have", "had",
		"will", "would", "can", "could", "should", "shall", "may", "might", "must")
	quantifiers  = set("many", "much")
	pronouns     = set("it", "its", "that", "this", "these", "those", "they", "them", "their", "he", "him", "his", "she", "her")
	connectives  = set("and", "or", "but", "so", "also", "then", "ok", "okay", "well", "now", "plus")
	prepositions = set("in", "on", "at", "for", "from", "by", "with", "about", "during", "since", "until",
		"before", "after", "over", "under", "between", "per", "of", "to", "into", "as", "within", "across", "against")
	temporal = set("january", "february", "march", "april", "may", "june", "july", "august", "september",
		"october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
		"oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
	// functionWords carry no content of their own.
	functionWords = func() map[string]bool {
		m := set("a", "an", "the", "not", "no", "yes", "any", "some", "all", "than", "there", "here",
			"i", "me", "my", "we", "us", "our", "you", "your", "please", "tell", "thanks", "thank",
			"just", "too", "again", "same", "one", "ones", "be", "been", "being", "if", "whether")
		for _, s := range []map[string]bool{questionWords, auxiliaries, quantifiers, pronouns, connectives, prepositions} {
			for w := range s {
				m[w] = true
			}
		}
		return m
	}()
)

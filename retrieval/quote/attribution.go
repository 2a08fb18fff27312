package quote

import (
	"context"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	rtext "github.com/citebot/citebot/retrieval/text"

	"github.com/citebot/citebot/retrieval"
)

// WhoSaid finds text in the documents (as CheckQuote does) and, for each
// place, who the document says said it: the text must stand inside
// quotation marks, with a speech verb (said, told, according to, quoted …
// saying, wrote, warned, …) and its subject in the same sentence or a
// neighbouring one. Opts.Top bounds the places examined for near matches.
func WhoSaid(ctx context.Context, b retrieval.Backend, text string, opts retrieval.QuoteOptions) (retrieval.Attribution, error) {
	qc, err := Check(ctx, b, text, opts)
	at := retrieval.Attribution{Text: qc.Text, Verdict: retrieval.AttributionNotFound, QuoteVerdict: qc.Verdict, Sources: []retrieval.AttributedQuote{}}
	if err != nil || qc.Verdict == retrieval.VerdictNotFound {
		return at, err
	}
	at.Verdict = retrieval.Unattributed
	best, bestRank := -1, 0
	for _, m := range qc.Matches {
		d, err := b.Document(ctx, m.Doc)
		if err != nil {
			return at, err
		}
		region := retrieval.Span{Start: m.Start, End: m.End}
		if m.Highlight != nil {
			region = *m.Highlight
		}
		src := attribute(d, m.Paragraph, region)
		src.Score, src.Differences = m.Score, m.Differences
		if src.Speaker != "" {
			at.Verdict = retrieval.Attributed
			if r := speakerRank(src.Speaker); best < 0 || r > bestRank {
				best, bestRank = len(at.Sources), r
			}
		}
		at.Sources = append(at.Sources, src)
	}
	if best >= 0 {
		at.Speaker = at.Sources[best].Speaker
	}
	return at, nil
}

// speakerRank prefers names to roles, and roles to pronouns.
func speakerRank(s string) int {
	switch {
	case subjectPronouns[strings.ToLower(s)]:
		return 0
	case startsUpper(s):
		return 2
	}
	return 1
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// attribute says who the document says spoke the words at region.
func attribute(d *retrieval.IndexedDoc, paragraph int, region retrieval.Span) retrieval.AttributedQuote {
	text := d.Text
	sents := paragraphSentences(d, paragraph)
	out := retrieval.AttributedQuote{Quotation: region, Differences: []retrieval.Difference{}}
	cite := func(sp retrieval.Span) {
		out.Citation = retrieval.Citation{
			Doc: d.ID, Metadata: d.Metadata, Collection: d.Collection, Paragraph: paragraph,
			Page: d.PageAt(sp.Start), Start: sp.Start, End: sp.End, Quote: text[sp.Start:sp.End], Score: 1,
		}
	}
	cite(sentencesCovering(d, paragraph, region))
	quote, ok := quotationAround(text, paragraphSpan(d, paragraph), region)
	if !ok {
		return out // not a direct quotation
	}
	_, openSize := utf8.DecodeLastRuneInString(text[:quote.Start])
	_, closeSize := utf8.DecodeRuneInString(text[quote.End:])
	open, closed := quote.Start-openSize, quote.End+closeSize
	kOpen, kClose := sentenceIndex(sents, open), sentenceIndex(sents, quote.End)
	if kOpen < 0 || kClose < kOpen {
		return out
	}
	whole := retrieval.Span{Start: sents[kOpen].Start, End: max(sents[kClose].End, closed)}
	found := func(a speech, from retrieval.Span) retrieval.AttributedQuote {
		speaker := text[a.subject.Start:a.subject.End]
		hl := a.subject
		if subjectPronouns[strings.ToLower(speaker)] {
			if name, ok := resolvePronoun(text, sents, sentenceIndex(sents, a.subject.Start), a.subject, strings.ToLower(speaker)); ok {
				speaker, hl = text[name.Start:name.End], name
				if i := sentenceIndex(sents, name.Start); i >= 0 {
					from.Start = min(from.Start, sents[i].Start)
				}
			} else if strings.EqualFold(speaker, "it") {
				return out // "it says": no one in particular
			}
		}
		cite(retrieval.Span{Start: min(from.Start, whole.Start), End: max(from.End, whole.End)})
		out.Speaker, out.Verb = speaker, a.verb
		if hl.Start >= out.Start && hl.End <= out.End {
			out.Highlight = &hl
		}
		return out
	}
	// The quotation's own sentence: the clause before the opening mark
	// (after any earlier quotation), then the one after the closing mark.
	before := retrieval.Span{Start: sents[kOpen].Start, End: open}
	if kOpen > 0 && endsWithInitial(text[sents[kOpen-1].Start:sents[kOpen-1].End]) {
		before.Start = sents[kOpen-1].Start // "Brian J." | "Ward wrote, “…”"
	}
	before.Start = lastQuoteEnd(text, before)
	if a, ok := speechBefore(text, before); ok {
		return found(a, before)
	}
	after := retrieval.Span{Start: closed, End: max(closed, sents[kClose].End)}
	if kClose+1 < len(sents) && endsWithInitial(text[after.Start:after.End]) {
		after.End = sents[kClose+1].End // "said Brian J." | "Ward."
	}
	after.End = firstQuoteStart(text, after)
	if a, ok := speechAfter(text, after); ok {
		return found(a, after)
	}
	// A neighbouring sentence: the one before ("Smith warned that … .
	// “…”") when the quotation opens its sentence, or a short one after
	// ("“…” Smith said.") when it closes it.
	if kOpen > 0 && isBlank(trimQuoteMarks(text[sents[kOpen].Start:open])) {
		if a, ok := speechIn(text, sents[kOpen-1]); ok {
			return found(a, sents[kOpen-1])
		}
	}
	if kClose+1 < len(sents) && isBlank(trimQuoteMarks(text[closed:max(closed, sents[kClose].End)])) {
		next := sents[kClose+1]
		if len(strings.Fields(text[next.Start:next.End])) <= 8 {
			if a, ok := speechAfter(text, next); ok {
				return found(a, next)
			}
		}
	}
	return out
}

// endsWithInitial reports text that ends with an initial or a title
// ("… J.", "… Dr."), where a sentence splitter may have cut a name.
func endsWithInitial(s string) bool {
	f := strings.Fields(s)
	return len(f) > 0 && strings.HasSuffix(f[len(f)-1], ".") && isInitialOrTitle(f[len(f)-1])
}

// sentenceIndex returns the index of the sentence holding offset at (or
// ending at it), -1 when none does.
func sentenceIndex(sents []retrieval.Span, at int) int {
	for i, s := range sents {
		if s.Start <= at && at <= s.End {
			return i
		}
	}
	return -1
}

// paragraphSentences returns the sentences of one paragraph in order,
// each once (overlapping windows repeat one).
func paragraphSentences(d *retrieval.IndexedDoc, paragraph int) []retrieval.Span {
	var out []retrieval.Span
	for _, p := range d.Passages {
		if p.Paragraph != paragraph {
			continue
		}
		for _, s := range p.Sentences {
			if n := len(out); n == 0 || s.Start >= out[n-1].End {
				out = append(out, s)
			}
		}
	}
	return out
}

// quotationAround returns the quotation (the text inside quotation marks)
// within span that holds most of region, or false.
func quotationAround(text string, span, region retrieval.Span) (retrieval.Span, bool) {
	for _, q := range rtext.QuotedSpans(text[span.Start:span.End]) {
		q = retrieval.Span{Start: span.Start + q.Start, End: span.Start + q.End}
		overlap := min(q.End, region.End) - max(q.Start, region.Start)
		if overlap > 0 && 5*overlap >= 4*(region.End-region.Start) {
			return q, true
		}
	}
	return retrieval.Span{}, false
}

var quoteMarks = "\"“”«»"

func trimQuoteMarks(s string) string {
	return strings.Trim(s, quoteMarks+" \t\n.,;:!?—–-")
}

// lastQuoteEnd returns the offset just after the last quotation mark in
// sp, or sp.Start: the clause before a quotation starts after any earlier
// quotation.
func lastQuoteEnd(text string, sp retrieval.Span) int {
	if i := strings.LastIndexAny(text[sp.Start:sp.End], quoteMarks); i >= 0 {
		_, size := utf8.DecodeRuneInString(text[sp.Start+i:])
		return sp.Start + i + size
	}
	return sp.Start
}

// firstQuoteStart returns the offset of the first quotation mark in sp,
// or sp.End.
func firstQuoteStart(text string, sp retrieval.Span) int {
	if i := strings.IndexAny(text[sp.Start:sp.End], quoteMarks); i >= 0 {
		return sp.Start + i
	}
	return sp.End
}

// speech is a speech verb and its subject, as document offsets.
type speech struct {
	verb    string
	subject retrieval.Span
}

// speechVerbs are the verbs that attribute words to a speaker, in every
// form the subject comes before ("said") or after ("said Smith").
var speechVerbs = func() map[string]bool {
	m := map[string]bool{}
	for _, forms := range [][]string{
		{"say", "says", "said", "saying"}, {"state", "states", "stated", "stating"},
		{"tell", "tells", "told", "telling"}, {"write", "writes", "wrote", "writing"},
		{"argue", "argues", "argued", "arguing"}, {"add", "adds", "added", "adding"},
		{"warn", "warns", "warned", "warning"}, {"note", "notes", "noted", "noting"},
		{"explain", "explains", "explained", "explaining"}, {"declare", "declares", "declared", "declaring"},
		{"insist", "insists", "insisted", "insisting"}, {"claim", "claims", "claimed", "claiming"},
		{"assert", "asserts", "asserted", "asserting"}, {"ask", "asks", "asked", "asking"},
		{"reply", "replies", "replied", "replying"}, {"respond", "responds", "responded", "responding"},
		{"remark", "remarks", "remarked", "remarking"}, {"announce", "announces", "announced", "announcing"},
		{"recall", "recalls", "recalled", "recalling"}, {"observe", "observes", "observed", "observing"},
		{"comment", "comments", "commented", "commenting"}, {"conclude", "concludes", "concluded", "concluding"},
		{"acknowledge", "acknowledges", "acknowledged", "acknowledging"}, {"admit", "admits", "admitted", "admitting"},
		{"emphasize", "emphasizes", "emphasized", "emphasizing"}, {"emphasise", "emphasises", "emphasised", "emphasising"},
		{"stress", "stresses", "stressed", "stressing"}, {"affirm", "affirms", "affirmed", "affirming"},
		{"reiterate", "reiterates", "reiterated", "reiterating"}, {"tweet", "tweets", "tweeted", "tweeting"},
		{"quip", "quips", "quipped"}, {"concede", "concedes", "conceded", "conceding"},
		{"caution", "cautions", "cautioned", "cautioning"}, {"predict", "predicts", "predicted", "predicting"},
		{"testify", "testifies", "testified", "testifying"}, {"exclaim", "exclaims", "exclaimed", "exclaiming"},
		{"complain", "complains", "complained", "complaining"}, {"vow", "vows", "vowed", "vowing"},
		{"recount", "recounts", "recounted", "recounting"}, {"continue", "continues", "continued"},
		{"answer", "answers", "answered"}, {"joke", "jokes", "joked"}, {"boast", "boasts", "boasted"},
		{"proclaim", "proclaims", "proclaimed"}, {"contend", "contends", "contended"},
		{"maintain", "maintains", "maintained"}, {"counter", "counters", "countered"},
		{"confirm", "confirms", "confirmed"}, {"suggest", "suggests", "suggested"},
	} {
		for _, f := range forms {
			m[f] = true
		}
	}
	return m
}()

var subjectPronouns = map[string]bool{"he": true, "she": true, "they": true, "i": true, "we": true, "it": true, "you": true}

// skippable words stand between a subject and its verb ("has said",
// "also told", "later wrote").
var skippable = map[string]bool{
	"has": true, "have": true, "had": true, "also": true, "later": true, "then": true, "once": true,
	"again": true, "even": true, "still": true, "further": true, "first": true, "famously": true,
	"reportedly": true, "would": true, "will": true, "did": true, "does": true, "do": true,
	"was": true, "is": true, "were": true, "are": true, "be": true, "been": true, "not": true,
}

// npStops end a noun phrase read backwards from its verb: a subject
// never runs over them.
var npStops = map[string]bool{
	"that": true, "which": true, "who": true, "whom": true, "and": true, "but": true, "or": true,
	"in": true, "on": true, "to": true, "with": true, "by": true, "from": true, "as": true,
	"than": true, "when": true, "while": true, "after": true, "before": true, "because": true,
	"if": true, "so": true, "quotes": true, "quoted": true, "cites": true, "cited": true,
	"where": true, "into": true, "about": true, "under": true, "during": true, "since": true,
}

var determinersNP = map[string]bool{
	"the": true, "a": true, "an": true, "his": true, "her": true, "their": true, "its": true,
	"our": true, "my": true, "your": true, "this": true, "that": true, "one": true, "another": true,
}

// aword is a word of a clause with its offsets.
type aword struct {
	start, end int
	text       string
	lower      string
}

// wordRe matches a word: letters (with inner apostrophes, hyphens and
// dots, as in "O’Brien", "Boily-Larouche", "U.S."), or a number.
var wordRe = regexp.MustCompile(`\p{L}[\p{L}\p{M}'’.-]*|\p{N}[\p{N},.]*`)

func clauseWords(text string, sp retrieval.Span) []aword {
	var out []aword
	for _, m := range wordRe.FindAllStringIndex(text[sp.Start:sp.End], -1) {
		s := sp.Start + m[0]
		w := text[s : sp.Start+m[1]]
		// A trailing dot ends the sentence, unless the word is an
		// initial or a title ("J.", "Dr.").
		if strings.HasSuffix(w, ".") && !isInitialOrTitle(w) {
			w = strings.TrimRight(w, ".")
		}
		if w = strings.TrimRight(w, "'’-"); w == "" {
			continue
		}
		out = append(out, aword{start: s, end: s + len(w), text: w, lower: strings.ToLower(w)})
	}
	return out
}

func isInitialOrTitle(w string) bool {
	switch strings.TrimSuffix(w, ".") {
	case "Dr", "Mr", "Mrs", "Ms", "Prof", "St", "Jr", "Sr", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Capt", "Sgt", "Rev", "Hon":
		return true
	}
	r, size := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) && len(w) == size+1
}

// joined reports whether only white space separates two words (no comma
// or other punctuation).
func joined(text string, a, b aword) bool { return isBlank(text[a.end:b.start]) }

// speechBefore finds a speech verb in the clause before a quotation and
// its subject: "Elway stated, “…”", "It quotes Trump stating, “…”",
// "According to X, “…”", "X was quoted as saying, “…”", "X told
// reporters on Monday, “…”". The verb is the last one in the clause, at
// most 8 words before the quotation.
func speechBefore(text string, sp retrieval.Span) (speech, bool) {
	ws := clauseWords(text, sp)
	for i := len(ws) - 1; i >= 0 && i >= len(ws)-9; i-- {
		if a, ok := speechAt(text, ws, i); ok {
			return a, true
		}
	}
	return speech{}, false
}

// speechIn finds the last speech verb of a whole sentence and its
// subject (for a quotation in the next sentence).
func speechIn(text string, sp retrieval.Span) (speech, bool) {
	ws := clauseWords(text, sp)
	for i := len(ws) - 1; i >= 0; i-- {
		if a, ok := speechAt(text, ws, i); ok {
			return a, true
		}
	}
	return speech{}, false
}

// speechAt reads ws[i] as a speech verb with its subject before it.
func speechAt(text string, ws []aword, i int) (speech, bool) {
	w := ws[i]
	switch {
	case w.lower == "according" && i+1 < len(ws) && ws[i+1].lower == "to":
		if np, ok := npAfter(text, ws, i+2); ok {
			return speech{verb: "according to", subject: np}, true
		}
		return speech{}, false
	case w.lower == "quote" && i == len(ws)-1 && i > 0:
		// A label: "Trump quote: “…”".
		if np, ok := npBefore(text, ws, i); ok && startsUpper(text[np.Start:np.End]) {
			return speech{verb: "quote", subject: np}, true
		}
		return speech{}, false
	case !isSpeechVerb(ws, i):
		return speech{}, false
	}
	// "quoted (by the Times) as saying": the one quoted is the subject of
	// "is quoted", or the object of "quoted".
	if i > 0 && ws[i-1].lower == "as" && strings.HasSuffix(w.lower, "ing") {
		for j := i - 2; j >= 0 && j >= i-8; j-- {
			if ws[j].lower != "quoted" && ws[j].lower != "quotes" {
				continue
			}
			if j+1 < i-1 && ws[j+1].lower != "by" && ws[j+1].lower != "as" {
				if np, ok := npAfter(text, ws, j+1); ok {
					return speech{verb: "quoted … " + w.lower, subject: np}, true
				}
			}
			if np, ok := npBefore(text, ws, j); ok {
				return speech{verb: "quoted … " + w.lower, subject: np}, true
			}
			return speech{}, false
		}
		return speech{}, false
	}
	// A passive without an agent ("it has been said") names no one.
	if i > 0 && (ws[i-1].lower == "been" || ws[i-1].lower == "be") {
		return speech{}, false
	}
	np, ok := npBefore(text, ws, i)
	if !ok {
		return speech{}, false
	}
	return speech{verb: w.lower, subject: np}, true
}

// speechAfter reads the clause after a quotation: ", said Smith" or ",
// Smith said" (the verb within the first six words).
func speechAfter(text string, sp retrieval.Span) (speech, bool) {
	ws := clauseWords(text, sp)
	for i := 0; i < len(ws) && i < 6; i++ {
		if !isSpeechVerb(ws, i) {
			continue
		}
		if i == 0 {
			if strings.HasSuffix(ws[0].lower, "ing") {
				return speech{}, false // "…,” emphasizing X": not a speaker
			}
			if np, ok := npAfter(text, ws, 1); ok {
				return speech{verb: ws[0].lower, subject: np}, true
			}
			return speech{}, false
		}
		if i > 0 && (ws[i-1].lower == "been" || ws[i-1].lower == "be") {
			return speech{}, false
		}
		np, ok := npBefore(text, ws, i)
		if ok && np.Start == ws[0].start {
			return speech{verb: ws[i].lower, subject: np}, true
		}
		return speech{}, false
	}
	return speech{}, false
}

// isSpeechVerb reports a speech verb at ws[i]; capitalised, only as the
// first word ("State Department" is not "state").
func isSpeechVerb(ws []aword, i int) bool {
	return speechVerbs[ws[i].lower] && (i == 0 || ws[i].text == ws[i].lower)
}

// npBefore returns the noun phrase that ends just before ws[i] (skipping
// auxiliaries and adverbs): a pronoun, a run of capitalised words (a
// name), or up to six words back to a determiner ("a State Department
// spokesperson", "the president").
func npBefore(text string, ws []aword, i int) (retrieval.Span, bool) {
	j := i - 1
	for j >= 0 && ws[j].text == ws[j].lower && (skippable[ws[j].lower] || strings.HasSuffix(ws[j].lower, "ly")) && joined(text, ws[j], ws[j+1]) {
		j--
	}
	if j < 0 || ws[j].text == ws[j].lower && (npStops[ws[j].lower] || speechVerbs[ws[j].lower]) {
		return retrieval.Span{}, false
	}
	if subjectPronouns[ws[j].lower] && !surnameAt(text, ws, j) {
		return retrieval.Span{Start: ws[j].start, End: ws[j].end}, true
	}
	if startsUpper(ws[j].text) && (!determinersNP[ws[j].lower] || j > 0 && startsUpper(ws[j-1].text) && joined(text, ws[j-1], ws[j])) {
		k := nameStart(text, ws, j)
		// "The BBC", "the Nobel Foundation": the article belongs to it.
		if k > 0 && joined(text, ws[k-1], ws[k]) && ws[k-1].lower == "the" {
			k--
		}
		return retrieval.Span{Start: ws[k].start, End: ws[j].end}, true
	}
	k := j
	for n := 0; n < 6 && k > 0; n++ {
		if determinersNP[ws[k].lower] {
			break
		}
		prev := ws[k-1]
		if !joined(text, prev, ws[k]) || prev.text == prev.lower && (npStops[prev.lower] || speechVerbs[prev.lower] || skippable[prev.lower]) {
			break
		}
		k--
	}
	return retrieval.Span{Start: ws[k].start, End: ws[j].end}, true
}

// notName reports a capitalised word that rarely names anyone ("The",
// "In", "However"); titles ("Dr", "Sen") and surnames that are also
// common words after a first name ("Ying He") do name someone.
func notName(ws []aword, k int) bool {
	if isInitialOrTitle(ws[k].text + ".") {
		return false
	}
	return rtext.IsNonName(ws[k].text)
}

// nameStart returns the first word of the run of capitalised words (and
// connectors inside it) that ends at ws[j], leaving out leading words
// that rarely name anyone ("The", "In").
func nameStart(text string, ws []aword, j int) int {
	k := j
	for k > 0 && joined(text, ws[k-1], ws[k]) && (startsUpper(ws[k-1].text) || nameConnector(ws, k-1)) && !notName(ws, k-1) {
		k--
	}
	for k < j && (nameConnector(ws, k) || notName(ws, k)) {
		k++
	}
	return k
}

// nameRuns returns the names of a span: runs of capitalised words
// (initials and connectors inside), without leading words that rarely
// name anyone, and not the sentence's first word alone when it is
// followed by a lower-case word.
func nameRuns(text string, sp retrieval.Span) []retrieval.Span {
	ws := clauseWords(text, sp)
	var out []retrieval.Span
	for j := len(ws) - 1; j >= 0; j-- {
		if !startsUpper(ws[j].text) || notName(ws, j) && !surnameAt(text, ws, j) {
			continue
		}
		k := nameStart(text, ws, j)
		if !notName(ws, k) && startsUpper(ws[k].text) {
			out = append(out, retrieval.Span{Start: ws[k].start, End: ws[j].end})
		}
		j = k
	}
	for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
		out[l], out[r] = out[r], out[l]
	}
	return out
}

// npAfter returns the noun phrase starting at ws[i]: a pronoun, a name,
// or a determiner and up to five more words, ending at punctuation.
func npAfter(text string, ws []aword, i int) (retrieval.Span, bool) {
	if i >= len(ws) {
		return retrieval.Span{}, false
	}
	if subjectPronouns[ws[i].lower] {
		return retrieval.Span{Start: ws[i].start, End: ws[i].end}, true
	}
	j := i
	if startsUpper(ws[i].text) && !determinersNP[ws[i].lower] {
		for j+1 < len(ws) && joined(text, ws[j], ws[j+1]) && (startsUpper(ws[j+1].text) || nameConnector(ws, j+1) && j+2 < len(ws) && startsUpper(ws[j+2].text)) {
			j++
		}
		return retrieval.Span{Start: ws[i].start, End: ws[j].end}, true
	}
	for j+1 < len(ws) && j-i < 5 && joined(text, ws[j], ws[j+1]) && !(ws[j+1].text == ws[j+1].lower && (npStops[ws[j+1].lower] || speechVerbs[ws[j+1].lower])) {
		j++
	}
	return retrieval.Span{Start: ws[i].start, End: ws[j].end}, true
}

// surnameAt reports a capitalised word that is usually a function word
// ("He", "To") but follows a capitalised first name here ("Ying He").
func surnameAt(text string, ws []aword, j int) bool {
	return j > 0 && startsUpper(ws[j].text) && startsUpper(ws[j-1].text) && joined(text, ws[j-1], ws[j]) && !notName(ws, j-1)
}

// nameConnector reports a lower-case word inside a name ("University of
// Chicago", "Ludwig van Beethoven").
func nameConnector(ws []aword, i int) bool {
	switch ws[i].lower {
	case "of", "van", "von", "de", "da", "du", "la", "le", "al", "bin", "der", "den":
		return ws[i].text == ws[i].lower
	}
	return false
}

// resolvePronoun finds the name a pronoun at pro (in sentence k of sents)
// stands for: the first name of the nearest sentence that has one,
// counting the pronoun's own sentence up to the pronoun, looking at most
// three sentences back. "it" stands for the subject of its sentence when
// that opens with a determiner ("The cable … it says").
func resolvePronoun(text string, sents []retrieval.Span, k int, pro retrieval.Span, lower string) (retrieval.Span, bool) {
	for i := k; i >= 0 && i >= k-3; i-- {
		sp := sents[i]
		if i == k {
			sp.End = pro.Start
		}
		if sp.End <= sp.Start {
			continue
		}
		if lower == "it" {
			ws := clauseWords(text, sp)
			if len(ws) >= 2 && determinersNP[ws[0].lower] && ws[0].lower != "one" {
				return retrieval.Span{Start: ws[0].start, End: ws[1].end}, true
			}
			continue
		}
		for _, n := range nameRuns(text, sp) {
			if !inQuotes(text, sp, n) {
				return n, true
			}
		}
	}
	return retrieval.Span{}, false
}

// inQuotes reports whether span n lies inside a quotation of sentence sp.
func inQuotes(text string, sp, n retrieval.Span) bool {
	for _, q := range rtext.QuotedSpans(text[sp.Start:sp.End]) {
		if sp.Start+q.Start <= n.Start && n.End <= sp.Start+q.End {
			return true
		}
	}
	return false
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

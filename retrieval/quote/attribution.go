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
	case rtext.StartsUpper(s):
		return 2
	}
	return 1
}

// attribute says who the document says spoke the words at region.
//
// It looks, in order, at: an interview answer marked "((Name))"; the
// quotation's own sentence before its opening mark ("X said, “…”",
// "Remarked X, “…”", "“…,” said X, “…”", "According to X, “…”", "X
// called it “…”", a clause ending in a colon "X disagreed with these
// findings: “…”"); its own sentence after the closing mark ("“…,” said
// X", "“…,” X told TASS", "“…,” according to X"); the sentence before,
// when the quotation opens its sentence (a continuation of an attributed
// quotation, or "X warned that … . “…”"); and a short sentence after.
// A pronoun is resolved to a name in the sentences before it (the
// paragraph before too); an unresolved pronoun, or a speaker introduced
// without a name or an organisation ("One MP", "an eyewitness"), leaves
// the quotation unattributed: a wrong speaker is worse than none.
func attribute(d *retrieval.IndexedDoc, paragraph int, region retrieval.Span) retrieval.AttributedQuote {
	text := d.Text
	sents := paragraphSentences(d, paragraph)
	earlier := paragraphSentences(d, paragraph-1) // for pronouns and neighbours
	out := retrieval.AttributedQuote{Quotation: region, Differences: []retrieval.Difference{}}
	cite := func(sp retrieval.Span) {
		out.Citation = retrieval.Citation{
			Doc: d.ID, Metadata: d.Metadata, Collection: d.Collection, Paragraph: paragraph,
			Page: d.PageAt(sp.Start), Start: sp.Start, End: sp.End, Quote: text[sp.Start:sp.End], Score: 1,
		}
	}
	cite(sentencesCovering(d, paragraph, region))
	para := paragraphSpan(d, paragraph)
	found := func(a speech, from retrieval.Span) retrieval.AttributedQuote {
		if a.anonymous {
			return out
		}
		speaker := text[a.subject.Start:a.subject.End]
		hl := a.subject
		lower := strings.ToLower(speaker)
		if p := objectPronouns[lower]; p != "" {
			lower = p // "according to him"
		}
		if subjectPronouns[lower] {
			all := append(append([]retrieval.Span(nil), earlier...), sents...)
			name, ok := resolvePronoun(text, all, sentenceIndex(all, a.subject.Start), a.subject, lower)
			if !ok {
				return out // "he said" with no one to stand for: say nothing
			}
			speaker, hl = text[name.Start:name.End], name
			if i := sentenceIndex(sents, name.Start); i >= 0 {
				from.Start = min(from.Start, sents[i].Start)
			}
		}
		// The citation stays within the quotation's paragraph.
		whole := sentencesCovering(d, paragraph, region)
		cite(retrieval.Span{Start: max(para.Start, min(from.Start, whole.Start)), End: min(para.End, max(from.End, whole.End))})
		out.Speaker, out.Verb = speaker, a.verb
		if hl.Start >= out.Start && hl.End <= out.End {
			out.Highlight = &hl
		}
		return out
	}
	if a, ok := interviewAnswer(text, para, region); ok {
		return found(a, retrieval.Span{Start: para.Start, End: a.subject.End})
	}
	quote, ok := quotationAround(text, para, region)
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
	// The quotation's own sentence: the clause before the opening mark
	// (after any earlier quotation), then the one after the closing mark.
	sentStart := sents[kOpen].Start
	if kOpen > 0 && endsWithInitial(text[sents[kOpen-1].Start:sents[kOpen-1].End]) {
		sentStart = sents[kOpen-1].Start // "Brian J." | "Ward wrote, “…”"
	}
	if namesAThing(text[closed:max(closed, sents[kClose].End)]) {
		return out // "his event, “Storm Area 51”, was posted": a name, not speech
	}
	before := retrieval.Span{Start: lastQuoteEnd(text, retrieval.Span{Start: sentStart, End: open}), End: open}
	if a, ok := speechBefore(text, before, sentStart); ok {
		return found(a, retrieval.Span{Start: sentStart, End: open})
	}
	after := retrieval.Span{Start: closed, End: max(closed, sents[kClose].End)}
	if kClose+1 < len(sents) && endsWithInitial(text[after.Start:after.End]) {
		after.End = sents[kClose+1].End // "said Brian J." | "Ward."
	}
	after.End = firstQuoteStart(text, after)
	if a, ok := speechAfter(text, after); ok {
		return found(a, after)
	}
	if a, ok := weakBefore(text, before, sentStart); ok {
		return found(a, retrieval.Span{Start: sentStart, End: open})
	}
	// A neighbouring sentence: the one before ("Smith warned that … .
	// “…”", "“…,” said Smith. “…”") when the quotation opens its
	// sentence, or a short one after ("“…” Smith said.") when it closes
	// it.
	if isBlank(trimQuoteMarks(text[sentStart:open])) {
		var prev retrieval.Span
		switch {
		case kOpen > 0:
			prev = sents[kOpen-1]
		case len(earlier) > 0 && quotationOpensParagraph(text, para, open):
			prev = earlier[len(earlier)-1]
		}
		if prev.End > prev.Start {
			if a, ok := speechIn(text, prev); ok {
				return found(a, prev)
			}
		}
	}
	if kClose+1 < len(sents) && isBlank(trimQuoteMarks(text[closed:max(closed, sents[kClose].End)])) {
		next := sents[kClose+1]
		if len(strings.Fields(text[next.Start:next.End])) <= 10 {
			if a, ok := speechAfter(text, next); ok {
				return found(a, next)
			}
		}
	}
	return out
}

// namesAThing reports a quotation followed by its sentence's verb ("…”,
// was posted as a joke", "…” is the slogan"): the quotation is a name
// or title inside the sentence, which nobody speaks.
func namesAThing(after string) bool {
	f := strings.Fields(strings.TrimLeft(after, ",;:!?.”\"’' "))
	if len(f) == 0 || !strings.HasPrefix(strings.TrimLeft(after, "”\"’'"), ",") && !strings.HasPrefix(strings.TrimLeft(after, "”\"’'"), " ") {
		return false
	}
	switch strings.ToLower(f[0]) {
	case "was", "is", "were", "are", "has", "have", "had", "will", "would":
		return true
	}
	return false
}

// quotationOpensParagraph reports whether only quotation marks stand
// between the paragraph's start and the opening mark at open.
func quotationOpensParagraph(text string, para retrieval.Span, open int) bool {
	return isBlank(trimQuoteMarks(text[para.Start:open]))
}

// interviewRe matches an interview answer: a paragraph opening with the
// interviewee's name in double parentheses, as Wikinews and other
// transcripts mark speakers ("((Sara Seager)) It's one of …").
var interviewRe = regexp.MustCompile(`^\(\(\s*(\p{Lu}[\p{L}\p{M}.'’-]*(?:\s+[\p{L}\p{M}.'’-]+){0,4})\s*\)\)`)

// interviewAnswer reads the speaker of an interview answer holding
// region: the name the paragraph opens with. The interviewer's own
// markers (initials such as "((WN))") name no one.
func interviewAnswer(text string, para, region retrieval.Span) (speech, bool) {
	m := interviewRe.FindStringSubmatchIndex(text[para.Start:para.End])
	if m == nil || region.Start < para.Start+m[1] {
		return speech{}, false
	}
	name := retrieval.Span{Start: para.Start + m[2], End: para.Start + m[3]}
	if !strings.ContainsAny(text[name.Start:name.End], " ") {
		return speech{}, false // "((WN))": the interviewer, or an unnamed party
	}
	return speech{verb: "answered", subject: name}, true
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
	// anonymous marks a speaker the text introduces without a name or an
	// organisation ("One MP told the BBC", "an eyewitness said"): the
	// quotation is attributed to no one rather than to a neighbour.
	anonymous bool
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
		{"paraphrase", "paraphrases", "paraphrased", "paraphrasing"},
		{"post", "posts", "posted", "posting"}, {"reveal", "reveals", "revealed", "revealing"},
		{"urge", "urges", "urged", "urging"}, {"criticize", "criticizes", "criticized", "criticizing"},
		{"criticise", "criticises", "criticised", "criticising"}, {"read", "reads"},
		// Naming verbs attribute a characterisation ("X called it “…”",
		// "X described the move as “…”"); namingVerbs says when.
		{"call", "calls", "called", "calling"}, {"describe", "describes", "described", "describing"},
		{"characterize", "characterizes", "characterized", "characterizing"},
		{"characterise", "characterises", "characterised", "characterising"},
		{"dub", "dubs", "dubbed", "dubbing"}, {"brand", "brands", "branded", "branding"},
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
		if strings.HasSuffix(w, ".") && !isInitialOrTitle(w) && strings.Count(w, ".") == 1 {
			w = strings.TrimRight(w, ".")
		}
		if w = strings.TrimRight(w, "'’-"); w == "" {
			continue
		}
		if w[0] >= '0' && w[0] <= '9' {
			w = strings.TrimRight(w, ",.") // "on January 17, declared": the comma breaks the phrase
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

// isSpeechVerb reports a speech verb at ws[i]; capitalised, only as the
// first word ("State Department" is not "state").
func isSpeechVerb(ws []aword, i int) bool {
	return speechVerbs[ws[i].lower] && (i == 0 || ws[i].text == ws[i].lower)
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"
)

// This file finds proper names and says what they name — a person, an
// organisation, a place, a nationality — from what the text itself shows:
// a title or role before the name, an age or a speech verb after it, an
// organisation's or place's own words ("Airlines", "University",
// "County"), the gazetteer, a preposition of place. A name the text does
// not make clear stays a plain name: the kind is never guessed, because a
// wrong kind becomes a wrong short answer.

// word is a word of a sentence with its offsets in the document.
type word struct {
	s, e  int
	text  string
	lower string
	cap   bool // starts with an upper-case letter
	punct bool // followed directly by punctuation (a name ends there)
}

// sentenceWords splits text[sent.Start:sent.End] into words: letters and
// digits, with inner apostrophes, hyphens and dots ("O'Neill",
// "al-Masirah", "U.S."). A possessive "'s" is not part of the word.
func sentenceWords(text string, sent retrieval.Span) []word {
	var out []word
	i := sent.Start
	for i < sent.End {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			i += size
			continue
		}
		j := i
		for j < sent.End {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if unicode.IsLetter(r2) || unicode.IsDigit(r2) || unicode.Is(unicode.Mn, r2) {
				j += s2
				continue
			}
			if (r2 == '-' || r2 == '\'' || r2 == '’' || r2 == '.') && j+s2 < sent.End {
				if r3, _ := utf8.DecodeRuneInString(text[j+s2:]); unicode.IsLetter(r3) || unicode.IsDigit(r3) {
					j += s2
					continue
				}
			}
			break
		}
		end := j
		// "U.S." and "Jr.": a dot after a single letter or an abbreviation.
		if end < sent.End && text[end] == '.' && (end-i == 1 || strings.Contains(text[i:end], ".")) {
			end++
		}
		w := text[i:end]
		for _, suf := range []string{"’s", "'s"} {
			if strings.HasSuffix(w, suf) && len(w) > len(suf) {
				end -= len(suf)
				w = w[:len(w)-len(suf)]
			}
		}
		first, _ := utf8.DecodeRuneInString(w)
		capital := unicode.IsUpper(first)
		// "al-Qaeda", "el-Sisi": an article prefix on a capitalised name.
		if !capital && len(w) > 3 && (strings.HasPrefix(w, "al-") || strings.HasPrefix(w, "el-")) {
			r3, _ := utf8.DecodeRuneInString(w[3:])
			capital = unicode.IsUpper(r3)
		}
		punct := false
		if j < sent.End {
			nr, _ := utf8.DecodeRuneInString(text[end:])
			punct = nr != ' '
		}
		out = append(out, word{s: i, e: end, text: w, lower: strings.ToLower(w), cap: capital, punct: punct})
		if j == i {
			j = i + size
		}
		i = max(j, end)
	}
	return out
}

// nameConnectors may stand inside a name between capitalised words
// ("University of Chicago", "Leon van Biljon", "bin Laden").
var nameConnectors = map[string]bool{"of": true, "the": true, "de": true, "van": true, "von": true, "da": true, "du": true,
	"la": true, "le": true, "al": true, "bin": true, "ibn": true, "der": true, "den": true, "del": true, "for": true, "and": false}

// personTitles are capitalised words that open a person's name and are
// not part of it ("President Donald Trump", "Dr. Alison Kock").
var personTitles = WordSet(`mr mrs ms miss dr prof sir dame lord lady rev fr sen rep
gov gen col capt lt sgt adm president vice-president premier minister
chancellor senator congressman congresswoman representative governor mayor judge justice king queen prince
princess emperor empress pope cardinal bishop archbishop rabbi imam sheikh general colonel captain lieutenant
sergeant admiral marshal sheriff detective officer inspector commissioner ambassador secretary speaker chairman
chairwoman director coach professor doctor saint pastor father brother sister chief superintendent constable
deputy dean coroner attorney-general prosecutor leader`)

// roleNouns name what a person is; a name right after one ("military
// spokesperson Yahya Sarea") or in apposition ("Hage Geingob, the
// president,") is a person's.
var roleNouns = WordSet(`spokesperson spokesman spokeswoman president minister leader chief director official officer executive
chairman chairwoman chair founder co-founder owner actor actress singer rapper musician artist writer author
journalist reporter editor correspondent photographer lawyer attorney judge justice doctor physician nurse surgeon
neurosurgeon scientist researcher professor student teacher coach player striker goalkeeper captain manager driver
pilot candidate senator governor mayor prosecutor activist victim suspect survivor witness resident citizen man woman
boy girl mother father son daughter wife husband brother sister cosplayer astronaut chemist economist analyst
historian biologist astronomer archaeologist engineer architect designer entrepreneur businessman businesswoman
billionaire investor banker diplomat envoy ambassador secretary spokesperson politician lawmaker legislator
congressman congresswoman representative chancellor premier king queen prince princess monarch ruler dictator
general commander colonel soldier sergeant officer detective inspector sheriff constable firefighter paramedic
climber runner athlete cyclist swimmer boxer wrestler champion winner runner-up medalist medallist nominee
presenter host anchor comedian filmmaker director producer composer poet novelist blogger youtuber priest pope
bishop cardinal imam rabbi pastor cleric monk nun chef farmer worker employee ceo cfo coo chairperson
vice-president deputy aide adviser advisor counsel mp mep councillor councilor administrator commissioner
treasurer governor-general patient passenger crew member fan supporter protester demonstrator gunman shooter
attacker assailant killer murderer perpetrator kidnapper hostage prisoner inmate convict defendant plaintiff
complainant mp lord baroness dame sir`)

// orgWords mark a name as an organisation's ("Saha Airlines", "the
// University of Bristol", "Houthi movement" is not one: lower case).
var orgWords = WordSet(`airlines airline airways air inc inc. corp corp. corporation company co co. ltd ltd. llc plc gmbh ag sa
group holdings bank university college institute institution school academy party council committee commission
ministry department agency authority association federation confederation union league club society foundation
organization organisation army navy force forces police guard court parliament senate congress assembly church
news times post press journal herald tribune telegraph gazette magazine television tv radio network channel
broadcasting broadcaster studios records labs laboratory laboratories service services center centre
trust fund board bureau office administration government cabinet caucus coalition alliance movement front
brigade regiment battalion division unit squad team fc f.c. united motors industries enterprises systems
technologies airlines games festival museum library zoo nations`)

// placeWords mark a name as a place's ("Holy Cross Hospital", "Orange
// County", "False Bay").
var placeWords = WordSet(`city county province state district region island islands isle river lake mount mountain mountains
bay sea ocean gulf valley street st road rd avenue ave boulevard blvd lane square plaza park airport station bridge
beach coast peninsula desert canal strait harbour harbor port hospital stadium arena prison jail palace cathedral
hall field fields forest falls glacier reef canyon highway motorway freeway village town township borough parish
territory republic kingdom emirate oblast krai prefecture municipality neighbourhood neighborhood quarter
plateau cape point hill hills heights gardens center centre building tower towers house castle temple mosque
synagogue shrine monument memorial cemetery school campus mall market junction crossing pass`)

// locatives are prepositions of place: a name after one is a place unless
// something says otherwise.
var locatives = WordSet("in at near across throughout within outside inside around off")

// weakLocatives are prepositions that often precede places but also
// people and organisations ("spoke to Trump", "a letter from Reuters").
var weakLocatives = WordSet("from to into towards toward via")

// speechVerbs after a name make it someone who speaks.
var speechVerbs = WordSet(`said says told tells added adds wrote writes stated states explained explains announced announces
argued argues warned warns noted notes claimed claims insisted insists replied replies tweeted tweets posted
remarked remarks confirmed confirms denied denies admitted admits acknowledged acknowledges urged urges
commented comments asked asks testified testifies recalled recalls described describes expressed expresses
criticised criticized criticises criticizes praised praises accused accuses alleged alleges demanded demands
called calls vowed vows promised promises pledged pledges insisted explained`)

// nameRun is a run of capitalised words that may name something.
type nameRun struct {
	span  retrieval.Span
	words []word
	// first and last index the run in the sentence's words.
	first, last int
}

// nameRuns finds runs of capitalised words in a sentence, allowing
// lower-case connectors inside ("University of Chicago"), and trimming
// words that open sentences or clauses without naming anything ("The",
// "In") and personal titles, which are kept as cues.
func nameRuns(ws []word) []nameRun {
	var out []nameRun
	for k := 0; k < len(ws); k++ {
		if !ws[k].cap {
			continue
		}
		end := k
		for m := k + 1; m < len(ws); m++ {
			if ws[m-1].punct && !(ws[m-1].text[len(ws[m-1].text)-1] == '.') {
				break
			}
			if ws[m].cap {
				end = m
				continue
			}
			if nameConnectors[ws[m].lower] && m+1 < len(ws) && ws[m+1].cap && !ws[m].punct {
				continue
			}
			break
		}
		// "Local 1700", "Boeing 707", "Apollo 11": a number right after a
		// name is part of it (not after a month or weekday: "March 4").
		if n := end + 1; n < len(ws) && !ws[end].punct && isDigits(ws[n].text) && len(ws[n].text) <= 4 && !dateWords[ws[end].lower] {
			end = n
		}
		start := k
		for start <= end && (IsNonName(ws[start].text) || IsNonName(strings.TrimSuffix(ws[start].text, "."))) {
			start++
		}
		if start <= end {
			out = append(out, nameRun{span: retrieval.Span{Start: ws[start].s, End: ws[end].e}, words: ws[start : end+1], first: start, last: end})
		}
		k = end
	}
	return out
}

// notNames are capitalised words and acronyms that name no person,
// organisation or place: time zones, clock abbreviations.
var notNames = WordSet("utc gmt edt est cdt cst mdt mst pdt pst bst cet cest ist aest aedt jst am pm a.m p.m ok")

// nameVote is the evidence one mention gives about what a name names.
type nameVote struct {
	person, org, place int
}

// classifyRun reads the local evidence about a name run: which kind its
// own words and its neighbours say it is, and the span without titles.
func classifyRun(text string, ws []word, r nameRun) (retrieval.Span, nameVote, bool) {
	var v nameVote
	words := r.words
	// Titles open a person's name and are not part of it ("Prime
	// Minister Boris Johnson", "Dr. Alison Kock").
	titled := false
	for i := len(words) - 2; i >= 0; i-- {
		if !personTitles[strings.TrimSuffix(words[i].lower, ".")] {
			continue
		}
		// "US Secretary of State Mike Pompeo": the name follows the last
		// title, after any "of X" it governs.
		rest := words[i+1:]
		if len(rest) > 2 && rest[0].lower == "of" {
			rest = rest[2:]
		}
		if len(rest) > 0 && !personTitles[strings.TrimSuffix(rest[0].lower, ".")] {
			words, titled = rest, true
		}
		break
	}
	span := retrieval.Span{Start: words[0].s, End: words[len(words)-1].e}
	if titled {
		v.person += 3
	}
	last := words[len(words)-1].lower
	full := text[span.Start:span.End]
	plain := true // no word of the name is an organisation's or place's
	for i, w := range words {
		switch {
		case orgWords[w.lower] && (i > 0 || len(words) > 1):
			v.org += 3
			plain = false
		case placeWords[w.lower] && (i > 0 || len(words) > 1):
			v.place += 2
			plain = false
		}
	}
	if orgWords[last] {
		v.org += 2
	}
	if placeWords[last] {
		v.place++
	}
	if isAcronym(text[span.Start:span.End]) {
		v.org += 2
	}
	if g := lookupPlace(full); g {
		v.place += 4
	}
	prev := r.first - 1
	if prev >= 0 && strings.TrimSpace(text[ws[prev].e:ws[r.first].s]) == "," {
		// "the current president of Namibia, Hage Geingob,": a role in
		// apposition before the name.
		for k := prev; k >= 0 && k > prev-6; k-- {
			if roleNouns[ws[k].lower] {
				v.person += 2
				break
			}
		}
	}
	if prev >= 0 {
		p := ws[prev].lower
		switch {
		case roleNouns[p]:
			v.person += 2
		case locatives[p]:
			v.place += 2
		case weakLocatives[p]:
			v.place++
		case p == "the":
			// "the X" is rarely a person.
			v.person -= 2
		}
	}
	next := r.last + 1
	if next < len(ws) {
		n := ws[next].lower
		if speechVerbs[n] {
			v.person++
			if plain && len(words) >= 2 && !lookupPlace(full) {
				v.person++ // "BBC's Jonathan Marcus said"
			}
		}
		// "Emily Spanton, 39," and "Arnav Gupta, 33-year-old" — an age in
		// apposition.
		gap := text[ws[r.last].e:ws[next].s]
		if strings.TrimSpace(gap) == "," && (isDigits(ws[next].text) && len(ws[next].text) <= 3 || strings.Contains(ws[next].lower, "-year-old")) {
			v.person += 3
		}
		// "Hage Geingob, the president" / ", a former minister".
		if strings.TrimSpace(gap) == "," && (n == "the" || n == "a" || n == "an" || n == "former") {
			for k := next + 1; k < len(ws) && k <= next+4; k++ {
				if roleNouns[ws[k].lower] {
					v.person += 2
					break
				}
			}
		}
		// "Fort Lauderdale, Florida": a place before a known region.
		if strings.TrimSpace(gap) == "," && ws[next].cap && lookupPlace(ws[next].text) {
			v.place += 2
		}
	}
	if len(words) == 1 && isNationality(words[0].lower) {
		return span, v, true
	}
	return span, v, false
}

func isAcronym(s string) bool {
	if len(s) < 2 || len(s) > 6 {
		return false
	}
	for _, r := range s {
		if !unicode.IsUpper(r) && r != '&' {
			return false
		}
	}
	return !lookupPlace(s)
}

func isDigits(s string) bool { return AllDigits(s) }

// kindOf decides a name's kind from its votes: a clear lead, or a plain
// name.
func kindOf(v nameVote) retrieval.EntityKind {
	type kv struct {
		k retrieval.EntityKind
		n int
	}
	best, second := kv{retrieval.EntityName, 0}, 0
	for _, c := range []kv{{retrieval.EntityPerson, v.person}, {retrieval.EntityOrg, v.org}, {retrieval.EntityPlace, v.place}} {
		if c.n > best.n {
			second = best.n
			best = c
		} else if c.n > second {
			second = c.n
		}
	}
	if best.n >= 2 && best.n-second >= 2 {
		return best.k
	}
	return retrieval.EntityName
}

// nameEntities finds and classifies the names of a document's sentences.
// Evidence is pooled per name over the whole document, so "Sarea" is a
// person everywhere once "spokesperson Yahya Sarea" made him one, and a
// surname alone inherits its full name's kind.
func nameEntities(text string, sentences []retrieval.Span) [][]retrieval.Entity {
	type mention struct {
		sent int
		span retrieval.Span
		key  string
		nat  bool
		// opener: a single word opening its sentence, capitalised
		// whatever it is ("Yesterday", "Speaking").
		opener bool
	}
	var mentions []mention
	votes := map[string]*nameVote{}
	inner := map[string]bool{} // names seen capitalised inside a sentence
	for i, sent := range sentences {
		ws := sentenceWords(text, sent)
		titleCase := isTitleCase(text[sent.Start:sent.End])
		for _, r := range nameRuns(ws) {
			span, v, nat := classifyRun(text, ws, r)
			key := strings.ToLower(text[span.Start:span.End])
			if notNames[key] {
				continue
			}
			opener := r.first == 0 && len(r.words) == 1
			if !opener && !titleCase {
				inner[key] = true
			}
			if titleCase {
				// In a headline every word is capitalised: only what the
				// rest of the document says counts.
				v = nameVote{}
			}
			if votes[key] == nil {
				votes[key] = &nameVote{}
			}
			vv := votes[key]
			vv.person += v.person
			vv.org += v.org
			vv.place += v.place
			mentions = append(mentions, mention{sent: i, span: span, key: key, nat: nat, opener: opener})
		}
	}
	// A person's surname (and given name) alone names the person.
	persons := map[string]bool{}
	for key, v := range votes {
		if kindOf(*v) == retrieval.EntityPerson {
			if f := strings.Fields(key); len(f) > 1 {
				persons[f[len(f)-1]] = true
			}
		}
	}
	out := make([][]retrieval.Entity, len(sentences))
	for _, m := range mentions {
		kind := kindOf(*votes[m.key])
		if m.opener && kind == retrieval.EntityName && !m.nat && !inner[m.key] && !lookupPlace(text[m.span.Start:m.span.End]) {
			continue // a sentence's first word, and nothing says it names anything
		}
		switch {
		case m.nat && kind == retrieval.EntityName:
			kind = retrieval.EntityNationality
		case kind == retrieval.EntityName && persons[m.key]:
			kind = retrieval.EntityPerson
		}
		out[m.sent] = append(out[m.sent], retrieval.Entity{Span: m.span, Kind: kind})
	}
	return out
}

func isUpperWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(f[len(f)-1], ",.;:()\"'“”")
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
}

// isTitleCase reports a headline written in title case: most words of
// four letters or more capitalised, and no full stop at the end (a
// sentence full of names has one).
func isTitleCase(s string) bool {
	if t := strings.TrimSpace(s); strings.HasSuffix(t, ".") || strings.HasSuffix(t, ".\"") || strings.HasSuffix(t, ".”") {
		return false
	}
	return MostlyCapitalised(s)
}

// MostlyCapitalised reports whether at least seven in ten of the (three or
// more) words of four letters or more in s are capitalised, as in a
// headline.
func MostlyCapitalised(s string) bool {
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

package qaeval

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	rtext "github.com/citebot/citebot/retrieval/text"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/quote"
)

// This file generates and scores the quote-check and attribution
// evaluation (`citebot eval --quotes squad|covidqa FILE`). Cases are built
// from a dataset's real sentences with a fixed seed, so a run is
// repeatable:
//
//   - exact: a sentence copied as is, with its quotation marks and
//     apostrophes swapped (straight ↔ curly) and the whole wrapped in
//     quotes, with its case changed, with its white space changed, or with
//     a run of words in the middle replaced by an ellipsis;
//   - near: a sentence with 1–3 words replaced by other words of the
//     corpus, or with 1–3 words dropped;
//   - not_found: a sentence of the held-out half of the articles (which is
//     not indexed) that shares no run of 8 words with the indexed half, or
//     an indexed sentence with its words shuffled.
//
// Attribution cases put a held-out sentence, as a quotation, into a short
// constructed news paragraph that attributes it (said, told, according
// to, quoted … saying, a pronoun, the neighbouring sentence) to a speaker
// whose name comes from the same dataset, or that quotes it without
// saying who said it (unattributed). Those paragraphs are indexed with
// the corpus as documents of their own.

// QuoteCase is one generated quote check.
type QuoteCase struct {
	ID   string
	Kind string // how the text was made from its sentence (copy, marks, altered, …)
	Text string
	Want retrieval.Verdict
}

// AttributionCase is one generated "who said it?" case.
type AttributionCase struct {
	ID   string
	Kind string // the attribution frame
	Text string // the quotation to attribute
	// Speaker is the expected speaker, "" for unattributed.
	Speaker string
}

// QuoteSet is a generated evaluation: the documents to index (the
// indexed half of the articles and the attribution paragraphs) and the
// cases.
type QuoteSet struct {
	Docs         []retrieval.Document
	Quotes       []QuoteCase
	Attributions []AttributionCase
}

// QuoteSetOptions size a generated set.
type QuoteSetOptions struct {
	// PerKind is how many cases of each kind to make (default 100).
	PerKind int
	// Seed makes the set repeatable (default 1).
	Seed uint64
}

// SQuADQuoteSource returns every SQuAD article as a document (as
// SQuADCorpus does) and speaker names: the answers to "who" questions
// that read as a person's name.
func SQuADQuoteSource(s *SQuAD) ([]retrieval.Document, []string) {
	docs, _ := SQuADCorpus(s, nil)
	seen := map[string]bool{}
	var names []string
	for _, a := range s.Data {
		for _, p := range a.Paragraphs {
			for _, qa := range p.QAs {
				if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(qa.Question)), "who ") {
					continue
				}
				for _, an := range qa.Answers {
					if n := strings.TrimSpace(an.Text); personName.MatchString(n) && !isPossessive(n) && !seen[n] {
						seen[n] = true
						names = append(names, n)
					}
				}
			}
		}
	}
	sort.Strings(names)
	return docs, names
}

// COVIDQuoteSource returns every COVID-QA article as a document (as
// COVIDCorpus does) and speaker names: the articles' authors ("Last,
// First; …" in each article's header, turned to "First Last").
func COVIDQuoteSource(s *SQuAD) ([]retrieval.Document, []string) {
	docs, _ := COVIDCorpus(s)
	seen := map[string]bool{}
	var names []string
	for _, d := range docs {
		for i, line := range strings.Split(d.Text, "\n") {
			if i > 12 {
				break
			}
			line = strings.TrimPrefix(strings.TrimSpace(line), "Authors:")
			if strings.Count(line, ";") < 1 {
				continue
			}
			for _, a := range strings.Split(line, ";") {
				last, first, ok := strings.Cut(strings.TrimSpace(a), ",")
				if !ok {
					continue
				}
				n := strings.TrimSpace(first) + " " + strings.TrimSpace(last)
				if personName.MatchString(n) && !isPossessive(n) && !seen[n] {
					seen[n] = true
					names = append(names, n)
				}
			}
		}
	}
	sort.Strings(names)
	return docs, names
}

// personName matches two or three capitalised words of letters (an
// initial may stand between them), not a possessive.
var personName = regexp.MustCompile(`^\p{Lu}[\p{L}'’-]*\p{L}(?: \p{Lu}\.)?(?: \p{Lu}[\p{L}'’-]*\p{L}){1,2}$`)

func isPossessive(s string) bool { return strings.HasSuffix(s, "'s") || strings.HasSuffix(s, "’s") }

// BuildQuoteSet makes the cases from docs: even-numbered documents are
// indexed, odd-numbered ones held out (the source of not_found sentences
// and of quotations to attribute). names are speakers for attribution.
func BuildQuoteSet(docs []retrieval.Document, names []string, opts QuoteSetOptions) QuoteSet {
	if opts.PerKind <= 0 {
		opts.PerKind = 100
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x636974656274))
	var set QuoteSet
	var held []retrieval.Document
	for i, d := range docs {
		if i%2 == 0 {
			set.Docs = append(set.Docs, d)
		} else {
			held = append(held, d)
		}
	}
	in := sentences(set.Docs)
	out := sentences(held)
	corpus := newCorpusIndex(set.Docs)
	vocab := corpus.vocabulary()
	n := opts.PerKind
	id := 0
	add := func(kind, text string, want retrieval.Verdict) {
		id++
		set.Quotes = append(set.Quotes, QuoteCase{ID: fmt.Sprintf("q%04d", id), Kind: kind, Text: text, Want: want})
	}
	pick := func(from []string, minWords int) string {
		for range 1000 {
			s := from[rng.IntN(len(from))]
			if len(strings.Fields(s)) >= minWords {
				return s
			}
		}
		return ""
	}
	if len(in) == 0 || len(out) == 0 {
		return set
	}
	for range n {
		add("copy", pick(in, 8), retrieval.VerdictExact)
	}
	for range n {
		add("marks", swapMarks(pick(in, 8)), retrieval.VerdictExact)
	}
	for range n {
		add("case", changeCase(rng, pick(in, 8)), retrieval.VerdictExact)
	}
	for range n {
		add("space", changeSpace(rng, pick(in, 8)), retrieval.VerdictExact)
	}
	for range n {
		add("ellipsis", elide(rng, pick(in, 12)), retrieval.VerdictExact)
	}
	for made := 0; made < n; {
		s := alter(rng, pick(in, 8), vocab, 1+rng.IntN(3))
		if s != "" && !corpus.contains(s) {
			add("altered", s, retrieval.VerdictNear)
			made++
		}
	}
	for made := 0; made < n; {
		s := drop(rng, pick(in, 8), 1+rng.IntN(3))
		if s != "" && !corpus.contains(s) {
			add("dropped", s, retrieval.VerdictNear)
			made++
		}
	}
	// Held-out sentences are used once each: the first for not_found
	// cases, the rest as quotations in attribution paragraphs (which are
	// indexed, so they must not be among the not_found ones).
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	used := 0
	for made := 0; made < n && used < len(out); used++ {
		if s := out[used]; !corpus.sharesRun(s, 8) {
			add("other-half", s, retrieval.VerdictNotFound)
			made++
		}
	}
	for made := 0; made < n; {
		s := shuffle(rng, pick(in, 8))
		if !corpus.sharesRun(s, 4) {
			add("shuffled", s, retrieval.VerdictNotFound)
			made++
		}
	}
	set.addAttributions(rng, out[used:], names, n)
	return set
}

// sentences returns the sentences of docs that read as prose: 8 to 60
// words on one line, mostly words of letters, and no quotation marks
// (which the attribution frames add).
func sentences(docs []retrieval.Document) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range docs {
		for _, p := range rtext.Segment(d.Text) {
			for _, sp := range p.Sentences {
				s := d.Text[sp.Start:sp.End]
				f := strings.Fields(s)
				if len(f) < 8 || len(f) > 60 || strings.ContainsAny(s, "\n\"“”«»") {
					continue
				}
				letters := 0
				for _, w := range f {
					if r, _ := utf8.DecodeRuneInString(w); unicode.IsLetter(r) {
						letters++
					}
				}
				if key := strings.Join(rtext.QuoteWords(s), " "); letters*10 >= len(f)*8 && !seen[key] {
					seen[key] = true
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// corpusIndex answers the generator's questions about the indexed half:
// does it contain a word sequence, does it share a run of k words.
type corpusIndex struct {
	text  string // every document's quote words, space separated, one line each
	grams map[int]map[uint64]bool
	words []string
}

func newCorpusIndex(docs []retrieval.Document) *corpusIndex {
	c := &corpusIndex{grams: map[int]map[uint64]bool{}}
	var b strings.Builder
	for _, d := range docs {
		ws := rtext.QuoteWords(d.Text)
		c.words = append(c.words, ws...)
		b.WriteString(" " + strings.Join(ws, " ") + " \n")
	}
	c.text = b.String()
	return c
}

// contains reports whether s's words occur, in order, in one document.
func (c *corpusIndex) contains(s string) bool {
	ws := rtext.QuoteWords(s)
	return len(ws) > 0 && strings.Contains(c.text, " "+strings.Join(ws, " ")+" ")
}

// sharesRun reports whether s has a run of k words that occurs in the
// corpus.
func (c *corpusIndex) sharesRun(s string, k int) bool {
	set, ok := c.grams[k]
	if !ok {
		set = map[uint64]bool{}
		for _, line := range strings.Split(c.text, "\n") {
			ws := strings.Fields(line)
			for i := 0; i+k <= len(ws); i++ {
				set[gram(ws[i:i+k])] = true
			}
		}
		c.grams[k] = set
	}
	ws := rtext.QuoteWords(s)
	for i := 0; i+k <= len(ws); i++ {
		if set[gram(ws[i:i+k])] {
			return true
		}
	}
	return false
}

func gram(ws []string) uint64 {
	h := fnv.New64a()
	for _, w := range ws {
		h.Write([]byte(w))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// vocabulary returns the corpus's distinct words of letters, sorted, for
// replacement words.
func (c *corpusIndex) vocabulary() []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range c.words {
		if len(w) >= 3 && !seen[w] && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

var markSwap = strings.NewReplacer(`"`, "“", "“", `"`, "”", `"`, "'", "’", "’", "'", "‘", "'")

// swapMarks turns straight quotation marks and apostrophes curly and
// curly ones straight, and wraps the text in curly quotes.
func swapMarks(s string) string { return "“" + markSwap.Replace(s) + "”" }

// changeCase lower-cases, upper-cases or title-cases s.
func changeCase(rng *rand.Rand, s string) string {
	switch rng.IntN(3) {
	case 0:
		return strings.ToLower(s)
	case 1:
		return strings.ToUpper(s)
	}
	f := strings.Fields(s)
	for i, w := range f {
		r, size := utf8.DecodeRuneInString(w)
		f[i] = string(unicode.ToUpper(r)) + w[size:]
	}
	return strings.Join(f, " ")
}

// changeSpace puts line breaks, tabs or runs of spaces between words.
func changeSpace(rng *rand.Rand, s string) string {
	f := strings.Fields(s)
	var b strings.Builder
	seps := []string{" ", "  ", "\n", "\t", " \n  "}
	b.WriteString(seps[rng.IntN(len(seps))])
	for i, w := range f {
		if i > 0 {
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		b.WriteString(w)
	}
	return b.String()
}

// elide replaces 2–6 words in the middle of s (keeping at least 3 on each
// side) by an ellipsis, "…" or "...".
func elide(rng *rand.Rand, s string) string {
	f := strings.Fields(s)
	k := 2 + rng.IntN(5)
	if len(f) < k+6 {
		k = len(f) - 6
	}
	if k < 1 {
		return s
	}
	at := 3 + rng.IntN(len(f)-k-5)
	mark := []string{" … ", " ... ", "… ", " . . . "}[rng.IntN(4)]
	return strings.Join(f[:at], " ") + mark + strings.Join(f[at+k:], " ")
}

// alter replaces k distinct words of s (of two letters or more) by
// different words of the vocabulary.
func alter(rng *rand.Rand, s string, vocab []string, k int) string {
	f := strings.Fields(s)
	idx := wordPositions(f)
	if len(idx) < k || len(vocab) == 0 {
		return ""
	}
	rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	for _, i := range idx[:k] {
		old := strings.ToLower(strings.Trim(f[i], `.,;:!?()'’`))
		w := vocab[rng.IntN(len(vocab))]
		for w == old {
			w = vocab[rng.IntN(len(vocab))]
		}
		f[i] = w
	}
	return strings.Join(f, " ")
}

// drop removes k distinct words of s.
func drop(rng *rand.Rand, s string, k int) string {
	f := strings.Fields(s)
	idx := wordPositions(f)
	if len(idx) < k+4 {
		return ""
	}
	rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	gone := map[int]bool{}
	for _, i := range idx[:k] {
		gone[i] = true
	}
	var kept []string
	for i, w := range f {
		if !gone[i] {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// shuffle puts the words of s in a random order.
func shuffle(rng *rand.Rand, s string) string {
	f := strings.Fields(s)
	rng.Shuffle(len(f), func(i, j int) { f[i], f[j] = f[j], f[i] })
	return strings.Join(f, " ")
}

// wordPositions indexes the fields that hold a word of two letters or
// more.
func wordPositions(f []string) []int {
	var out []int
	for i, w := range f {
		n := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				n++
			}
		}
		if n >= 2 {
			out = append(out, i)
		}
	}
	return out
}

// Attribution frames: %[1]s is the speaker, %[2]s the quotation (a
// sentence without its final stop).
var attributionFrames = []struct {
	kind, text string
	pronoun    bool // the frame names the speaker, then refers to them by pronoun
	attributed bool
}{
	{"said-after", "“%[2]s,” said %[1]s.", false, true},
	{"subject-said", "“%[2]s,” %[1]s said.", false, true},
	{"said-colon", "%[1]s said: “%[2]s.”", false, true},
	{"told", "%[1]s told reporters on Monday, \"%[2]s.\"", false, true},
	{"according-to", "According to %[1]s, “%[2]s.”", false, true},
	{"quoted-saying", "The report quotes %[1]s saying, “%[2]s.”", false, true},
	{"was-quoted", "%[1]s was quoted as saying, “%[2]s.”", false, true},
	{"wrote", "In a letter last year, %[1]s wrote, “%[2]s.”", false, true},
	{"neighbour", "%[1]s warned that the findings were preliminary. “%[2]s.”", false, true},
	{"pronoun", "%[1]s arrived at the briefing late. “%[2]s,” she said.", true, true},
	{"unattributed", "The document then turns to the data. “%[2]s.” The next section lists the sources.", false, false},
	{"unquoted", "The document then turns to the data. %[2]s. The next section lists the sources.", false, false},
}

// addAttributions makes n attribution cases per frame, each quoting a
// different held-out sentence, adding one document per case.
func (set *QuoteSet) addAttributions(rng *rand.Rand, held []string, names []string, n int) {
	if len(names) == 0 || len(held) == 0 {
		return
	}
	id := 0
	for _, fr := range attributionFrames {
		for range n {
			if id == len(held) {
				return
			}
			q := strings.TrimRight(held[id], ".!?;: ")
			id++
			speaker := names[rng.IntN(len(names))]
			doc := retrieval.Document{
				ID:       fmt.Sprintf("attribution-%04d", id),
				Metadata: retrieval.Metadata{Title: "Attribution case " + fr.kind, Publisher: "citebot eval"},
				Text:     fmt.Sprintf(fr.text, speaker, q),
			}
			set.Docs = append(set.Docs, doc)
			want := speaker
			if !fr.attributed {
				want = ""
			}
			set.Attributions = append(set.Attributions, AttributionCase{ID: fmt.Sprintf("a%04d", id), Kind: fr.kind, Text: q, Speaker: want})
		}
	}
}

// Checker is what the quote evaluation needs: *answer.Engine is one.
type Checker interface {
	CheckQuote(ctx context.Context, text string, opts retrieval.QuoteOptions) (retrieval.QuoteCheck, error)
	WhoSaid(ctx context.Context, text string, opts retrieval.QuoteOptions) (retrieval.Attribution, error)
}

// VerdictScore counts one verdict: how many cases expect it, how many
// times it was given, and how many of those were right.
type VerdictScore struct {
	Verdict   string
	Cases     int
	Predicted int
	Correct   int
}

// Precision is Correct/Predicted (1 when never predicted).
func (v VerdictScore) Precision() float64 { return ratio(v.Correct, v.Predicted) }

// Recall is Correct/Cases (1 when no case expects it).
func (v VerdictScore) Recall() float64 { return ratio(v.Correct, v.Cases) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// QuoteMiss is a case the checker got wrong.
type QuoteMiss struct {
	ID, Kind, Text string
	Want, Got      string
	Score          float64
}

// QuoteReport is the outcome of RunQuotes.
type QuoteReport struct {
	Quotes      []VerdictScore // exact, near, not_found
	Attribution []VerdictScore // attributed, unattributed
	// Kinds is the share of right verdicts per case kind.
	Kinds  map[string][2]int // kind → right, cases
	Misses []QuoteMiss
	// BestThreshold is the near threshold that would have separated
	// this set's near and not_found cases best (most of both right), and
	// the share it gets right.
	BestThreshold, BestThresholdAccuracy float64
	// Sweep is the share of near and not_found cases right at each
	// threshold from 0.30 to 0.95.
	Sweep []ThresholdPoint
}

// ThresholdPoint is the share of near and not_found cases a threshold
// gets right.
type ThresholdPoint struct{ Threshold, Accuracy float64 }

// RunQuotes checks every case and scores the verdicts.
func RunQuotes(ctx context.Context, ix Checker, set QuoteSet) (QuoteReport, error) {
	rep := QuoteReport{Kinds: map[string][2]int{}}
	scores := map[string]*VerdictScore{}
	for _, v := range []retrieval.Verdict{retrieval.VerdictExact, retrieval.VerdictNear, retrieval.VerdictNotFound} {
		scores[string(v)] = &VerdictScore{Verdict: string(v)}
	}
	type scored struct {
		sim  float64
		near bool
	}
	var sweep []scored
	for _, c := range set.Quotes {
		qc, err := ix.CheckQuote(ctx, c.Text, retrieval.QuoteOptions{})
		if err != nil {
			return rep, fmt.Errorf("case %s: %w", c.ID, err)
		}
		best := 0.0
		if len(qc.Matches) > 0 {
			best = qc.Matches[0].Score
		} else if len(qc.Closest) > 0 {
			best = qc.Closest[0].Score
		}
		if c.Want != retrieval.VerdictExact && qc.Verdict != retrieval.VerdictExact {
			sweep = append(sweep, scored{best, c.Want == retrieval.VerdictNear})
		}
		scores[string(c.Want)].Cases++
		if s, ok := scores[string(qc.Verdict)]; ok {
			s.Predicted++
		}
		k := rep.Kinds[c.Kind]
		k[1]++
		if qc.Verdict == c.Want {
			scores[string(c.Want)].Correct++
			k[0]++
		} else {
			rep.Misses = append(rep.Misses, QuoteMiss{ID: c.ID, Kind: c.Kind, Text: c.Text, Want: string(c.Want), Got: string(qc.Verdict), Score: best})
		}
		rep.Kinds[c.Kind] = k
	}
	for _, v := range []retrieval.Verdict{retrieval.VerdictExact, retrieval.VerdictNear, retrieval.VerdictNotFound} {
		rep.Quotes = append(rep.Quotes, *scores[string(v)])
	}
	// The threshold that best separates near from not_found on this set.
	for i := 30; i <= 95; i++ {
		t := float64(i) / 100
		right := 0
		for _, s := range sweep {
			if (s.sim >= t) == s.near {
				right++
			}
		}
		acc := ratio(right, len(sweep))
		rep.Sweep = append(rep.Sweep, ThresholdPoint{t, acc})
		if acc > rep.BestThresholdAccuracy {
			rep.BestThreshold, rep.BestThresholdAccuracy = t, acc
		}
	}

	att := map[string]*VerdictScore{"attributed": {Verdict: "attributed"}, "unattributed": {Verdict: "unattributed"}}
	for _, c := range set.Attributions {
		a, err := ix.WhoSaid(ctx, c.Text, retrieval.QuoteOptions{})
		if err != nil {
			return rep, fmt.Errorf("case %s: %w", c.ID, err)
		}
		want := "unattributed"
		if c.Speaker != "" {
			want = "attributed"
		}
		att[want].Cases++
		got := string(a.Verdict)
		if s, ok := att[got]; ok {
			s.Predicted++
		}
		right := got == want && (want == "unattributed" || SameSpeaker(a.Speaker, c.Speaker))
		k := rep.Kinds["who:"+c.Kind]
		k[1]++
		if right {
			att[want].Correct++
			k[0]++
		} else {
			rep.Misses = append(rep.Misses, QuoteMiss{ID: c.ID, Kind: "who:" + c.Kind, Text: c.Text, Want: want + " " + c.Speaker, Got: got + " " + a.Speaker})
		}
		rep.Kinds["who:"+c.Kind] = k
	}
	rep.Attribution = []VerdictScore{*att["attributed"], *att["unattributed"]}
	return rep, nil
}

// SameSpeaker reports whether two speakers name the same person: equal
// after case folding, without a leading article.
func SameSpeaker(a, b string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.Join(rtext.QuoteWords(s), " "))
		for _, art := range []string{"the ", "a ", "an "} {
			s = strings.TrimPrefix(s, art)
		}
		return s
	}
	return a != "" && norm(a) == norm(b)
}

// WriteQuoteReport prints the precision and recall of each verdict, the
// share right per case kind and, with verbose, every miss.
func WriteQuoteReport(w io.Writer, r QuoteReport, verbose bool) error {
	var b strings.Builder
	section := func(title string, vs []VerdictScore) {
		fmt.Fprintf(&b, "%s\n%-14s %6s %9s %9s %7s\n", title, "verdict", "cases", "precision", "recall", "F1")
		for _, v := range vs {
			p, rc := v.Precision(), v.Recall()
			f1 := 0.0
			if p+rc > 0 {
				f1 = 2 * p * rc / (p + rc)
			}
			fmt.Fprintf(&b, "%-14s %6d %9.3f %9.3f %7.3f\n", v.Verdict, v.Cases, p, rc, f1)
		}
	}
	section("quote check", r.Quotes)
	fmt.Fprintf(&b, "near threshold %.2f (quote.NearThreshold); best on this set %.2f (%.1f%% of near/not_found cases right)\n\n",
		quote.NearThreshold, r.BestThreshold, 100*r.BestThresholdAccuracy)
	section("who said it", r.Attribution)
	b.WriteString("\nright per kind\n")
	for _, k := range slices.Sorted(maps.Keys(r.Kinds)) {
		v := r.Kinds[k]
		fmt.Fprintf(&b, "  %-22s %4d/%-4d %s\n", k, v[0], v[1], Pct(v[0], v[1]))
	}
	if verbose {
		b.WriteString("\nnear/not_found cases right by threshold\n")
		for _, p := range r.Sweep {
			if int(p.Threshold*100+0.5)%5 == 0 {
				fmt.Fprintf(&b, "  %.2f %5.1f%%\n", p.Threshold, 100*p.Accuracy)
			}
		}
		b.WriteString("\nmisses\n")
		for _, m := range r.Misses {
			fmt.Fprintf(&b, "  %s %-14s want %-14s got %-14s %.3f %q\n", m.ID, m.Kind, m.Want, m.Got, m.Score, cutText(m.Text, 140))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func cutText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

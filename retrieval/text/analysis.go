// Package text is how citebot reads text, the same way for every backend
// and for questions: analysis into indexed terms (Bleve's English analysis
// with citebot's normalisations: "FY2026" = "fiscal 2026", "7,500" =
// "7500", "U.S." = "US", irregular verbs, accents), segmentation into
// paragraphs, passages and sentences that keep byte offsets, the words a
// quote check compares, the word scanners ranking runs over every
// candidate sentence (scan.go), and IndexDocument, which does all of it
// for a document at index time. It uses Bleve's analysis packages, never a
// Bleve index.
package text

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/citebot/citebot/retrieval"
	"golang.org/x/text/unicode/norm"
)

// AnalyzerName is the analyzer (registered with Bleve's registry) that
// indexes passage text and analyses questions and sentences, so the three
// always agree on what a term is.
const AnalyzerName = "citebot_en"

// AnalysisVersion names what Analyze and Segment produce, and the entity
// spans found at index time. Persisted indexes record it: an index built
// with another version holds other terms or spans and must be rebuilt.
// Change it whenever their output changes.
const AnalysisVersion = "citebot_en/3"

const (
	normalizeFilterName = "citebot_normalize"
	lemmaFilterName     = "citebot_irregular_verbs"
	placeFilterName     = "citebot_places"
	stemFilterName      = "citebot_stem"
)

func init() {
	for _, f := range []struct {
		name   string
		filter analysis.TokenFilter
	}{
		{normalizeFilterName, normalizeFilter{}},
		{stemFilterName, stemFilter{}},
		{placeFilterName, placeFilter{}},
		{lemmaFilterName, lemmaFilter{}},
	} {
		if err := registry.RegisterTokenFilter(f.name, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
			return f.filter, nil
		}); err != nil {
			panic(err)
		}
	}
	if err := registry.RegisterAnalyzer(AnalyzerName, newAnalyzer); err != nil {
		panic(err)
	}
}

// newAnalyzer is Bleve's English analyzer (unicode words, possessives,
// lower case, stop words) with the Snowball (Porter2) English stemmer, which
// stems more consistently than Porter ("focus" and "focusing" agree), with citebot's normalisations
// run first, while case is still known.
func newAnalyzer(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
	tok, err := cache.TokenizerNamed(unicodetok.Name)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	var filters []analysis.TokenFilter
	for _, name := range []string{normalizeFilterName, en.PossessiveName, placeFilterName, lowercase.Name, lemmaFilterName, en.StopName, stemFilterName} {
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, fmt.Errorf("token filter %s: %w", name, err)
		}
		filters = append(filters, f)
	}
	return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: filters}, nil
}

var (
	analyzerCache  = registry.NewCache()
	sharedAnalyzer analysis.Analyzer
)

func init() {
	a, err := analyzerCache.AnalyzerNamed(AnalyzerName)
	if err != nil {
		panic(err)
	}
	sharedAnalyzer = a
}

// Analyze runs the index analyzer over s: its terms with byte offsets into
// s and word positions.
func Analyze(s string) []retrieval.Token {
	ts := sharedAnalyzer.Analyze([]byte(s))
	out := make([]retrieval.Token, len(ts))
	for i, t := range ts {
		out[i] = retrieval.Token{Term: string(t.Term), Start: t.Start, End: t.End, Position: t.Position}
	}
	return out
}

// normalizeFilter makes equivalent spellings index as the same terms:
//   - "7,500" and "7500" (thousands separators dropped);
//   - "U.S.", "US" and "USA" (dotted acronyms lose their dots; upper-case
//     US/USA become "usa", leaving the pronoun "us" alone);
//   - "FY2026", "FY26", "FY 2026", "fiscal 2026" and "fiscal year 2026"
//     (all become "fiscal" "2026").
//
// It runs before lower-casing because case tells an acronym from a word.
// Positions are renumbered so phrase matching still sees adjacent words.
type normalizeFilter struct{}

func (normalizeFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(in))
	shift := 0
	for i := 0; i < len(in); i++ {
		t := in[i]
		t.Position += shift
		term := string(t.Term)
		switch {
		case t.Type == analysis.Numeric && strings.IndexByte(term, ',') > 0 && thousands(term):
			t.Term = []byte(strings.ReplaceAll(term, ",", ""))
		case isDottedAcronym(term):
			t.Term = []byte(strings.ReplaceAll(term, ".", ""))
			if s := string(t.Term); s == "US" || s == "USA" {
				t.Term = []byte("usa")
			}
		case term == "US" || term == "USA":
			t.Term = []byte("usa")
		case strings.EqualFold(term, "fy"):
			// "FY 2026" → fiscal 2026; a lone "FY" is still fiscal.
			t.Term = []byte("fiscal")
		case len(term) > 2 && (term[0] == 'F' || term[0] == 'f') && (term[1] == 'Y' || term[1] == 'y') && AllDigits(term[2:]) && (len(term) == 4 || len(term) == 6):
			year := term[2:]
			if len(year) == 2 {
				year = "20" + year
			}
			fiscal := *t
			fiscal.Term = []byte("fiscal")
			out = append(out, &fiscal)
			yt := *t
			yt.Term = []byte(year)
			yt.Type = analysis.Numeric
			yt.Position++
			shift++
			out = append(out, &yt)
			continue
		case strings.EqualFold(term, "fiscal"):
			// "fiscal year 2026" → fiscal 2026.
			if i+1 < len(in) && isYearWord(string(in[i+1].Term)) && in[i+1].Position == in[i].Position+1 {
				out = append(out, t)
				i++
				shift--
				continue
			}
		}
		if !isASCII(t.Term) {
			t.Term = foldDiacritics(t.Term)
		}
		out = append(out, t)
	}
	return out
}

// lemmaFilter replaces irregular verb forms by their base form. It runs
// after lower-casing, so a sentence-initial "Sent" matches "sent".
type lemmaFilter struct{}

func (lemmaFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if lemma, ok := irregularVerbs[string(t.Term)]; ok {
			t.Term = []byte(lemma)
		}
	}
	return in
}

// irregularVerbs maps irregular English verb forms to their base form, which
// the Porter stemmer cannot do ("said" and "says" must match; so must
// "wrote" and "write").
var irregularVerbs = map[string]string{
	"said": "say", "says": "say", "told": "tell", "wrote": "write", "written": "write",
	"began": "begin", "begun": "begin", "took": "take", "taken": "take", "gave": "give",
	"given": "give", "made": "make", "held": "hold", "won": "win", "built": "build",
	"became": "become", "came": "come", "went": "go", "gone": "go", "knew": "know",
	"known": "know", "grew": "grow", "grown": "grow", "seen": "see", "spoke": "speak",
	"spoken": "speak", "chose": "choose", "chosen": "choose", "bought": "buy",
	"brought": "bring", "thought": "think", "sold": "sell", "sent": "send", "spent": "spend",
	"paid": "pay", "met": "meet", "lost": "lose", "fought": "fight", "caught": "catch",
	"taught": "teach", "drew": "draw", "drawn": "draw", "fell": "fall", "fallen": "fall",
	"risen": "rise", "ran": "run", "struck": "strike", "wore": "wear", "worn": "wear",
	"broke": "break", "broken": "break", "flew": "fly", "flown": "fly", "ate": "eat",
	"eaten": "eat", "drove": "drive", "driven": "drive", "stood": "stand", "understood": "understand",
	"led": "lead", "kept": "keep", "felt": "feel", "heard": "hear", "meant": "mean",
	"sought": "seek", "shot": "shoot", "hid": "hide", "hidden": "hide", "rode": "ride",
	"sang": "sing", "sung": "sing", "swore": "swear", "sworn": "swear", "threw": "throw",
	"thrown": "throw", "forgot": "forget", "forgotten": "forget", "froze": "freeze",
	"frozen": "freeze", "stole": "steal", "stolen": "steal", "woke": "wake", "arose": "arise",
	"arisen": "arise", "withdrew": "withdraw", "withdrawn": "withdraw", "overtook": "overtake",
	"undertook": "undertake", "shook": "shake", "shaken": "shake", "dealt": "deal",
	"slept": "sleep", "swept": "sweep", "bred": "breed", "fled": "flee",
	"lent": "lend", "bent": "bend", "laid": "lay", "lain": "lie", "sank": "sink",
	"sunk": "sink", "spun": "spin", "stuck": "stick", "swung": "swing",
	"borne": "bear", "tore": "tear", "torn": "tear",
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldDiacritics removes accents ("Ögedei" → "Ogedei", "café" → "cafe") so
// names match however they were typed. It works per token, so offsets
// into the original text stay right.
func foldDiacritics(b []byte) []byte {
	d := norm.NFD.Bytes(b)
	out := make([]byte, 0, len(d))
	for i := 0; i < len(d); {
		r, size := utf8.DecodeRune(d[i:])
		if !unicode.Is(unicode.Mn, r) {
			out = utf8.AppendRune(out, r)
		}
		i += size
	}
	return norm.NFC.Bytes(out)
}

// IsIrregularVerb reports an irregular English verb form ("said",
// "wrote"), which the stemmer leaves alone.
func IsIrregularVerb(w string) bool {
	_, ok := irregularVerbs[w]
	return ok
}

func isYearWord(s string) bool { return strings.EqualFold(s, "year") || strings.EqualFold(s, "years") }

// thousands reports whether s is a number written with thousands separators
// ("7,500", "1,000,000.5").
func thousands(s string) bool {
	intPart := s
	if i := strings.IndexByte(s, '.'); i >= 0 {
		if !AllDigits(s[i+1:]) {
			return false
		}
		intPart = s[:i]
	}
	groups := strings.Split(intPart, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 || !AllDigits(groups[0]) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !AllDigits(g) {
			return false
		}
	}
	return true
}

// AllDigits reports a non-empty string of ASCII digits.
func AllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isDottedAcronym reports whether s is "U.S", "U.K", "A.B.C" and the like
// (the tokenizer drops the final dot): single upper-case letters joined by
// dots.
func isDottedAcronym(s string) bool {
	if len(s) < 3 {
		return false
	}
	letters := 0
	for i, r := range s {
		if i%2 == 1 {
			if r != '.' {
				return false
			}
			continue
		}
		if r >= utf8.RuneSelf || !unicode.IsUpper(r) {
			return false
		}
		letters++
	}
	return letters >= 2
}

// WordSpans returns the words of s as the analyser's tokenizer finds them
// (Unicode word boundaries), before any normalisation: byte spans into s.
func WordSpans(s string) []retrieval.Span {
	toks := unicodetok.NewUnicodeTokenizer().Tokenize([]byte(s))
	out := make([]retrieval.Span, len(toks))
	for i, t := range toks {
		out[i] = retrieval.Span{Start: t.Start, End: t.End}
	}
	return out
}

// placeFilter adds, beside a place's name or a word derived from it, one
// term for the place itself, so that "German", "Germany" and "the Federal
// Republic of Germany", or "Philippine", "Filipinos" and "the
// Philippines", meet whichever a question or a document uses. The term
// (PlaceTerm) stands at the position of the name's first word and is not
// stemmed. It runs before lower-casing: "US" is a country, "us" is not.
type placeFilter struct{}

func (placeFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for i := 0; i < len(in); i++ {
		out = append(out, in[i])
		if place, n := placeAt(in, i); n > 0 {
			t := *in[i]
			t.Term = []byte(PlaceTerm(place))
			t.End = in[i+n-1].End
			t.KeyWord = true // a name, not a word to stem
			out = append(out, &t)
		}
	}
	return out
}

// placeAt matches the longest place name (up to four words) or derived
// word starting at token i, and returns the place and how many tokens it
// spans.
func placeAt(in analysis.TokenStream, i int) (string, int) {
	first := in[i].Term
	if len(first) == 0 {
		return "", 0
	}
	if string(first) == "usa" { // "US", "U.S." and "USA", as normalizeFilter left them
		if p, ok := gaz.codes["USA"]; ok {
			return p, 1
		}
	}
	upper := first[0] >= 'A' && first[0] <= 'Z' || first[0] >= utf8.RuneSelf
	if !upper {
		// Lower case, only a derived word long enough not to be an
		// ordinary one ("german chancellor" typed in a hurry).
		if len(first) >= 5 {
			if p, ok := gaz.derived[string(first)]; ok {
				return p, 1
			}
		}
		return "", 0
	}
	for n := min(4, len(in)-i); n >= 1; n-- {
		words := make([]string, n)
		contiguous := true
		for k := 0; k < n; k++ {
			if k > 0 && in[i+k].Position != in[i+k-1].Position+1 {
				contiguous = false
				break
			}
			words[k] = string(in[i+k].Term)
		}
		if !contiguous {
			continue
		}
		name := strings.Join(words, " ")
		if n == 1 {
			if p, ok := gaz.codes[name]; ok {
				return p, 1
			}
		}
		lower := strings.ToLower(name)
		if p, ok := gaz.places[lower]; ok {
			return p, n
		}
		if n == 1 {
			if p, ok := gaz.derived[lower]; ok {
				return p, 1
			}
		}
	}
	return "", 0
}

// PlaceTerm is the term the index holds for a place, beside its name.
func PlaceTerm(place string) string {
	return "place:" + strings.ToLower(strings.ReplaceAll(place, " ", "_"))
}

// stemFilter is the Snowball (Porter2) English stemmer, except for
// keyword tokens (the place terms), which keep their form.
type stemFilter struct{}

func (stemFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if t.KeyWord {
			continue
		}
		env := snowballstem.NewEnv(string(t.Term))
		english.Stem(env)
		t.Term = []byte(env.Current())
	}
	return in
}

package text

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/text/texttest"
)

// regexpMatchers find with the patterns themselves, each searching the
// whole sentence: what amountEntities did before the finders and
// scanners, kept as the oracle they must equal.
var regexpMatchers = amountMatchers{
	date:       func(s string) [][]int { return dateRe.FindAllStringSubmatchIndex(s, -1) },
	time:       func(s string) [][]int { return timeRe.FindAllStringSubmatchIndex(s, -1) },
	number:     func(s string) [][]int { return numberRe.FindAllStringSubmatchIndex(s, -1) },
	ordinal:    func(s string) [][]int { return ordinalRe.FindAllStringSubmatchIndex(s, -1) },
	wordNumber: func(s string) [][]int { return wordNumberRe.FindAllStringSubmatchIndex(s, -1) },
	modifierStart: func(window string) int {
		if loc := modifierRe.FindStringIndex(window); loc != nil {
			return loc[0]
		}
		return -1
	},
}

// modifierCases are random texts dense in modifiers before amounts, in
// every case, with ſ and the Kelvin sign, cut where a window may cut them.
func modifierCases() []string {
	pieces := []string{"more than", "More  than", "fewer", "less", "greater", "higher", "lower", "than", "over", "OVER",
		"under", "about", "around", "nearly", "almost", "approximately", "roughly", "at least", "at most", "up to",
		"some", "ſome", "almoſt", "just over", "just under", "an estimated", "as many as", "as few as", "in excess of",
		"moreover", "to", "of", "as", "x", "_", "é", "\u212a", "5", "12", "million", "percent", "people", "km"}
	pieces = append(pieces, currencyPrefixCases()...)
	seps := []string{" ", "", "  ", "\t", "\n", "-", ", ", "\u00a0"}
	return texttest.RandomJoins(rand.New(rand.NewPCG(15, 2028)), 4000, 10, pieces, seps)
}

// currencyPrefixCases are every currency prefix currencyPrefix lists, in
// three cases, with and without the space, dot and "$" it may end with,
// and near misses.
func currencyPrefixCases() []string {
	words := []string{"Rs", "Rs.", "U.S", "USDX", "US $", "$$", "€$", "£", "€", "¥", "₹", "₿", "₩", "₽", "₺", "₪", "₦", "\u212aRW", "ſEK", "U.ſ."}
	// Written out, not taken from the scanner's tables, so that a
	// prefix missing there is still tried.
	for _, p := range strings.Fields("US U.S. A AU C CA NZ HK S R N Z") {
		words = append(words, p+"$", p)
	}
	for _, c := range strings.Fields("USD EUR GBP JPY CNY INR AUD CAD CHF RUB BRL ZAR NZD HKD SEK NOK DKK PLN MXN KRW TRY NGN") {
		words = append(words, c, c+"$")
	}
	var out []string
	for _, w := range words {
		for _, v := range []string{w, strings.ToLower(w), strings.ToUpper(w[:1]) + strings.ToLower(w[1:])} {
			for _, end := range []string{"", " ", "  ", "\t", ".", ". ", "\u00a0"} {
				out = append(out, v+end)
			}
		}
	}
	return out
}

// oracleTexts are the seed articles and generated pattern-dense texts
// (made), and, when they are beside the checkout, every SQuAD and
// COVID-QA paragraph (shared; every fifth with -short).
func oracleTexts(t *testing.T) (made, shared []string) {
	made = texttest.SeedTexts(t)
	made = append(made, finderCases()...)
	made = append(made, modifierCases()...)
	for _, name := range []string{"squad/dev-v1.1.json.gz", "covid-qa/covidQA-200423.json.gz"} {
		d, err := texttest.SharedSQuAD(t, name)
		if err != nil {
			t.Logf("%s not checked: %v", name, err)
			continue
		}
		k := 0
		for _, a := range d.Data {
			for _, p := range a.Paragraphs {
				if !testing.Short() || k%5 == 0 {
					shared = append(shared, p.Context)
				}
				k++
			}
		}
	}
	return made, shared
}

// TestAmountEntitiesLikeRegexps: the entities amountEntities finds with
// its finders and scanners — kind, span and unit — are exactly those it
// finds with the regular expressions alone, for every sentence
// IndexDocument would give it and for each made text whole.
func TestAmountEntitiesLikeRegexps(t *testing.T) {
	made, shared := oracleTexts(t)
	sentences := 0
	for i, text := range append(made, shared...) {
		var spans []retrieval.Span
		if i < len(made) {
			spans = append(spans, retrieval.Span{Start: 0, End: len(text)})
		}
		for _, p := range Segment(text) {
			spans = append(spans, p.Sentences...)
		}
		for _, sp := range spans {
			got := amountEntitiesWith(&scanningMatchers, text, sp)
			want := amountEntitiesWith(&regexpMatchers, text, sp)
			if !slices.Equal(got, want) {
				t.Fatalf("text %d, %.300q:\n got %v\nwant %v", i, text[sp.Start:sp.End], got, want)
			}
		}
		sentences += len(spans)
	}
	if testing.Verbose() {
		fmt.Println(sentences, "sentences")
	}
}

// TestScannersMatchLikeRegexps: isCurrencyPrefix and modifierStart
// answer as currencyPrefixRe and modifierRe do, at every place of the
// generated texts and the seeds where amountEntities asks them.
func TestScannersMatchLikeRegexps(t *testing.T) {
	texts := append(texttest.SeedTexts(t), finderCases()...)
	texts = append(texts, modifierCases()...)
	for _, c := range currencyPrefixCases() {
		if got, want := isCurrencyPrefix(c), currencyPrefixRe.MatchString(c); got != want {
			t.Fatalf("isCurrencyPrefix(%q) = %v, the pattern says %v", c, got, want)
		}
	}
	for _, s := range texts {
		for d := 0; d <= len(s); d++ {
			for p := max(0, d-maxCurrencyBytes); p < d; p++ {
				if got, want := isCurrencyPrefix(s[p:d]), currencyPrefixRe.MatchString(s[p:d]); got != want {
					t.Fatalf("isCurrencyPrefix(%q) = %v, the pattern says %v", s[p:d], got, want)
				}
			}
			w := s[max(0, d-24):d]
			if got, want := modifierStart(w), regexpMatchers.modifierStart(w); got != want {
				t.Fatalf("modifierStart(%q) = %d, the pattern says %d", w, got, want)
			}
		}
	}
}

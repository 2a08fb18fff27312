package text

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"testing"

	"github.com/citebot/citebot/retrieval/text/texttest"
)

var finders = []struct {
	name string
	re   *regexp.Regexp
	f    finder
}{
	{"dateRe", dateRe, dateFinder},
	{"timeRe", timeRe, timeFinder},
	{"numberRe", numberRe, numberFinder},
	{"ordinalRe", ordinalRe, ordinalFinder},
	{"wordNumberRe", wordNumberRe, wordNumberFinder},
}

func checkFinders(t *testing.T, s string) {
	t.Helper()
	for _, f := range finders {
		got, want := f.f.findAll(s), f.re.FindAllStringSubmatchIndex(s, -1)
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%s in %q:\n got %v\nwant %v", f.name, s, got, want)
		}
	}
}

// finderCases are texts dense in what the patterns match, in every case
// and fold, with the separators they allow and invalid UTF-8.
func finderCases() []string {
	cases := []string{
		"", "On Friday, October 2, 2018 at 4:00 A.M. local time, 22 minutes after midnight.",
		"the 1990s, the mid-1980s, late 1970s, 19th century, the twenty-first century, 2019-01-12",
		"$4.2 billion, US$5m, U.S.$3, Rs. 400, USD 12, €20,000, 400 million dollars, 4.9%, 54 percent",
		"12 per  cent, 3 percentage points, 160 km, 5.7 million barrels, magnitude 4.9, 33-year-old",
		"twenty-two, three hundred, a dozen, dozens of people, half a dozen, several, a few, a couple of",
		"110th, third, 1st, 2nd and 3rd, Emily Spanton, 39, aged 82, 5m, 10k, 1,000,000.5+, 7,500",
		"xſecond xſix ſeventh \u212a DKK 5 D\u212a\u212a 5 U.ſ.$ 5 ſEK 9 noon NOON Midnight 1200 GMT",
		"bad\xffbyte 12 \xe2\x82 3 \xf0\x9f\x98 4 é5 €\u00a05 5\u00a0km 12:30pm 9 a.m. 0930 UTC",
		"May 5 may rain March 1990 Marches last October next May this June early- March Sept. 3 Sep. 4",
		"_12 a12 12a 1.2.3 ..5 -5 +5 5+ 5,00 5,000,00 1e5 0x1F",
		"the hundredth century, a fiftieth century, thirtieth century, Hundredth century",
	}
	pieces := []string{"5", "12", "2019", "1,000", "4.2", "$", "US$", "€", "£", "USD", "Rs.", "January", "Jan.", "May",
		"March", "Friday", "the", "early", "mid", "late", "last", "next", "this", "of", "st", "th", "nd", "first",
		"twenty-first", "hundredth", "fortieth", "century", "centuries", "1990s", "a.m.", "pm", "PM", "noon", "midnight", "UTC", "local time",
		"million", "billion", "m", "k", "percent", "per", "cent", "%", "km", "years", "old", "-", "one", "twenty", "two",
		"dozen", "dozens", "a", "few", "couple", "half", "hundred", "thousand", "several", "billions", "millions", "hundreds", "thousands", "ſ", "\u212a", "é", "x", "_",
		"\xff", "°", "²", ":", ",", "."}
	seps := []string{" ", "", "  ", "-", ", ", "\t", "\n", "\u00a0", "/"}
	return append(cases, texttest.RandomJoins(rand.New(rand.NewPCG(15, 2027)), 4000, 8, pieces, seps)...)
}

// sharedTexts are SQuAD and COVID-QA contexts when the shared
// datasets sit beside the checkout (nil otherwise).
func sharedTexts(t *testing.T) []string {
	var out []string
	for _, name := range []string{"squad/dev-v1.1.json.gz", "covid-qa/covidQA-200423.json.gz"} {
		d, err := texttest.SharedSQuAD(t, name)
		if err != nil {
			continue
		}
		// Every fifth paragraph: all of them take the regular
		// expressions a dozen seconds.
		k := 0
		for _, a := range d.Data {
			for _, p := range a.Paragraphs {
				if k%5 == 0 {
					out = append(out, p.Context)
				}
				k++
			}
		}
	}
	return out
}

// TestFindersMatchLikeRegexps: each finder finds exactly what its regular
// expression's FindAllStringSubmatchIndex finds — every match and
// submatch — on generated pattern-dense texts and, when they are there,
// a fifth of the SQuAD and COVID-QA paragraphs.
func TestFindersMatchLikeRegexps(t *testing.T) {
	texts := finderCases()
	texts = append(texts, sharedTexts(t)...)
	for i, s := range texts {
		checkFinders(t, s)
		if t.Failed() {
			t.Fatalf("text %d differs", i)
		}
	}
	if testing.Verbose() {
		fmt.Println(len(texts), "texts")
	}
}

func FuzzFinders(f *testing.F) {
	for _, s := range finderCases()[:100] {
		f.Add(s)
	}
	f.Fuzz(checkFinders)
}

package text

import (
	"fmt"
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
)

// entitiesOf indexes text as one document and lists its entities as
// "kind:text" (with the unit after a slash when there is one).
func entitiesOf(text string) []string {
	d := IndexDocument(retrieval.Document{ID: "d", Text: text})
	var out []string
	seen := map[int]bool{}
	for _, p := range d.Passages {
		for _, e := range p.Entities {
			if seen[e.Start] {
				continue
			}
			seen[e.Start] = true
			s := fmt.Sprintf("%s:%s", e.Kind, text[e.Start:e.End])
			if e.Unit != "" {
				s += "/" + e.Unit
			}
			out = append(out, s)
		}
	}
	return out
}

// TestAmountEntities: dates keep their day and year, amounts their
// currency, scale, modifier and unit; durations and ages are told from
// other quantities; years from counts.
func TestAmountEntities(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"He entered the consulate on October 2 2018, seeking documents.", []string{"date:October 2 2018"}},
		{"The cap was set on November 28, 2025 at 7,500 people.", []string{"date:November 28, 2025", "number:7,500"}},
		{"They are to pay €20,000 (£17,500; US$22,900) in compensation.", []string{"money:€20,000/€", "money:£17,500/£", "money:US$22,900/$"}},
		{"Costs rose to $4.2 billion in 2024.", []string{"money:$4.2 billion/$", "year:2024"}},
		{"The journey took 22 minutes over 22 miles.", []string{"duration:22 minutes/minute", "quantity:over 22 miles/mile"}},
		{"Turnout was about 71%, some 25% higher than last year.", []string{"percent:71%/%", "percent:25%/%"}},
		{"Emily Spanton, 39, met officers aged 40 and a 33-year-old man.", []string{"person:Emily Spanton", "age:39", "age:40", "age:33-year-old"}},
		{"An earthquake of magnitude 4.9 struck at 4:00 A.M. local time.", []string{"quantity:magnitude 4.9/magnitude", "time:4:00 A.M. local time"}},
		{"It includes more than a dozen talking points and dozens of embassies.", []string{"number:more than a dozen", "number:dozens"}},
		{"The attacks occurred at 0100 UTC on Saturday, the third such raid.", []string{"time:0100 UTC", "weekday:Saturday", "ordinal:third"}},
		{"The ship was built in 1993 in Japan and sank in late December.", []string{"year:1993", "month:late December"}},
		{"Sentences of 73 months and four years were handed down.", []string{"duration:73 months/month", "duration:four years/year"}},
	} {
		got := entitiesOf(tc.text)
		// Names are not this test's concern.
		var amounts []string
		for _, g := range got {
			if !strings.HasPrefix(g, "place:") && !strings.HasPrefix(g, "name:") && !strings.HasPrefix(g, "organisation:") && !strings.HasPrefix(g, "nationality:") && !(strings.HasPrefix(g, "person:") && !strings.Contains(tc.text, "Spanton")) {
				amounts = append(amounts, g)
			}
		}
		if strings.Join(amounts, " | ") != strings.Join(tc.want, " | ") {
			t.Errorf("%q:\n got  %q\n want %q", tc.text, amounts, tc.want)
		}
	}
}

// TestNameEntities: a name's kind comes from what the text shows, and a
// name it does not make clear stays a plain name.
func TestNameEntities(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Speaking on al-Masirah TV in Yemen, Houthi military spokesperson Yahya Sarea said it had carried out the attack.",
			[]string{"organisation:al-Masirah TV", "place:Yemen", "name:Houthi", "person:Yahya Sarea"}},
		{"US Secretary of State Mike Pompeo posted a message on Twitter.", []string{"person:Mike Pompeo", "name:Twitter"}},
		{"It cited the Air Force as stating Saha Airlines owned the plane.", []string{"organisation:Air Force", "organisation:Saha Airlines"}},
		{"Stevens died at Holy Cross Hospital in Fort Lauderdale, Florida.\n\nStevens said little in retirement.",
			// "Stevens" only ever opens a sentence: nothing says it names anything.
			[]string{"place:Holy Cross Hospital", "place:Fort Lauderdale", "place:Florida"}},
		{"Yesterday, scientists from the University of Bristol spoke. Reuters reported it.", []string{"organisation:University of Bristol"}},
		{"German authorities met Filipino officials in Germany.", []string{"nationality:German", "nationality:Filipino", "place:Germany"}},
	} {
		if got := entitiesOf(tc.text); strings.Join(got, " | ") != strings.Join(tc.want, " | ") {
			t.Errorf("%q:\n got  %q\n want %q", tc.text, got, tc.want)
		}
	}
}

package quote

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
)

// speakerCase is one row of testdata/wikinews-speakers.jsonl (see
// testdata/README.md): a quotation from a Wikinews article, who the
// article says spoke it (with every naming an editor would accept), and
// the article's text around it, copied verbatim so the test needs
// nothing outside this repository.
type speakerCase struct {
	ID      string   `json:"id"`
	Doc     string   `json:"doc"`
	Quote   string   `json:"quote"`
	Speaker string   `json:"speaker"`
	Accept  []string `json:"accept"`
	Pattern string   `json:"pattern"`
	Note    string   `json:"note"`
	// Headline, Before and Paragraph are the article's headline, the
	// paragraph before the quote's ("" when that is the headline) and
	// the quote's paragraph.
	Headline  string `json:"headline"`
	Before    string `json:"before"`
	Paragraph string `json:"paragraph"`
}

func readSpeakerCases(t *testing.T) []speakerCase {
	t.Helper()
	f, err := os.Open("testdata/wikinews-speakers.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []speakerCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var c speakerCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("testdata/wikinews-speakers.jsonl: %v", err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// Who-said targets on the hand-checked Wikinews table: of the speakers
// named, the share that are right; of the cases that have a speaker, the
// share named right. A wrong speaker is worse than none.
const (
	minSpeakerPrecision = 0.95
	minSpeakerRecall    = 0.80
)

// TestWhoSaidWikinews runs "who said it?" on 165 hand-checked quotations
// from the Wikinews 2019–2020 corpus (145 with a speaker, 20 without),
// each indexed as its article's headline, the paragraph before the
// quotation and the quotation's paragraph. It prints both figures, per
// pattern and the misses with -v, and fails below the targets.
func TestWhoSaidWikinews(t *testing.T) {
	cases := readSpeakerCases(t)
	if len(cases) < 60 {
		t.Fatalf("%d cases; the table needs at least 60", len(cases))
	}
	type tally struct{ cases, withSpeaker, named, right int }
	var all tally
	byPattern := map[string]*tally{}
	var misses []string
	for _, c := range cases {
		text := c.Headline + "\n\n"
		if c.Before != "" {
			text += c.Before + "\n\n"
		}
		text += c.Paragraph
		if !strings.Contains(text, c.Quote) {
			t.Fatalf("%s: the quote is not in its own paragraph", c.ID)
		}
		ix := memIndex(t, retrieval.Document{ID: c.ID, Metadata: retrieval.Metadata{Title: c.Headline}, Text: text})
		at, err := WhoSaid(context.Background(), ix.b, c.Quote, retrieval.QuoteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if at.Verdict == retrieval.AttributionNotFound {
			t.Errorf("%s: the quotation was not found in its own text", c.ID)
		}
		p := byPattern[c.Pattern]
		if p == nil {
			p = &tally{}
			byPattern[c.Pattern] = p
		}
		right := at.Speaker != "" && slices.ContainsFunc(c.Accept, func(a string) bool { return strings.EqualFold(a, at.Speaker) })
		for _, tl := range []*tally{&all, p} {
			tl.cases++
			if c.Speaker != "" {
				tl.withSpeaker++
			}
			if at.Speaker != "" {
				tl.named++
			}
			if right {
				tl.right++
			}
		}
		if !right && (at.Speaker != "" || c.Speaker != "") {
			what := "missed"
			if at.Speaker != "" {
				what = fmt.Sprintf("named %q", at.Speaker)
			}
			misses = append(misses, fmt.Sprintf("%s %-20s %s; want %q (%s)", c.ID, c.Pattern, what, c.Speaker, c.Note))
		}
	}
	share := func(n, of int) float64 {
		if of == 0 {
			return 1
		}
		return float64(n) / float64(of)
	}
	precision, recall := share(all.right, all.named), share(all.right, all.withSpeaker)
	t.Logf("who said it on %d Wikinews quotations: of %d speakers named, %d right (%.1f%%, target %.0f%%); of %d with a speaker, %d named right (%.1f%%, target %.0f%%)",
		all.cases, all.named, all.right, 100*precision, 100*minSpeakerPrecision, all.withSpeaker, all.right, 100*recall, 100*minSpeakerRecall)
	patterns := make([]string, 0, len(byPattern))
	for p := range byPattern {
		patterns = append(patterns, p)
	}
	sort.Strings(patterns)
	for _, p := range patterns {
		tl := byPattern[p]
		t.Logf("  %-22s %3d cases, %3d with a speaker, %3d named, %3d right", p, tl.cases, tl.withSpeaker, tl.named, tl.right)
	}
	if testing.Verbose() {
		for _, m := range misses {
			t.Log("  " + m)
		}
	}
	if precision < minSpeakerPrecision {
		t.Errorf("%.1f%% of the speakers named are right; want at least %.0f%%", 100*precision, 100*minSpeakerPrecision)
	}
	if recall < minSpeakerRecall {
		t.Errorf("%.1f%% of the cases with a speaker are named right; want at least %.0f%%", 100*recall, 100*minSpeakerRecall)
	}
}

package text

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neurosnap/sentences"
	"github.com/neurosnap/sentences/english"

	"github.com/citebot/citebot/retrieval/text/texttest"
)

// TestGatedMultiPunctSplitsLikeOriginal: with the gated passes
// (gatedMultiPunct, gatedTypeBased) the tokenizer splits every text
// exactly as the English model's own does — on the seeds, on generated text dense with abbreviations, initials, list
// numbers, coordinates and quotes after punctuation, and on SQuAD dev's
// paragraphs when ../shared has them.
func TestGatedMultiPunctSplitsLikeOriginal(t *testing.T) {
	fast, err := sentenceTokenizer()
	if err != nil {
		t.Fatal(err)
	}
	gated := 0
	for _, a := range fast.Annotations {
		switch a.(type) {
		case *gatedMultiPunct, *gatedTypeBased:
			gated++
		}
	}
	if gated != 2 {
		t.Fatalf("the shared tokenizer has %d gated passes; want gatedMultiPunct and gatedTypeBased", gated)
	}
	stock, err := english.NewSentenceTokenizer(nil)
	if err != nil {
		t.Fatal(err)
	}
	spans := func(tok *sentences.DefaultSentenceTokenizer, text string) [][2]int {
		var out [][2]int
		for _, s := range tok.Tokenize(text) {
			out = append(out, [2]int{s.Start, s.End})
		}
		return out
	}
	var texts []string
	seedFiles, _ := filepath.Glob(filepath.Join("..", "..", "seeds", "*.txt"))
	if len(seedFiles) == 0 {
		t.Fatal("no seed texts")
	}
	for _, f := range seedFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	words := []string{
		"The", "the", "U.S.", "F.B.I.", "Dr.", "Mr.", "Gov.", "No.", "no.", "e.g.", "i.e.", "J.", "a.m.",
		"1.", "2)", "12.", "3.5", "1.2.3.", "N°.", "5.", "said.", "end.\"", "end.'", "end.)", "end.”",
		"why?", "why?\"", "stop!", "stop!)", "...", ".", "?", "!", "Washington", "Paris", "He", "It",
		"fiscal", "cap", "7,500", "(see", "Fig.", "2).", "St.", "Louis", "Inc.", "Co.", "vs.", "and",
		"A.B.", "x.y.z", "U.S", "1.)", "10)", "9.9.", "“Yes.”", "(Reuters)", "—", "-", "Jan.", "Sept.",
		"end。", "etc..", "well-known.", "co-op.", "Calif.-based", "?!", "(U.S.)", "“No.", "i.e.,", "Ph.D.",
	}
	r := rand.New(rand.NewPCG(8, 1))
	for range 3000 {
		n := 3 + r.IntN(40)
		var b strings.Builder
		for k := range n {
			if k > 0 {
				if r.IntN(12) == 0 {
					b.WriteString("\n")
				} else {
					b.WriteString(" ")
				}
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		texts = append(texts, b.String())
	}
	if ds, err := texttest.SharedSQuAD(t, "squad/dev-v1.1.json.gz"); err == nil {
		for _, a := range ds.Data {
			for _, p := range a.Paragraphs {
				texts = append(texts, p.Context)
			}
		}
	} else {
		t.Logf("SQuAD dev not found (%v); generated texts and seeds only", err)
	}
	for _, text := range texts {
		if got, want := spans(fast, text), spans(stock, text); !slices.Equal(got, want) {
			t.Fatalf("splits differ on %q:\n gated %v\n stock %v", text, got, want)
		}
	}
	t.Logf("%d texts split identically", len(texts))
}

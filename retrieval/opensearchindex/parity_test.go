package opensearchindex_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/ingest/seedtest"
	"github.com/citebot/citebot/retrieval/opensearchindex"
	"github.com/citebot/citebot/retrieval/opensearchindex/ostest"
	"github.com/citebot/citebot/retrieval/qaeval"
	"github.com/citebot/citebot/retrieval/text"
)

// squadPath is SQuAD v1.1 dev in the shared data beside the checkout.
const squadPath = "../../../shared/data/squad/dev-v1.1.json.gz"

// parityCorpus is the seed articles plus, when the shared data is there,
// the first SQuAD dev articles, with questions about them.
func parityCorpus(t *testing.T, articles int) ([]retrieval.Document, []string) {
	t.Helper()
	docs := seedtest.Docs(t)
	questions := []string{
		"What was the FY2026 refugee cap?", "Who wrote the CRBC News article?",
		"What is the refugee cap for fiscal 2027?", "Who said a nation without borders is not a nation?",
	}
	if _, err := os.Stat(squadPath); errors.Is(err, fs.ErrNotExist) {
		t.Logf("%s is not beside this checkout: parity on the seed articles only", squadPath)
		return docs, questions
	}
	s, err := qaeval.LoadSQuAD(squadPath)
	if err != nil {
		t.Fatal(err)
	}
	sq, qs := qaeval.SQuADCorpus(s, func(i int) bool { return i < articles })
	docs = append(docs, sq...)
	for _, q := range qs {
		if q.Doc != "" {
			questions = append(questions, q.Question)
		}
	}
	return docs, questions
}

// queriesFor makes searches of every shape from a question: its terms
// with varied boosts, its word pairs as optional phrases, and a required
// phrase from it.
func queriesFor(question string, i int) []retrieval.Query {
	toks := text.Analyze(question)
	if len(toks) == 0 {
		return nil
	}
	var terms retrieval.Query
	for k, tok := range toks {
		terms.Terms = append(terms.Terms, retrieval.QueryTerm{Term: tok.Term, Boost: 0.5 + float64((i+k)%4)/2})
	}
	out := []retrieval.Query{terms}
	withPhrases := terms
	for k := 0; k+1 < len(toks); k++ {
		if ph, ok := retrieval.PhraseOf(toks[k:k+2], 2); ok {
			withPhrases.Phrases = append(withPhrases.Phrases, ph)
		}
	}
	out = append(out, withPhrases)
	if len(toks) >= 2 {
		if ph, ok := retrieval.PhraseOf(toks[len(toks)-2:], 0); ok {
			out = append(out, retrieval.Query{Required: []retrieval.Phrase{ph}})
			out = append(out, retrieval.Query{Required: []retrieval.Phrase{ph}, Terms: terms.Terms[:1]})
		}
	}
	return out
}

// TestParityWithBleve: the same corpus in the Bleve backend and on
// OpenSearch (3 shards) gives the same hits with the same scores for
// every query, and the answering engine gives the same answers.
func TestParityWithBleve(t *testing.T) {
	c := ostest.Client(t, ostest.URL())
	ctx := context.Background()
	docs, questions := parityCorpus(t, 8)
	// Every sixth question: enough for a thousand searches of every
	// shape, few enough to keep the test short.
	var some []string
	for i := 0; i < len(questions); i += 6 {
		some = append(some, questions[i])
	}
	questions = some
	bl, err := bleveindex.NewMemory(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	defer bl.Close()
	os := buildOpen(t, opensearchindex.Target{Client: c, Name: ostest.Name(t, c), Shards: 3, Replicas: 0}, docs)
	defer os.Close()

	searches, mismatches := 0, 0
	for i, question := range questions {
		for _, q := range queriesFor(question, i) {
			filters := []retrieval.Filter{{}}
			if i%3 == 0 {
				filters = append(filters, retrieval.Filter{Collections: []string{"seeds"}})
			}
			for _, f := range filters {
				want, err := bl.Search(ctx, q, 12, f)
				if err != nil {
					t.Fatal(err)
				}
				got, err := os.Search(ctx, q, 12, f)
				if err != nil {
					t.Fatal(err)
				}
				searches++
				if msg := sameHits(want, got); msg != "" {
					mismatches++
					if mismatches <= 5 {
						qj, _ := json.Marshal(q)
						t.Errorf("%q %v: %s\n query %s", question, f.Collections, msg, qj)
					}
				}
			}
		}
	}
	t.Logf("%d searches, %d with other hits or scores", searches, mismatches)

	if mismatches > 0 {
		t.Errorf("%d of %d searches found other passages or scores", mismatches, searches)
	}

	// And through the answering core: the same decisions and first
	// quotes. Not byte-identical answers: where passages tie on BM25,
	// which of them makes Bleve's top k depends on the order its
	// segments happen to hold them (two Bleve builds of one corpus differ
	// there too), and the decline model's features read the whole top k.
	blEng, osEng := answer.New(retrieval.NewLive(bl)), answer.New(retrieval.NewLive(os))
	differ := 0
	n := min(len(questions), 100)
	for _, question := range questions[:n] {
		a, err := blEng.Ask(ctx, question, retrieval.AskOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := osEng.Ask(ctx, question, retrieval.AskOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if a.Answered != b.Answered || a.Answered && a.Citations[0].Quote != b.Citations[0].Quote {
			differ++
			t.Logf("%q: bleve answered=%v, opensearch answered=%v", question, a.Answered, b.Answered)
		}
	}
	t.Logf("%d questions answered, %d with another decision or first quote", n, differ)
	if differ*100 > 3*n {
		t.Errorf("%d of %d questions got another decision or first quote; at most 3%% may", differ, n)
	}
}

// sameHits compares two backends' hits: the same scores rank by rank
// (within rounding), and the same passages, except that passages tied
// with the last score may differ (which of equals makes the cut is
// arbitrary in Bleve).
func sameHits(want, got []retrieval.Hit) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d hits; bleve has %d (%v vs %v)", len(got), len(want), keys(got), keys(want))
	}
	if len(want) == 0 {
		return ""
	}
	for i := range want {
		if !near(want[i].Score, got[i].Score) {
			return fmt.Sprintf("hit %d scores %v; bleve %v (%v vs %v)", i, got[i].Score, want[i].Score, keys(got), keys(want))
		}
	}
	last := want[len(want)-1].Score
	w, g := map[string]bool{}, map[string]bool{}
	for i := range want {
		if !near(want[i].Score, last) {
			w[key(want[i])] = true
		}
		if !near(got[i].Score, last) {
			g[key(got[i])] = true
		}
	}
	for k := range w {
		if !g[k] {
			return fmt.Sprintf("bleve finds %s, opensearch does not (%v vs %v)", k, keys(got), keys(want))
		}
	}
	return ""
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }

func key(h retrieval.Hit) string { return h.Doc + "#" + strconv.Itoa(h.Passage) }

func keys(hs []retrieval.Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, fmt.Sprintf("%s:%.6g", key(h), h.Score))
	}
	return out
}

package answer

import (
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	rtext "github.com/citebot/citebot/retrieval/text"
	"github.com/citebot/citebot/retrieval/text/texttest"
)

// scanCases are texts the scanners must read as the strings functions
// do: spaces of every kind, apostrophes, case that lower-casing changes
// in length, invalid UTF-8, and the seed articles.
func scanCases(t testing.TB) []string {
	cases := []string{
		"", " ", "one", "  two  words ", "tab\tand\nnewline\r\nand\vform\ffeed",
		"no\u00a0break\u0085next\u2003em\u3000ideographic",
		"It's the U.S. Navy's 7,500-ton ship, isn't it?",
		"İstanbul ΣΊΣΥΦΟΣ Straße KELVIN \u212a ſ",
		"bad\xffbyte \xe2\x82 cut", "\xff", "a\xffb c",
		"Ⅻ ⓐⒶ 123abc 4.5 — – -dash- 'quoted' ‘curly’",
	}
	return append(cases, texttest.SeedTexts(t)...)
}

func checkScanners(t *testing.T, s string) {
	if got, want := rtext.CountFields(s), len(strings.Fields(s)); got != want {
		t.Errorf("rtext.CountFields(%q) = %d, strings.Fields has %d", s, got, want)
	}
	all := strings.Fields(s)
	for n := 1; n <= 4; n++ {
		got := rtext.LeadingFields(s, make([]string, n))
		if want := all[:min(n, len(all))]; !slices.Equal(got, want) {
			t.Errorf("rtext.LeadingFields(%q, %d) = %q, want %q", s, n, got, want)
		}
	}
	// Every text's own pairs, and a question's, counted as surfaceShare
	// counted them with maps.
	for _, q := range []string{s, "Who was the U.S. Navy's ship, isn't it?", "what is the population of canada"} {
		pairs := surfacePairs(q, true)
		want := 0
		for p := range surfacePairs(s, false) {
			if pairs[p] {
				want++
			}
		}
		tab := rtext.NewPairTable(pairs)
		if got := tab.Count(s); got != want {
			t.Errorf("pairTable of %q counts %d pairs in %q, surfacePairs %d", q, got, s, want)
		}
		if got := tab.CountWords(rtext.PairWords(s), rtext.WordHashes(rtext.PairWords(s))); got != want {
			t.Errorf("pairTable of %q counts %d pairs in the words of %q, surfacePairs %d", q, got, s, want)
		}
	}
}

// TestScannersReadLikeStrings: the answering path's scanners give what
// the strings functions they replace give.
func TestScannersReadLikeStrings(t *testing.T) {
	for _, s := range scanCases(t) {
		checkScanners(t, s)
	}
}

func FuzzScanners(f *testing.F) {
	for _, s := range scanCases(f) {
		f.Add(s)
	}
	f.Fuzz(checkScanners)
}

// TestSortByScoreIsStable: sortByScore orders as sort.SliceStable does,
// ties kept in their order.
func TestSortByScoreIsStable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 60 {
		all := make([]scored, n)
		for i := range all {
			all[i] = scored{score: float64(rng.IntN(5)), sent: i}
		}
		want := slices.Clone(all)
		sort.SliceStable(want, func(a, b int) bool { return want[a].score > want[b].score })
		sortByScore(all)
		for i := range all {
			if all[i].sent != want[i].sent || all[i].score != want[i].score {
				t.Fatalf("n=%d: at %d got sentence %d, want %d", n, i, all[i].sent, want[i].sent)
			}
		}
	}
}

// proximityByDefinition is proximity read off its definition, not the
// sliding window proximity uses: every window from one hit's position to
// another's is tried, and the shortest holding every distinct term
// counts.
func proximityByDefinition(hs []hit) float64 {
	distinct := map[int]bool{}
	for _, h := range hs {
		distinct[h.term] = true
	}
	k := len(distinct)
	if k < 2 {
		return 0
	}
	best := 0
	for _, from := range hs {
		for _, to := range hs {
			if to.pos < from.pos {
				continue
			}
			inside := map[int]bool{}
			for _, h := range hs {
				if h.pos >= from.pos && h.pos <= to.pos {
					inside[h.term] = true
				}
			}
			if w := to.pos - from.pos + 1; len(inside) == k && (best == 0 || w < best) {
				best = w
			}
		}
	}
	return float64(k) / float64(best)
}

// TestProximityIsShortestWindow: proximity gives what its definition
// gives (proximityByDefinition), hits in token order (ties at one
// position in any order) or not, term indexes small and large.
func TestProximityIsShortestWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		n := rng.IntN(12)
		hs := make([]hit, n)
		pos := 1
		for i := range hs {
			pos += rng.IntN(3) // ties, as place terms make
			hs[i] = hit{term: rng.IntN(4), pos: pos}
			if rng.IntN(10) == 0 {
				hs[i].term = 30 + rng.IntN(10)
			}
		}
		if rng.IntN(3) == 0 {
			rng.Shuffle(len(hs), func(i, j int) { hs[i], hs[j] = hs[j], hs[i] })
		}
		in := slices.Clone(hs)
		if got, want := proximity(hs), proximityByDefinition(hs); got != want {
			t.Fatalf("proximity(%v) = %v, want %v", hs, got, want)
		}
		if !slices.Equal(hs, in) {
			t.Fatalf("proximity changed its hits")
		}
	}
}

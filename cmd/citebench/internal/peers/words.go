package peers

import (
	"strings"
	"unicode"

	"github.com/citebot/citebot/cmd/citebench/internal/citebot"
)

// stopWords are dropped from the SQLite FTS5 query and from the word
// overlap that picks a peer's quote: Lucene's classic English list
// plus question words and auxiliaries. A plain OR of every word of a
// question ("what", "the", "of" …) would make FTS5 score nearly every row;
// Bleve's analyzer drops (a longer list of) stop words on its own.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an and are as at be but by for if in into is it no not of on or
		such that the their then there these they this to was will with
		what which who whom whose when where why how did does do were has have had
		been being can could would should may might shall i you he she we its his her our your`) {
		m[w] = true
	}
	return m
}()

// contentWords returns the distinct lower-case words of s (runs of
// letters and digits) that are not stop words, in order.
func contentWords(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if stopWords[w] || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

// bestSentence is how a quote is cut for the peers, which return
// passages, not sentences: the sentence of the passage that shares the
// most distinct content words with the question (the first on a tie).
// Sentences are citebot.SplitSentences's, the same citebot quotes.
func bestSentence(text string, within citebot.Span, sents []citebot.Span, qwords []string) citebot.Span {
	if len(sents) == 0 {
		sents = citebot.SplitSentences(text, within)
	}
	if len(sents) == 0 {
		return within
	}
	best, bestN := sents[0], -1
	for _, sp := range sents {
		words := map[string]bool{}
		for _, w := range contentWords(text[sp.Start:sp.End]) {
			words[w] = true
		}
		n := 0
		for _, w := range qwords {
			if words[w] {
				n++
			}
		}
		if n > bestN {
			best, bestN = sp, n
		}
	}
	return best
}

package text

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"

	"github.com/neurosnap/sentences"
	"github.com/neurosnap/sentences/english"
)

// Segmentation limits. A passage longer than maxPassageBytes is windowed into
// runs of sentences of about windowBytes, overlapping by one sentence so a
// sentence is never cut off from the one before it. Sentences longer than
// maxSentenceBytes (tables, lists without punctuation) are cut at a space so
// a quote stays readable.
const (
	maxPassageBytes  = 1500
	windowBytes      = 900
	maxSentenceBytes = 1000
)

var (
	punktOnce sync.Once
	punkt     *sentences.DefaultSentenceTokenizer
	punktErr  error
)

// sentenceTokenizer returns the shared Punkt tokenizer with the English
// model (abbreviations, initials, "U.S.", "e.g."). Tokenize does not mutate
// the model, so one instance serves every goroutine.
func sentenceTokenizer() (*sentences.DefaultSentenceTokenizer, error) {
	punktOnce.Do(func() {
		punkt, punktErr = english.NewSentenceTokenizer(nil)
		if punktErr == nil {
			for i, a := range punkt.Annotations {
				switch a := a.(type) {
				case *english.MultiPunctWordAnnotation:
					punkt.Annotations[i] = &gatedMultiPunct{a}
				case *sentences.TypeBasedAnnotation:
					punkt.Annotations[i] = &gatedTypeBased{a}
				}
			}
		}
	})
	return punkt, punktErr
}

// gatedMultiPunct is the English model's multi-period abbreviation pass
// ("F.B.I.", "U.S.") with the same result, only faster: the original runs
// a regular expression on every word of every document, which profiling
// found to be 15% of a whole build's CPU time (BENCHMARKS.md). It can
// only change a token that holds '.', '?' or '!' or starts with a digit
// (its list-number, coordinate, abbreviation, lone-period and
// quote-after-punctuation tests all need one of those), so other tokens
// skip it; the rest go through the original, pair by pair, in order.
// TestGatedMultiPunctSplitsLikeOriginal checks the splits are identical.
type gatedMultiPunct struct {
	orig *english.MultiPunctWordAnnotation
}

// gatedTypeBased is Punkt's first pass (a word ending a sentence, or an
// abbreviation) with the same result, faster in the same way: it only
// acts on a token holding '.', '?', '!' or '。' (HasSentEndChars and
// HasPeriodFinal need one), so only those go through the original.
type gatedTypeBased struct {
	orig *sentences.TypeBasedAnnotation
}

func (g *gatedTypeBased) Annotate(tokens []*sentences.Token) []*sentences.Token {
	for i, t := range tokens {
		if strings.ContainsAny(t.Tok, ".?!。") {
			g.orig.Annotate(tokens[i : i+1])
		}
	}
	return tokens
}

func (g *gatedMultiPunct) Annotate(tokens []*sentences.Token) []*sentences.Token {
	for i := 0; i+1 < len(tokens); i++ {
		t := tokens[i].Tok
		if t == "" || (!strings.ContainsAny(t, ".?!") && (t[0] < '0' || t[0] > '9')) {
			continue
		}
		g.orig.Annotate(tokens[i : i+2])
	}
	return tokens
}

// Segment splits text into passages and sentences. Paragraphs are separated
// by blank lines, and also by single line breaks unless the text is
// hard-wrapped (a line that runs on into the next).
func Segment(text string) []retrieval.Passage {
	var out []retrieval.Passage
	for i, para := range paragraphs(text) {
		sents := SplitSentences(text, para)
		if len(sents) == 0 {
			continue
		}
		if para.End-para.Start <= maxPassageBytes || len(sents) == 1 {
			out = append(out, retrieval.Passage{Paragraph: i + 1, Span: para, Sentences: sents})
			continue
		}
		out = append(out, windows(i+1, sents)...)
	}
	return out
}

// windows cuts the sentences of one long paragraph into overlapping runs.
func windows(paragraph int, sents []retrieval.Span) []retrieval.Passage {
	var out []retrieval.Passage
	start := 0
	for start < len(sents) {
		end := start + 1
		for end < len(sents) && sents[end].End-sents[start].Start <= windowBytes {
			end++
		}
		w := append([]retrieval.Span(nil), sents[start:end]...)
		out = append(out, retrieval.Passage{
			Paragraph: paragraph,
			Span:      retrieval.Span{Start: w[0].Start, End: w[len(w)-1].End},
			Sentences: w,
		})
		if end >= len(sents) {
			break
		}
		// Overlap by one sentence, but always move forward.
		if end-1 > start {
			start = end - 1
		} else {
			start = end
		}
	}
	return out
}

// paragraphs returns the trimmed, non-empty paragraphs of text.
func paragraphs(text string) []retrieval.Span {
	type line struct{ start, end int } // end excludes the newline
	var lines []line
	for pos := 0; pos <= len(text); {
		nl := strings.IndexByte(text[pos:], '\n')
		if nl < 0 {
			lines = append(lines, line{pos, len(text)})
			break
		}
		lines = append(lines, line{pos, pos + nl})
		pos += nl + 1
	}
	var out []retrieval.Span
	emit := func(s, e int) {
		if sp, ok := TrimSpan(text, retrieval.Span{Start: s, End: e}); ok {
			out = append(out, sp)
		}
	}
	for i := 0; i < len(lines); {
		if isBlank(text[lines[i].start:lines[i].end]) {
			i++
			continue
		}
		// A block is a run of non-blank lines.
		j := i
		maxLen := 0
		for j < len(lines) && !isBlank(text[lines[j].start:lines[j].end]) {
			if n := utf8.RuneCountInString(text[lines[j].start:lines[j].end]); n > maxLen {
				maxLen = n
			}
			j++
		}
		start := lines[i].start
		for k := i; k < j; k++ {
			cur := strings.TrimSpace(text[lines[k].start:lines[k].end])
			last := k == j-1
			if !last && runsOn(cur, strings.TrimSpace(text[lines[k+1].start:lines[k+1].end]), maxLen) {
				continue
			}
			emit(start, lines[k].end)
			if !last {
				start = lines[k+1].start
			}
		}
		i = j
	}
	return out
}

// runsOn reports whether a line of a block continues on the next line, as in
// hard-wrapped text. Blocks whose longest line is long are one paragraph per
// line; list items and table rows always start a new paragraph.
func runsOn(cur, next string, blockMax int) bool {
	if blockMax > 120 || cur == "" || next == "" {
		return false
	}
	if startsListItem(next) {
		return false
	}
	n := utf8.RuneCountInString(cur)
	if float64(n) < 0.6*float64(blockMax) {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(cur)
	switch r {
	case '.', '!', '?', ':', '|':
		// A sentence may still run on ("... the U.S.\ncable"): only when
		// the next line starts in lower case.
		first, _ := utf8.DecodeRuneInString(next)
		return unicode.IsLower(first)
	}
	return true
}

func startsListItem(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '-', '*', '+', '|', '#', '>':
		return len(s) == 1 || s[1] == ' ' || s[0] == '|' || s[0] == '#'
	}
	// "1. ", "12) "
	i := 0
	for i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && s[i+1] == ' '
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// TrimSpan shrinks sp to exclude leading and trailing white space.
func TrimSpan(text string, sp retrieval.Span) (retrieval.Span, bool) {
	s := text[sp.Start:sp.End]
	trimmed := strings.TrimLeftFunc(s, unicode.IsSpace)
	sp.Start += len(s) - len(trimmed)
	trimmed = strings.TrimRightFunc(trimmed, unicode.IsSpace)
	sp.End = sp.Start + len(trimmed)
	return sp, sp.End > sp.Start
}

// SplitSentences returns the sentences of text[within.Start:within.End] as
// absolute offsets, trimmed of surrounding space. It uses the Punkt model,
// then repairs the breaks Punkt gets wrong on news and scientific text: a
// "sentence" that starts in lower case, or with a closing bracket or digit
// after an abbreviation ("see Fig. 2)"), belongs to the one before.
func SplitSentences(text string, within retrieval.Span) []retrieval.Span {
	seg := text[within.Start:within.End]
	if !utf8.ValidString(seg) {
		seg = strings.ToValidUTF8(seg, "\uFFFD")
		if len(seg) != within.End-within.Start {
			// Offsets would no longer line up with the text; fall back to
			// one sentence per line rather than lose them.
			return lineSentences(text, within)
		}
	}
	tok, err := sentenceTokenizer()
	if err != nil {
		return lineSentences(text, within)
	}
	var out []retrieval.Span
	for _, s := range tok.Tokenize(seg) {
		sp, ok := TrimSpan(text, retrieval.Span{Start: within.Start + s.Start, End: within.Start + s.End})
		if !ok {
			continue
		}
		if n := len(out); n > 0 && continuesSentence(text, out[n-1], sp) {
			out[n-1].End = sp.End
			continue
		}
		out = append(out, sp)
	}
	return capSentences(text, out)
}

// continuesSentence reports whether next is a fragment that Punkt split off
// prev by mistake.
func continuesSentence(text string, prev, next retrieval.Span) bool {
	s := text[next.Start:next.End]
	first, _ := utf8.DecodeRuneInString(s)
	if unicode.IsLower(first) {
		return true
	}
	if strings.ContainsAny(s[:1], ")]}") {
		return true
	}
	// "Fig. 2)." / "No. 5 was ..." : a short abbreviation before a digit.
	if unicode.IsDigit(first) {
		p := strings.TrimSpace(text[prev.Start:prev.End])
		if i := strings.LastIndexAny(p, " (\n"); i >= 0 {
			p = p[i+1:]
		}
		if len(p) >= 2 && len(p) <= 5 && strings.HasSuffix(p, ".") {
			r, _ := utf8.DecodeRuneInString(p)
			return unicode.IsUpper(r) || unicode.IsLower(r)
		}
	}
	return false
}

// capSentences cuts over-long sentences at white space.
func capSentences(text string, in []retrieval.Span) []retrieval.Span {
	var out []retrieval.Span
	for _, sp := range in {
		for sp.End-sp.Start > maxSentenceBytes {
			cut := sp.Start + maxSentenceBytes
			for cut > sp.Start+maxSentenceBytes/2 && !unicode.IsSpace(rune(text[cut])) {
				cut--
			}
			for !utf8.RuneStart(text[cut]) {
				cut--
			}
			head, ok := TrimSpan(text, retrieval.Span{Start: sp.Start, End: cut})
			if ok {
				out = append(out, head)
			}
			tail, ok := TrimSpan(text, retrieval.Span{Start: cut, End: sp.End})
			if !ok {
				sp = retrieval.Span{}
				break
			}
			sp = tail
		}
		if sp.End > sp.Start {
			out = append(out, sp)
		}
	}
	return out
}

// lineSentences treats each line as a sentence.
func lineSentences(text string, within retrieval.Span) []retrieval.Span {
	var out []retrieval.Span
	start := within.Start
	for i := within.Start; i <= within.End; i++ {
		if i == within.End || text[i] == '\n' {
			if sp, ok := TrimSpan(text, retrieval.Span{Start: start, End: i}); ok {
				out = append(out, sp)
			}
			start = i + 1
		}
	}
	return capSentences(text, out)
}

// Truncate cuts s to at most n runes, marking a cut with "…".
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

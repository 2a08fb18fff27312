package question

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"
	rtext "github.com/citebot/citebot/retrieval/text"
)

func termsOf(q Question) []string {
	var out []string
	for _, t := range q.Terms {
		out = append(out, t.Term)
	}
	return out
}

func analysed(s string) string {
	var out []string
	for _, t := range rtext.Analyze(s) {
		out = append(out, t.Term)
	}
	return strings.Join(out, " ")
}

// TestNormalisations: spellings a newsroom treats as the same index as the
// same terms, in documents and questions alike.
func TestNormalisations(t *testing.T) {
	same := [][]string{
		{"FY2026", "fiscal 2026", "fiscal year 2026", "FY 2026", "FY26", "Fiscal Year 2026"},
		{"7,500", "7500"},
		{"100,000 refugees", "100000 refugees"},
		{"the U.S. cable", "the US cable", "the USA cable"},
		{"Ögedei", "Ogedei"},
		{"he said", "he says"},
		{"she wrote it", "she writes it"},
		{"focusing", "focus"},
		{"Sent on a Friday", "sent on a Friday"},
	}
	for _, group := range same {
		want := analysed(group[0])
		for _, s := range group[1:] {
			if got := analysed(s); got != want {
				t.Errorf("%q analyses to %q; want %q (as %q)", s, got, want, group[0])
			}
		}
	}
	different := [][2]string{
		{"fiscal 2026", "fiscal 2027"},
		{"us", "US"}, // the pronoun is not the country
		{"7,500", "7.500"},
		{"Fed", "feed"}, // a name is not lemmatised as a verb: "fed" would be
	}
	for _, d := range different {
		if analysed(d[0]) == analysed(d[1]) {
			t.Errorf("%q and %q analyse alike (%q); want them different", d[0], d[1], analysed(d[0]))
		}
	}
}

func TestAnalyzeQuestionTypes(t *testing.T) {
	tests := []struct {
		q      string
		typ    AnswerType
		intent Intent
		head   string
	}{
		{"What was the FY2026 refugee cap?", TypeNumber, IntentContent, ""},
		{"How many talking points did the cable include?", TypeNumber, IntentContent, ""},
		{"How much did enrollment increase?", TypeNumber, IntentContent, ""},
		{"What is the population of Canada?", TypeNumber, IntentContent, ""},
		{"When was the cable sent?", TypeDate, IntentContent, ""},
		{"On what day of the week was the cable sent?", TypeDate, IntentContent, "day"},
		{"In what year did the war end?", TypeDate, IntentContent, "year"},
		{"Who said a nation without borders is not a nation?", TypePerson, IntentContent, ""},
		{"Who wrote the CRBC News article?", TypePerson, IntentAuthor, ""},
		{"Who is the author of the report?", TypePerson, IntentAuthor, ""},
		{"When was the article published?", TypeDate, IntentPublished, ""},
		{"What is the publication date of the story?", TypeDate, IntentPublished, ""},
		{"Who published the report?", TypeOrg, IntentPublisher, ""},
		{"Which newspaper first reported the cable?", TypeOrg, IntentContent, "newspaper"},
		{"Where is the embassy?", TypePlace, IntentContent, ""},
		{"Which regions were the diplomats told to lobby?", TypePlace, IntentContent, "regions"},
		{"Which former WHO director criticised the plan?", TypePerson, IntentContent, "director"},
		{"Is the cable legally binding?", TypeYesNo, IntentContent, ""},
		{"Did the spokesperson provide data?", TypeYesNo, IntentContent, ""},
		{"What did the president say about borders?", TypeQuote, IntentContent, ""},
		{"What did the senator call the plan?", TypeQuote, IntentContent, ""},
		{"Which UK policy does the analysis mention?", TypeNone, IntentContent, "policy"},
		{"Most aspects of transport safety are dealt with by whom?", TypePerson, IntentContent, ""},
		{"Why did the talks fail?", TypeNone, IntentContent, ""},
	}
	for _, tt := range tests {
		q := Analyze(tt.q)
		if q.Type != tt.typ || q.Intent != tt.intent || q.Head != tt.head {
			t.Errorf("Analyze(%q) = type %v intent %v head %q; want %v %v %q", tt.q, q.Type, q.Intent, q.Head, tt.typ, tt.intent, tt.head)
		}
	}
}

func TestAnalyzeQuestionTerms(t *testing.T) {
	q := Analyze("What was the FY2026 refugee cap in the U.S.?")
	kinds := map[string]TermKind{}
	for _, tm := range q.Terms {
		kinds[tm.Term] = tm.Kind
	}
	if kinds["2026"] != KindYear {
		t.Errorf("2026 is %v; want a year (terms %v)", kinds["2026"], termsOf(q))
	}
	if kinds["usa"] != KindName {
		t.Errorf("U.S. is %v; want a name (terms %v)", kinds["usa"], termsOf(q))
	}
	if _, ok := kinds["what"]; ok {
		t.Errorf("stop word kept: %v", termsOf(q))
	}

	// Numbers in the question are kept, normalised; numbers inside a name
	// are names, not amounts a passage must repeat.
	q = Analyze("How many fans watched Super Bowl 50 after 1,500 tickets sold?")
	for _, tm := range q.Terms {
		switch tm.Term {
		case "50":
			if tm.Kind != KindName {
				t.Errorf("50 in Super Bowl 50 is %v; want a name", tm.Kind)
			}
		case "1500":
			if tm.Kind != KindNumber {
				t.Errorf("1,500 is %v; want a number", tm.Kind)
			}
		}
	}

	// The head noun and frame words weigh less than content words.
	q = Analyze("Which newspaper first reported the cable?")
	for _, tm := range q.Terms {
		if tm.Surface == "newspaper" && tm.Weight >= 1 {
			t.Errorf("head noun weight %v; want less than 1", tm.Weight)
		}
		if tm.Surface == "cable" && tm.Weight != 1 {
			t.Errorf("content word weight %v; want 1", tm.Weight)
		}
	}
}

func TestQuotedPhrasesAndNames(t *testing.T) {
	q := Analyze(`Who said "a nation without borders" to the Student Government?`)
	if len(q.Phrases) != 1 || q.Phrases[0].Text != "a nation without borders" {
		t.Errorf("phrases %+v; want the quoted phrase", q.Phrases)
	}
	if len(q.Names) != 1 || q.Names[0] != "Student Government" {
		t.Errorf("names %q; want [Student Government]", q.Names)
	}
	q = Analyze("Who wrote “the cable’s talking points”?")
	if len(q.Phrases) != 1 || q.Phrases[0].Text != "the cable’s talking points" {
		t.Errorf("curly-quoted phrases %+v", q.Phrases)
	}
}

// TestQuestionSyntaxIsText: characters that mean something to query
// parsers are just text to citebot. (A colon between letters stays inside
// a word, as Unicode word breaking says; the term is still only text.)
func TestQuestionSyntaxIsText(t *testing.T) {
	for _, s := range []string{
		"refugee* cap~2 +fiscal:2026 -asia",
		`"unterminated phrase`,
		"/regex.*[a-z]+/ (a OR b) AND NOT c^3",
		"text:cap doc:002 _all:x",
		`\\ \" \* {} [] <> ! @ # $ % & | ; '`,
	} {
		q := Analyze(s)
		for _, tm := range q.Terms {
			if strings.ContainsAny(tm.Term, `*~+^"\/[]{}()`) {
				t.Errorf("Analyze(%q) kept syntax in term %q", s, tm.Term)
			}
		}
	}
}

func TestCleanQuestion(t *testing.T) {
	long := strings.Repeat("ab ", 5000)
	if got := Clean(long); len(got) > MaxBytes {
		t.Errorf("cleaned length %d; want at most %d", len(got), MaxBytes)
	}
	if got := Clean("  cap\x00\x07 in\xff 2026 \n"); got != "cap   in  2026" {
		t.Errorf("Clean = %q", got)
	}
	q := Analyze(strings.Repeat("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi ", 200))
	if len(q.Terms) > maxQuestionTerms {
		t.Errorf("%d terms; want at most %d", len(q.Terms), maxQuestionTerms)
	}
}

// FuzzAnalyzeQuestion: any input gives a Question without panicking, with
// distinct terms that carry no white space and sane weights.
func FuzzAnalyzeQuestion(f *testing.F) {
	for _, s := range []string{
		"What was the FY2026 refugee cap?",
		"Who said “a nation without borders is not a nation”?",
		"How many embassies in Asia received the cable?",
		"refugee* cap~2 +fiscal:2026",
		"\xff\xfe",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Analyze(s)
		if !utf8.ValidString(q.Text) || len(q.Text) > MaxBytes {
			t.Fatalf("bad cleaned text %q", q.Text)
		}
		seen := map[string]bool{}
		for _, tm := range q.Terms {
			if tm.Term == "" || strings.ContainsAny(tm.Term, " \t\n") || seen[tm.Term] {
				t.Fatalf("bad or repeated term %q in %v", tm.Term, termsOf(q))
			}
			seen[tm.Term] = true
			if tm.Weight <= 0 || tm.Weight > 1 {
				t.Fatalf("term %q weight %v", tm.Term, tm.Weight)
			}
		}
		if len(q.Terms) > maxQuestionTerms {
			t.Fatalf("%d terms", len(q.Terms))
		}
	})
}

// TestWants: what kind of entity answers a question, and the measure it
// names, read from the question's own words.
func TestWants(t *testing.T) {
	for _, tc := range []struct {
		q      string
		kind   retrieval.EntityKind // a kind that answers exactly (0: none does)
		not    retrieval.EntityKind // a kind that does not (0: no check)
		aspect string
		head   string // HeadTerm
	}{
		{"What was the name of the shop where the fire started?", retrieval.EntityOrg, 0, "", ""},
		{"What's the name of the driver of the bus?", retrieval.EntityPerson, retrieval.EntityOrg, "", ""},
		{"How deep is the wreck?", retrieval.EntityQuantity, retrieval.EntityNumber, "depth", ""},
		{"What is the height of the tower?", retrieval.EntityQuantity, 0, "height", ""},
		{"Which airline owned the plane?", 0, 0, "", "airlin"},
		{"Which year did the war end?", retrieval.EntityYear, retrieval.EntityPerson, "", ""},
	} {
		q := Analyze(tc.q)
		exact := func(k retrieval.EntityKind) bool { return q.Want.Prior(k) >= ExactPrior }
		switch {
		case tc.kind != 0 && !exact(tc.kind), tc.kind == 0 && !q.Want.Empty(), tc.not != 0 && exact(tc.not),
			q.Want.Aspect != tc.aspect, q.HeadTerm != tc.head:
			t.Errorf("%q: wants %+v, head %q; want %v exactly (not %v), aspect %q, head %q", tc.q, q.Want, q.HeadTerm, tc.kind, tc.not, tc.aspect, tc.head)
		}
	}
}

// TestHeadNounListsDoNotOverlap: headNounType tries the date,
// organisation, place and person nouns in turn, and a role-like noun
// types a question as asking for a person only when none of them
// matched; both are order-free only while no word is in two of those
// lists, or in one of them and role-like.
func TestHeadNounListsDoNotOverlap(t *testing.T) {
	lists := map[string]map[string]bool{"date": dateNouns, "organisation": orgNouns, "place": placeNouns, "person": personNouns}
	seen := map[string]string{}
	for name, words := range lists {
		for w := range words {
			if other, ok := seen[w]; ok {
				t.Errorf("%q is both a %s noun and a %s noun", w, other, name)
			}
			seen[w] = name
			if name != "person" && roleLikeNoun(w) {
				t.Errorf("%q is a %s noun and role-like", w, name)
			}
		}
	}
}

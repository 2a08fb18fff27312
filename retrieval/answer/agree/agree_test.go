package agree

import (
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/question"
	rtext "github.com/citebot/citebot/retrieval/text"
)

// cited builds a citation whose quote is text, from doc dated date, with
// the highlight on the first occurrence of hl.
func cited(doc, date, text, hl string) retrieval.Citation {
	c := retrieval.Citation{Doc: doc, Metadata: retrieval.Metadata{Date: date}, Start: 100, End: 100 + len(text), Quote: text}
	if i := strings.Index(text, hl); hl != "" && i >= 0 {
		c.Highlight = &retrieval.Span{Start: 100 + i, End: 100 + i + len(hl)}
	}
	return c
}

func TestAgreementNormalises(t *testing.T) {
	for _, tc := range []struct {
		name    string
		typ     question.AnswerType
		cites   []retrieval.Citation
		status  string // "" for no agreement
		summary string
	}{
		{"thousands separators", question.TypeNumber, []retrieval.Citation{
			cited("a", "", "The cap was 7,500 people.", "7,500"),
			cited("b", "", "The cap was 7500 people.", "7500"),
		}, retrieval.AgreementAgree, "2 sources agree: 7,500"},
		{"a plus sign is the same figure", question.TypeNumber, []retrieval.Citation{
			cited("a", "", "down from 100,000 in fiscal 2024", "100,000"),
			cited("b", "", "Biden’s 100,000+ admissions in FY2024", "100,000"),
		}, retrieval.AgreementAgree, "2 sources agree: 100,000"},
		{"words for the same amount", question.TypeNumber, []retrieval.Citation{
			cited("a", "", "It includes more than a dozen talking points.", "more than a dozen"),
			cited("b", "", "It gives over 12 talking points.", "over 12"),
		}, retrieval.AgreementAgree, "2 sources agree: more than a dozen"},
		{"scale words and units", question.TypeNumber, []retrieval.Citation{
			cited("a", "", "The budget is $4.2 billion.", "$4.2 billion"),
			cited("b", "", "The budget is $4,200,000,000.", "$4,200,000,000"),
		}, retrieval.AgreementAgree, "2 sources agree: $4.2 billion"},
		// A share is not compared with an amount of money: it is left
		// out, not reported as differing.
		{"a percentage is not an amount of money", question.TypeNumber, []retrieval.Citation{
			cited("a", "", "The budget is $4.2 billion.", "$4.2 billion"),
			cited("b", "", "The budget is $4,200,000,000.", "$4,200,000,000"),
			cited("c", "", "The budget is 4.2 billion euros, or 3% of output.", "3%"),
		}, retrieval.AgreementAgree, "2 sources agree: $4.2 billion"},
		{"amounts counting different things are not compared", question.TypeNumber, []retrieval.Citation{
			cited("a", "", "About 1,800 workers went on strike.", "About 1,800"),
			cited("b", "", "The agency runs 62 buses.", "62"),
			cited("c", "", "Some 1,800 workers walked out.", "1,800"),
		}, retrieval.AgreementAgree, "2 sources agree: About 1,800"},
		{"a number in a name is not an amount", question.TypeNumber, []retrieval.Citation{
			cited("a", "", "The union has 1,800 members.", "1,800"),
			cited("b", "", "Members of Local 1700 voted.", "1700"),
		}, "", ""},
		{"amounts of different years are not compared", question.TypeNumber, []retrieval.Citation{
			cited("a", "", "The cap for fiscal 2026 is 7,500.", "7,500"),
			cited("b", "", "The cap was 100,000 in fiscal 2024.", "100,000"),
		}, "", ""},
		{"a title is not a name", question.TypePerson, []retrieval.Citation{
			cited("a", "", "Mayor proposes a budget.", "Mayor"),
			cited("b", "", "The plan the Mayor proposed.", "Mayor"),
		}, "", ""},
		{"approximately is within 5%", question.TypeNumber, []retrieval.Citation{
			cited("a", "", "about 7,400 refugees", "about 7,400"),
			cited("b", "", "7,500 refugees", "7,500"),
		}, retrieval.AgreementAgree, "2 sources agree: about 7,400"},
		{"fiscal years", question.TypeDate, []retrieval.Citation{
			cited("a", "", "The cap was set in FY2024.", "FY2024"),
			cited("b", "", "The cap was set in fiscal year 2024.", "fiscal year 2024"),
			cited("c", "", "The cap was set in fiscal 2024.", "2024"),
		}, retrieval.AgreementAgree, "3 sources agree: FY2024"},
		{"a month and a day of it", question.TypeDate, []retrieval.Citation{
			cited("a", "", "It was sent on November 28, 2025.", "November 28, 2025"),
			cited("b", "", "It was sent in November 2025.", "November 2025"),
			cited("c", "", "It was sent on 2025-11-28.", "2025-11-28"),
		}, retrieval.AgreementAgree, "3 sources agree: November 28, 2025"},
		{"different years differ", question.TypeDate, []retrieval.Citation{
			cited("a", "", "It opened in 1999.", "1999"),
			cited("b", "", "It opened in 2001.", "2001"),
		}, retrieval.AgreementDiffer, "Sources differ: 1999 (1 source) vs 2001 (1 source)"},
		{"a surname is the full name", question.TypePerson, []retrieval.Citation{
			cited("a", "", "It quotes Donald Trump saying so.", "Donald Trump"),
			cited("b", "", "Trump said so.", "Trump"),
		}, retrieval.AgreementAgree, "2 sources agree: Donald Trump"},
		{"a role is not a name", question.TypePerson, []retrieval.Citation{
			cited("a", "", "It quotes the president saying so.", "president"),
			cited("b", "", "Trump said so.", "Trump"),
		}, "", ""},
		{"one document is no agreement", question.TypeNumber, []retrieval.Citation{
			cited("a", "", "The cap was 7,500.", "7,500"),
			cited("a", "", "Later the cap was 9,000.", "9,000"),
		}, "", ""},
		{"no typed answer, no agreement", question.TypeNone, []retrieval.Citation{
			cited("a", "", "The cap was 7,500.", "7,500"),
			cited("b", "", "The cap was 7,500.", "7,500"),
		}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ans := retrieval.Answer{Answered: true, AnswerType: tc.typ.String(), Citations: tc.cites}
			Finish(&ans, nil, nil)
			a := ans.Agreement
			if tc.status == "" {
				if a != nil {
					t.Fatalf("agreement %+v; want none", *a)
				}
				return
			}
			if a == nil {
				t.Fatal("no agreement")
			}
			if a.Status != tc.status || a.Summary != tc.summary {
				t.Errorf("%s %q; want %s %q", a.Status, a.Summary, tc.status, tc.summary)
			}
			n := 0
			for _, v := range a.Values {
				n += len(v.Citations)
			}
			leftOut := map[string]int{"a percentage is not an amount of money": 1, "amounts counting different things are not compared": 1}
			want := len(tc.cites) - leftOut[tc.name]
			if n != want {
				t.Errorf("values cover %d citations; want %d", n, want)
			}
		})
	}
}

// TestAgreementNewestFirst: documents of different dates that disagree
// are listed newest first, the newest marked, whatever the citation
// order; as_of is the first citation's date.
func TestAgreementNewestFirst(t *testing.T) {
	ans := retrieval.Answer{Answered: true, AnswerType: question.TypeNumber.String(), Citations: []retrieval.Citation{
		cited("old", "2024-03-01", "The cap was 15,000.", "15,000"),
		cited("undated", "", "The cap was 15,000.", "15,000"),
		cited("new", "2025-11-28", "The cap was 7,500.", "7,500"),
	}}
	Finish(&ans, nil, nil)
	a := ans.Agreement
	if a == nil || a.Status != retrieval.AgreementDiffer || len(a.Values) != 2 {
		t.Fatalf("agreement %+v; want differ with two values", a)
	}
	if v := a.Values[0]; v.Value != "7,500" || !v.Newest || v.Date != "2025-11-28" || a.Values[1].Newest {
		t.Errorf("values %+v; want 7,500 (2025-11-28) first and only it marked newest", a.Values)
	}
	if want := "Sources differ: 7,500 (newest, 2025-11-28, 1 source) vs 15,000 (2024-03-01, 2 sources)"; a.Summary != want {
		t.Errorf("summary %q; want %q", a.Summary, want)
	}
	if ans.AsOf != "2024-03-01" {
		t.Errorf("as_of %q; want the first citation's date", ans.AsOf)
	}

	// An undated first citation takes the newest date of the documents
	// that state the same value.
	ans = retrieval.Answer{Answered: true, AnswerType: question.TypeNumber.String(), Citations: []retrieval.Citation{
		cited("undated", "", "The cap was 7,500.", "7,500"),
		cited("a", "2024-01-02", "The cap was 7,500.", "7,500"),
		cited("b", "2025-11-28", "The cap was 7,500.", "7,500"),
	}}
	Finish(&ans, nil, nil)
	if ans.AsOf != "2025-11-28" {
		t.Errorf("as_of %q; want 2025-11-28", ans.AsOf)
	}
}

// TestCountedAfter: what an amount counts is read from the words after
// it, over terms the analyser adds on top of words ("United States" is
// also a place term) and through a hyphen ("a 340-officer city").
func TestCountedAfter(t *testing.T) {
	for _, tc := range []struct{ quote, amount, want string }{
		{"It sent 340 United States officials home.", "340", "offici home"},
		{"We are running a 340-officer city.", "340", "offic citi"},
		{"About 1,800 Riverton Transit workers went on strike.", "1,800", "worker go"},
	} {
		end := strings.Index(tc.quote, tc.amount) + len(tc.amount)
		got := strings.Join(countedAfter(tc.quote, end, rtext.Analyze(tc.quote)), " ")
		if got != tc.want {
			t.Errorf("%q after %s: counted %q; want %q", tc.quote, tc.amount, got, tc.want)
		}
	}
}

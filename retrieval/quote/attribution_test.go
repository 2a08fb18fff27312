package quote

import (
	"context"
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
)

// TestWhoSaid runs each attribution pattern on a document of its own:
// the quotation is found, and the speaker is read from the text around it
// (or nobody, when the text does not say).
func TestWhoSaid(t *testing.T) {
	for _, tc := range []struct {
		name, doc, quote string
		speaker          string // "" for unattributed
		verb             string
	}{
		{"said, verb first", "“We will rebuild the bridge by spring,” said Ana Ruiz, the city’s mayor.", "We will rebuild the bridge by spring", "Ana Ruiz", "said"},
		{"subject then said", "“We will rebuild the bridge by spring,” the mayor said on Tuesday.", "we will rebuild the bridge by spring", "the mayor", "said"},
		{"said with a colon", "Ana Ruiz said: “We will rebuild the bridge by spring.”", "We will rebuild the bridge by spring", "Ana Ruiz", "said"},
		{"told, with words between", "Ana Ruiz told reporters on Monday, \"We will rebuild the bridge by spring.\"", "We will rebuild the bridge by spring", "Ana Ruiz", "told"},
		{"according to a role", "According to a State Department spokesperson, “the cable speaks for itself and needs no comment.”", "the cable speaks for itself and needs no comment", "a State Department spokesperson", "according to"},
		{"quotes X saying", "The cable quotes the president saying, \"a nation without borders is not a nation,\" and urges action.", "a nation without borders is not a nation", "the president", "saying"},
		{"quoted by a paper as saying", "Tesla is quoted by The New York Times as saying, “I am in too much grief to talk.”", "I am in too much grief to talk", "Tesla", "quoted … saying"},
		{"an appositive", "His loyal secretary, Dorothy Skerrit, wrote: “his genial smile and nobility of bearing always denoted the gentleman.”", "his genial smile and nobility of bearing always denoted the gentleman", "Dorothy Skerrit", "wrote"},
		{"the sentence before", "The health minister warned that hospitals were full. “We have no beds left in the capital.”", "We have no beds left in the capital", "The health minister", "warned"},
		{"a short sentence after", "“We have no beds left in the capital.” Marta Silva said.", "We have no beds left in the capital", "Marta Silva", "said"},
		{"a pronoun resolved", "Luther described this period of his life as one of deep spiritual despair. He said, “I lost touch with Christ the Savior and Comforter.”", "I lost touch with Christ the Savior and Comforter", "Luther", "said"},
		{"a title and initials", "“The vaccine trial will start in May,” said Dr. Brian J. Ward.", "The vaccine trial will start in May", "Dr. Brian J. Ward", "said"},
		{"a passive names no one", "It has been said that they became “more Irish than the Irish themselves.”", "more Irish than the Irish themselves", "", ""},
		{"quotation marks without a speech verb", "The report uses the phrase “persons of a migration background” eleven times.", "persons of a migration background", "", ""},
		{"a speech verb after the quotation that is not attribution", "Trump quote: “A nation without borders is not a nation,” emphasizing border integrity.", "a nation without borders is not a nation", "Trump", "quote"},
		{"not a quotation at all", "Ana Ruiz said the bridge would be rebuilt by spring.", "the bridge would be rebuilt by spring", "", ""},
		// The two: a relative clause between the subject and its
		// verb is not the speaker, and "called it" attributes.
		{"a relative clause before the verb", "The vote was 5-2. Council member Luis Ortega, who voted no, said: “We are balancing this budget on the backs of the east side.”", "We are balancing this budget on the backs of the east side", "Luis Ortega", "said"},
		{"called it", "Council member Rita Bell called it “a false economy” to close the east branch library two days a week.", "a false economy", "Rita Bell", "called"},
		{"a thing called by a name is not speech", "The council passed a bill called “the Safe Streets Act” on Tuesday.", "the Safe Streets Act", "", ""},
		{"an appositive between name and verb", "Alexis Boon, the head of the county's counter-terrorism unit, said: “His notes made his plans clear.”", "His notes made his plans clear", "Alexis Boon", "said"},
		{"a complement is not the speaker", "“The levee held,” said study co-author Professor Carl Lipo of Binghamton University.", "The levee held", "Professor Carl Lipo", "said"},
		{"a role, then the name it stands for", "“This day is very hard for me,” said his father, Abdullah Kurdi, after the ceremony.", "This day is very hard for me", "Abdullah Kurdi", "said"},
		{"a participle belongs to the subject", "Adil Abdul-Mahdi, the acting prime minister, spoke out against the attack, calling it “an aggression on Iraq”.", "an aggression on Iraq", "Adil Abdul-Mahdi", "calling"},
		{"a naming verb with its object", "Fashion designer Mary Quant described Day to the BBC in 2002: “Doris Day was everything that was wonderful about America.”", "Doris Day was everything that was wonderful about America", "Mary Quant", "described"},
		{"a clause ending in a colon", "Jo Anne Val Tilburg of the University of California, Los Angeles disagreed with these findings: “The seeps are minor resources.”", "The seeps are minor resources", "Jo Anne Val Tilburg", ""},
		{"an unnamed speaker is no one", "Not everyone agreed. One MP told the BBC, “We know that many people wanted to stay.”", "We know that many people wanted to stay", "", ""},
		{"one of many is no one", "One of the children said “Sometimes I still have nightmares.”", "Sometimes I still have nightmares", "", ""},
		{"an unresolved pronoun is no one", "“We will stay out as long as it takes,” she said.", "We will stay out as long as it takes", "", ""},
		{"a pronoun resolved past an object", "Crown Prince Mohammad bin Salman accepted responsibility. Speaking to Martin Smith of PBS, he said, “I get all the responsibility.”", "I get all the responsibility", "Crown Prince Mohammad bin Salman", "said"},
		{"an interview answer", "((Sara Seager)) It's one of my life's goals to find signs of life on exoplanets.", "It's one of my life's goals to find signs of life", "Sara Seager", "answered"},
		{"a quoted title is not speech", "Roberts says his event, “Storm Area 51, They Can't Stop All of Us”, was posted as a joke.", "They Can't Stop All of Us", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix := memIndex(t, retrieval.Document{ID: "d", Metadata: retrieval.Metadata{Title: "Test", Date: "2025-01-02"}, Text: tc.doc})
			at, err := ix.WhoSaid(context.Background(), tc.quote, retrieval.QuoteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if at.QuoteVerdict != retrieval.VerdictExact || len(at.Sources) != 1 {
				t.Fatalf("quote %s with %d sources; want the one exact place", at.QuoteVerdict, len(at.Sources))
			}
			src := at.Sources[0]
			if src.Quote != tc.doc[src.Start:src.End] {
				t.Fatalf("citation [%d,%d) %q is not the document's text", src.Start, src.End, src.Quote)
			}
			if q := src.Quotation; !strings.EqualFold(tc.doc[q.Start:q.End], tc.quote) {
				t.Errorf("quotation span holds %q; want %q", tc.doc[q.Start:q.End], tc.quote)
			}
			if tc.speaker == "" {
				if at.Verdict != retrieval.Unattributed || at.Speaker != "" || src.Speaker != "" || src.Highlight != nil {
					t.Errorf("verdict %s, speaker %q (source %q); want unattributed", at.Verdict, at.Speaker, src.Speaker)
				}
				return
			}
			if at.Verdict != retrieval.Attributed || at.Speaker != tc.speaker || src.Verb != tc.verb {
				t.Errorf("verdict %s, speaker %q, verb %q; want attributed to %q by %q", at.Verdict, at.Speaker, src.Verb, tc.speaker, tc.verb)
			}
			if h := src.Highlight; h == nil || tc.doc[h.Start:h.End] != tc.speaker {
				t.Errorf("highlight %+v; want the speaker's words %q in the citation", h, tc.speaker)
			}
			if src.Start > src.Quotation.Start || src.End < src.Quotation.End {
				t.Errorf("citation [%d,%d) does not hold the quotation %+v", src.Start, src.End, src.Quotation)
			}
		})
	}
}

// TestWhoSaidSeeds is dev16 as a tool: the seeds attribute the line to
// Trump in one article and to "the president" in the other; the name
// wins, and every place is listed.
func TestWhoSaidSeeds(t *testing.T) {
	ix := seedIndex(t)
	ctx := context.Background()
	at, err := ix.WhoSaid(ctx, "“a nation without borders is not a nation”", retrieval.QuoteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if at.Verdict != retrieval.Attributed || at.Speaker != "Trump" {
		t.Fatalf("verdict %s, speaker %q; want attributed to Trump", at.Verdict, at.Speaker)
	}
	speakers := map[string]string{}
	for _, s := range at.Sources {
		speakers[s.Doc] += s.Speaker + ";"
	}
	if speakers[crbc] != "the president;" || speakers[lifePulse] != "Trump;Trump;" {
		t.Errorf("speakers per document = %v; want the president (CRBC News), Trump twice (Life Pulse Daily)", speakers)
	}

	// "it says" stands for the sentence's subject, the cable.
	at, err = ix.WhoSaid(ctx, "disproportionately favor migrant populations at the expense of local communities", retrieval.QuoteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if at.Verdict != retrieval.Attributed || at.Speaker != "The cable" {
		t.Errorf("verdict %s, speaker %q; want the cable", at.Verdict, at.Speaker)
	}

	at, err = ix.WhoSaid(ctx, "We shall fight on the beaches", retrieval.QuoteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if at.Verdict != retrieval.AttributionNotFound || len(at.Sources) != 0 {
		t.Errorf("verdict %s with %d sources; want not_found", at.Verdict, len(at.Sources))
	}
}

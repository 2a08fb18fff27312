package cli

import (
	"strings"
	"testing"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/bot"
)

// TestTextPlacesPDFQuotesByPage: a quote from a PDF says its page before
// its paragraph; one from a document without pages says the paragraph
// alone, as before.
func TestTextPlacesPDFQuotesByPage(t *testing.T) {
	got := Text(adaptertest.FromPDF(adaptertest.Ledger), false)
	if !strings.Contains(got, "    County budget — The Ledger, 2026-03-04 · p. 2 · paragraph 12\n") {
		t.Errorf("the PDF quote's citation line lacks “p. 2 · paragraph 12”:\n%s", got)
	}
	got = Text(adaptertest.Answered(adaptertest.Ledger, adaptertest.Ledger), false)
	if !strings.Contains(got, "· paragraph 4\n") || strings.Contains(got, "p. ") {
		t.Errorf("a quote without a page is not placed by paragraph alone:\n%s", got)
	}

	check := adaptertest.QuoteTurn("the levy rises to 2.1 percent", "exact", []adaptertest.Passage{
		{Quote: "The county's levy rises to 2.1 percent next year.", Matched: "levy rises to 2.1 percent", Start: 5400, Meta: adaptertest.Ledger, Paragraph: 12, Score: 1}}).Quote
	check.Matches[0].Page = 2
	if got := QuoteText(bot.NewQuotePlan(*check, bot.PlanLimits{}), false); !strings.Contains(got, "· p. 2 · paragraph 12\n") {
		t.Errorf("the quote check's citation line lacks the page:\n%s", got)
	}
}

// TestTextCautionsUnsureAnswers: an answer under bot.LowConfidence says
// so before the short answer; a surer one does not.
func TestTextCautionsUnsureAnswers(t *testing.T) {
	unsure := adaptertest.Unsure(adaptertest.Ledger)
	want := "Q: " + unsure.Question + "\n" + bot.LowConfidenceNote + "\nA: " + unsure.Short + "\n"
	if got := Text(unsure, false); !strings.HasPrefix(got, want) {
		t.Errorf("an unsure answer reads\n%s\nwant it to start\n%s", got, want)
	}
	if got := Text(adaptertest.Answered(adaptertest.Ledger, adaptertest.Ledger), false); strings.Contains(got, bot.LowConfidenceNote) {
		t.Errorf("a sure answer is cautioned:\n%s", got)
	}
}

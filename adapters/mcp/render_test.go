package mcp

import (
	"strings"
	"testing"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/bot"
)

// TestReplyTextPlacesPDFQuotesByPage: the text an assistant reads places
// a PDF's quote as every surface does, page before paragraph.
func TestReplyTextPlacesPDFQuotesByPage(t *testing.T) {
	got := replyText(adaptertest.FromPDF(adaptertest.Ledger))
	if !strings.Contains(got, "County budget — The Ledger, 2026-03-04 · p. 2 · paragraph 12 · doc doc\n") {
		t.Errorf("the PDF quote's citation line does not say “p. 2 · paragraph 12”:\n%s", got)
	}
}

// TestReplyTextCautionsUnsureAnswers: the assistant reads the caution
// before an answer under bot.LowConfidence, and none before a surer one.
func TestReplyTextCautionsUnsureAnswers(t *testing.T) {
	unsure := adaptertest.Unsure(adaptertest.Ledger)
	if got := replyText(unsure); !strings.Contains(got, "\n"+bot.LowConfidenceNote+"\nA: "+unsure.Short+"\n") {
		t.Errorf("an unsure answer's text lacks the caution before the answer:\n%s", got)
	}
	if got := replyText(adaptertest.Answered(adaptertest.Ledger, adaptertest.Ledger)); strings.Contains(got, bot.LowConfidenceNote) {
		t.Errorf("a sure answer is cautioned:\n%s", got)
	}
}

package mcp

import (
	"strings"
	"testing"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/bot"
)

var ledger = bot.Metadata{Title: "County budget", Publisher: "The Ledger", Date: "2026-03-04"}

// TestReplyTextPlacesPDFQuotesByPage: the text an assistant reads places
// a PDF's quote as every surface does, page before paragraph.
func TestReplyTextPlacesPDFQuotesByPage(t *testing.T) {
	got := replyText(adaptertest.FromPDF(ledger))
	if !strings.Contains(got, "County budget — The Ledger, 2026-03-04 · p. 2 · paragraph 12 · doc doc\n") {
		t.Errorf("the PDF quote's citation line does not say “p. 2 · paragraph 12”:\n%s", got)
	}
}

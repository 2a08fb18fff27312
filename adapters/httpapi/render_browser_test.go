package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/httpapi"
	"github.com/citebot/citebot/bot"
)

// cannedBot answers the page from fixed replies, so a browser test can
// show it exactly the reply a case needs (a PDF's page, a low
// confidence) whatever the retrieval core would make of a question.
type cannedBot struct {
	replies map[string]bot.Reply
	sources []bot.DocumentInfo
}

func (b cannedBot) Ask(_ context.Context, req bot.Request) (bot.Reply, error) {
	if r, ok := b.replies[req.Question]; ok {
		return r, nil
	}
	return bot.Reply{Answer: bot.Answer{Question: req.Question}}, nil
}

func (b cannedBot) Sources() ([]bot.DocumentInfo, error) { return b.sources, nil }

// servePage serves the page and API over b until the test ends.
func servePage(t *testing.T, b httpapi.Bot) string {
	t.Helper()
	srv := httptest.NewServer(httpapi.New(b, httpapi.Options{}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

var ledger = bot.Metadata{Title: "County budget", Publisher: "The Ledger", Date: "2026-03-04"}

// ask types question into the page's box, asks, and waits for its answer
// to be the newest on the page.
func ask(t *testing.T, ctx context.Context, question string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#question"), question+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#answers .answer:first-child h3`)),
		chromedp.Poll[chromedp.Void](`document.querySelector("#answers .answer h3").textContent === `+jsString(t, "Q: "+question)),
	)
	if err != nil {
		t.Fatal(err)
	}
}

// TestChatPagePlacesPDFQuotesByPage: a PDF's quote is placed by page and
// paragraph, in bot.Place's words; a quote from a document without pages
// by its paragraph alone.
func TestChatPagePlacesPDFQuotesByPage(t *testing.T) {
	pdf := adaptertest.FromPDF(ledger)
	plain := adaptertest.Answered(ledger, ledger)
	url := servePage(t, cannedBot{replies: map[string]bot.Reply{pdf.Question: pdf, plain.Question: plain}})
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.CSS("#sources li"))); err != nil {
		t.Fatal(err)
	}
	ask(t, ctx, pdf.Question)
	c := pdf.Citations[0]
	want := "County budget — The Ledger, 2026-03-04 · " + bot.Place(c.Page, c.Paragraph)
	if got := text(t, ctx, "#answers .answer .citation"); got != want || !strings.Contains(got, "p. 2 · paragraph 12") {
		t.Errorf("the PDF quote's citation = %q; want %q", got, want)
	}
	ask(t, ctx, plain.Question)
	if got := text(t, ctx, "#answers .answer .citation"); got != "County budget — The Ledger, 2026-03-04 · paragraph 4" {
		t.Errorf("a quote without a page is cited as %q; want its paragraph alone", got)
	}
}

// jsString is s as a JavaScript string literal.
func jsString(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

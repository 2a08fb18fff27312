package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
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

// ask types question into the page's box, asks, and waits for its answer
// to be the newest on the page.
func ask(t *testing.T, ctx context.Context, question string) {
	t.Helper()
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#question"), question+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#answers .answer:first-child h3`)),
		chromedp.Poll[chromedp.Void](`document.querySelector("#answers .answer h3").textContent === `+jsString(t, "Q: "+question)),
	)
}

// TestChatPagePlacesPDFQuotesByPage: a PDF's quote is placed by page and
// paragraph, in bot.Place's words; a quote from a document without pages
// by its paragraph alone.
func TestChatPagePlacesPDFQuotesByPage(t *testing.T) {
	pdf := adaptertest.FromPDF(adaptertest.Ledger)
	plain := adaptertest.Answered(adaptertest.Ledger, adaptertest.Ledger)
	url := servePage(t, cannedBot{replies: map[string]bot.Reply{pdf.Question: pdf, plain.Question: plain}})
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.CSS("#sources li")))
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

// TestChatPageCautionsUnsureAnswers: an answer under bot.LowConfidence
// (the threshold and the words both from the server) shows the caution
// first and its short answer not in bold; a surer one neither.
func TestChatPageCautionsUnsureAnswers(t *testing.T) {
	unsure, sure := adaptertest.Unsure(adaptertest.Ledger), adaptertest.Answered(adaptertest.Ledger, adaptertest.Ledger)
	url := servePage(t, cannedBot{replies: map[string]bot.Reply{unsure.Question: unsure, sure.Question: sure}})
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.CSS("#sources li")))
	ask(t, ctx, unsure.Question)
	// The caution comes straight after the question, before the answer.
	if got := eval[string](t, ctx, `Array.from(document.querySelector("#answers .answer").children).slice(0, 3).map(e => e.className).join(",")`); got != ",caution,short unsure" {
		t.Errorf("the unsure answer's first elements are %q; want the question, the caution, the answer", got)
	}
	if got := text(t, ctx, "#answers .answer .caution"); got != bot.LowConfidenceNote {
		t.Errorf("caution = %q; want %q", got, bot.LowConfidenceNote)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#answers .answer:first-child .short strong").length`); n != 0 {
		t.Errorf("the unsure answer is set in bold (%d strong elements)", n)
	}
	if w := eval[string](t, ctx, `getComputedStyle(document.querySelector("#answers .answer .short-answer")).fontWeight`); w != "400" {
		t.Errorf("the unsure short answer's weight is %s; want 400, not bold", w)
	}

	ask(t, ctx, sure.Question)
	if n := eval[int](t, ctx, `document.querySelectorAll("#answers .answer:first-child .caution").length`); n != 0 {
		t.Errorf("a sure answer (confidence %v) is cautioned", sure.Confidence)
	}
	if got := text(t, ctx, "#answers .answer .short"); got != "Answer: 7,500" || eval[int](t, ctx, `document.querySelectorAll("#answers .answer:first-child .short strong").length`) != 1 {
		t.Errorf("a sure answer reads %q; want “Answer: 7,500” with its label in bold", got)
	}
	screenshot(t, ctx, "chat-unsure.png")
}

// TestChatPageExamplesNameNoSeed: served a corpus that is not the seeds,
// the question box's examples (asking, checking a quote, who said it)
// are the server's generic ones, nothing of the seed articles.
func TestChatPageExamplesNameNoSeed(t *testing.T) {
	url := servePage(t, bot.New(adaptertest.LocalNews(t)))
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.CSS("#sources li cite")))
	placeholder := func() string { return eval[string](t, ctx, `document.querySelector("#question").placeholder`) }
	got := []string{placeholder()}
	do(t, ctx, chromedp.Click(chromedp.CSS("#mode-quote")), chromedp.WaitVisible(chromedp.CSS("#who-row")))
	got = append(got, placeholder())
	do(t, ctx, chromedp.Click(chromedp.CSS("#who")))
	got = append(got, placeholder())
	want := []string{bot.GenericExamples.Question, bot.GenericExamples.Quote, bot.GenericExamples.Who}
	if !slices.Equal(got, want) {
		t.Errorf("placeholders (ask, quote, who) = %q; want the generic examples %q", got, want)
	}
	adaptertest.NoSeedText(t, "the page's examples", strings.Join(got, "\n")+"\n"+eval[string](t, ctx, `document.documentElement.outerHTML`))
}

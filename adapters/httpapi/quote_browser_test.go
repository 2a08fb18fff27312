package httpapi_test

import (
	"context"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/citebot/citebot/bot"
)

// TestQuoteCheckPageInChromium uses the page's "Check a quote" mode:
// a mix of the two seeds' wordings of one talking point is near in
// both, each article's differing word marked; "Who said it?" names the
// speaker; and an answer shows whether its sources agree.
func TestQuoteCheckPageInChromium(t *testing.T) {
	f := newFixture(t, "")
	ctx := browser(t)
	do(t, ctx,
		chromedp.Navigate(f.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#sources li cite")),
		chromedp.SendKeys(chromedp.CSS("#question"), refugeeQ+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#answers .answer .sources-note")),
	)
	if got := text(t, ctx, "#answers .answer .sources-note"); got != "2 sources agree: 7,500 · as of 2025-11-28" {
		t.Errorf("sources note = %q; want the agreement and as-of date", got)
	}

	do(t, ctx,
		chromedp.Click(chromedp.CSS("#mode-quote")),
		chromedp.WaitVisible(chromedp.CSS("#who-row")),
	)
	if got := text(t, ctx, `label[for="question"]`) + "|" + text(t, ctx, "#ask"); got != "Quote to check|Check" {
		t.Errorf("quote mode label|button = %q", got)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#question"), "“protect your voters from the negative social impacts”"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#answers .quote-check .verdict")),
	)
	if got := text(t, ctx, "#answers .quote-check .verdict"); !strings.HasPrefix(got, "Near: ") {
		t.Errorf("verdict = %q; want near", got)
	}
	diffs := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#answers .quote-check")[0].querySelectorAll("mark.diff")).map(m => m.textContent)`)
	sort.Strings(diffs)
	if !reflect.DeepEqual(diffs, []string{"adverse", "citizens"}) {
		t.Errorf("marked words = %q; want adverse (Life Pulse Daily) and citizens (CRBC News)", diffs)
	}
	// The passages are the documents' text, verbatim, marks included.
	quotes := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#answers .quote-check")[0].querySelectorAll("blockquote")).map(b => b.textContent)`)
	for _, q := range quotes {
		if !strings.Contains(q, "from the adverse social impacts") && !strings.Contains(q, "protect your citizens from the negative") {
			t.Errorf("passage %q is not one of the two wordings", q)
		}
	}
	if got := text(t, ctx, "#answers .quote-check .differences"); !strings.Contains(got, "“negative” → “adverse”") && !strings.Contains(got, "“voters” → “citizens”") {
		t.Errorf("differences note = %q", got)
	}

	do(t, ctx,
		chromedp.Click(chromedp.CSS("#who")),
		chromedp.SendKeys(chromedp.CSS("#question"), "a nation without borders is not a nation"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#answers .quote-check .speaker")),
	)
	if got := text(t, ctx, "#answers .quote-check .verdict"); got != "Attributed to Trump." {
		t.Errorf("who verdict = %q; want Attributed to Trump.", got)
	}
	if got := text(t, ctx, "#answers .quote-check blockquote mark"); got != "Trump" {
		t.Errorf("speaker emphasised = %q; want Trump", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll(".answer").length`); n != 3 {
		t.Errorf("%d results on the page; want all 3 kept", n)
	}
	screenshot(t, ctx, "quote-check.png")
}

// TestWhoSaidPageCallsANearMatchNear: "who said" a misquote of the
// seeds is headed as near before the documents' speaker is named, in
// the words the server computes (bot.WhoReply.Headline, as the terminal
// and chat say it), and the document's differing word is marked.
func TestWhoSaidPageCallsANearMatchNear(t *testing.T) {
	const misquote = "a nation without walls is not a nation"
	f := newFixture(t, "")
	want, err := f.bot.WhoSaid(context.Background(), bot.QuoteRequest{Text: misquote})
	if err != nil {
		t.Fatal(err)
	}
	if want.QuoteVerdict != "near" || want.Verdict != "attributed" {
		t.Fatalf("the seeds' attribution of %q is %s (%s); the test needs a near match with a speaker", misquote, want.Verdict, want.QuoteVerdict)
	}
	if plan := bot.NewWhoPlan(want, bot.PlanLimits{}); want.Headline != plan.Headline {
		t.Errorf("the reply's headline %q is not the plan's %q", want.Headline, plan.Headline)
	}
	ctx := browser(t)
	do(t, ctx,
		chromedp.Navigate(f.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#sources li cite")),
		chromedp.Click(chromedp.CSS("#mode-quote")),
		chromedp.WaitVisible(chromedp.CSS("#who-row")),
		chromedp.Click(chromedp.CSS("#who")),
		chromedp.SendKeys(chromedp.CSS("#question"), misquote+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#answers .quote-check .verdict")),
	)
	got := text(t, ctx, "#answers .quote-check .verdict")
	if got != want.Headline || !strings.HasPrefix(got, "Near: not word for word") {
		t.Errorf("who-said verdict = %q; want the server's %q", got, want.Headline)
	}
	if diffs := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#answers .quote-check mark.diff")).map(m => m.textContent)`); !slices.Contains(diffs, "borders") {
		t.Errorf("marked words = %q; want the document's “borders”", diffs)
	}
}

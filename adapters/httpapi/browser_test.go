package httpapi_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromium finds Debian's chromium. Without it the browser tests skip,
// unless CITEBOT_TEST_REQUIRE_BROWSER=1 (as in .ci/run), where they fail.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CITEBOT_TEST_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium is not installed and CITEBOT_TEST_REQUIRE_BROWSER=1: apt-get install -y --no-install-recommends chromium")
	}
	t.Skip("chromium is not installed (apt-get install chromium); set CITEBOT_TEST_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

// browser starts headless Chromium with exactly the project's flags and a
// fresh profile, and returns a context for one tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	profile := t.TempDir()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
	)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser without a deadline
		t.Fatalf("start chromium: %v", err)
	}
	// A bound on the whole test, not a speed assertion: a broken page must
	// fail rather than hang.
	tctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)
	return tctx
}

// do runs the actions in the tab, failing the test at the first that
// fails.
func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// screenshot keeps a picture of the page under testdata/artifacts/
// (ignored by git) for a person to look at.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 gives a PNG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := filepath.Join("testdata", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestChatPageInChromium(t *testing.T) {
	f := newFixture(t, "")
	ctx := browser(t)

	do(t, ctx,
		chromedp.Navigate(f.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#sources li cite")),
		chromedp.SendKeys(chromedp.CSS("#question"), refugeeQ),
		chromedp.Click(chromedp.CSS("#ask")),
		chromedp.WaitVisible(chromedp.CSS("#answers .answer .short-answer")),
	)
	if got := text(t, ctx, "#answers .answer .short-answer"); got != "7,500" {
		t.Errorf("short answer = %q; want 7,500", got)
	}
	if got := text(t, ctx, "#answers .answer h3"); got != "Q: "+refugeeQ {
		t.Errorf("answer heading = %q; want the question", got)
	}
	// The first quote is the seed sentence, with the answer span (found by
	// UTF-8 byte offsets, after a multi-byte apostrophe) emphasised.
	if got := text(t, ctx, "#answers .answer blockquote"); !strings.Contains(got, "FY2026 refugee cap of 7,500") {
		t.Errorf("first quote = %q; want the sentence with the cap", got)
	}
	if got := text(t, ctx, "#answers .answer blockquote mark"); got != "7,500" {
		t.Errorf("emphasised span = %q; want exactly 7,500", got)
	}
	cite := text(t, ctx, "#answers .answer .citation")
	for _, want := range []string{"US State Department Cable", " — Life Pulse Daily, 2025-11-28", "paragraph"} {
		if !strings.Contains(cite, want) {
			t.Errorf("citation %q lacks %q", cite, want)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#answers .answer blockquote").length`); n != 3 {
		t.Errorf("%d quotes rendered; want 3", n)
	}
	if got := text(t, ctx, "#sources"); !strings.Contains(got, "CRBC News, Humeyra Pamuk") || !strings.Contains(got, "passages") {
		t.Errorf("sources list = %q; want both seeds with publisher, author and passage counts", got)
	}

	// A question the documents cannot answer is declined, with the
	// closest passages.
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#question"), "Who won the 1966 World Cup final?"),
		chromedp.Click(chromedp.CSS("#ask")),
		chromedp.WaitVisible(chromedp.CSS("#answers .answer .declined")),
	)
	if got := text(t, ctx, "#answers .answer .declined"); !strings.HasPrefix(got, "Not in the documents") {
		t.Errorf("decline = %q; want “Not in the documents”", got)
	}
	if got := text(t, ctx, "#answers .answer h4"); got != "Closest passages" {
		t.Errorf("decline heading = %q; want Closest passages", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll(".answer").length`); n != 2 {
		t.Errorf("%d answers on the page; want both kept", n)
	}
	screenshot(t, ctx, "chat-desktop.png")
}

// TestChatPageKeyboardOnlyOnPhone uses a 375-pixel-wide viewport and only
// the keyboard: Tab to the skip link, Enter to reach the question box,
// type, Enter to ask.
func TestChatPageKeyboardOnlyOnPhone(t *testing.T) {
	f := newFixture(t, "")
	ctx := browser(t)
	do(t, ctx,
		chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(f.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#sources li cite")),
		chromedp.KeyEvent(kb.Tab),
	)
	if got := eval[string](t, ctx, `document.activeElement.className + ":" + document.activeElement.textContent`); got != "skip:Skip to the question box" {
		t.Errorf("first Tab focused %q; want the skip link", got)
	}
	do(t, ctx, chromedp.KeyEvent(kb.Enter))
	if got := eval[string](t, ctx, `document.activeElement.id`); got != "question" {
		t.Fatalf("after the skip link, focus is on %q; want the question box", got)
	}
	do(t, ctx,
		chromedp.KeyEvent(refugeeQ),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#answers .answer .short-answer")),
	)
	if got := text(t, ctx, "#answers .answer .short-answer"); got != "7,500" {
		t.Errorf("short answer = %q; want 7,500", got)
	}
	if got := text(t, ctx, "#answers .answer blockquote mark"); got != "7,500" {
		t.Errorf("emphasised span = %q; want 7,500", got)
	}
	// Focus comes back to the box, emptied, ready for the next question.
	if got := eval[string](t, ctx, `document.activeElement.id + "|" + document.activeElement.value`); got != "question|" {
		t.Errorf("after answering, focus/value = %q; want the empty question box", got)
	}
	// Nothing is wider than the phone: no sideways scrolling.
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); w > 0 {
		t.Errorf("the page is %d pixels wider than a 375-pixel screen", w)
	}
	if w := eval[int](t, ctx, `Math.round(document.querySelector("#ask").getBoundingClientRect().right)`); w > 375 {
		t.Errorf("the Ask button ends at x=%d, off a 375-pixel screen", w)
	}
	screenshot(t, ctx, "chat-375.png")
}

// TestChatPageAsksForToken checks the token flow: the page, served
// openly, gets a 401 from the API, asks for the token, keeps it in
// sessionStorage and then answers.
func TestChatPageAsksForToken(t *testing.T) {
	const token = "page-token-0123456789"
	f := newFixture(t, token)
	ctx := browser(t)
	do(t, ctx,
		chromedp.Navigate(f.srv.URL+"/"),
		// The box opened, not the field visible: Chromium lays out the
		// field of a closed <details> too, so waiting for #token alone
		// could read the status before the page asked for the token.
		chromedp.WaitVisible(chromedp.CSS("#token-box[open] #token")),
	)
	if got := text(t, ctx, "#status"); !strings.Contains(got, "needs an access token") {
		t.Errorf("status = %q; want a request for the token", got)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#token"), token+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#sources li cite")),
		chromedp.SendKeys(chromedp.CSS("#question"), refugeeQ+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#answers .answer .short-answer")),
	)
	if got := text(t, ctx, "#answers .answer .short-answer"); got != "7,500" {
		t.Errorf("short answer with token = %q; want 7,500", got)
	}
	if got := eval[string](t, ctx, `sessionStorage.getItem("citebot.token")`); got != token {
		t.Errorf("sessionStorage token = %q; want it saved for the tab", got)
	}
}

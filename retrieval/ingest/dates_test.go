package ingest

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/citebot/citebot/retrieval/ingest/ingesttest"
)

// TestPublicationDates: every document of the local-news corpus is dated
// from the best source it has, and the PDF and DOCX, whose properties say
// they were created today (exported for the desk), are dated from their
// release line and date line instead: "today" would make them the
// "newest" source of every answer.
func TestPublicationDates(t *testing.T) {
	docs, _ := loadLocalNews(t)
	today := time.Now().UTC().Format("2006-01-02")
	for id, want := range map[string]string{
		"ledger-budget":                   "2026-03-04", // "Riverton Ledger, March 4, 2026" under the headline
		"city/budget-release":             "2026-01-27", // "Released January 27, 2026"; the PDF was created today
		"police/staffing":                 "2026-02-10", // a line "February 10, 2026"; the DOCX was created today
		"police/chief-letter":             "2026-02-24", // its .meta.json sidecar
		"strike":                          "2026-03-02", // front matter
		"radio/union-vote":                "2026-02-18", // article:published_time
		"briefs/2026-02-20-strike-notice": "2026-02-20", // the record's date
		"briefs/2026-02-03-hearing":       "2026-02-03",
	} {
		d, ok := docs[id]
		switch {
		case !ok:
			t.Errorf("%s not loaded", id)
		case d.Date != want:
			t.Errorf("%s dated %q; want %s", id, d.Date, want)
		}
	}
	for id, d := range docs {
		if d.Date == today {
			t.Errorf("%s is dated today, the day its file was made", id)
		}
	}
}

// TestDocumentDatePrecedence pins the order of documentDate on the
// shapes newsroom files come in, with the clock fixed.
func TestDocumentDatePrecedence(t *testing.T) {
	defer func(prev func() time.Time) { now = prev }(now)
	now = func() time.Time { return time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC) }
	const story = "The council met on Tuesday.\n\nIt voted on March 4, 2026, to adopt the budget."
	for _, tc := range []struct {
		name, declared, text, props, want string
	}{
		{"declared wins", "2026-02-01", "Riverton Ledger, March 4, 2026\n\n" + story, "2025-12-01", "2026-02-01"},
		{"dateline beats properties", "", "Budget adopted\n\nRiverton Ledger, March 4, 2026\n\n" + story, "2025-12-01", "2026-03-04"},
		{"release line", "", "City of Riverton\nReleased January 27, 2026\n\n" + story, "", "2026-01-27"},
		{"release line with a colon", "", "FOR IMMEDIATE RELEASE: Jan. 27, 2026\n\n" + story, "", "2026-01-27"},
		{"published on", "", "Budget adopted\nPublished on 27 January 2026\n\n" + story, "", "2026-01-27"},
		{"memo date line", "", "Sworn staffing report\nRiverton Police Department\nDate: February 10, 2026\n\n" + story, "", "2026-02-10"},
		{"a line holding only a date, with its weekday", "", "Budget adopted\n\nTuesday, March 4, 2026\n\n" + story, "", "2026-03-04"},
		{"wire dateline", "", "Budget adopted\n\nRIVERTON, Ohio (March 4, 2026) — The council adopted a budget.", "", "2026-03-04"},
		{"September abbreviated", "", "Budget adopted\nReleased Sept. 8, 2025\n\n" + story, "", "2025-09-08"},
		{"an unreadable declared date falls through", "sometime in spring", "Riverton Ledger, March 4, 2026\n\n" + story, "", "2026-03-04"},
		{"properties when the text has no dateline", "", story, "2025-12-01", "2025-12-01"},
		{"properties stamped today are not a publication date", "", story, "2026-03-10", ""},
		{"nor yesterday's (time zones)", "", story, "2026-03-09", ""},
		{"a date in running text is not a dateline", "", story, "", ""},
		{"an update line is not the publication date", "", "Budget adopted\nUpdated March 5, 2026\n\n" + story, "", ""},
		{"a dateline far down is not one", "", "a\nb\nc\nd\ne\nf\ng\nh\nReleased January 27, 2026\n", "", ""},
	} {
		if got := documentDate(tc.declared, tc.text, tc.props); got != tc.want {
			t.Errorf("%s: date %q; want %q", tc.name, got, tc.want)
		}
	}
}

// TestPropertyDatesStillUsed: PDF and DOCX properties still date a file
// whose text has no dateline, when they are not the day's export stamp.
func TestPropertyDatesStillUsed(t *testing.T) {
	fsys := fstest.MapFS{
		"water.pdf": {Data: ingesttest.PDF(t)},  // created 2025-03-18
		"memo.docx": {Data: ingesttest.DOCX(t)}, // created 2025-02-27
		"today.pdf": {Data: ingesttest.BudgetReleasePDF(t, time.Now())},
	}
	docs, errs := LoadFS(context.Background(), fsys, "")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := map[string]string{}
	for _, d := range docs {
		got[d.ID] = d.Date
	}
	if got["water"] != "2025-03-18" || got["memo"] != "2025-02-27" || got["today"] != "2026-01-27" {
		t.Errorf("dates %v; want water 2025-03-18 and memo 2025-02-27 from their properties, today from its release line", got)
	}
}

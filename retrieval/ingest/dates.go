package ingest

import (
	"regexp"
	"strings"
	"time"
)

// A document's publication date comes, in order, from
//
//  1. a metadata sidecar (<name>.meta.yaml, .meta.json);
//  2. what the format declares as the publication date: Markdown front
//     matter, HTML meta tags and JSON-LD, a JSON Lines record's "date";
//  3. the text's own dateline or release line near its top ("Riverton
//     Ledger, March 4, 2026", "Released January 27, 2026", "RIVERTON,
//     Ohio (March 4, 2026) —", a line holding only a date);
//  4. document properties (PDF CreationDate/ModDate, DOCX created/
//     modified), which record when a file was made, not when its story
//     was published: a PDF exported from a layout program or a Word file
//     saved today says "today". A property date on or after the day
//     before loading is taken for such a stamp and ignored.
//
// The file system's timestamps are never used. A document none of these
// dates is undated (Date ""), which is better than a wrong date: dates
// decide which source is "newest" and what an answer is "as of".

// now is the clock property dates are judged against; tests replace it.
var now = time.Now

// documentDate picks a document's date (ISO 8601) from what it declares,
// its text and its properties, as described above; "" when it has none
// that can be trusted.
func documentDate(declared, text, props string) string {
	if d, ok := NormalizeDate(declared); ok {
		return d
	}
	if d := datelineDate(text); d != "" {
		return d
	}
	if d, ok := NormalizeDate(props); ok && !stampedRecently(d) {
		return d
	}
	return ""
}

// stampedRecently reports an ISO date on or after yesterday: the day a
// file was exported or saved, not a publication date. (Yesterday too,
// because the stamp is UTC and the desk may be hours behind it.)
func stampedRecently(iso string) bool {
	return len(iso) == len("2006-01-02") && iso >= now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
}

// datePattern matches the date spellings of datelines: "March 4, 2026",
// "Mar. 4, 2026", "4 March 2026", "2026-03-04", with an optional weekday
// ("Tuesday, March 4, 2026").
const datePattern = `(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?` +
	`(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}` +
	`|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{4}` +
	`|\d{4}-\d{2}-\d{2})`

// datelineRes are the shapes of a dateline or release line, each with
// the date as its named group. They match whole lines (or, for the
// wire-style dateline, the start of the first paragraph), so a date in
// running text ("the vote on March 4, 2026") is never taken for one.
var datelineRes = []*regexp.Regexp{
	// "Released January 27, 2026", "For immediate release: Jan. 27, 2026",
	// "Published on 2026-01-27", "Date: February 10, 2026"; also ending
	// a short line, as a PDF's text joins a letterhead's lines ("City
	// of Riverton · Office of the Mayor Released January 27, 2026").
	regexp.MustCompile(`(?i)(?:^|[\s·|—–-])(?:released|published|posted|issued|dated|date|for\s+(?:immediate\s+)?release)\b\s*(?:on\s+)?[:—–-]?\s*(?P<date>` + datePattern + `)\.?$`),
	// "Riverton Ledger, March 4, 2026", "The Harbor Gazette — Tuesday,
	// March 4, 2026": a name, then the date.
	regexp.MustCompile(`^(?:[\p{Lu}][\p{L}’'.&-]*\s+){0,5}[\p{Lu}][\p{L}’'.&-]*\s*[,|·—–-]\s*(?P<date>` + datePattern + `)$`),
	// A line holding only the date.
	regexp.MustCompile(`^(?P<date>` + datePattern + `)$`),
	// A wire-style dateline opening the first paragraph: "RIVERTON, Ohio
	// (March 4, 2026) —", "RIVERTON, March 4, 2026 –".
	regexp.MustCompile(`^\p{Lu}[\p{Lu} .’'-]+(?:,\s*\p{Lu}[\p{L}.]*)*\s*[,(]\s*(?P<date>` + datePattern + `)\s*\)?\s*[—–-]`),
}

// maxDatelineLines is how many non-empty lines from the top a dateline
// may be on: the headline, a kicker, a byline and the dateline fit.
const maxDatelineLines = 8

// maxDatelineBytes bounds a line read as a whole dateline; longer lines
// are paragraphs, whose opening may still be a wire-style dateline.
const maxDatelineBytes = 120

// datelineDate reads the date of a dateline or release line near the top
// of text, as ISO 8601; "" when there is none. "Updated …" lines are
// not publication dates and are passed over.
func datelineDate(text string) string {
	seen := 0
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if seen++; seen > maxDatelineLines {
			break
		}
		res := datelineRes
		if len(line) > maxDatelineBytes {
			// A paragraph: only its opening can be a dateline.
			line, res = line[:maxDatelineBytes], datelineRes[len(datelineRes)-1:]
		}
		for _, re := range res {
			m := re.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			date := m[re.SubexpIndex("date")]
			if d, ok := NormalizeDate(datelineSpelling(date)); ok {
				return d
			}
		}
	}
	return ""
}

var (
	weekdayRe = regexp.MustCompile(`^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+`)
	spacesRe  = regexp.MustCompile(`\s+`)
)

// datelineSpelling rewrites a dateline's date in a spelling NormalizeDate
// reads: single spaces, no weekday, "Sept." as "Sep.".
func datelineSpelling(s string) string {
	s = weekdayRe.ReplaceAllString(spacesRe.ReplaceAllString(strings.TrimSpace(s), " "), "")
	s = strings.Replace(s, "Sept.", "Sep.", 1)
	return strings.Replace(s, "Sept ", "Sep ", 1)
}

package ingesttest

import (
	"path/filepath"
	"testing"
	"time"
)

// LocalNews copies the small local-news corpus into a temporary folder
// named "riverton" and adds its generated PDF and DOCX. It is what a new
// user's desk looks like: one city (Riverton), a budget, police staffing,
// a transit union and its strike, told by a newspaper (a .txt with its
// dateline in the text, Markdown with front matter, JSON Lines briefs),
// public radio (HTML with meta tags), the mayor's office (a PDF press
// release, typeset with ligatures, dated only by its "Released …" line)
// and the police department (a Word memo dated only by a line of its
// text). The PDF and DOCX carry creation dates of "now", as files
// exported on the day they are indexed do: a document's date must never
// come from them when the text says otherwise.
//
// The figures are chosen so that unrelated numbers sit side by side: the
// budget ($412 million adopted, $415 million proposed), police staffing
// (317 officers, 340 authorised, 23 more asked for), the union (about
// 1,800 members) and the transit agency (50 and 62 buses, 11 routes).
func LocalNews(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "riverton")
	copyDir(t, "testdata/localnews", dir)
	WriteFile(t, filepath.Join(dir, "city", "budget-release.pdf"), BudgetReleasePDF(t, time.Now()))
	WriteFile(t, filepath.Join(dir, "police", "staffing.docx"), ZipParts(t, StaffingDOCXParts(time.Now())))
	return dir
}

// BudgetReleasePDF is the mayor's budget press release as a one-page PDF
// whose creation date is created. Its text is set with the typographic
// ligatures a layout program substitutes (ﬁ, ﬂ, ﬀ, ﬃ as single
// glyphs, mapped to U+FB01, U+FB02, U+FB00 and U+FB03 in the font's
// ToUnicode map).
func BudgetReleasePDF(t testing.TB, created time.Time) []byte {
	t.Helper()
	p := newPDF("Letter", "Mayor proposes $415 million budget", "City of Riverton", created, created)
	p.AddPage()
	setParagraphs(p, "serif", 11, 5.5, 0, "City of Riverton · Oﬃce of the Mayor", "Released January 27, 2026")
	p.Ln(4)
	setParagraphs(p, "serif", 16, 8, 0, "Mayor proposes $415 million budget for ﬁscal 2027")
	p.Ln(3)
	setParagraphs(p, "serif", 11, 5.5, 3,
		"Mayor Teresa Vaughn proposed a $415 million operating budget for ﬁscal 2027 on Monday, "+
			"up 2.4 percent from this year.",
		"“This budget protects the services people count on every day,” Vaughn said.",
		"The plan would add eight patrol oﬃcers and renew the county Sheriﬀ’s contract for jail "+
			"space at $6.1 million.",
		"Sheriﬀ Dana Ortiz said the contract “keeps Riverton’s jail costs ﬂat for a second year.”",
		"The council will hold a public hearing on the proposal before a ﬁnal vote in March.")
	return pdfBytes(t, p)
}

// StaffingDOCXParts are the parts of the police department's staffing
// memo, a Word file whose core properties say it was created (and
// modified) at created; the memo's own date is a line of its text.
func StaffingDOCXParts(created time.Time) map[string]string {
	parts := DOCXParts()
	stamp := created.UTC().Format(time.RFC3339)
	parts["docProps/core.xml"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Sworn staffing report</dc:title><dc:creator>Riverton Police Department</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">` + stamp + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + stamp + `</dcterms:modified></cp:coreProperties>`
	para := func(s string) string { return `<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>` }
	parts["word/document.xml"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Sworn staffing report</w:t></w:r></w:p>` +
		para("Riverton Police Department") +
		para("February 10, 2026") +
		para("The department has 317 sworn officers, 23 fewer than the 340 the fiscal 2026 budget authorizes.") +
		para("Overtime reached $2.9 million in calendar 2025, up from $2.1 million the year before.") +
		para("Eleven officers are eligible to retire this year.") +
		`<w:sectPr/></w:body></w:document>`
	return parts
}

package answer

import "regexp"

// The patterns agreement reads values with (agree.go): an answer's amount
// or date grown to its whole extent in a citation. Candidates for short
// answers come from the entities found at index time (extract.go), not
// from these.

var (
	numberWords = `(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen|dozens|hundreds|thousands|millions|billions|half|several|few|many|numerous|none|single|multiple|both|twice|double|triple|countless)`
	scaleWords  = `(?:hundred|thousand|million|billion|trillion|dozen)`
	numModifier = `(?:(?:more|fewer|less|greater|higher|lower) than|over|under|about|around|nearly|almost|approximately|roughly|at least|at most|up to|some|just over|just under|an estimated|as many as|as few as)`

	// numberRe matches amounts: "7,500", "100,000+", "$4.2 billion",
	// "3.5%", "more than a dozen", "over a dozen", "two million".
	numberRe = regexp.MustCompile(`(?i)(?:\b` + numModifier + `\s+)?(?:(?:[$£€¥]\s?)?\d+(?:,\d{3})*(?:\.\d+)?(?:\s*(?:%|percent\b|per cent\b|` + scaleWords + `s?\b))?\+?|\b` + numberWords + `(?:[\s-]+` + numberWords + `)*(?:\s+` + scaleWords + `s?)?\b)`)

	months   = `(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)`
	weekdays = `(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`
	// dateRe matches dates: "November 28, 2025", "28 November 2025",
	// "November 2025", "2025-11-28", "Friday", "the 1990s", "19th century",
	// and bare years.
	dateRe = regexp.MustCompile(`\b(?:` + months + `\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+` + months + `,?\s+\d{4}|` + months + `\s+\d{1,2}(?:st|nd|rd|th)?|` + months + `(?:\s+(?:of\s+)?\d{4})?|\d{4}-\d{2}-\d{2}|` + weekdays + `|(?:the\s+)?\d{3}0s|\d{1,2}(?:st|nd|rd|th)(?:\s+and\s+\d{1,2}(?:st|nd|rd|th))?\s+centur(?:y|ies)|(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first)\s+century|\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|[\d.,]+\s+(?:million\s+|billion\s+)?years\s+ago|(?:1[0-9]|20|21)\d{2})\b`)
)

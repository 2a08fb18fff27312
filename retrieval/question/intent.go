package question

import rtext "github.com/citebot/citebot/retrieval/text"

// Questions about a document itself — who wrote it, which outlet ran it,
// when it was published, what its headline was — are answered from the
// document's metadata (sidecars, front matter, HTML meta, PDF and DOCX
// properties), citing the line of the text that shows it when there is one.

// docNouns name a piece of writing: a question about one of them may be
// about the document rather than its content.
var docNouns = rtext.WordSet("story stories article articles piece pieces report reports obituary obit item column op-ed editorial post blog coverage analysis feature interview release dispatch write-up writeup text document documents headline profile review")

// publisherNouns name who publishes ("which outlet ran …").
var publisherNouns = rtext.WordSet("outlet outlets publication publications publisher publishers newspaper newspapers paper papers website websites site sites network broadcaster magazine wire agency medium media organisation organization")

// publishVerbs say a document came out.
var publishVerbs = rtext.WordSet("published publish publishes run ran carried carry carries posted post released release put filed appear appeared dated date come came go went printed aired")

// authorVerbs say who wrote a document.
var authorVerbs = rtext.WordSet("wrote write writes written authored penned reported bylined")

// MetadataIntent reads whether a question asks about a document itself.
// lw are its lower-case words, whIdx its question word's position.
func MetadataIntent(lw []string, whIdx int) Intent {
	if whIdx < 0 {
		return IntentContent
	}
	has := func(set map[string]bool) bool {
		for _, w := range lw {
			if set[w] {
				return true
			}
		}
		return false
	}
	hasWord := func(ws ...string) bool {
		for _, w := range lw {
			for _, x := range ws {
				if w == x {
					return true
				}
			}
		}
		return false
	}
	doc := has(docNouns)
	wh := lw[whIdx]
	switch {
	case hasWord("headline", "headlined") || hasWord("title") && doc:
		return IntentHeadline
	// A date asked for decides first: "publication" in "what is the
	// publication date" names no publisher.
	case hasWord("publication") && hasWord("date"):
		return IntentPublished
	case (wh == "when" || hasWord("date", "day")) && has(publishVerbs) && doc:
		return IntentPublished
	case (wh == "which" || wh == "what") && has(publisherNouns) && (has(publishVerbs) || doc):
		return IntentPublisher
	case wh == "who" && has(publishVerbs) && (doc || hasWord("published", "publishes")):
		return IntentPublisher
	case (wh == "who" || wh == "whose") && (has(authorVerbs) || hasWord("byline", "author", "reporter", "writer")) && doc:
		return IntentAuthor
	}
	return IntentContent
}

package answer

import (
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/question"
)

// metaField is the metadata a question about the document asks for.
func metaField(d *retrieval.IndexedDoc, in question.Intent) string {
	switch in {
	case question.IntentAuthor:
		return d.Author
	case question.IntentPublished:
		return d.Date
	case question.IntentPublisher:
		return d.Publisher
	case question.IntentHeadline:
		return d.Title
	}
	return ""
}

package bot_test

import (
	"context"
	"testing"

	"github.com/citebot/citebot/bot"
)

// TestDocument: a cited document can be read whole, and every citation's
// quote is its text from start to end.
func TestDocument(t *testing.T) {
	b := bot.New(seedIndex(t))
	ctx := context.Background()
	reply, err := b.Ask(ctx, bot.Request{Question: "What was the FY2026 refugee cap?"})
	if err != nil || !reply.Answered {
		t.Fatalf("Ask = %+v, %v; want an answer to read the sources of", reply, err)
	}
	for _, c := range reply.Citations {
		doc, err := b.Document(ctx, c.Doc)
		if err != nil {
			t.Fatalf("Document(%q): %v", c.Doc, err)
		}
		if doc.ID != c.Doc || doc.Title != c.Title || doc.Publisher != c.Publisher || doc.Bytes != len(doc.Text) {
			t.Errorf("Document(%q) = %q by %q, %d bytes for %d bytes of text; want the cited document's metadata and size",
				c.Doc, doc.Title, doc.Publisher, doc.Bytes, len(doc.Text))
		}
		if c.End > len(doc.Text) || doc.Text[c.Start:c.End] != c.Quote {
			t.Errorf("the quote %q is not the document's text at [%d, %d)", c.Quote, c.Start, c.End)
		}
	}

	for id, code := range map[string]bot.Code{"": bot.CodeInvalid, "no/such/doc": bot.CodeNotFound} {
		if _, err := b.Document(ctx, id); bot.ErrorCode(err) != code || bot.ErrorMessage(err) == "" {
			t.Errorf("Document(%q) error %v; want code %s with a message", id, err, code)
		}
	}
	if _, err := bot.New(askOnly{}).Document(ctx, "000_49e5d4ef9c47bd09"); bot.ErrorCode(err) != bot.CodeUnavailable {
		t.Errorf("an index that cannot hand out documents: error %v; want unavailable", err)
	}
}

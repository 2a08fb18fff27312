package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/citebot/citebot/retrieval"
)

// DocumentTexter hands out a whole document's text; *answer.Engine is
// one. With an index that lacks it, Document fails with
// CodeUnavailable.
type DocumentTexter interface {
	DocumentText(id string) (string, error)
}

// Document is one indexed document whole: what Sources lists about it
// and its text, the text every quote of it is cut from (a Citation's
// Start and End are byte offsets into Text).
type Document struct {
	DocumentInfo
	Text string
}

// Document returns the document with this id, so a surface can show a
// whole source it cited. Errors are *Error: CodeInvalid for an empty id,
// CodeNotFound for an id the index does not hold, CodeUnavailable when
// the index cannot hand out documents or cannot be read.
func (b *Bot) Document(ctx context.Context, id string) (Document, error) {
	if id == "" {
		return Document{}, &Error{Code: CodeInvalid, Message: "the document id is empty"}
	}
	texts, ok := b.index.(DocumentTexter)
	if !ok {
		return Document{}, &Error{Code: CodeUnavailable, Message: "documents cannot be read whole with this index"}
	}
	if err := ctx.Err(); err != nil {
		return Document{}, &Error{Code: CodeUnavailable, Message: "the request was cancelled", Err: err}
	}
	all, err := b.Sources()
	if err != nil {
		return Document{}, err
	}
	i := slices.IndexFunc(all, func(s DocumentInfo) bool { return s.ID == id })
	if i < 0 {
		return Document{}, &Error{Code: CodeNotFound, Message: fmt.Sprintf("there is no document %q", id)}
	}
	text, err := texts.DocumentText(id)
	switch {
	case errors.Is(err, retrieval.ErrNoDocument):
		// Swapped out by a re-index between the two reads.
		return Document{}, &Error{Code: CodeNotFound, Message: fmt.Sprintf("there is no document %q", id), Err: err}
	case err != nil:
		return Document{}, &Error{Code: CodeUnavailable, Message: "the document could not be read", Err: err}
	}
	return Document{DocumentInfo: all[i], Text: text}, nil
}

package peers

import (
	"context"

	"github.com/citebot/citebot/cmd/citebench/internal/citebot"
	"github.com/citebot/citebot/cmd/citebench/internal/corpus"
)

// citebotBuilder builds citebot's persisted index: segmenting, the
// document store, Bleve, fsync and the swap are all timed.
type citebotBuilder struct {
	dir  string
	docs []citebot.Document
}

func (b citebotBuilder) Build(ctx context.Context) (int, error) {
	return citebot.Build(ctx, b.dir, b.docs)
}

// citebotAsker is citebot's full answer from its persisted index
// (retrieve, rank sentences, cut quotes, cite), CitebotTop citations.
type citebotAsker struct{ ix *citebot.Index }

func openCitebot(dir string) (*citebotAsker, error) {
	ix, err := citebot.Open(dir)
	if err != nil {
		return nil, err
	}
	return &citebotAsker{ix: ix}, nil
}

func (a *citebotAsker) Ask(ctx context.Context, q string) (Result, error) {
	return a.ix.Ask(ctx, q, CitebotTop)
}

func (a *citebotAsker) Quotes(_ string, res Result) ([]corpus.Quote, bool, error) {
	ans := res.(citebot.Answer)
	qs := make([]corpus.Quote, 0, len(ans.Citations))
	for _, c := range ans.Citations {
		qs = append(qs, corpus.Quote{Doc: c.Doc, Span: citebot.Span{Start: c.Start, End: c.End}, Text: c.Quote})
	}
	return qs, ans.Answered, nil
}

func (a *citebotAsker) Close() error { return a.ix.Close() }

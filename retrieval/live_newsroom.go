package retrieval

import "context"

// CheckQuote checks a quote against the current index (see
// Index.CheckQuote).
func (l *Live) CheckQuote(ctx context.Context, text string, opts QuoteOptions) (QuoteCheck, error) {
	var qc QuoteCheck
	err := l.with(func(ix *Index) error {
		var err error
		qc, err = ix.CheckQuote(ctx, text, opts)
		return err
	})
	return qc, err
}

// WhoSaid attributes a quotation from the current index (see
// Index.WhoSaid).
func (l *Live) WhoSaid(ctx context.Context, text string, opts QuoteOptions) (Attribution, error) {
	var a Attribution
	err := l.with(func(ix *Index) error {
		var err error
		a, err = ix.WhoSaid(ctx, text, opts)
		return err
	})
	return a, err
}

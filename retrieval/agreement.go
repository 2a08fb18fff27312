package retrieval

// Agreement says whether the cited documents agree on a short answer that
// is a number, a date or a name. It is set on an Answer only when values
// of that kind that answer the same question about the same thing (same
// unit, same thing counted, same period, a name rather than a title or a
// number inside a name) were read from citations of at least two
// documents; a citation whose value cannot be told to be comparable is
// left out, never reported as differing.
//
// Values groups the citations by the value they state, normalised by kind
// ("7,500" = "7500"; "100,000" ≈ "100,000+", "more than a dozen" ≈ "over a
// dozen"; "FY2024" = "fiscal 2024" = "fiscal year 2024"; "November 2025"
// ≈ "2025-11-28"; "Trump" ≈ "Donald Trump"). With one group the status is
// agree ("2 sources agree: 7,500"); with several it is differ, and the
// groups are ordered newest first by their documents' dates (undated
// last), the newest marked as such when it is strictly newer than the
// rest.
type Agreement struct {
	Status  string           `json:"status"`
	Summary string           `json:"summary"`
	Values  []AgreementValue `json:"values"`
}

// Agreement statuses.
const (
	AgreementAgree  = "agree"
	AgreementDiffer = "differ"
)

// AgreementValue is one value the citations state, and who states it.
type AgreementValue struct {
	// Value is the value as the first citation stating it writes it.
	Value string `json:"value"`
	// Forms are the other ways the citations write it ("100,000+").
	Forms []string `json:"forms,omitempty"`
	// Docs are the documents stating it, in citation order.
	Docs []string `json:"docs"`
	// Citations index Answer.Citations.
	Citations []int `json:"citations"`
	// Date is the newest document date among Docs (ISO), "" when none is
	// dated.
	Date string `json:"date,omitempty"`
	// Newest marks the value of the newest documents, when the sources
	// differ and its date is strictly newer than every other value's.
	Newest bool `json:"newest,omitempty"`
}

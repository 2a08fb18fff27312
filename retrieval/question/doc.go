// Package question reads what a question asks, before any document is
// searched: its analysed terms and the specific ones among them (names,
// numbers, years, quoted phrases), the kind of answer it wants (a person,
// a date, an amount of money, a length …) and how well other kinds would
// do, whether it asks about the document itself (its author, publisher,
// date or headline), and whether it asks why or is negated.
//
// It depends only on the domain types and retrieval/text; the answering
// core (retrieval/answer) ranks sentences and spans against what it
// finds here.
package question

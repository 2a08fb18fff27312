// Package citebot is the one place citebench uses citebot's retrieval
// packages: the document and answer types the benchmark passes around,
// building, opening and asking a persisted index, segmenting, and the QA
// datasets. The retrieval package is being split into sub-packages; when
// its names move, this file is the only one in cmd/citebench to change.
package citebot

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/ingest"
	"github.com/citebot/citebot/retrieval/qaeval"
	rtext "github.com/citebot/citebot/retrieval/text"
	"github.com/citebot/citebot/seeds"
)

// Types citebench shares with citebot.
type (
	// Document is one source text with its metadata.
	Document = retrieval.Document
	// Metadata is a document's title, publisher and so on.
	Metadata = retrieval.Metadata
	// Span is a half-open byte range into a document's text.
	Span = retrieval.Span
	// Passage is a unit of retrieval, with its sentences.
	Passage = retrieval.Passage
	// Answer is citebot's answer to one question.
	Answer = retrieval.Answer
	// DatasetQuestion is a SQuAD or COVID-QA question with its gold
	// answers.
	DatasetQuestion = qaeval.Question
	// QuestionSetItem is one line of a ../shared/qa question set.
	QuestionSetItem = qaeval.Item
)

// Segment splits a document's text into passages as citebot indexes them.
func Segment(text string) []Passage { return rtext.Segment(text) }

// SplitSentences splits text within a span into the sentences citebot
// quotes.
func SplitSentences(text string, within Span) []Span {
	return rtext.SplitSentences(text, within)
}

// Build indexes docs into a new persisted citebot index under dir and
// returns how many passages it holds.
func Build(ctx context.Context, dir string, docs []Document) (int, error) {
	st, err := bleveindex.Build(ctx, dir, docs, nil)
	if err != nil {
		return 0, fmt.Errorf("build citebot index: %w", err)
	}
	return st.Passages, nil
}

// Index is an open persisted citebot index with citebot's answering
// engine on it, as citebot ask and serve use it.
type Index struct{ eng *answer.Engine }

// Open opens the persisted index under dir.
func Open(dir string) (*Index, error) {
	ix, err := bleveindex.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open citebot index: %w", err)
	}
	return &Index{eng: answer.New(retrieval.NewLive(ix))}, nil
}

// Ask answers a question with at most top citations.
func (x *Index) Ask(ctx context.Context, question string, top int) (Answer, error) {
	return x.eng.Ask(ctx, question, retrieval.AskOptions{Top: top})
}

// Close closes the index.
func (x *Index) Close() error { return x.eng.Close() }

// Seeds returns citebot's embedded seed articles.
func Seeds(ctx context.Context) ([]Document, error) {
	docs, errs := ingest.LoadFS(ctx, seeds.FS, "seeds")
	if len(errs) > 0 {
		return nil, fmt.Errorf("load the embedded seeds: %w", errors.Join(errs...))
	}
	return docs, nil
}

// SQuAD reads SQuAD v1.1 dev (gzipped JSON) as one document per article
// and its answerable questions.
func SQuAD(path string) ([]Document, []DatasetQuestion, error) {
	ds, err := qaeval.LoadSQuAD(path)
	if err != nil {
		return nil, nil, fmt.Errorf("load SQuAD: %w", err)
	}
	docs, qs := qaeval.SQuADCorpus(ds, nil)
	return docs, qs, nil
}

// COVIDQA reads COVID-QA (gzipped JSON) as one document per article and
// its questions, each with the gold span in its document.
func COVIDQA(path string) ([]Document, []DatasetQuestion, error) {
	ds, err := qaeval.LoadSQuAD(path)
	if err != nil {
		return nil, nil, fmt.Errorf("load COVID-QA: %w", err)
	}
	docs, qs := qaeval.COVIDCorpus(ds)
	return docs, qs, nil
}

// ReadQuestionSet reads a ../shared/qa question set (JSON Lines).
func ReadQuestionSet(r io.Reader) ([]QuestionSetItem, error) {
	items, err := qaeval.ReadJSONL(r)
	if err != nil {
		return nil, fmt.Errorf("read question set: %w", err)
	}
	return items, nil
}

// ContainsAny reports whether text contains one of golds, compared the
// way citebot's evaluation compares answers (SQuAD's normalisation).
func ContainsAny(text string, golds []string) bool { return qaeval.ContainsAny(text, golds) }

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
	"net/http"
	"net/url"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/ingest"
	"github.com/citebot/citebot/retrieval/opensearchindex"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
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
	// Citation is one quote of an answer with where it comes from.
	Citation = retrieval.Citation
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
type Index struct {
	eng *answer.Engine
	// closeAlso releases what the index was opened with (the OpenSearch
	// client).
	closeAlso func() error
}

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
func (x *Index) Close() error {
	err := x.eng.Close()
	if x.closeAlso != nil {
		err = errors.Join(err, x.closeAlso())
	}
	return err
}

// OpenSearchTarget is where BuildOpenSearch writes: the index URL
// (http[s]://HOST:PORT/ALIAS, as citebot index --index takes it) and the
// layout of the new indexes.
type OpenSearchTarget struct {
	URL      string
	Shards   int
	Replicas int
}

// openSearchClient connects to the cluster of an index URL.
func openSearchClient(raw string) (*osclient.Client, osclient.Location, error) {
	loc, err := osclient.ParseLocation(raw, "the OpenSearch URL")
	if err != nil {
		return nil, loc, err
	}
	c, err := osclient.New(osclient.Options{Addresses: []string{loc.Base}, Username: loc.Username, Password: loc.Password})
	if err != nil {
		return nil, loc, fmt.Errorf("connect to %s: %w", loc, err)
	}
	return c, loc, nil
}

// BuildOpenSearch indexes docs as a new generation behind the alias of
// t.URL, as citebot index --index URL does, and returns how many
// passages it holds.
func BuildOpenSearch(ctx context.Context, t OpenSearchTarget, docs []Document) (int, error) {
	c, loc, err := openSearchClient(t.URL)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	st, err := opensearchindex.Build(ctx, opensearchindex.Target{Client: c, Name: loc.Name, Where: loc.String(), Shards: t.Shards, Replicas: t.Replicas}, docs, nil)
	if err != nil {
		return 0, fmt.Errorf("build citebot index on OpenSearch: %w", err)
	}
	return st.Passages, nil
}

// OpenOpenSearch opens the OpenSearch index at indexURL with citebot's
// answering engine on it, as citebot ask --index URL does.
func OpenOpenSearch(ctx context.Context, indexURL string) (*Index, error) {
	c, loc, err := openSearchClient(indexURL)
	if err != nil {
		return nil, err
	}
	ix, err := opensearchindex.Open(ctx, c, loc.Name, loc.String())
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("open citebot index on OpenSearch: %w", err)
	}
	return &Index{eng: answer.New(retrieval.NewLive(ix)), closeAlso: c.Close}, nil
}

// DropOpenSearch deletes the alias of indexURL and every index of its
// generations.
func DropOpenSearch(ctx context.Context, indexURL string) error {
	c, loc, err := openSearchClient(indexURL)
	if err != nil {
		return err
	}
	defer c.Close()
	// Deleting the generations' indexes deletes the alias with them.
	q := url.Values{"ignore_unavailable": {"true"}, "allow_no_indices": {"true"}, "expand_wildcards": {"all"}}
	if err := c.Do(ctx, http.MethodDelete, "/"+loc.Name+"-*", q, nil, nil); err != nil {
		return fmt.Errorf("delete %s-*: %w", loc, err)
	}
	return nil
}

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

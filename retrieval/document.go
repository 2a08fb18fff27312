// Package retrieval is the domain of citebot's answering core: documents
// and their metadata, passages and sentences that keep byte offsets into a
// document's text, answers and citations, quote checks and attributions —
// and the Backend contract every search engine behind citebot implements.
//
// The rooms around it do the work: retrieval/text analyses and segments
// text (the same way for every backend), retrieval/ingest reads files,
// retrieval/bleveindex is the embedded Bleve backend, retrieval/answer
// turns a question into an Answer over any Backend, retrieval/quote checks
// quotes and reads who said them, and retrieval/backendtest is the
// conformance kit each backend passes. This package imports none of them,
// no backend and no parsing or language library.
//
// The contract every caller relies on: an Answer is either answered, with
// at least one Citation, or declined, with the closest passages offered
// instead; and every quote is exactly Document.Text[Start:End].
package retrieval

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Metadata describes where a document came from. Every field is optional;
// citations show whatever is known.
type Metadata struct {
	Title     string `json:"title" yaml:"headline"`
	Publisher string `json:"publisher" yaml:"publisher"`
	Author    string `json:"author" yaml:"author"`
	Date      string `json:"date" yaml:"date"`
	URL       string `json:"url" yaml:"url"`
}

// Fill fills the empty fields of m from other; fields m already has win.
func (m *Metadata) Fill(other Metadata) {
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&m.Title, other.Title)
	fill(&m.Publisher, other.Publisher)
	fill(&m.Author, other.Author)
	fill(&m.Date, other.Date)
	fill(&m.URL, other.URL)
}

// Document is one source text with its metadata. Text is the exact text that
// quotes are cut from: for plain text files it is the file's contents, for
// Markdown and HTML it is the extracted text.
type Document struct {
	// ID identifies the document: the file's path relative to its corpus
	// folder, without extension (so the file stem for top-level files).
	ID string `json:"doc"`
	Metadata
	// Collection names the corpus the document belongs to; empty for the
	// default collection.
	Collection string `json:"collection,omitempty"`
	// Source is where the document was read from (a path), for messages.
	Source string `json:"source,omitempty"`
	Text   string `json:"-"`
	// Pages locates the pages of a paginated source (PDF) in Text: page
	// i+1 is Text[Pages[i].Start:Pages[i].End]. Nil for sources without
	// pages. Quotes never contain page markers; citations look the page
	// up here instead.
	Pages []Span `json:"-"`
}

// Hash returns a content hash of the document's text and metadata, used to
// tell whether a re-index needs to touch it.
func (d *Document) Hash() string {
	h := sha256.New()
	for _, s := range []string{d.ID, d.Title, d.Publisher, d.Author, d.Date, d.URL, d.Collection, d.Text} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	// Page spans only count when there are any, so documents without
	// pages keep the hash they had before pages existed.
	for _, p := range d.Pages {
		h.Write(binary.AppendUvarint(binary.AppendUvarint(nil, uint64(p.Start)), uint64(p.End)))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Source describes an indexed document for listings (GET /api/sources,
// `/ask sources`).
type Source struct {
	ID string `json:"doc"`
	Metadata
	Collection string `json:"collection,omitempty"`
	Passages   int    `json:"passages"`
	Bytes      int    `json:"bytes"`
}

// SourceIDs lists the IDs of srcs, in their order.
func SourceIDs(srcs []Source) []string {
	ids := make([]string, 0, len(srcs))
	for _, s := range srcs {
		ids = append(ids, s.ID)
	}
	return ids
}

// DefaultCollection is the collection of documents whose corpus has no name.
const DefaultCollection = "default"

// CollectionsOf lists the collections of sources, in name order; a
// document without one is in DefaultCollection.
func CollectionsOf(src []Source) []string {
	var names []string
	for _, s := range src {
		c := s.Collection
		if c == "" {
			c = DefaultCollection
		}
		if !slices.Contains(names, c) {
			names = append(names, c)
		}
	}
	slices.Sort(names)
	return names
}

// QualifiedID is the id of a document of collection whose plain id (its
// path under its corpus folder, without extension) a document of another
// collection already has: "courts:story" beside metro's "story". The
// first collection to hold an id keeps it plain, so ids of a corpus that
// shares no file name with another never change; the colon cannot come
// from a path's own separators.
func QualifiedID(collection, id string) string { return collection + ":" + id }

// Span is a half-open byte range [Start, End) into a document's text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Passage is a unit of retrieval: a paragraph, or a window of sentences of a
// long paragraph. Offsets are into the document's text.
type Passage struct {
	// Paragraph is the 1-based number of the paragraph the passage is in;
	// windows of one long paragraph share it.
	Paragraph int
	Span
	// Sentences are the passage's sentences, in order, as absolute offsets.
	Sentences []Span
	// Tokens are the passage's analysed terms, in order, with offsets
	// into the document's text: what the index holds for the passage,
	// kept so that answering never analyses a passage again.
	Tokens []Token
	// Entities are the passage's typed spans (names, dates, amounts …),
	// in order, with offsets into the document's text.
	Entities []Entity
}

// Token is an analysed term (as indexed: stemmed, normalised) with where
// it came from.
type Token struct {
	Term  string
	Start int // byte offsets into the analysed text
	End   int
	// Position is the word position, 1-based, with gaps where stop
	// words were (phrases match on positions).
	Position int
}

// IndexedDoc is a document as a Backend holds it: the Document, its
// content hash and its segmentation into passages, each with its
// sentences and analysed tokens (retrieval/text makes them, the same way
// for every backend). Backends hand out shared values: callers must not
// modify one.
type IndexedDoc struct {
	Document
	Hash     string
	Passages []Passage

	lowerOnce sync.Once
	lower     string // Text and metadata in lower case, made on first use

	memoMu sync.Mutex
	memo   map[any]any // see Memo
}

// Memo returns the value kept under key, made by calling make the first
// time the key is asked for. Answering keeps there what it derives from
// the document alone — the words of each sentence, the analysis of its
// headline — so that work is done once per document rather than once per
// question; it lives as long as the IndexedDoc (a backend's document
// cache bounds that). make must not call Memo on the same document. Safe
// for concurrent use.
func (d *IndexedDoc) Memo(key any, make func() any) any {
	d.memoMu.Lock()
	defer d.memoMu.Unlock()
	if v, ok := d.memo[key]; ok {
		return v
	}
	v := make()
	if d.memo == nil {
		d.memo = map[any]any{}
	}
	d.memo[key] = v
	return v
}

// Source describes the document for listings.
func (d *IndexedDoc) Source() Source {
	return Source{ID: d.ID, Metadata: d.Metadata, Collection: d.Collection, Passages: len(d.Passages), Bytes: len(d.Text)}
}

// PageAt returns the 1-based page of the source that holds the byte at
// offset, or 0 when the document has no pages (or offset falls between
// them). Citations carry it so a quote from a PDF can say "p. 4".
func (d *IndexedDoc) PageAt(offset int) int {
	i := sort.Search(len(d.Pages), func(i int) bool { return d.Pages[i].End > offset })
	if i < len(d.Pages) && d.Pages[i].Start <= offset {
		return i + 1
	}
	return 0
}

// Mentions reports whether the document holds s as whole words, ignoring
// case: in its text, or in its headline, publisher or author ("the CRBC
// story" names a document whose text never says CRBC).
func (d *IndexedDoc) Mentions(s string) bool {
	d.lowerOnce.Do(func() {
		d.lower = strings.ToLower(d.Text + "\n" + d.Title + "\n" + d.Publisher + "\n" + d.Author)
	})
	return ContainsLower(d.lower, strings.ToLower(s))
}

// ContainsLower reports whether lsub occurs in ls at word boundaries;
// both are already in lower case.
func ContainsLower(ls, lsub string) bool {
	if lsub == "" {
		return true
	}
	for from := 0; ; {
		i := strings.Index(ls[from:], lsub)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(lsub)
		before := i == 0 || !IsWordByte(ls[i-1])
		after := end == len(ls) || !IsWordByte(ls[end])
		if before && after {
			return true
		}
		from = i + 1
	}
}

// IsWordByte reports bytes that belong to a word: ASCII lower-case letters
// and digits, and every byte of a multi-byte rune.
func IsWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80
}

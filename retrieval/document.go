// Package retrieval is citebot's answering core: it loads documents and their
// metadata, splits them into passages and sentences that keep byte offsets
// into the original text, indexes the passages in Bleve (BM25, English
// analysis), analyses questions, ranks sentences, cuts verbatim quotes and
// decides when to decline.
//
// Its API has no Bleve types and knows nothing about chats, configuration
// files or flags. The contract every caller relies on: an Answer is either
// answered, with at least one Citation, or declined, with the closest passages
// offered instead; and every quote is exactly Document.Text[Start:End].
package retrieval

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
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

// merge fills the empty fields of m from other; fields m already has win.
func (m *Metadata) merge(other Metadata) {
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

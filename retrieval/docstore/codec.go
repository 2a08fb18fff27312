package docstore

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/citebot/citebot/retrieval"
)

// The record format: length-prefixed strings and varints, offsets as
// deltas. Compact, and an order of magnitude faster to decode than gob or
// JSON for long texts. A record starts with its version; a store holding
// records of another version belongs to an index an incompatible citebot
// built, which the backend refuses before reading any (see Version).

// Version is the record format. Version 3 added each passage's analysed
// tokens, version 4 its entities.
const Version = 4

type encoder struct{ buf []byte }

func (e *encoder) str(s string) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(s)))
	e.buf = append(e.buf, s...)
}
func (e *encoder) num(n int) { e.buf = binary.AppendUvarint(e.buf, uint64(n)) }

type decoder struct {
	buf []byte
	err error
}

func (d *decoder) num() int {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 || v > 1<<40 {
		d.err = errCorrupt
		return 0
	}
	d.buf = d.buf[n:]
	return int(v)
}

func (d *decoder) str() string {
	n := d.num()
	if d.err != nil {
		return ""
	}
	if n > len(d.buf) {
		d.err = errCorrupt
		return ""
	}
	s := string(d.buf[:n])
	d.buf = d.buf[n:]
	return s
}

func encodeHead(e *encoder, d *retrieval.IndexedDoc) {
	e.num(Version)
	for _, s := range []string{d.ID, d.Title, d.Publisher, d.Author, d.Date, d.URL, d.Collection, d.Document.Source, d.Hash} {
		e.str(s)
	}
}

func decodeHead(dec *decoder) *retrieval.IndexedDoc {
	if v := dec.num(); v != Version && dec.err == nil {
		dec.err = fmt.Errorf("record version %d; want %d (rebuild the index)", v, Version)
	}
	d := &retrieval.IndexedDoc{}
	for _, p := range []*string{&d.ID, &d.Title, &d.Publisher, &d.Author, &d.Date, &d.URL, &d.Collection, &d.Document.Source, &d.Hash} {
		*p = dec.str()
	}
	return d
}

// EncodeListing encodes what a listing needs (metadata, hash, sizes).
func EncodeListing(d *retrieval.IndexedDoc) []byte {
	e := &encoder{}
	encodeHead(e, d)
	e.num(len(d.Passages))
	e.num(len(d.Text))
	return e.buf
}

// DecodeListing decodes an EncodeListing record.
func DecodeListing(b []byte) (string, retrieval.Source, error) {
	dec := &decoder{buf: b}
	d := decodeHead(dec)
	src := d.Source()
	src.Passages = dec.num()
	src.Bytes = dec.num()
	return d.Hash, src, dec.err
}

// Encode encodes a whole document.
func Encode(d *retrieval.IndexedDoc) []byte {
	e := &encoder{buf: make([]byte, 0, 3*len(d.Text)+64+len(d.Passages)*32)}
	encodeHead(e, d)
	e.str(d.Text)
	e.num(len(d.Passages))
	for _, p := range d.Passages {
		e.num(p.Paragraph)
		e.num(p.Start)
		e.num(p.End - p.Start)
		e.num(len(p.Sentences))
		prev := p.Start
		for _, s := range p.Sentences {
			e.num(s.Start - prev)
			e.num(s.End - s.Start)
			prev = s.End
		}
		e.num(len(p.Tokens))
		prev, pos := p.Start, 0
		for _, t := range p.Tokens {
			e.str(t.Term)
			e.num(t.Start - prev)
			e.num(t.End - t.Start)
			e.num(t.Position - pos)
			prev, pos = t.Start, t.Position
		}
		e.num(len(p.Entities))
		prev = p.Start
		for _, en := range p.Entities {
			e.num(en.Start - prev)
			e.num(en.End - en.Start)
			e.num(int(en.Kind))
			e.str(en.Unit)
			prev = en.Start
		}
	}
	e.num(len(d.Pages))
	prev := 0
	for _, p := range d.Pages {
		e.num(p.Start - prev)
		e.num(p.End - p.Start)
		prev = p.End
	}
	return e.buf
}

// Decode decodes an Encode record, checking every offset against the
// text so a corrupt record cannot make a quote cut outside it.
func Decode(b []byte) (*retrieval.IndexedDoc, error) {
	dec := &decoder{buf: b}
	d := decodeHead(dec)
	d.Text = dec.str()
	n := dec.num()
	if n > len(d.Text)+1 {
		return nil, errCorrupt
	}
	inText := func(sp retrieval.Span) bool { return 0 <= sp.Start && sp.Start <= sp.End && sp.End <= len(d.Text) }
	d.Passages = make([]retrieval.Passage, 0, n)
	for i := 0; i < n && dec.err == nil; i++ {
		var p retrieval.Passage
		p.Paragraph = dec.num()
		p.Start = dec.num()
		p.End = p.Start + dec.num()
		ns := dec.num()
		if ns > p.End-p.Start+1 || !inText(p.Span) {
			return nil, errCorrupt
		}
		p.Sentences = make([]retrieval.Span, ns)
		prev := p.Start
		for j := range p.Sentences {
			s := prev + dec.num()
			p.Sentences[j] = retrieval.Span{Start: s, End: s + dec.num()}
			prev = p.Sentences[j].End
			if !inText(p.Sentences[j]) {
				return nil, errCorrupt
			}
		}
		nt := dec.num()
		if nt > p.End-p.Start+1 {
			return nil, errCorrupt
		}
		p.Tokens = make([]retrieval.Token, nt)
		prev, pos := p.Start, 0
		for j := range p.Tokens {
			t := &p.Tokens[j]
			t.Term = dec.str()
			t.Start = prev + dec.num()
			t.End = t.Start + dec.num()
			t.Position = pos + dec.num()
			prev, pos = t.Start, t.Position
			if t.End > len(d.Text) {
				return nil, errCorrupt
			}
		}
		ne := dec.num()
		if ne > p.End-p.Start+1 {
			return nil, errCorrupt
		}
		if ne > 0 {
			p.Entities = make([]retrieval.Entity, ne)
		}
		prev = p.Start
		for j := range p.Entities {
			en := &p.Entities[j]
			en.Start = prev + dec.num()
			en.End = en.Start + dec.num()
			en.Kind = retrieval.EntityKind(dec.num())
			en.Unit = dec.str()
			prev = en.Start
			if en.End > len(d.Text) {
				return nil, errCorrupt
			}
		}
		d.Passages = append(d.Passages, p)
	}
	np := dec.num()
	if np > len(d.Text)+1 {
		return nil, errors.New("corrupt document record: too many pages")
	}
	if np > 0 {
		d.Pages = make([]retrieval.Span, np)
	}
	prev := 0
	for i := 0; i < np && dec.err == nil; i++ {
		s := prev + dec.num()
		d.Pages[i] = retrieval.Span{Start: s, End: s + dec.num()}
		prev = d.Pages[i].End
	}
	if prev > len(d.Text) {
		return nil, errors.New("corrupt document record: page outside text")
	}
	if dec.err != nil {
		return nil, fmt.Errorf("decode document: %w", dec.err)
	}
	return d, nil
}

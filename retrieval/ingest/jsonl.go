package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	rtext "github.com/citebot/citebot/retrieval/text"

	"github.com/citebot/citebot/retrieval"
)

// jsonlRecord is one line of a JSON Lines import; id and text are
// required.
type jsonlRecord struct {
	ID        json.RawMessage `json:"id"`
	Text      *string         `json:"text"`
	Title     string          `json:"title"`
	Headline  string          `json:"headline"`
	Publisher string          `json:"publisher"`
	Author    json.RawMessage `json:"author"`
	Date      string          `json:"date"`
	URL       string          `json:"url"`
}

// loadJSONL opens a JSON Lines file of fsys and reads its documents; name
// is how messages and Document.Source call the file.
func loadJSONL(ctx context.Context, fsys fs.FS, p, name string) ([]retrieval.Document, []error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, []error{&LoadError{Path: name, Err: err}}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxJSONLBytes {
		return nil, []error{&LoadError{Path: name, Err: fmt.Errorf("file is %d MiB, larger than the %d MiB limit", st.Size()>>20, MaxJSONLBytes>>20)}}
	}
	docs, errs := LoadJSONL(ctx, io.LimitReader(f, MaxJSONLBytes), strings.TrimSuffix(p, path.Ext(p)))
	for i := range docs {
		docs[i].Source = name
	}
	for _, e := range errs {
		var le *LoadError
		if errors.As(e, &le) {
			le.Path = name + le.Path
		}
	}
	return docs, errs
}

// LoadJSONL reads a JSON Lines import: one JSON object per line with the
// fields id, text, title (or headline), publisher, author (a string or a
// list), date and url. Each document's id is prefix + "/" + its id, which
// keeps ids unique across files (prefix is the file's path without
// extension when loading a folder). A bad line (invalid JSON, no text, no
// id, a repeated id, longer than MaxFileBytes) is reported as a LoadError
// whose Path is ":LINE" and skipped; the other lines still load.
func LoadJSONL(ctx context.Context, r io.Reader, prefix string) ([]retrieval.Document, []error) {
	var docs []retrieval.Document
	var errs []error
	seen := map[string]int{}
	br := bufio.NewReaderSize(r, 64<<10)
	bad := func(line int, err error) {
		errs = append(errs, &LoadError{Path: fmt.Sprintf(":%d", line), Err: err})
	}
	for line := 1; ; line++ {
		if line&255 == 0 {
			if err := ctx.Err(); err != nil {
				return docs, append(errs, err)
			}
		}
		b, tooLong, err := readLine(br, MaxFileBytes)
		if err != nil && !errors.Is(err, io.EOF) {
			bad(line, err)
			break
		}
		eof := errors.Is(err, io.EOF)
		switch {
		case tooLong:
			bad(line, fmt.Errorf("line longer than %d MiB", MaxFileBytes>>20))
		case len(bytes.TrimSpace(b)) > 0:
			d, err := jsonlDocument(b, prefix)
			if err != nil {
				bad(line, err)
				break
			}
			if first, dup := seen[d.ID]; dup {
				bad(line, fmt.Errorf("id %q repeats line %d", strings.TrimPrefix(d.ID, prefix+"/"), first))
				break
			}
			seen[d.ID] = line
			docs = append(docs, d)
		}
		if eof {
			break
		}
	}
	return docs, errs
}

// jsonlDocument turns one line into a document.
func jsonlDocument(b []byte, prefix string) (retrieval.Document, error) {
	var rec jsonlRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return retrieval.Document{}, fmt.Errorf("invalid JSON: %w", err)
	}
	id := jsonlID(rec.ID)
	if id == "" {
		return retrieval.Document{}, errors.New(`no "id"`)
	}
	if rec.Text == nil || strings.TrimSpace(*rec.Text) == "" {
		return retrieval.Document{}, errors.New(`no "text"`)
	}
	text := strings.ReplaceAll(*rec.Text, "\r\n", "\n")
	text = rtext.CleanExtracted(strings.ReplaceAll(text, "\r", "\n"))
	if prefix != "" {
		id = prefix + "/" + id
	}
	var author any
	if len(rec.Author) > 0 {
		_ = json.Unmarshal(rec.Author, &author)
	}
	embedded := sidecar{Headline: rec.Headline, Title: rec.Title, Publisher: rec.Publisher, Author: author, Date: rec.Date, URL: rec.URL}.metadata()
	d := retrieval.Document{ID: id, Text: text, Metadata: truncateMeta(cleanMeta(embedded))}
	d.Date = documentDate(d.Date, text, "")
	d.Metadata.Fill(guessMetadata(text))
	return d, nil
}

// jsonlID reads an id given as a string or a number, without control
// characters.
func jsonlID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return ""
		}
		s = n.String()
	}
	s = strings.TrimSpace(strings.ToValidUTF8(s, ""))
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, rtext.Truncate(s, 200))
}

// readLine reads one line without its newline. A line longer than max is
// consumed and reported as tooLong without being kept.
func readLine(br *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > max+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		return line, tooLong, err
	}
}

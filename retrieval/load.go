package retrieval

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/encoding/charmap"
)

// MaxFileBytes is the largest source file the loader reads; larger files are
// skipped with an error naming them rather than exhausting memory.
const MaxFileBytes = 64 << 20

// LoadError reports a file that could not be loaded; loading goes on without
// it.
type LoadError struct {
	Path string
	Err  error
}

func (e *LoadError) Error() string { return fmt.Sprintf("%s: %v", e.Path, e.Err) }
func (e *LoadError) Unwrap() error { return e.Err }

// ErrUnsupported marks files whose extension no loader handles.
var ErrUnsupported = errors.New("unsupported file type")

// parser extracts a document's text and embedded metadata from file bytes.
type parser func(b []byte) (text string, meta Metadata, err error)

// parsers maps a file extension to its parser.
var parsers = map[string]parser{
	".txt":      parseText,
	".text":     parseText,
	".md":       parseMarkdown,
	".markdown": parseMarkdown,
	".html":     parseHTML,
	".htm":      parseHTML,
}

// Supported reports whether the loader reads files with this name.
func Supported(name string) bool {
	_, ok := parsers[strings.ToLower(path.Ext(name))]
	return ok && !isSidecar(name)
}

func isSidecar(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".meta.yaml") || strings.HasSuffix(n, ".meta.yml")
}

// LoadDir loads every supported file under dir (recursively) as a document
// of the named collection. Files that cannot be read or parsed are returned
// as LoadErrors and skipped; the rest still load.
func LoadDir(ctx context.Context, dir, collection string) ([]Document, []error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, []error{&LoadError{Path: dir, Err: err}}
	}
	if !st.IsDir() {
		return nil, []error{&LoadError{Path: dir, Err: errors.New("not a directory")}}
	}
	docs, errs := LoadFS(ctx, os.DirFS(dir), collection)
	for i, d := range docs {
		docs[i].Source = path.Join(dir, d.Source)
	}
	for _, e := range errs {
		var le *LoadError
		if errors.As(e, &le) {
			le.Path = path.Join(dir, le.Path)
		}
	}
	return docs, errs
}

// LoadFS loads every supported file of fsys, as LoadDir does.
func LoadFS(ctx context.Context, fsys fs.FS, collection string) ([]Document, []error) {
	var docs []Document
	var errs []error
	walkErr := fs.WalkDir(fsys, ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, &LoadError{Path: p, Err: err})
			if de != nil && de.IsDir() && p != "." {
				return fs.SkipDir
			}
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if de.IsDir() {
			if p != "." && strings.HasPrefix(de.Name(), ".") {
				return fs.SkipDir // .git and friends
			}
			return nil
		}
		if !Supported(p) || strings.HasPrefix(de.Name(), ".") {
			return nil
		}
		d, err := LoadFile(fsys, p)
		if err != nil {
			errs = append(errs, &LoadError{Path: p, Err: err})
			return nil
		}
		d.Collection = collection
		docs = append(docs, d)
		return nil
	})
	if walkErr != nil {
		errs = append(errs, &LoadError{Path: ".", Err: walkErr})
	}
	sort.Slice(docs, func(a, b int) bool { return docs[a].ID < docs[b].ID })
	return docs, errs
}

// LoadFile reads one file of fsys. Metadata comes from, in order of
// precedence: a sidecar <name>.meta.yaml, the file's own metadata (front
// matter, HTML meta tags), then heuristics on the text (headline from the
// first line, author from a "By …" byline).
func LoadFile(fsys fs.FS, p string) (Document, error) {
	ext := strings.ToLower(path.Ext(p))
	parse, ok := parsers[ext]
	if !ok {
		return Document{}, fmt.Errorf("%w %q", ErrUnsupported, ext)
	}
	b, err := readLimited(fsys, p)
	if err != nil {
		return Document{}, err
	}
	text, embedded, err := parse(b)
	if err != nil {
		return Document{}, err
	}
	if strings.TrimSpace(text) == "" {
		return Document{}, errors.New("no text in file")
	}
	d := Document{ID: strings.TrimSuffix(p, path.Ext(p)), Source: p, Text: text}
	side, err := readSidecar(fsys, p)
	if err != nil {
		return Document{}, err
	}
	d.Metadata = side
	d.Metadata.merge(embedded)
	d.Metadata.merge(guessMetadata(text))
	if nd, ok := NormalizeDate(d.Date); ok {
		d.Date = nd
	}
	return d, nil
}

func readLimited(fsys fs.FS, p string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf("file larger than %d MiB", MaxFileBytes>>20)
	}
	return b, nil
}

// readSidecar reads <name>.meta.yaml beside p, if there is one.
func readSidecar(fsys fs.FS, p string) (Metadata, error) {
	base := strings.TrimSuffix(p, path.Ext(p))
	for _, ext := range []string{".meta.yaml", ".meta.yml"} {
		b, err := fs.ReadFile(fsys, base+ext)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Metadata{}, fmt.Errorf("metadata sidecar: %w", err)
		}
		var m sidecar
		if err := yaml.Unmarshal(b, &m); err != nil {
			return Metadata{}, fmt.Errorf("metadata sidecar %s: %w", base+ext, err)
		}
		return m.metadata(), nil
	}
	return Metadata{}, nil
}

// sidecar is the YAML shape of a metadata sidecar or Markdown front matter;
// it accepts the usual synonyms.
type sidecar struct {
	Headline  string `yaml:"headline"`
	Title     string `yaml:"title"`
	Publisher string `yaml:"publisher"`
	Source    string `yaml:"source"`
	Site      string `yaml:"site"`
	Author    any    `yaml:"author"`
	Authors   any    `yaml:"authors"`
	Byline    string `yaml:"byline"`
	Date      any    `yaml:"date"`
	Published any    `yaml:"published"`
	URL       string `yaml:"url"`
	Link      string `yaml:"link"`
}

func (s sidecar) metadata() Metadata {
	first := func(vals ...string) string {
		for _, v := range vals {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
		return ""
	}
	return Metadata{
		Title:     first(s.Headline, s.Title),
		Publisher: first(s.Publisher, s.Source, s.Site),
		Author:    first(names(s.Author), names(s.Authors), s.Byline),
		Date:      first(dateString(s.Date), dateString(s.Published)),
		URL:       first(s.URL, s.Link),
	}
}

// names renders an author field that may be a string or a list.
func names(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var parts []string
		for _, e := range x {
			if s, ok := e.(string); ok && strings.TrimSpace(s) != "" {
				parts = append(parts, strings.TrimSpace(s))
			}
		}
		return strings.Join(parts, ", ")
	}
	return ""
}

func dateString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case time.Time:
		return x.Format("2006-01-02")
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// dateLayouts are the date spellings NormalizeDate understands.
var dateLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02", "2006/01/02",
	"January 2, 2006", "Jan 2, 2006", "Jan. 2, 2006", "2 January 2006", "2 Jan 2006",
	"Monday, January 2, 2006", "Mon, 02 Jan 2006 15:04:05 -0700", time.RFC1123, time.RFC1123Z,
	"January 2006", "2006-01", "2006",
}

// NormalizeDate rewrites a date in ISO 8601 (2006-01-02, or 2006-01 / 2006
// when that is all it says). It reports false, leaving s alone, when it
// cannot read s.
func NormalizeDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	for _, l := range dateLayouts {
		t, err := time.Parse(l, s)
		if err != nil {
			continue
		}
		switch l {
		case "January 2006", "2006-01":
			return t.Format("2006-01"), true
		case "2006":
			return t.Format("2006"), true
		}
		return t.Format("2006-01-02"), true
	}
	return s, false
}

var bylineRe = regexp.MustCompile(`^(?i:by)\s+(\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|and|de|van|von|da|al|bin)){0,6})\s*$`)

// guessMetadata reads a headline and byline off the text: the first
// non-empty line, and the first "By Firstname Lastname" line near the top.
func guessMetadata(text string) Metadata {
	var m Metadata
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if i > 40 {
			break
		}
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if m.Title == "" {
			m.Title = truncateRunes(l, 300)
			continue
		}
		if mm := bylineRe.FindStringSubmatch(l); mm != nil {
			m.Author = mm[1]
			break
		}
	}
	return m
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

// parseText reads plain text. Text that is not UTF-8 is read as Windows-1252
// (the usual encoding of older newsroom files); text that looks binary is
// rejected.
func parseText(b []byte) (string, Metadata, error) {
	s, err := decodeText(b)
	return s, Metadata{}, err
}

// decodeText returns b as UTF-8 text with a byte-order mark removed and line
// endings made "\n".
func decodeText(b []byte) (string, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if looksBinary(b) {
		return "", errors.New("binary content, not text")
	}
	var s string
	if utf8.Valid(b) {
		s = string(b)
	} else {
		dec, err := charmap.Windows1252.NewDecoder().Bytes(b)
		if err != nil {
			return "", fmt.Errorf("not UTF-8 and not Windows-1252: %w", err)
		}
		s = string(dec)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return s, nil
}

// looksBinary reports whether b holds NUL bytes or mostly control
// characters, as executables, images and archives do.
func looksBinary(b []byte) bool {
	sample := b[:min(len(b), 8192)]
	if bytes.IndexByte(sample, 0) >= 0 {
		return true
	}
	ctrl := 0
	for _, c := range sample {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctrl++
		}
	}
	return len(sample) > 0 && ctrl*10 > len(sample)
}

// cleanSpaces collapses runs of white space inside a line to one space.
func cleanSpaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// Package ingest reads documents from files: plain text, Markdown with
// front matter, HTML articles, PDF, DOCX and JSON Lines, with metadata
// from sidecars, the files themselves and the text's own byline and
// headline. Broken or hostile files are skipped with an error naming them;
// every parser runs with size and time limits. Watch and WatchFile follow
// folders and files for changes.
package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	rtext "github.com/citebot/citebot/retrieval/text"

	"github.com/citebot/citebot/retrieval"
	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"
	"golang.org/x/text/encoding/charmap"
)

// MaxFileBytes is the largest source file the loader reads; larger files are
// skipped with an error naming them rather than exhausting memory. (JSON
// Lines imports may be larger: each line is one document, and a line may be
// at most this long.)
const MaxFileBytes = 64 << 20

// MaxJSONLBytes bounds a JSON Lines import, read a line at a time.
const MaxJSONLBytes = 4 << 30

// ParseTimeout bounds the time one file's parser may take. A file that
// takes longer is skipped with an error naming it; the run goes on.
var ParseTimeout = 30 * time.Second

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

// extracted is what a parser reads out of one file.
type extracted struct {
	Text string
	Meta retrieval.Metadata
	// Pages are page spans in Text, for paginated formats (PDF).
	Pages []retrieval.Span
	// PropDate is the date the file's document properties give (PDF
	// CreationDate, DOCX created): when the file was made, the last
	// resort for a publication date (see documentDate). Meta.Date is
	// only ever what the format declares as the publication date.
	PropDate string
}

// cleaned is x with ligatures spelt out and invisible format characters
// removed from its text and metadata (see text.CleanExtracted), page
// spans moved to match: the text quotes are cut from is what a reader
// would type.
func (x extracted) cleaned() extracted {
	offsets := make([]int, 0, 2*len(x.Pages))
	for _, p := range x.Pages {
		offsets = append(offsets, p.Start, p.End)
	}
	text, moved := rtext.CleanExtractedSpans(x.Text, offsets)
	out := extracted{Text: text, Meta: cleanMeta(x.Meta), PropDate: x.PropDate}
	for i := range x.Pages {
		out.Pages = append(out.Pages, retrieval.Span{Start: moved[2*i], End: moved[2*i+1]})
	}
	return out
}

// cleanMeta cleans metadata fields as document text is cleaned.
func cleanMeta(m retrieval.Metadata) retrieval.Metadata {
	for _, f := range []*string{&m.Title, &m.Publisher, &m.Author, &m.Date, &m.URL} {
		*f = rtext.CleanExtracted(*f)
	}
	return m
}

// parser extracts a document's text and embedded metadata from file bytes.
// Parsers that can loop for long check ctx; every parser also runs under
// a watchdog (see parseBounded).
type parser func(ctx context.Context, b []byte) (extracted, error)

// parsers maps a file extension to its parser. JSON Lines files, which hold
// many documents, are read by loadJSONL instead.
var parsers = map[string]parser{
	".txt":      parseText,
	".text":     parseText,
	".md":       parseMarkdown,
	".markdown": parseMarkdown,
	".html":     parseHTML,
	".htm":      parseHTML,
	".xhtml":    parseHTML,
	".pdf":      parsePDF,
	".docx":     parseDOCX,
}

// jsonlExts name JSON Lines imports: one document per line.
var jsonlExts = map[string]bool{".jsonl": true, ".ndjson": true}

// Supported reports whether the loader reads files with this name.
func Supported(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	_, ok := parsers[ext]
	return (ok || jsonlExts[ext]) && !isSidecar(name)
}

func isSidecar(name string) bool {
	n := strings.ToLower(name)
	return slices.ContainsFunc(sidecarExts, func(ext string) bool { return strings.HasSuffix(n, ext) })
}

// LoadDir loads every supported file under dir (recursively) as a document
// of the named collection. Files that cannot be read or parsed are returned
// as LoadErrors and skipped; the rest still load.
func LoadDir(ctx context.Context, dir, collection string) ([]retrieval.Document, []error) {
	jobs, errs := dirJobs(ctx, dir, collection)
	docs, es := runLoad(ctx, jobs, nil)
	return docs, append(errs, es...)
}

// dirJobs lists the files to load under dir.
func dirJobs(ctx context.Context, dir, collection string) ([]loadJob, []error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, []error{&LoadError{Path: dir, Err: err}}
	}
	if !st.IsDir() {
		return nil, []error{&LoadError{Path: dir, Err: errors.New("not a directory")}}
	}
	return listFiles(ctx, os.DirFS(dir), dir, collection)
}

// Corpus is a folder of documents and the collection they form.
type Corpus struct {
	Dir string
	// Collection names the documents' collection; empty means the
	// folder's base name (see CollectionName).
	Collection string
}

// CollectionName is the collection a corpus folder forms when
// configuration does not name it: the folder's base name.
func CollectionName(dir string) string {
	return filepath.Base(filepath.Clean(dir))
}

// LoadCorpora loads every corpus folder, each as its collection, reporting
// progress in files read. Documents are returned in id order. A file
// whose id a file of an earlier corpus already has (story.txt in two
// collections) gets the id retrieval.QualifiedID gives ("courts:story"),
// so both are indexed and cited distinctly. Files that cannot be loaded,
// and documents whose id another file of the same collection took (a.md
// beside a.txt), are returned as LoadErrors naming the file; everything
// else still loads.
func LoadCorpora(ctx context.Context, corpora []Corpus, progress retrieval.Progress) ([]retrieval.Document, []error) {
	var jobs []loadJob
	var errs []error
	for _, c := range corpora {
		coll := c.Collection
		if coll == "" {
			coll = CollectionName(c.Dir)
		}
		js, es := dirJobs(ctx, c.Dir, coll)
		jobs = append(jobs, js...)
		errs = append(errs, es...)
	}
	docs, es := runLoad(ctx, jobs, progress)
	return docs, append(errs, es...)
}

// LoadFS loads every supported file of fsys, as LoadDir does.
func LoadFS(ctx context.Context, fsys fs.FS, collection string) ([]retrieval.Document, []error) {
	jobs, errs := listFiles(ctx, fsys, "", collection)
	docs, es := runLoad(ctx, jobs, nil)
	return docs, append(errs, es...)
}

// loadJob is one file to load.
type loadJob struct {
	fsys       fs.FS
	path       string // in fsys
	root       string // prefix for messages and retrieval.Document.Source ("" for an fs.FS)
	collection string
}

func (j loadJob) display() string {
	if j.root == "" {
		return j.path
	}
	return filepath.Join(j.root, filepath.FromSlash(j.path))
}

// listFiles walks fsys for supported files, skipping hidden files and
// folders (.git and friends).
func listFiles(ctx context.Context, fsys fs.FS, root, collection string) ([]loadJob, []error) {
	var jobs []loadJob
	var errs []error
	walkErr := fs.WalkDir(fsys, ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, &LoadError{Path: loadJob{root: root, path: p}.display(), Err: err})
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
				return fs.SkipDir
			}
			return nil
		}
		if !Supported(p) || strings.HasPrefix(de.Name(), ".") {
			return nil
		}
		jobs = append(jobs, loadJob{fsys: fsys, path: p, root: root, collection: collection})
		return nil
	})
	if walkErr != nil {
		errs = append(errs, &LoadError{Path: loadJob{root: root, path: "."}.display(), Err: walkErr})
	}
	return jobs, errs
}

// runLoad loads jobs on every core, then drops documents whose id is
// taken (the file whose path sorts first keeps it) and sorts by id.
func runLoad(ctx context.Context, jobs []loadJob, progress retrieval.Progress) ([]retrieval.Document, []error) {
	type result struct {
		docs []retrieval.Document
		errs []error
	}
	results := make([]result, len(jobs))
	if progress != nil && len(jobs) > 0 {
		progress(0, len(jobs)) // the phase starts: rates are timed from here
	}
	var done atomic.Int64
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range jobs {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			results[i].docs, results[i].errs = loadOne(ctx, jobs[i])
			if progress != nil {
				progress(int(done.Add(1)), len(jobs))
			}
			return nil
		})
	}
	g.Wait()

	var docs []retrieval.Document
	var errs []error
	for _, r := range results {
		docs = append(docs, r.docs...)
		errs = append(errs, r.errs...)
	}
	if err := ctx.Err(); err != nil {
		return nil, append(errs, fmt.Errorf("loading documents: %w", err))
	}
	qualifyShared(docs, jobs)
	sort.SliceStable(docs, func(a, b int) bool {
		if docs[a].ID != docs[b].ID {
			return docs[a].ID < docs[b].ID
		}
		return docs[a].Source < docs[b].Source
	})
	out := docs[:0]
	for _, d := range docs {
		if n := len(out); n > 0 && out[n-1].ID == d.ID {
			errs = append(errs, &LoadError{Path: d.Source, Err: fmt.Errorf("document id %q is already used by %s; rename one of them", d.ID, out[n-1].Source)})
			continue
		}
		out = append(out, d)
	}
	return out, errs
}

// qualifyShared gives documents whose id a document of an earlier
// collection (in the order the corpora were given) already has the
// qualified id of their own collection (see retrieval.QualifiedID).
func qualifyShared(docs []retrieval.Document, jobs []loadJob) {
	rank := map[string]int{}
	for _, j := range jobs {
		if _, ok := rank[j.collection]; !ok {
			rank[j.collection] = len(rank)
		}
	}
	if len(rank) < 2 {
		return
	}
	owner := map[string]string{} // id → the first collection holding it
	for _, d := range docs {
		if c, ok := owner[d.ID]; !ok || rank[d.Collection] < rank[c] {
			owner[d.ID] = d.Collection
		}
	}
	for i := range docs {
		if c := owner[docs[i].ID]; c != docs[i].Collection {
			docs[i].ID = retrieval.QualifiedID(docs[i].Collection, docs[i].ID)
		}
	}
}

// loadOne loads the document (or, for JSON Lines, documents) of one file.
func loadOne(ctx context.Context, j loadJob) ([]retrieval.Document, []error) {
	name := j.display()
	if jsonlExts[strings.ToLower(path.Ext(j.path))] {
		docs, errs := loadJSONL(ctx, j.fsys, j.path, name)
		for i := range docs {
			docs[i].Collection = j.collection
		}
		return docs, errs
	}
	d, err := loadFile(ctx, j.fsys, j.path)
	if err != nil {
		return nil, []error{&LoadError{Path: name, Err: err}}
	}
	d.Source = name
	d.Collection = j.collection
	return []retrieval.Document{d}, nil
}

// LoadFile reads one file of fsys. Metadata comes from, in order of
// precedence: a sidecar <name>.meta.yaml (or .meta.json), the file's own
// metadata (front matter, HTML meta tags, PDF document info, DOCX core
// properties), then heuristics on the text (headline from the first
// line, author from a "By …" byline). The date is chosen as documentDate
// says: a dateline in the text beats the PDF and DOCX properties. JSON Lines files hold many documents: load them with
// LoadFS, LoadDir or LoadJSONL.
func LoadFile(fsys fs.FS, p string) (retrieval.Document, error) {
	return loadFile(context.Background(), fsys, p)
}

func loadFile(ctx context.Context, fsys fs.FS, p string) (retrieval.Document, error) {
	ext := strings.ToLower(path.Ext(p))
	parse, ok := parsers[ext]
	if !ok {
		if jsonlExts[ext] {
			return retrieval.Document{}, fmt.Errorf("%s holds many documents; load its folder instead", p)
		}
		return retrieval.Document{}, fmt.Errorf("%w %q", ErrUnsupported, ext)
	}
	b, err := readLimited(fsys, p)
	if err != nil {
		return retrieval.Document{}, err
	}
	x, err := parseBounded(ctx, parse, b)
	if err != nil {
		return retrieval.Document{}, err
	}
	x = x.cleaned()
	if strings.TrimSpace(x.Text) == "" {
		return retrieval.Document{}, errors.New("no text in file")
	}
	d := retrieval.Document{ID: strings.TrimSuffix(p, path.Ext(p)), Source: p, Text: x.Text, Pages: x.Pages}
	side, err := readSidecar(fsys, p)
	if err != nil {
		return retrieval.Document{}, err
	}
	d.Metadata = cleanMeta(side)
	d.Metadata.Fill(x.Meta)
	d.Date = documentDate(d.Date, x.Text, x.PropDate)
	d.Metadata.Fill(guessMetadata(x.Text))
	return d, nil
}

// parseBounded runs parse under a watchdog: a panic inside a parsing
// library becomes an error, and a parse that outlives ParseTimeout is
// abandoned with an error so one hostile file cannot stall a run. (Go
// cannot stop a goroutine; parsers check ctx where a library lets them, so
// an abandoned one normally ends soon after.)
func parseBounded(ctx context.Context, parse parser, b []byte) (extracted, error) {
	ctx, cancel := context.WithTimeout(ctx, ParseTimeout)
	defer cancel()
	type result struct {
		x   extracted
		err error
	}
	ch := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r = result{err: fmt.Errorf("malformed file (parser failed: %v)", p)}
			}
			ch <- r
		}()
		r.x, r.err = parse(ctx, b)
	}()
	select {
	case r := <-ch:
		if r.err != nil && ctx.Err() != nil && errors.Is(r.err, context.DeadlineExceeded) {
			return extracted{}, fmt.Errorf("parsing took longer than %s; skipped", ParseTimeout)
		}
		return r.x, r.err
	case <-ctx.Done():
		if err := context.Cause(ctx); !errors.Is(err, context.DeadlineExceeded) {
			return extracted{}, err
		}
		return extracted{}, fmt.Errorf("parsing took longer than %s; skipped", ParseTimeout)
	}
}

// readLimited reads a file of at most MaxFileBytes. A larger file is
// rejected by its size before any of it is read, so a 200 MB page costs
// nothing; the limited read still guards files that grow meanwhile.
func readLimited(fsys fs.FS, p string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooBig := func(n int64) error {
		return fmt.Errorf("file is %d MiB, larger than the %d MiB limit", n>>20, MaxFileBytes>>20)
	}
	if st, err := f.Stat(); err == nil && st.Size() > MaxFileBytes {
		return nil, tooBig(st.Size())
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, tooBig(int64(len(b)))
	}
	return b, nil
}

// sidecarExts name metadata sidecars, in the order they are looked for.
// JSON is YAML too, so one reader serves both.
var sidecarExts = []string{".meta.yaml", ".meta.yml", ".meta.json"}

// readSidecar reads <name>.meta.yaml (or .meta.yml, .meta.json) beside p,
// if there is one.
func readSidecar(fsys fs.FS, p string) (retrieval.Metadata, error) {
	base := strings.TrimSuffix(p, path.Ext(p))
	for _, ext := range sidecarExts {
		b, err := fs.ReadFile(fsys, base+ext)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return retrieval.Metadata{}, fmt.Errorf("metadata sidecar: %w", err)
		}
		var m sidecar
		if err := yaml.Unmarshal(b, &m); err != nil {
			return retrieval.Metadata{}, fmt.Errorf("metadata sidecar %s: %w", base+ext, err)
		}
		return m.metadata(), nil
	}
	return retrieval.Metadata{}, nil
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

func (s sidecar) metadata() retrieval.Metadata {
	first := func(vals ...string) string {
		for _, v := range vals {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
		return ""
	}
	return retrieval.Metadata{
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
	"January 2 2006", "Jan 2 2006", "Jan. 2 2006", "2 Jan. 2006",
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
func guessMetadata(text string) retrieval.Metadata {
	var m retrieval.Metadata
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
			m.Title = rtext.Truncate(l, 300)
			continue
		}
		if mm := bylineRe.FindStringSubmatch(l); mm != nil {
			m.Author = mm[1]
			break
		}
	}
	return m
}

// parseText reads plain text. Text that is not UTF-8 is read as Windows-1252
// (the usual encoding of older newsroom files); text that looks binary is
// rejected.
func parseText(_ context.Context, b []byte) (extracted, error) {
	s, err := decodeText(b)
	return extracted{Text: s}, err
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

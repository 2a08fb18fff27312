package bleveindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/docstore"
	"github.com/citebot/citebot/retrieval/text"
)

// A persisted index is a directory:
//
//	PATH/CURRENT              name of the generation being served
//	PATH/LOCK                 held (flock) by the one process writing PATH
//	PATH/gens/<gen>/bleve     the Bleve (scorch) index of passages
//	PATH/gens/<gen>/docs.db   the document store (bbolt)
//	PATH/gens/<gen>/BUILD.json when and how the generation was built; written
//	                          last, so its presence marks a complete one
//
// Every write makes a new generation beside the served one and then
// replaces CURRENT by rename, which is atomic: a crash at any point before
// the rename leaves the old generation serving, and readers never see a
// half-built one. An incremental Update starts the new generation as a
// copy of the current one (Bleve's segment files, which scorch never
// modifies, are hard-linked rather than copied) and applies only the
// documents that changed.
const (
	// CurrentFile is the file whose replacement swaps a new generation
	// in: a follower watches it (see Reload).
	CurrentFile = "CURRENT"
	lockFile    = "LOCK"
	gensDir     = "gens"
	bleveDir    = "bleve"
	storeFile   = "docs.db"
	buildFile   = "BUILD.json"
)

// ErrNoIndex is returned by Open when PATH holds no index.
var ErrNoIndex = errors.New("no index")

// ErrIncompatible is returned by Open and Update for an index written by
// a citebot whose index format or text analysis differs from this one's.
var ErrIncompatible = errors.New("index built by an incompatible version of citebot")

// Format names the layout of a generation (Bleve mapping, document store
// records); with text.AnalysisVersion it says whether this citebot can
// read an index. Change it whenever what is written changes.
var Format = fmt.Sprintf("citebot-bleve/%d", docstore.Version)

// BuildStats summarises a Build or Update (the same summary every
// persisted backend gives).
type BuildStats = retrieval.BuildStats

// UpdateOptions scope an UpdateWith (the same scoping every persisted
// backend offers).
type UpdateOptions = retrieval.UpdateOptions

// buildInfo is BUILD.json.
type buildInfo struct {
	// Format and Analysis say what wrote the generation (see Format).
	Format   string    `json:"format"`
	Analysis string    `json:"analysis"`
	Built    time.Time `json:"built"`
	// Terms counts the distinct terms of each searched field, for BM25
	// (see corpusStats); IndexPassages the passages Bleve holds.
	Terms         map[string]int `json:"terms"`
	IndexPassages int            `json:"index_passages"`
	Duration      time.Duration  `json:"duration_ns"`
	Documents     int            `json:"documents"`
	Passages      int            `json:"passages"`
	Added         int            `json:"added"`
	Changed       int            `json:"changed"`
	Removed       int            `json:"removed"`
	Unchanged     int            `json:"unchanged"`
	Generation    string         `json:"generation"`
}

// Build indexes docs into a new, empty generation under dir and swaps it
// in, whatever dir held before. Update does the same work incrementally.
func Build(ctx context.Context, dir string, docs []retrieval.Document, progress retrieval.Progress) (BuildStats, error) {
	return writeLocked(dir, docs, func(start time.Time) (BuildStats, error) {
		return build(ctx, dir, docs, progress, start)
	})
}

// writeLocked checks that docs' ids are unique and runs write holding
// dir's lock; write is given the time the work began.
func writeLocked(dir string, docs []retrieval.Document, write func(start time.Time) (BuildStats, error)) (BuildStats, error) {
	start := time.Now()
	if err := retrieval.CheckUniqueIDs(docs); err != nil {
		return BuildStats{}, err
	}
	unlock, err := lockIndex(dir)
	if err != nil {
		return BuildStats{}, err
	}
	defer unlock()
	return write(start)
}

// build writes docs into a new generation; the caller holds the lock.
func build(ctx context.Context, dir string, docs []retrieval.Document, progress retrieval.Progress, start time.Time) (BuildStats, error) {
	st := BuildStats{Added: len(docs), Documents: len(docs)}
	err := writeGen(ctx, dir, start, &st, func(genPath string) (*Index, error) {
		ix, err := create(genPath)
		if err != nil {
			return nil, err
		}
		st.Passages, err = ix.add(ctx, docs, progress)
		return ix, err
	})
	return st, err
}

// Update brings the index at dir in line with docs, touching only what
// changed: documents are compared with the served generation by id and
// content hash (text and metadata), and only added, changed and removed
// ones are indexed or deleted, in a new generation swapped in atomically.
// When nothing changed it writes nothing and returns quickly. With no
// index at dir yet it builds one.
func Update(ctx context.Context, dir string, docs []retrieval.Document, progress retrieval.Progress) (BuildStats, error) {
	return UpdateWith(ctx, dir, docs, progress, UpdateOptions{})
}

// UpdateWith is Update scoped by opts: re-indexing some collections
// leaves the others' documents alone. A document of docs whose id a kept
// collection's document already has takes the qualified id of its own
// collection (retrieval.QualifiedID), so neither replaces the other.
func UpdateWith(ctx context.Context, dir string, docs []retrieval.Document, progress retrieval.Progress, opts UpdateOptions) (BuildStats, error) {
	return writeLocked(dir, docs, func(start time.Time) (BuildStats, error) {
		return update(ctx, dir, docs, progress, opts, start)
	})
}

// update is UpdateWith's work; the caller holds the lock.
func update(ctx context.Context, dir string, docs []retrieval.Document, progress retrieval.Progress, opts UpdateOptions, start time.Time) (BuildStats, error) {
	cur, err := currentGen(dir)
	if errors.Is(err, ErrNoIndex) {
		return build(ctx, dir, docs, progress, start)
	}
	if err != nil {
		return BuildStats{}, err
	}
	curPath := filepath.Join(dir, gensDir, cur)
	if err := checkFormat(dir, curPath); err != nil {
		if opts.Rebuild && errors.Is(err, ErrIncompatible) {
			// An index this citebot cannot read serves nothing: a rebuild
			// starts afresh with the documents given.
			return build(ctx, dir, docs, progress, start)
		}
		return BuildStats{}, err
	}
	held, passages, err := storedHashes(filepath.Join(curPath, storeFile))
	if err != nil {
		return BuildStats{}, err
	}
	plan, err := retrieval.PlanUpdate(held, docs, opts)
	if err != nil {
		return BuildStats{}, err
	}
	if plan.Fresh {
		return build(ctx, dir, docs, progress, start) // nothing to keep: a fresh build
	}
	put, del, st := plan.Put, plan.Delete, plan.Stats
	st.Gen = cur
	if len(put) == 0 && len(del) == 0 {
		st.Passages = passages
		st.Duration = time.Since(start)
		return st, nil
	}
	err = writeGen(ctx, dir, start, &st, func(genPath string) (*Index, error) {
		if err := cloneGen(curPath, genPath); err != nil {
			return nil, err
		}
		ix, err := openWritable(genPath)
		if err != nil {
			return nil, err
		}
		if err := ix.remove(del); err != nil {
			return ix, err
		}
		if _, err := ix.add(ctx, put, progress); err != nil {
			return ix, err
		}
		s, err := ix.Stats(ctx)
		st.Passages = s.Passages
		return ix, err
	})
	return st, err
}

// writeGen makes a new generation with fill, records its build info and
// swaps it in; on any failure it removes the generation and leaves the
// served one alone.
func writeGen(ctx context.Context, dir string, start time.Time, st *BuildStats, fill func(genPath string) (*Index, error)) error {
	if err := os.MkdirAll(filepath.Join(dir, gensDir), 0o755); err != nil {
		return fmt.Errorf("create index directory: %w", err)
	}
	gen := newGenName(dir)
	genPath := filepath.Join(dir, gensDir, gen)
	ix, err := fill(genPath)
	var stats *search.BM25Stats
	if err == nil {
		stats, err = corpusStats(ix.bi)
	}
	if ix != nil {
		if cerr := ix.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close new index: %w", cerr)
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		st.Gen, st.Wrote, st.Duration = gen, true, time.Since(start)
		err = writeBuildInfo(genPath, st, stats)
	}
	if err == nil {
		err = syncTree(genPath)
	}
	if err == nil {
		err = swapCurrent(dir, gen)
	}
	if err != nil {
		os.RemoveAll(genPath)
		st.Gen, st.Wrote = "", false
		return err
	}
	pruneGens(dir, gen)
	return nil
}

// newGenName names a generation by the time in base 36 (genNumber reads
// it back to order generations by age); always after every existing
// generation, even if the clock went back.
func newGenName(dir string) string {
	t := time.Now().UnixNano()
	if entries, err := os.ReadDir(filepath.Join(dir, gensDir)); err == nil {
		for _, e := range entries {
			if n := genNumber(e.Name()); n >= t {
				t = n + 1
			}
		}
	}
	return strconv.FormatInt(t, 36)
}

func writeBuildInfo(genPath string, st *BuildStats, stats *search.BM25Stats) error {
	b, err := json.MarshalIndent(buildInfo{
		Format: Format, Analysis: text.AnalysisVersion,
		Terms: stats.FieldCardinality, IndexPassages: int(stats.DocCount),
		Built: time.Now().UTC(), Duration: st.Duration, Documents: st.Documents, Passages: st.Passages,
		Added: st.Added, Changed: st.Changed, Removed: st.Removed, Unchanged: st.Unchanged, Generation: st.Gen,
	}, "", "  ")
	if err != nil {
		return err
	}
	return writeFileSync(filepath.Join(genPath, buildFile), b)
}

func readBuildInfo(genPath string) (buildInfo, bool) {
	b, err := os.ReadFile(filepath.Join(genPath, buildFile))
	if err != nil {
		return buildInfo{}, false
	}
	var bi buildInfo
	if json.Unmarshal(b, &bi) != nil {
		return buildInfo{}, false
	}
	return bi, true
}

// storedHashes reads each document's content hash and collection, and
// the passage total, from a generation's document store without touching
// Bleve.
func storedHashes(path string) (map[string]retrieval.HeldDocument, int, error) {
	st, err := docstore.OpenBolt(path, true)
	if err != nil {
		return nil, 0, err
	}
	defer st.Close()
	hashes := map[string]retrieval.HeldDocument{}
	passages := 0
	err = st.Each(func(id, hash string, src retrieval.Source) error {
		hashes[id] = retrieval.HeldDocument{Hash: hash, Collection: src.Collection}
		passages += src.Passages
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("read document store %s: %w", path, err)
	}
	return hashes, passages, nil
}

// cloneGen copies a generation's files into a new one: scorch segment
// files (.zap), which are written once and never changed, as hard links
// where the file system allows; everything else as copies. BUILD.json is
// left out: the new generation gets its own.
func cloneGen(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("copy index: %w", err)
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if rel == buildFile || !d.Type().IsRegular() {
			return nil
		}
		if strings.HasSuffix(p, ".zap") && os.Link(p, target) == nil {
			return nil
		}
		return copyFile(p, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy index: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("copy index: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy index %s: %w", src, err)
	}
	return out.Close()
}

func writeFileSync(path string, b []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncTree flushes every file and folder of a new generation to disk
// before it is swapped in, so a power cut cannot leave CURRENT naming
// files that were never written.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return syncPath(p)
	})
}

// create makes an empty writable index generation at path.
func create(path string) (*Index, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	bi, err := newBleve(filepath.Join(path, bleveDir))
	if err != nil {
		return nil, err
	}
	return withStore(bi, path, false)
}

// withStore is the index of a generation at path whose Bleve index bi
// is open: it opens the generation's document store beside it (closing
// bi when the store cannot be opened).
func withStore(bi bleve.Index, path string, readOnly bool) (*Index, error) {
	st, err := docstore.OpenBolt(filepath.Join(path, storeFile), readOnly)
	if err != nil {
		bi.Close()
		return nil, err
	}
	return &Index{bi: bi, store: st}, nil
}

// newBleve creates an empty persisted Bleve index of passages at path.
// Each Batch returns once its segment is persisted: scorch's unsafe_batch
// (return before that) bought nothing measurable here and its Close drops
// segments not yet written (see BENCHMARKS.md).
func newBleve(path string) (bleve.Index, error) {
	bi, err := bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create bleve index in %s: %w", path, err)
	}
	return bi, nil
}

// openWritable opens an existing generation for changes.
func openWritable(path string) (*Index, error) {
	bi, err := bleve.Open(filepath.Join(path, bleveDir))
	if err != nil {
		return nil, fmt.Errorf("open index copy %s: %w", path, err)
	}
	return withStore(bi, path, false)
}

// Open opens the generation dir's CURRENT names, read-only.
func Open(dir string) (*Index, error) {
	gen, err := currentGen(dir)
	if err != nil {
		return nil, err
	}
	genPath := filepath.Join(dir, gensDir, gen)
	if err := checkFormat(dir, genPath); err != nil {
		return nil, err
	}
	bi, err := bleve.OpenUsing(filepath.Join(genPath, bleveDir), map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	ix, err := withStore(bi, genPath, true)
	if err != nil {
		return nil, err
	}
	ix.dir, ix.gen = dir, gen
	if info, ok := readBuildInfo(genPath); ok {
		ix.built, ix.buildTime = info.Built, info.Duration
		ix.bm25 = &search.BM25Stats{DocCount: float64(info.IndexPassages), FieldCardinality: info.Terms}
	}
	return ix, nil
}

// CurrentGeneration reads which generation dir serves now.
func CurrentGeneration(dir string) (string, error) { return currentGen(dir) }

func currentGen(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, CurrentFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w at %s (build one with: citebot index --corpus DIR --index %s)", ErrNoIndex, dir, dir)
	}
	if err != nil {
		return "", fmt.Errorf("read index %s: %w", dir, err)
	}
	gen := strings.TrimSpace(string(b))
	if gen == "" || strings.ContainsAny(gen, `/\`) || gen == "." || gen == ".." {
		return "", fmt.Errorf("index %s: corrupt %s file", dir, CurrentFile)
	}
	return gen, nil
}

// swapCurrent points dir's CURRENT at gen, atomically and durably.
func swapCurrent(dir, gen string) error {
	tmp, err := os.CreateTemp(dir, CurrentFile+".tmp-*")
	if err != nil {
		return fmt.Errorf("swap in new index: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(gen + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("swap in new index: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("swap in new index: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("swap in new index: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, CurrentFile)); err != nil {
		return fmt.Errorf("swap in new index: %w", err)
	}
	return syncPath(dir)
}

// syncPath flushes a file, or a directory's entries (so a rename
// survives a crash), to disk. Where the file system cannot sync that
// kind of file (os.ErrInvalid) there is nothing to flush.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}

// pruneGens removes every generation but current and its complete
// predecessor (which a running server may still have open until it
// reloads). Generations without BUILD.json are builds that crashed: the
// caller holds the index lock, so no build is in progress.
func pruneGens(dir, current string) {
	entries, err := os.ReadDir(filepath.Join(dir, gensDir))
	if err != nil {
		return
	}
	cur := genNumber(current)
	var names []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != current {
			names = append(names, e.Name())
		}
	}
	// Newest first; names that are not generation numbers sort last.
	sort.Slice(names, func(a, b int) bool { return genNumber(names[a]) > genNumber(names[b]) })
	keptPredecessor := false
	for _, n := range names {
		path := filepath.Join(dir, gensDir, n)
		if !keptPredecessor && genNumber(n) < cur {
			if _, ok := readBuildInfo(path); ok {
				keptPredecessor = true
				continue
			}
		}
		os.RemoveAll(path)
	}
}

// genNumber reads a generation name (base-36 nanoseconds); -1 for names
// that are not one.
func genNumber(name string) int64 {
	n, err := strconv.ParseInt(name, 36, 64)
	if err != nil {
		return -1
	}
	return n
}

// checkFormat refuses a generation written by a citebot whose index
// format or analysis differs, before anything of it is read.
func checkFormat(dir, genPath string) error {
	info, ok := readBuildInfo(genPath)
	if !ok {
		return fmt.Errorf("index %s: %w (its build record is missing or unreadable); rebuild it with: citebot index --rebuild --corpus DIR --index %s", dir, ErrIncompatible, dir)
	}
	if info.Format != Format || info.Analysis != text.AnalysisVersion {
		was := info.Format
		if was == "" {
			was = "an older format"
		}
		return fmt.Errorf("index %s: %w (it is %s with analysis %q; this citebot reads %s with %q); rebuild it with: citebot index --rebuild --corpus DIR --index %s",
			dir, ErrIncompatible, was, info.Analysis, Format, text.AnalysisVersion, dir)
	}
	return nil
}

// Reload makes live serve the generation dir's CURRENT names, if that is
// not the one it serves already, and reports whether it switched.
func Reload(live *retrieval.Live, dir string) (bool, error) {
	return live.Replace(func(cur retrieval.Backend) (retrieval.Backend, error) {
		gen, err := CurrentGeneration(dir)
		if err != nil {
			return nil, err
		}
		if gen == cur.Generation() {
			return nil, nil
		}
		ix, err := Open(dir)
		if err != nil {
			return nil, fmt.Errorf("reload %s: %w", dir, err)
		}
		return ix, nil
	})
}

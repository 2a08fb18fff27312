package retrieval

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// A persisted index is a directory:
//
//	PATH/CURRENT          name of the generation being served
//	PATH/gens/<gen>/bleve  the Bleve (scorch) index of passages
//	PATH/gens/<gen>/docs.db the document store (bbolt)
//
// A build writes a new generation beside the served one and then replaces
// CURRENT by rename, which is atomic: a crash at any point before the rename
// leaves the old generation serving, and readers never see a half-built one.
const (
	currentFile = "CURRENT"
	gensDir     = "gens"
	bleveDir    = "bleve"
	storeFile   = "docs.db"
	// keepGens is how many generations survive a build: the new one and
	// its predecessor, which a running server may still have open.
	keepGens = 2
)

// ErrNoIndex is returned by Open when PATH holds no index.
var ErrNoIndex = errors.New("no index")

// BuildStats summarises a build.
type BuildStats struct {
	Documents int
	Passages  int
	Duration  time.Duration
	Gen       string
}

// Build indexes docs into a new generation under dir and swaps it in.
func Build(ctx context.Context, dir string, docs []Document, progress Progress) (BuildStats, error) {
	start := time.Now()
	if err := os.MkdirAll(filepath.Join(dir, gensDir), 0o755); err != nil {
		return BuildStats{}, fmt.Errorf("create index directory: %w", err)
	}
	gen := strconv.FormatInt(time.Now().UnixNano(), 36)
	genPath := filepath.Join(dir, gensDir, gen)
	ix, err := create(genPath)
	if err != nil {
		os.RemoveAll(genPath)
		return BuildStats{}, err
	}
	n, err := ix.add(ctx, docs, progress)
	if cerr := ix.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close new index: %w", cerr)
	}
	if err != nil {
		os.RemoveAll(genPath)
		return BuildStats{}, err
	}
	if err := syncDir(genPath); err != nil {
		os.RemoveAll(genPath)
		return BuildStats{}, err
	}
	if err := swapCurrent(dir, gen); err != nil {
		os.RemoveAll(genPath)
		return BuildStats{}, err
	}
	pruneGens(dir, gen)
	return BuildStats{Documents: len(docs), Passages: n, Duration: time.Since(start), Gen: gen}, nil
}

// create makes an empty writable index generation at path.
func create(path string) (*Index, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	bi, err := bleve.NewUsing(filepath.Join(path, bleveDir), newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create bleve index in %s: %w", path, err)
	}
	st, err := openBoltStore(filepath.Join(path, storeFile), false)
	if err != nil {
		bi.Close()
		return nil, err
	}
	return &Index{bi: bi, store: st}, nil
}

// Open opens the generation dir's CURRENT names, read-only.
func Open(dir string) (*Index, error) {
	gen, err := currentGen(dir)
	if err != nil {
		return nil, err
	}
	genPath := filepath.Join(dir, gensDir, gen)
	bi, err := bleve.OpenUsing(filepath.Join(genPath, bleveDir), map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	st, err := openBoltStore(filepath.Join(genPath, storeFile), true)
	if err != nil {
		bi.Close()
		return nil, err
	}
	return &Index{bi: bi, store: st, dir: dir, gen: gen}, nil
}

// Generation names the generation an opened persisted index serves ("" in
// memory), so a watcher can tell when a new one has been swapped in.
func (ix *Index) Generation() string { return ix.gen }

// CurrentGeneration reads which generation dir serves now.
func CurrentGeneration(dir string) (string, error) { return currentGen(dir) }

func currentGen(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w at %s (build one with: citebot index --corpus DIR --index %s)", ErrNoIndex, dir, dir)
	}
	if err != nil {
		return "", fmt.Errorf("read index %s: %w", dir, err)
	}
	gen := strings.TrimSpace(string(b))
	if gen == "" || strings.ContainsAny(gen, `/\`) || gen == "." || gen == ".." {
		return "", fmt.Errorf("index %s: corrupt %s file", dir, currentFile)
	}
	return gen, nil
}

// swapCurrent points dir's CURRENT at gen, atomically and durably.
func swapCurrent(dir, gen string) error {
	tmp, err := os.CreateTemp(dir, currentFile+".tmp-*")
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
	if err := os.Rename(tmp.Name(), filepath.Join(dir, currentFile)); err != nil {
		return fmt.Errorf("swap in new index: %w", err)
	}
	return syncDir(dir)
}

// syncDir flushes a directory's entries so a rename survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// pruneGens removes generations other than the newest keepGens, and any
// left behind by crashed builds that are older than those.
func pruneGens(dir, current string) {
	entries, err := os.ReadDir(filepath.Join(dir, gensDir))
	if err != nil {
		return
	}
	// Generation names are base-36 nanosecond times of equal length for
	// centuries, so name order is age order.
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	kept := 0
	for i := len(names) - 1; i >= 0; i-- {
		n := names[i]
		if n == current || (kept < keepGens && n < current) {
			kept++
			continue
		}
		if n > current {
			continue // a concurrent build's generation in progress
		}
		os.RemoveAll(filepath.Join(dir, gensDir, n))
	}
}

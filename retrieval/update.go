package retrieval

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// BuildStats summarises writing a persisted index (a Build or an
// incremental Update), whichever backend wrote it.
type BuildStats struct {
	// Documents and Passages count what the index holds afterwards.
	Documents int
	Passages  int
	Duration  time.Duration
	// Gen names the generation now served.
	Gen string
	// Added, Changed, Removed and Unchanged count documents by what the
	// run did with them (a full Build counts every document as added).
	Added, Changed, Removed, Unchanged int
	// Wrote reports whether a new generation was written; an Update
	// that finds nothing changed writes none.
	Wrote bool
	// Kept counts the documents of collections an update scoped to
	// other collections left alone (see UpdateOptions.Collections);
	// KeptCollections names them.
	Kept            int
	KeptCollections []string
}

// UpdateOptions scope an incremental update.
type UpdateOptions struct {
	// Collections are the collections the given documents stand for:
	// documents the index holds in other collections are kept as they
	// are, never removed or replaced. Empty means the documents are the
	// whole index.
	Collections []string
	// Rebuild re-indexes every document of those collections, changed
	// or not. With nothing to keep, a backend builds a new index from
	// the documents alone.
	Rebuild bool
}

// HeldDocument is what an update needs to know of a document the index
// already holds.
type HeldDocument struct {
	Hash, Collection string
}

// UpdatePlan is what an incremental update has to write.
type UpdatePlan struct {
	// Put are the documents to index (added or changed); Delete the ids
	// to remove first (changed or gone), sorted.
	Put    []Document
	Delete []string
	// Stats counts the plan; Passages, Duration, Gen and Wrote are the
	// backend's to fill.
	Stats BuildStats
	// Fresh reports that nothing is kept, so a rebuild is a plain build.
	Fresh bool
}

// PlanUpdate compares docs with the documents an index holds (by id and
// content hash) and decides what to index and remove, scoped by opts.
// Every backend's Update calls it, so they agree on what an update does.
// A document whose id a kept collection's document already has takes
// its own collection's QualifiedID, so neither replaces the other; docs
// is updated in place when that happens.
func PlanUpdate(held map[string]HeldDocument, docs []Document, opts UpdateOptions) (UpdatePlan, error) {
	p := UpdatePlan{Stats: BuildStats{Documents: len(docs)}}
	st := &p.Stats
	inScope := func(collection string) bool {
		return len(opts.Collections) == 0 || slices.Contains(opts.Collections, collection)
	}
	kept := map[string]bool{}
	for id, h := range held {
		if inScope(h.Collection) {
			continue
		}
		kept[id] = true
		st.Kept++
		if !slices.Contains(st.KeptCollections, h.Collection) {
			st.KeptCollections = append(st.KeptCollections, h.Collection)
		}
	}
	sort.Strings(st.KeptCollections)
	if opts.Rebuild && len(kept) == 0 {
		p.Fresh = true
		st.Added = len(docs)
		p.Put = docs
		return p, nil
	}
	inCorpus := make(map[string]bool, len(docs))
	for i := range docs {
		d := &docs[i]
		if kept[d.ID] {
			d.ID = QualifiedID(d.Collection, d.ID)
		}
		if inCorpus[d.ID] {
			return UpdatePlan{}, fmt.Errorf("two documents have the id %q (one is %s)", d.ID, d.Source)
		}
		inCorpus[d.ID] = true
		h, ok := held[d.ID]
		switch {
		case !ok:
			st.Added++
			p.Put = append(p.Put, *d)
		case opts.Rebuild || h.Hash != d.Hash():
			st.Changed++
			p.Put = append(p.Put, *d)
			p.Delete = append(p.Delete, d.ID)
		default:
			st.Unchanged++
		}
	}
	for id := range held {
		if !inCorpus[id] && !kept[id] {
			st.Removed++
			p.Delete = append(p.Delete, id)
		}
	}
	sort.Strings(p.Delete)
	st.Documents += st.Kept
	return p, nil
}

// CheckUniqueIDs reports the first two documents of docs that share an
// id.
func CheckUniqueIDs(docs []Document) error {
	seen := make(map[string]string, len(docs))
	for _, d := range docs {
		if other, dup := seen[d.ID]; dup {
			return fmt.Errorf("two documents have the id %q (%s and %s)", d.ID, other, d.Source)
		}
		seen[d.ID] = d.Source
	}
	return nil
}

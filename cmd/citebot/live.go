package main

import (
	"context"
	"log/slog"

	"github.com/citebot/citebot/retrieval"
)

// openLive opens what a server answers from as a retrieval.Live, which
// satisfies bot.Index and httpapi.IndexStats. With watch it keeps itself
// current until ctx ends: a persisted index (--index) follows the
// generations `citebot index --watch` (or any `citebot index`) swaps in;
// corpus folders (--corpus) are re-read and re-indexed in memory a moment
// after their files change. Either way questions keep being answered from
// the old index until the new one is in place. The caller closes the Live.
func (cf *corpusFlags) openLive(ctx context.Context, watch bool, log *slog.Logger) (*retrieval.Live, error) {
	if cf.index != "" && len(cf.corpus) == 0 {
		live, err := retrieval.OpenLive(cf.index)
		if err != nil {
			return nil, err
		}
		if watch {
			go func() {
				if err := live.Follow(ctx, retrieval.DefaultDebounce); err != nil {
					log.Error("follow index", "index", cf.index, "error", err)
				}
			}()
		}
		return live, nil
	}
	ix, err := cf.open(ctx, log)
	if err != nil {
		return nil, err
	}
	live := retrieval.NewLive(ix)
	if !watch || len(cf.corpus) == 0 {
		return live, nil
	}
	corpora, err := parseCorpora(cf.corpus)
	if err != nil {
		live.Close()
		return nil, usageError{err}
	}
	dirs := make([]string, len(corpora))
	for i, c := range corpora {
		dirs[i] = c.Dir
	}
	go func() {
		err := retrieval.Watch(ctx, dirs, retrieval.DefaultDebounce, func(ctx context.Context) {
			docs, err := loadCorpora(ctx, corpora, log, nil)
			if err != nil {
				log.Error("reload corpus", "error", err)
				return
			}
			ix, err := retrieval.NewMemoryIndex(ctx, docs)
			if err != nil {
				log.Error("reload corpus", "error", err)
				return
			}
			live.Swap(ix)
			log.Info("corpus reloaded", "documents", len(docs))
		})
		if err != nil {
			log.Error("watch corpus", "error", err)
		}
	}()
	return live, nil
}

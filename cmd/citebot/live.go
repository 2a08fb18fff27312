package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/bleveindex"
	"github.com/citebot/citebot/retrieval/ingest"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
)

// openEngine opens what citebot answers from: a persisted index (--index
// PATH), an OpenSearch index (--index http[s]://HOST:PORT/NAME),
// folders of documents indexed in memory (--corpus) or, with neither, the
// embedded seed articles. The engine satisfies bot.Index, bot.QuoteChecker
// and httpapi.IndexStats. With watch it keeps itself current until ctx
// ends: a persisted index follows the generations `citebot index` swaps
// in (an OpenSearch alias is polled); corpus folders are re-read and re-indexed in memory a moment after
// their files change. Either way questions keep being answered from the
// old generation until the new one is in place. The caller closes the
// engine.
func (cf *corpusFlags) openEngine(ctx context.Context, watch bool, log *slog.Logger) (*answer.Engine, error) {
	if cf.index != "" && len(cf.corpus) > 0 {
		return nil, usageError{errors.New("use --index or --corpus, not both")}
	}
	if osclient.IsURL(cf.index) {
		return cf.openOpenSearch(ctx, watch, log)
	}
	if cf.index != "" {
		ix, err := bleveindex.Open(cf.index)
		if err != nil {
			return nil, err
		}
		live := retrieval.NewLive(ix)
		if watch {
			go func() {
				if err := followIndex(ctx, live, cf.index, log); err != nil {
					log.Error("follow index", "index", cf.index, "error", err)
				}
			}()
		}
		return answer.New(live), nil
	}
	docs, err := loadCorpus(ctx, cf.corpus, log)
	if err != nil {
		return nil, err
	}
	ix, err := bleveindex.NewMemory(ctx, docs)
	if err != nil {
		return nil, err
	}
	live := retrieval.NewLive(ix)
	if !watch || len(cf.corpus) == 0 {
		return answer.New(live), nil
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
		err := ingest.Watch(ctx, dirs, ingest.DefaultDebounce, func(ctx context.Context) {
			docs, err := loadCorpora(ctx, corpora, log, nil)
			if err != nil {
				log.Error("reload corpus", "error", err)
				return
			}
			ix, err := bleveindex.NewMemory(ctx, docs)
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
	return answer.New(live), nil
}

// followIndex serves each generation another process (`citebot index`,
// `citebot index --watch`) swaps into the persisted index at dir, until ctx
// ends.
func followIndex(ctx context.Context, live *retrieval.Live, dir string, log *slog.Logger) error {
	reload := func(context.Context) {
		if switched, err := bleveindex.Reload(live, dir); err != nil {
			log.Warn("reload index", "dir", dir, "error", err)
		} else if switched {
			log.Info("serving new index generation", "dir", dir, "generation", live.Generation())
		}
	}
	// A swap may have happened between opening the index and now.
	reload(ctx)
	return ingest.WatchFile(ctx, dir, bleveindex.CurrentFile, ingest.DefaultDebounce, reload)
}

package main

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/answer"
	"github.com/citebot/citebot/retrieval/opensearchindex"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
)

// aliasPollInterval is how often serve asks the cluster which generation
// an OpenSearch index alias points at (one small request).
var aliasPollInterval = 2 * time.Second

// openSearchSettings returns the opensearch section of the configuration:
// the one serve loaded, or (for commands that read no other setting) the
// file and CITEBOT_* environment.
func (cf *corpusFlags) openSearchSettings() (config.OpenSearchConfig, error) {
	if cf.openSearch != nil {
		return *cf.openSearch, nil
	}
	file := ""
	if cf.cmd != nil {
		file, _ = cf.cmd.Flags().GetString("config")
	}
	cfg, err := config.Load(config.Options{File: file})
	if err != nil {
		return config.OpenSearchConfig{}, err
	}
	return cfg.OpenSearch, nil
}

// newOpenSearchClient connects to the cluster of loc: its host first,
// then opensearch.addresses; credentials from the configuration, else
// from the URL.
func newOpenSearchClient(loc osclient.Location, oc config.OpenSearchConfig) (*osclient.Client, error) {
	addrs := []string{loc.Base}
	for _, a := range oc.Addresses {
		if !slices.Contains(addrs, a) {
			addrs = append(addrs, a)
		}
	}
	user, pass := oc.Username, oc.Password
	if user == "" {
		user, pass = loc.Username, loc.Password
	}
	return osclient.New(osclient.Options{Addresses: addrs, Username: user, Password: pass, CAFile: oc.CAFile})
}

// openSearchTarget parses an index URL and connects to its cluster. The
// client is closed when ctx ends.
func (cf *corpusFlags) openSearchTarget(ctx context.Context, raw string) (opensearchindex.Target, error) {
	loc, err := osclient.ParseLocation(raw, "--index")
	if err != nil {
		return opensearchindex.Target{}, usageError{err}
	}
	oc, err := cf.openSearchSettings()
	if err != nil {
		return opensearchindex.Target{}, err
	}
	c, err := newOpenSearchClient(loc, oc)
	if err != nil {
		return opensearchindex.Target{}, err
	}
	context.AfterFunc(ctx, func() { c.Close() })
	return opensearchindex.Target{Client: c, Name: loc.Name, Where: loc.String(), Shards: oc.Shards, Replicas: oc.Replicas}, nil
}

// openOpenSearch opens the engine on an OpenSearch index; with watch it
// follows the alias until ctx ends.
func (cf *corpusFlags) openOpenSearch(ctx context.Context, watch bool, log *slog.Logger) (*answer.Engine, error) {
	t, err := cf.openSearchTarget(ctx, cf.index)
	if err != nil {
		return nil, err
	}
	ix, err := opensearchindex.Open(ctx, t.Client, t.Name, t.Where)
	if err != nil {
		return nil, err
	}
	live := retrieval.NewLive(ix)
	if watch {
		go followAlias(ctx, live, t, log)
	}
	return answer.New(live), nil
}

// followAlias serves each generation `citebot index --index URL` moves
// the alias to, until ctx ends. Answers already running finish on the
// generation they started with (which the build keeps until the next
// one).
func followAlias(ctx context.Context, live *retrieval.Live, t opensearchindex.Target, log *slog.Logger) {
	tick := time.NewTicker(aliasPollInterval)
	defer tick.Stop()
	failing := false
	for {
		switched, err := opensearchindex.Reload(ctx, live, t.Client, t.Name, t.Where)
		switch {
		case err != nil && ctx.Err() == nil:
			if !failing {
				log.Warn("follow index", "index", t.Where, "error", err)
			}
			failing = true
		case switched:
			log.Info("serving new index generation", "index", t.Where, "generation", live.Generation())
			failing = false
		case err == nil:
			failing = false
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// summaryWhere names an index for the summary line: a folder as given,
// a URL without its credentials.
func summaryWhere(index string) string {
	if osclient.IsURL(index) {
		return osclient.Redact(index)
	}
	return index
}

package config_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/config/configtest"
)

// TestCorpusNamedCollections: a corpus entry may be NAME=DIR (as serve
// --corpus and CITEBOT_CORPUS take it): the folder is checked, not the
// whole entry; a missing folder is named, with every format citebot
// reads.
func TestCorpusNamedCollections(t *testing.T) {
	dir := configtest.Isolate(t)
	news := filepath.Join(dir, "news")
	writeFile(t, filepath.Join(news, "a.txt"), "text")
	t.Setenv("CITEBOT_CORPUS", "desk="+news)
	cfg := mustLoad(t, config.Options{})
	if err := cfg.Validate(); err != nil {
		t.Errorf("CITEBOT_CORPUS=desk=%s: %v", news, err)
	}
	for _, entry := range []string{news, "desk=" + news} {
		cfg := config.Default()
		cfg.Corpus = []string{entry}
		if err := cfg.Validate(); err != nil {
			t.Errorf("corpus %q: %v", entry, err)
		}
	}
	cfg = ptr(config.Default())
	cfg.Corpus = []string{"desk=" + filepath.Join(dir, "missing")}
	err := cfg.Validate()
	if err == nil || !strings.Contains(err.Error(), `"`+filepath.Join(dir, "missing")+`" does not exist`) {
		t.Fatalf("a missing folder: %v; want it named", err)
	}
	for _, ext := range []string{".txt", ".md", ".html", ".pdf", ".docx", ".jsonl"} {
		if !strings.Contains(err.Error(), ext) {
			t.Errorf("the message %q does not list %s among the formats citebot reads", err, ext)
		}
	}
	cfg.Corpus = []string{"=" + news}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "NAME=DIR") {
		t.Errorf("corpus %q: %v; want a problem saying DIR or NAME=DIR", "="+news, err)
	}
}

func ptr[T any](v T) *T { return &v }

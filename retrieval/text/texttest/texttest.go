// Package texttest holds the texts that tests of reading text share: the
// seed articles whole and line by line, random joins of pattern pieces
// for scanners checked against the regular expressions they replace, and
// the shared SQuAD-format datasets when they sit beside the checkout.
// It imports nothing of citebot's but the seeds, so text's own tests can
// use it.
package texttest

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/seeds"
)

// SeedTexts is two seed articles, each whole and then line by line.
func SeedTexts(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, name := range []string{"000_49e5d4ef9c47bd09.txt", "002_af087fb2e48502ed.txt"} {
		b, err := seeds.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
		out = append(out, strings.Split(string(b), "\n")...)
	}
	return out
}

// RandomJoins is n texts, each of 1 to most pieces, each piece followed
// by a separator, both drawn from rng: pattern-dense text whose failures
// repeat when rng's seed is fixed.
func RandomJoins(rng *rand.Rand, n, most int, pieces, seps []string) []string {
	out := make([]string, 0, n)
	for range n {
		var b strings.Builder
		for k := 1 + rng.IntN(most); k > 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		out = append(out, b.String())
	}
	return out
}

// SQuAD is a dataset in SQuAD's JSON layout (SQuAD itself, COVID-QA).
type SQuAD struct {
	Data []struct {
		Title      string `json:"title"`
		Paragraphs []struct {
			Context string `json:"context"`
			QAs     []struct {
				Question string `json:"question"`
			} `json:"qas"`
		} `json:"paragraphs"`
	} `json:"data"`
}

// SharedSQuAD reads a gzipped SQuAD-format dataset from the shared data
// folder beside the checkout (name as "squad/dev-v1.1.json.gz"). Its
// error says the file is not there, for the caller to skip on; a file
// that is there but unreadable fails the test.
func SharedSQuAD(t testing.TB, name string) (*SQuAD, error) {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(root, "..", "shared", "data", name))
	if err != nil {
		return nil, fmt.Errorf("open shared dataset: %w", err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	var d SQuAD
	if err := json.NewDecoder(gz).Decode(&d); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return &d, nil
}

// moduleRoot is the nearest folder at or above the working directory (a
// test's package folder) that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

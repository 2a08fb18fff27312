package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The project's layout rules as tests (see ARCHITECTURE.md):
//
//   - data flows one way: cmd → adapters → bot → retrieval;
//   - inside retrieval, each room imports only the rooms retrievalRooms
//     lists (answering never imports a backend, a backend never imports
//     answering or ingest, the domain imports nothing);
//   - each third-party SDK lives in exactly one package, and Bleve itself
//     only in the Bleve backend (and citebench's raw-Bleve peer); the MCP
//     SDK only in adapters/mcp;
//   - every package has a doc comment;
//   - no top-level code folders beyond cmd, bot, retrieval, adapters,
//     config and seeds.

const module = "github.com/citebot/citebot"

type pkgInfo struct {
	ImportPath string
	Doc        string
	Imports    []string
}

// listPackages runs go list over the module (without tests, so test-only
// imports such as real indexes in adapter tests are allowed).
func listPackages(t *testing.T) []pkgInfo {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = filepath.Join("..", "..")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v\n%s", err, errb.String())
	}
	var pkgs []pkgInfo
	dec := json.NewDecoder(&out)
	for {
		var p pkgInfo
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 8 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

func rel(path string) string { return strings.TrimPrefix(strings.TrimPrefix(path, module), "/") }

func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// retrievalRooms lists, for each package under retrieval/, the packages
// of citebot's it may import. A new room must be added here, which is the
// moment to decide where it stands.
var retrievalRooms = map[string][]string{
	"retrieval":                   {},
	"retrieval/text":              {"retrieval"},
	"retrieval/ingest":            {"retrieval", "retrieval/text"},
	"retrieval/ingest/ingesttest": {},
	"retrieval/docstore":          {"retrieval"},
	"retrieval/bleveindex":        {"retrieval", "retrieval/text", "retrieval/docstore"},
	"retrieval/quote":             {"retrieval", "retrieval/text"},
	"retrieval/question":          {"retrieval", "retrieval/text"},
	"retrieval/answer":            {"retrieval", "retrieval/text", "retrieval/question", "retrieval/quote", "retrieval/answer/agree"},
	// Agreement between the sources of an answer: read from the answer
	// and the analysed question, never from a backend or the ranker.
	"retrieval/answer/agree": {"retrieval", "retrieval/text", "retrieval/question"},
	"retrieval/qaeval":       {"retrieval", "retrieval/text", "retrieval/quote", "retrieval/answer", "retrieval/bleveindex"},
	// The OpenSearch backend; its client package is the one importer of
	// opensearch-go (the shared chat state uses it too), ostest connects
	// live tests to a cluster.
	"retrieval/opensearchindex":          {"retrieval", "retrieval/text", "retrieval/docstore", "retrieval/opensearchindex/osclient"},
	"retrieval/opensearchindex/osclient": {"retrieval"},
	"retrieval/opensearchindex/ostest":   {"retrieval/opensearchindex/osclient"},
	"retrieval/backendtest":              {"retrieval", "retrieval/text", "retrieval/quote", "retrieval/answer", "retrieval/ingest/seedtest", "retrieval/qaeval"},
	// The texts text's and answering's scanner tests share: the seeds
	// and the shared datasets, nothing of text's own, so that text's
	// tests can import it.
	"retrieval/text/texttest": {"seeds"},
	// The seed articles as ingest reads them, for tests of the rooms
	// above ingest (ingest's own tests use ingesttest).
	"retrieval/ingest/seedtest": {"retrieval", "retrieval/ingest", "seeds"},
}

// sdks maps an import path prefix to the packages allowed to import it.
var sdks = map[string][]string{
	// Bleve itself: the Bleve backend, and the raw-Bleve peer citebench
	// measures citebot against.
	"github.com/blevesearch/bleve/v2": {"retrieval/bleveindex", "cmd/citebench"},
	// Bleve's analysis packages and the libraries under them: the shared
	// text analysis too, so every backend indexes the same terms.
	"github.com/blevesearch/bleve/v2/analysis": {"retrieval/text", "retrieval/bleveindex", "cmd/citebench"},
	"github.com/blevesearch/bleve/v2/registry": {"retrieval/text", "retrieval/bleveindex", "cmd/citebench"},
	"github.com/blevesearch/":                  {"retrieval/text", "retrieval/bleveindex", "cmd/citebench"},
	"github.com/slack-go/slack":                {"adapters/slack"},
	"github.com/bwmarrin/":                     {"adapters/discord"},
	"github.com/spf13/viper":                   {"config"},
	// The MCP SDK, and the JSON Schema and URI template libraries of
	// its API: the MCP adapter only.
	"github.com/modelcontextprotocol/go-sdk": {"adapters/mcp"},
	"github.com/google/jsonschema-go":        {"adapters/mcp"},
	"github.com/yosida95/uritemplate":        {"adapters/mcp"},
	// opensearch-go: one client package, shared by the OpenSearch backend
	// and the shared chat state.
	"github.com/opensearch-project/opensearch-go": {"retrieval/opensearchindex/osclient"},
}

// sdkOwners returns who may import imp, by its longest matching prefix.
func sdkOwners(imp string) ([]string, bool) {
	best := ""
	for prefix := range sdks {
		if (imp == prefix || strings.HasPrefix(imp, prefix+"/") || strings.HasSuffix(prefix, "/") && strings.HasPrefix(imp, prefix)) && len(prefix) > len(best) {
			best = prefix
		}
	}
	owners, ok := sdks[best]
	return owners, ok
}

// TestDependencyRule fails on an import that breaks the layering or lets an
// SDK out of its package.
func TestDependencyRule(t *testing.T) {
	for _, p := range listPackages(t) {
		me := rel(p.ImportPath)
		if under(me, "retrieval") {
			if _, ok := retrievalRooms[me]; !ok {
				t.Errorf("%s is not in retrievalRooms: say what it may import", me)
			}
		}
		for _, imp := range p.Imports {
			if owners, ok := sdkOwners(imp); ok && !slices.ContainsFunc(owners, func(o string) bool { return under(me, o) }) {
				t.Errorf("%s imports %s; only %v may", me, imp, owners)
			}
			if !strings.HasPrefix(imp, module) {
				continue
			}
			dep := rel(imp)
			switch {
			case under(me, "retrieval"):
				if rooms, ok := retrievalRooms[me]; ok && !slices.Contains(rooms, dep) {
					t.Errorf("%s imports %s; it may import only %v", me, dep, rooms)
				}
			case me == "bot":
				if dep != "retrieval" {
					t.Errorf("bot imports %s; bot may import only the retrieval domain, never a backend or the answering core", dep)
				}
			case me == "bot/opensearchstate":
				// The shared chat state on OpenSearch: bot's types, through
				// the one OpenSearch client package.
				if dep != "bot" && dep != "retrieval/opensearchindex/osclient" {
					t.Errorf("%s imports %s; it may import only bot and the OpenSearch client", me, dep)
				}
			case me == "config" || me == "seeds":
				t.Errorf("%s imports %s; it must stand alone", me, dep)
			case me == "config/configtest":
				// Keeps tests of what loads the configuration isolated.
				if dep != "config" {
					t.Errorf("%s imports %s; it may import only config", me, dep)
				}
			case me == "adapters":
				t.Errorf("the adapter contract imports %s", dep)
			case under(me, "adapters"):
				mine := strings.SplitN(me, "/", 3)[:2]
				switch {
				case dep == "adapters" || dep == "bot":
				case under(dep, strings.Join(mine, "/")):
				case under(dep, "adapters/internal"):
					// What the chat adapters share (their lifecycle);
					// it imports no chat SDK (the rule above).
				case me == "adapters/adaptertest" && (under(dep, "retrieval") || dep == "seeds"):
					// The conformance kit builds a real in-memory index
					// of the seeds for every adapter's tests.
				case dep == "adapters/adaptertest" && strings.HasSuffix(me, "test"):
					// An adapter's own test kit (adapters/mcp/mcptest)
					// builds on the shared one.
				default:
					t.Errorf("%s imports %s; an adapter imports only bot and the adapter contract", me, dep)
				}
			}
		}
	}
}

// TestEveryPackageDocumented: every package says what it is for.
func TestEveryPackageDocumented(t *testing.T) {
	for _, p := range listPackages(t) {
		if strings.TrimSpace(p.Doc) == "" {
			t.Errorf("package %s has no doc comment", rel(p.ImportPath))
		}
	}
}

// TestTopLevelLayout: no code folders beyond the agreed ones.
func TestTopLevelLayout(t *testing.T) {
	allowed := map[string]bool{"cmd": true, "bot": true, "retrieval": true, "adapters": true, "config": true, "seeds": true}
	entries, err := os.ReadDir(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		if !allowed[name] && hasGoFiles(t, filepath.Join("..", "..", name)) {
			t.Errorf("top-level folder %s holds Go code; code belongs under cmd, bot, retrieval, adapters, config or seeds", name)
		}
	}
}

func hasGoFiles(t *testing.T, dir string) bool {
	t.Helper()
	found := false
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

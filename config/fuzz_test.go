package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzLoad reads arbitrary text as a configuration file. Load either
// fails with an error or gives a Config that Validate can judge (no
// panic either way); every secret that is set is redacted in YAML (what
// `config check` prints), and that YAML loads again.
func FuzzLoad(f *testing.F) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, EnvPrefix+"_") {
			f.Setenv(name, "")
		}
	}
	example, err := os.ReadFile("../citebot.example.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(example))
	f.Add("api:\n  token: s3cr3t-t0ken-value-1234\nslack:\n  enabled: true\n  bot_token: xoxb-1-2-abc\n  signing_secret: 0123456789abcdef\n")
	f.Add("limits:\n  per_user: {rate: 0.5, burst: 10}\nhttp:\n  request_timeout: 5s\n")
	f.Add("slack:\n  channels: [{id: C1, mention_only: false}, C2]\ndiscord:\n  channels: \"1,2\"\n")
	f.Add("http: [1, 2]\n")
	f.Add("index: {path: \"\\0\"}\nhttp: {shutdown_timeout: -1h}\n")
	f.Add(":\n- - {a: *b}\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		file := filepath.Join(dir, "fuzz.yaml")
		if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(Options{File: file})
		if err != nil {
			return
		}
		_ = cfg.Validate()
		out, err := cfg.YAML()
		if err != nil {
			t.Fatalf("YAML of a loaded configuration: %v", err)
		}
		for _, fl := range fields(reflect.ValueOf(cfg.Redacted())) {
			if fl.secret && fl.value.String() != "" && fl.value.String() != Redacted {
				t.Fatalf("%s is not redacted: %q", fl.key, fl.value.String())
			}
		}
		if err := os.WriteFile(file, out, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(Options{File: file}); err != nil {
			t.Fatalf("the YAML config check prints does not load again: %v\n%s", err, out)
		}
	})
}

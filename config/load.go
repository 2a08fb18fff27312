package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// EnvPrefix starts every environment variable citebot reads: key
// http.addr is CITEBOT_HTTP_ADDR.
const EnvPrefix = "CITEBOT"

// FileName is the configuration file searched for when none is named.
const FileName = "citebot.yaml"

// Options say where Load looks beyond defaults and the environment.
type Options struct {
	// File is the --config file. It must exist when set. When empty,
	// Load reads ./citebot.yaml, else $XDG_CONFIG_HOME/citebot/citebot.yaml
	// (~/.config when XDG_CONFIG_HOME is unset), else no file.
	File string
	// Flags maps a key to the flag that sets it. A flag counts only when
	// given on the command line, so its default never hides the file or
	// the environment.
	Flags map[string]*pflag.Flag
}

// Load builds the effective Config from defaults < file < CITEBOT_*
// environment variables < flags. It fails only when the named file cannot
// be read or parsed; everything else (values of the wrong type, out of
// range, missing secrets, unknown keys) is left to Validate so all
// problems are reported together, in plain words. CITEBOT_* variables
// that name no setting are kept as Warnings (CITEBOT_TEST_* switches,
// which tests and CI read, are not).
func Load(opts Options) (*Config, error) {
	v := viper.New()
	v.SetConfigType("yaml")
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	// AutomaticEnv only consults keys viper knows of, so every key gets
	// its default, which also makes an empty default explicit.
	for _, f := range fields(reflect.ValueOf(Default())) {
		v.SetDefault(f.key, f.value.Interface())
	}
	for key, fl := range opts.Flags {
		if err := v.BindPFlag(key, fl); err != nil {
			return nil, fmt.Errorf("bind flag for %s: %w", key, err)
		}
	}

	file, err := findFile(opts.File)
	if err != nil {
		return nil, err
	}
	if file != "" {
		v.SetConfigFile(file)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("read configuration file %s: %w", file, err)
		}
	}

	cfg := Config{File: file}
	// viper's default hooks, plus text unmarshalling so a list of
	// channels can come from one environment variable. Each key is
	// decoded on its own, so a value of the wrong type is one problem
	// among others, not the end of loading.
	hook := mapstructure.ComposeDecodeHookFunc(
		mapstructure.StringToTimeDurationHookFunc(),
		mapstructure.StringToWeakSliceHookFunc(","),
		mapstructure.TextUnmarshallerHookFunc(),
	)
	for _, f := range fields(reflect.ValueOf(&cfg).Elem()) {
		raw := v.Get(f.key)
		target := reflect.New(f.value.Type())
		dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{DecodeHook: hook, WeaklyTypedInput: true, Result: target.Interface()})
		if err != nil {
			return nil, fmt.Errorf("configure decoding of %s: %w", f.key, err)
		}
		if err := dec.Decode(raw); err != nil {
			cfg.typeProblems = append(cfg.typeProblems, Problem{Key: f.key, Message: wrongType(raw, f.value.Type(), sourceOf(v, f.key, file))})
			f.value.Set(reflect.ValueOf(Default()).FieldByIndex(fieldIndex(f.key)))
			continue
		}
		f.value.Set(target.Elem())
	}
	cfg.warnings = unknownVariables()
	known := Keys()
	for _, k := range v.AllKeys() {
		if !slices.Contains(known, k) {
			cfg.unknown = append(cfg.unknown, k)
		}
	}
	cfg.unknown = append(cfg.unknown, unknownInLists(v)...)
	slices.Sort(cfg.unknown)
	return &cfg, nil
}

// unknownInLists finds misspelt keys inside list entries (slack.channels
// [0].mentiononly), which viper reports only as the list's own key.
func unknownInLists(v *viper.Viper) []string {
	var out []string
	for _, f := range fields(reflect.ValueOf(Config{})) {
		t := f.value.Type()
		if t.Kind() != reflect.Slice || t.Elem().Kind() != reflect.Struct {
			continue
		}
		entries, ok := v.Get(f.key).([]any)
		if !ok {
			continue
		}
		for i, e := range entries {
			m, ok := e.(map[string]any)
			if !ok {
				continue
			}
			for k := range m {
				if !hasTag(t.Elem(), strings.ToLower(k)) {
					out = append(out, fmt.Sprintf("%s[%d].%s", f.key, i, k))
				}
			}
		}
	}
	return out
}

func hasTag(t reflect.Type, key string) bool {
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("mapstructure") == key {
			return true
		}
	}
	return false
}

// TestEnvPrefix starts the switches tests and CI read
// (CITEBOT_TEST_REQUIRE_BROWSER, CITEBOT_TEST_FUZZTIME …): they configure
// no citebot, so they are never warned about.
const TestEnvPrefix = EnvPrefix + "_TEST_"

// legacyTestSwitches are test switches named before TestEnvPrefix, still
// read (by the OpenSearch live tests) and so not warned about either.
var legacyTestSwitches = map[string]bool{"CITEBOT_REQUIRE_OPENSEARCH": true}

// envName is the environment variable of a key: http.addr is
// CITEBOT_HTTP_ADDR.
func envName(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// unknownVariables lists, as warnings, the CITEBOT_* variables set in
// the environment that name no setting, suggesting the setting meant
// when only underscores differ (CITEBOT_HTTPADDR for CITEBOT_HTTP_ADDR).
func unknownVariables() []string {
	known := map[string]bool{}
	squeezed := map[string]string{}
	for _, k := range Keys() {
		n := envName(k)
		known[n] = true
		squeezed[strings.ReplaceAll(n, "_", "")] = n
	}
	var out []string
	for _, kv := range os.Environ() {
		name, val, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix+"_") || strings.HasPrefix(name, TestEnvPrefix) || legacyTestSwitches[name] || known[name] || val == "" {
			continue
		}
		w := name + " names no citebot setting and is ignored"
		if meant, ok := squeezed[strings.ReplaceAll(name, "_", "")]; ok {
			w += "; did you mean " + meant + "?"
		} else {
			w += " (the settings are listed in citebot.example.yaml; switches for tests take the " + TestEnvPrefix + " prefix)"
		}
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}

// sourceOf says where a key's value came from, for messages: its
// environment variable, the file, or "" (a flag or a default).
func sourceOf(v *viper.Viper, key, file string) string {
	if val, ok := os.LookupEnv(envName(key)); ok && val != "" {
		return "from " + envName(key)
	}
	if file != "" && v.InConfig(key) {
		return "in " + file
	}
	return ""
}

// wrongType says in plain words what is wrong with a value that did not
// decode into a setting of type t.
func wrongType(raw any, t reflect.Type, source string) string {
	got := fmt.Sprintf("%v", raw)
	if s, ok := raw.(string); ok {
		got = fmt.Sprintf("%q", s)
	}
	if source != "" {
		got += " (" + source + ")"
	}
	var want string
	switch {
	case t == reflect.TypeOf(time.Duration(0)):
		want = "a duration such as 15s or 2m"
	case t.Kind() == reflect.Bool:
		want = "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		want = "a whole number"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		want = "a number"
	case t == reflect.TypeOf([]ChannelConfig(nil)):
		want = "a list of channels: in a file, entries with id (and mention_only, collections); in the environment, comma-separated ID or ID:mention_only"
	case t.Kind() == reflect.Slice:
		want = "a list (in the environment, comma-separated)"
	default:
		want = "text"
	}
	return fmt.Sprintf("is %s; expected %s", got, want)
}

// fieldIndex is the index path of a key's field in Config.
func fieldIndex(key string) []int {
	t := reflect.TypeOf(Config{})
	var idx []int
	for _, part := range strings.Split(key, ".") {
		for i := range t.NumField() {
			if t.Field(i).Tag.Get("mapstructure") == part {
				idx = append(idx, i)
				t = t.Field(i).Type
				break
			}
		}
	}
	return idx
}

// findFile applies the search order of Options.File.
func findFile(named string) (string, error) {
	if named != "" {
		st, err := os.Stat(named)
		if err != nil {
			return "", fmt.Errorf("configuration file: %w", err)
		}
		if st.IsDir() {
			return "", fmt.Errorf("configuration file %s is a folder; expected a YAML file", named)
		}
		return named, nil
	}
	candidates := []string{FileName}
	if dir, err := os.UserConfigDir(); err == nil {
		candidates = append(candidates, filepath.Join(dir, "citebot", FileName))
	}
	for _, c := range candidates {
		st, err := os.Stat(c)
		switch {
		case err == nil && !st.IsDir():
			return c, nil
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return "", fmt.Errorf("configuration file: %w", err)
		}
	}
	return "", nil
}

// field is one leaf key of a Config.
type field struct {
	key    string
	secret bool
	value  reflect.Value
}

// fields lists the leaf keys of v (a Config or one of its sections), in
// declaration order, walking sub-structs.
func fields(v reflect.Value) []field {
	var out []field
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			name, ok := sf.Tag.Lookup("mapstructure")
			if !ok || name == "-" || !sf.IsExported() {
				continue
			}
			key := prefix + name
			if sf.Type.Kind() == reflect.Struct && sf.Type.PkgPath() == t.PkgPath() {
				walk(v.Field(i), key+".")
				continue
			}
			out = append(out, field{key: key, secret: sf.Tag.Get("secret") == "true", value: v.Field(i)})
		}
	}
	walk(v, "")
	return out
}

// Keys lists every configuration key ("http.addr"), in the order of the
// Config struct.
func Keys() []string {
	var keys []string
	for _, f := range fields(reflect.ValueOf(Config{})) {
		keys = append(keys, f.key)
	}
	return keys
}

// SecretKeys lists the keys whose values are redacted and never logged.
func SecretKeys() []string {
	var keys []string
	for _, f := range fields(reflect.ValueOf(Config{})) {
		if f.secret {
			keys = append(keys, f.key)
		}
	}
	return keys
}

// SecretValues returns the values of the secrets that are set, and the
// credentials written into any URL setting (for a log handler to scrub
// them from anything logged).
func (c Config) SecretValues() []string {
	var out []string
	for _, f := range fields(reflect.ValueOf(c)) {
		if f.secret && f.value.String() != "" {
			out = append(out, f.value.String())
		}
		for _, s := range stringsOf(f.value) {
			for _, m := range urlCredentials.FindAllStringSubmatch(s, -1) {
				out = append(out, m[2])
			}
		}
	}
	return out
}

// urlCredentials matches the user:password of a URL written into a
// setting (https://user:pass@host).
var urlCredentials = regexp.MustCompile(`(?i)(https?://)([^/@\s]+)@`)

// redactURLs replaces the credentials of every URL in s with Redacted.
func redactURLs(s string) string {
	return urlCredentials.ReplaceAllString(s, "${1}"+Redacted+"@")
}

// stringsOf returns a string field's value, or a string list's values.
func stringsOf(v reflect.Value) []string {
	switch {
	case v.Kind() == reflect.String:
		return []string{v.String()}
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		out := make([]string, v.Len())
		for i := range out {
			out[i] = v.Index(i).String()
		}
		return out
	}
	return nil
}

// Redacted is what replaces a secret that is set.
const Redacted = "[redacted]"

// Redacted returns a copy of c with every secret that is set replaced by
// the word Redacted (an unset secret stays empty, so one can still see
// which are missing), and the credentials of URLs (https://user:pass@…)
// too.
func (c Config) Redacted() Config {
	c.OpenSearch.Addresses = slices.Clone(c.OpenSearch.Addresses)
	c.Corpus = slices.Clone(c.Corpus)
	v := reflect.ValueOf(&c).Elem()
	for _, f := range fields(v) {
		switch {
		case f.secret && f.value.String() != "":
			f.value.SetString(Redacted)
		case f.value.Kind() == reflect.String:
			f.value.SetString(redactURLs(f.value.String()))
		case f.value.Kind() == reflect.Slice && f.value.Type().Elem().Kind() == reflect.String:
			for i := range f.value.Len() {
				f.value.Index(i).SetString(redactURLs(f.value.Index(i).String()))
			}
		}
	}
	return c
}

// YAML renders c as a configuration file (keys as in citebot.yaml, in
// struct order), secrets redacted.
func (c Config) YAML() ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	for _, f := range fields(reflect.ValueOf(c.Redacted())) {
		path := strings.Split(f.key, ".")
		parent := root
		for _, section := range path[:len(path)-1] {
			parent = child(parent, section)
		}
		val := &yaml.Node{}
		if err := val.Encode(f.value.Interface()); err != nil {
			return nil, fmt.Errorf("encode %s: %w", f.key, err)
		}
		parent.Content = append(parent.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: path[len(path)-1]}, val)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encode configuration: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode configuration: %w", err)
	}
	return buf.Bytes(), nil
}

// child returns the mapping under key in m, adding it when missing.
func child(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	n := &yaml.Node{Kind: yaml.MappingNode}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, n)
	return n
}

package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// dockerBuildMarker labels the Dockerfile's build line.
const dockerBuildMarker = "citebot:build"

// dockerfile is the repository's Dockerfile, as lines.
func dockerfile(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(b), "\n")
}

// dockerBuildLine returns the RUN line that follows the marker comment.
func dockerBuildLine(t *testing.T, lines []string) string {
	t.Helper()
	for i, l := range lines {
		if strings.HasPrefix(l, "#") && strings.Contains(l, dockerBuildMarker) {
			for _, next := range lines[i+1:] {
				if strings.HasPrefix(next, "#") {
					continue
				}
				if !strings.HasPrefix(next, "RUN ") {
					t.Fatalf("the line after the %s comment is %q; want the RUN go build line", dockerBuildMarker, next)
				}
				return strings.TrimPrefix(next, "RUN ")
			}
		}
	}
	t.Fatalf("the Dockerfile has no %q comment marking its build line", dockerBuildMarker)
	return ""
}

// shellWords splits a simple shell command line: words, double- or
// single-quoted strings, and ${VAR}/$VAR expanded from vars. Anything
// more (pipes, ;, &&, command substitution, a trailing backslash) is an
// error, so a Dockerfile change the test cannot mirror fails loudly.
func shellWords(line string, vars map[string]string) ([]string, error) {
	if strings.ContainsAny(line, ";|&`\\<>") || strings.Contains(line, "$(") {
		return nil, fmt.Errorf("build line %q uses shell syntax the drift test does not mirror; keep it one simple command", line)
	}
	expand := func(s string) (string, error) {
		var missing error
		out := os.Expand(s, func(name string) string {
			v, ok := vars[name]
			if !ok {
				missing = fmt.Errorf("build line uses $%s, which the drift test does not set", name)
			}
			return v
		})
		return out, missing
	}
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '"' || c == '\'':
			j := strings.IndexByte(line[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unclosed %c quote in %q", c, line)
			}
			part := line[i+1 : i+1+j]
			if c == '"' {
				var err error
				if part, err = expand(part); err != nil {
					return nil, err
				}
			}
			cur.WriteString(part)
			inWord = true
			i += j + 1
		default:
			j := strings.IndexAny(line[i:], " \t\"'")
			if j < 0 {
				j = len(line) - i
			}
			part, err := expand(line[i : i+j])
			if err != nil {
				return nil, err
			}
			cur.WriteString(part)
			inWord = true
			i += j - 1
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

func TestShellWords(t *testing.T) {
	got, err := shellWords(`A=1 go build -ldflags "-s -X main.v=${V}" -o '/o p' ./x`, map[string]string{"V": "9"})
	want := []string{"A=1", "go", "build", "-ldflags", "-s -X main.v=9", "-o", "/o p", "./x"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("shellWords = %q, %v; want %q", got, err, want)
	}
	for _, bad := range []string{"go build && rm -rf /", "go build $(pwd)", "go build $UNSET", `go build "x`} {
		if _, err := shellWords(bad, nil); err == nil {
			t.Errorf("shellWords(%q) succeeded; want an error", bad)
		}
	}
}

// TestDockerBuildMatchesImage runs the Dockerfile's own build line (same
// environment, flags and package; only the output path and version
// differ) and checks the result is the static, working binary the image
// ships: no ELF interpreter or shared libraries, version stamped, answers
// from the embedded seeds.
func TestDockerBuildMatchesImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the release binary; skipped with -short")
	}
	lines := dockerfile(t)
	const stamp = "docker-drift-test"
	words, err := shellWords(dockerBuildLine(t, lines), map[string]string{"VERSION": stamp})
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for len(words) > 0 && strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "-") {
		env, words = append(env, words[0]), words[1:]
	}
	if !slices.Contains(env, "CGO_ENABLED=0") {
		t.Errorf("build environment %q lacks CGO_ENABLED=0", env)
	}
	if len(words) < 2 || words[0] != "go" || words[1] != "build" {
		t.Fatalf("build line runs %q; want go build", words)
	}
	for _, flag := range []string{"-trimpath", "-ldflags"} {
		if !slices.Contains(words, flag) {
			t.Errorf("build line lacks %s", flag)
		}
	}
	if i := slices.Index(words, "-ldflags"); i >= 0 && !strings.Contains(words[i+1], "-X main.version="+stamp) {
		t.Errorf("-ldflags %q does not stamp main.version from $VERSION", words[i+1])
	}
	out := slices.Index(words, "-o")
	if out < 0 || out+1 >= len(words) {
		t.Fatalf("build line %q has no -o", words)
	}
	bin := filepath.Join(t.TempDir(), "citebot")
	words[out+1] = bin

	cmd := exec.Command(words[0], words[1:]...)
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(words, " "), err, b)
	}

	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary has an ELF interpreter (PT_INTERP): it is dynamically linked and will not run on distroless/static")
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %q (%v); want none", libs, err)
	}

	dir := t.TempDir() // no citebot.yaml around
	runBin := func(args ...string) string {
		t.Helper()
		c := exec.Command(bin, args...)
		c.Dir = dir
		c.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dir)
		b, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("citebot %s: %v\n%s", strings.Join(args, " "), err, b)
		}
		return string(b)
	}
	if v := runBin("version"); !strings.HasPrefix(v, "citebot "+stamp) {
		t.Errorf("version = %q; want it stamped %q", v, stamp)
	}
	if a := runBin("ask", refugeeQ); !strings.Contains(a, "7,500") || !strings.Contains(a, "paragraph") {
		t.Errorf("ask from the embedded seeds = %q; want the cited 7,500 answer", a)
	}
}

// TestDockerfileShape checks the parts of the Dockerfile that must agree
// with the code: the Go version with go.mod, the exposed port with the
// listen address, a non-root static base, the health check command.
func TestDockerfileShape(t *testing.T) {
	lines := dockerfile(t)
	text := strings.Join(lines, "\n")
	gomod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// The builder is pinned to go.mod's exact Go release, not a moving
	// minor tag (golang:1.26 follows every patch release).
	goVer := regexp.MustCompile(`(?m)^go (\d+\.\d+\.\d+)`).FindSubmatch(gomod)
	if goVer == nil || !regexp.MustCompile(`(?m)^FROM golang:`+regexp.QuoteMeta(string(goVer[1]))+`-[a-z]+(@sha256:[0-9a-f]{64})? AS build$`).MatchString(text) {
		t.Errorf("the builder image is not pinned to go.mod's Go %s (want FROM golang:%[1]s-<distro>)", goVer[1])
	}
	for _, from := range regexp.MustCompile(`(?m)^FROM (\S+)`).FindAllStringSubmatch(text, -1) {
		if strings.HasSuffix(from[1], ":latest") || !strings.Contains(from[1], ":") {
			t.Errorf("FROM %s is not pinned", from[1])
		}
	}
	// Data written at run time (the feedback store) goes to the declared
	// volume, so it survives the container.
	volume := regexp.MustCompile(`(?m)^VOLUME \["([^"]+)"\]$`).FindStringSubmatch(text)
	dataDir := regexp.MustCompile(`(?m)^ENV CITEBOT_DATA_DIR=(\S+)$`).FindStringSubmatch(text)
	if volume == nil || dataDir == nil || dataDir[1] != volume[1] {
		t.Errorf("CITEBOT_DATA_DIR %v is not the declared volume %v", dataDir, volume)
	}
	port := regexp.MustCompile(`(?m)^ENV CITEBOT_HTTP_ADDR=0\.0\.0\.0:(\d+)$`).FindStringSubmatch(text)
	if port == nil || !regexp.MustCompile(`(?m)^EXPOSE `+port[1]+`$`).MatchString(text) {
		t.Errorf("EXPOSE does not match the port in CITEBOT_HTTP_ADDR (%v)", port)
	}
	for _, want := range []string{
		`(?m)^FROM gcr\.io/distroless/static[-\w]*:nonroot@sha256:[0-9a-f]{64}$`, // a moving tag alone is not a pin
		`(?m)^USER nonroot`,
		`(?m)^VOLUME \["/data"\]$`,
		`(?m)^HEALTHCHECK .*CMD \["/citebot", "healthcheck"\]$`,
		`(?m)^ENTRYPOINT \["/citebot"\]$`,
		`(?m)^CMD \["serve"\]$`,
	} {
		if !regexp.MustCompile(want).MatchString(text) {
			t.Errorf("the Dockerfile has no line matching %s", want)
		}
	}
	// The healthcheck command finds the server from CITEBOT_HTTP_ADDR.
	if u, err := healthURL("0.0.0.0:" + port[1]); err != nil || u != "http://127.0.0.1:"+port[1]+"/healthz" {
		t.Errorf("healthcheck would probe %q, %v", u, err)
	}
	// The build context leaves out what must not reach the image.
	ignore, err := os.ReadFile(filepath.Join("..", "..", ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(ignore))
	var patterns []string
	for sc.Scan() {
		patterns = append(patterns, strings.TrimSpace(sc.Text()))
	}
	for _, want := range []string{".git", "**/testdata/artifacts"} {
		if !slices.Contains(patterns, want) {
			t.Errorf(".dockerignore lacks %s", want)
		}
	}
}

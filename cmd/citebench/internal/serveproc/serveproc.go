// Package serveproc runs `citebot serve` as a child process for the load
// tests: it builds the citebot binary, starts serve on a free loopback
// port with its log in a file, waits until /readyz answers 200, reads the
// server's memory and log, and stops it. The benchmark's /api/ask load
// and the mixed load both start their server here.
package serveproc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/citebot/citebot/cmd/citebench/internal/machine"
)

// Build builds the citebot command into dir with the go tool (extra
// flags, such as -race, go to go build) and returns the binary's path.
func Build(ctx context.Context, dir string, flags ...string) (string, error) {
	bin := filepath.Join(dir, "citebot")
	args := append(append([]string{"build"}, flags...), "-o", bin, "github.com/citebot/citebot/cmd/citebot")
	cmd := exec.CommandContext(ctx, "go", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build citebot (or pass -citebot BINARY): %w\n%s", err, out.String())
	}
	return bin, nil
}

// CleanEnv is this process's environment without CITEBOT_* variables,
// so that nothing but what a run sets changes what citebot does.
func CleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CITEBOT_") {
			out = append(out, kv)
		}
	}
	return out
}

// Options say how to start serve.
type Options struct {
	Binary string   // the citebot binary
	Dir    string   // working folder; serve's log and home are here
	Args   []string // after "serve"; --addr is added
	// Env is added to a clean environment (CleanEnv, with HOME and
	// XDG_CONFIG_HOME set to Dir so no user configuration is read).
	Env []string
	// ReadyWithin bounds the wait for /readyz (default a minute).
	ReadyWithin time.Duration
}

// Server is a running `citebot serve`.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string

	cmd     *exec.Cmd
	logPath string
	log     *os.File
	// readyAt is the log's size when the server became ready: what it
	// logged while starting (503s of /readyz, adapters connecting) is
	// not held against it.
	readyAt int64
	done    chan struct{}
}

// Start starts serve and returns once it answers /readyz with 200. The
// server runs until Stop, even if ctx ends; ctx bounds the wait.
func Start(ctx context.Context, o Options) (*Server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(o.Dir, "serve.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("serve log: %w", err)
	}
	cmd := exec.Command(o.Binary, append(append([]string{"serve"}, o.Args...), "--addr", addr)...)
	cmd.Dir = o.Dir
	cmd.Env = append(append(CleanEnv(), "HOME="+o.Dir, "XDG_CONFIG_HOME="+o.Dir), o.Env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start citebot serve: %w", err)
	}
	s := &Server{URL: "http://" + addr, cmd: cmd, logPath: logPath, log: logf, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(s.done)
	}()
	limit := o.ReadyWithin
	if limit <= 0 {
		limit = time.Minute
	}
	if err := s.waitReady(ctx, limit); err != nil {
		s.Stop()
		return nil, fmt.Errorf("citebot serve: %w; its log ends:\n%s", err, s.LogTail(20))
	}
	if st, err := logf.Stat(); err == nil {
		s.readyAt = st.Size()
	}
	return s, nil
}

// waitReady polls /readyz until it answers 200.
func (s *Server) waitReady(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		if s.get(ctx, "/readyz") {
			return nil
		}
		select {
		case <-s.done:
			return errors.New("exited before it was ready")
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// get reports whether GET path answers 200.
func (s *Server) get(ctx context.Context, path string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Pid is the server's process ID.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Memory reads the server's resident memory now and at its peak.
func (s *Server) Memory() machine.Memory { return machine.ProcessMemory(s.Pid()) }

// Alive reports whether the process is still running.
func (s *Server) Alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// Healthy reports whether the server runs and answers /healthz with 200.
func (s *Server) Healthy(ctx context.Context) bool {
	return s.Alive() && s.get(ctx, "/healthz")
}

// LogPath is the file serve logs to.
func (s *Server) LogPath() string { return s.logPath }

// LogLineAfterReady returns the first line logged since the server was
// ready that contains sub; "" when there is none.
func (s *Server) LogLineAfterReady(sub string) string {
	f, err := os.Open(s.logPath)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(s.readyAt, io.SeekStart); err != nil {
		return ""
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), sub) {
			return sc.Text()
		}
	}
	return ""
}

// LogTail returns the last n lines of the server's log.
func (s *Server) LogTail(n int) string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// Stop sends SIGINT (serve shuts down gracefully) and waits, killing the
// process after 30 seconds. It is safe to call more than once.
func (s *Server) Stop() {
	if s.Alive() {
		s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
	}
	s.log.Close()
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

package serveproc

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for `citebot serve`: with
// FAKE_SERVE set it logs a line, answers /readyz 503 twice and then 200,
// logs an error once ready, and exits on SIGINT; with FAKE_SERVE=die it
// logs and exits at once.
func TestMain(m *testing.M) {
	switch os.Getenv("FAKE_SERVE") {
	case "":
		os.Exit(m.Run())
	case "die":
		fmt.Fprintln(os.Stderr, `{"level":"ERROR","msg":"no index here"}`)
		os.Exit(1)
	}
	fakeServe()
}

func fakeServe() {
	addr := ""
	for i, a := range os.Args {
		if a == "--addr" && i+1 < len(os.Args) {
			addr = os.Args[i+1]
		}
	}
	fmt.Fprintf(os.Stderr, `{"level":"INFO","msg":"starting","home":%q,"citebot_env":%q}`+"\n", os.Getenv("HOME"), os.Getenv("CITEBOT_SECRET"))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		os.Exit(3)
	}
	var readyz atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if readyz.Add(1) <= 2 {
			fmt.Fprintln(os.Stderr, `{"level":"ERROR","msg":"not ready yet"}`)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(os.Stderr, `{"level":"INFO","msg":"ready"}`)
	})
	mux.HandleFunc("/healthz", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("/fail", func(http.ResponseWriter, *http.Request) {
		fmt.Fprintln(os.Stderr, `{"level":"ERROR","msg":"after ready"}`)
	})
	go http.Serve(ln, mux)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	<-sig
	fmt.Fprintln(os.Stderr, `{"level":"INFO","msg":"stopped"}`)
	os.Exit(0)
}

func self(t *testing.T) string {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func TestStartReadyStop(t *testing.T) {
	t.Setenv("CITEBOT_SECRET", "must-not-reach-serve")
	dir := t.TempDir()
	s, err := Start(context.Background(), Options{Binary: self(t), Dir: dir, Env: []string{"FAKE_SERVE=1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || !s.Alive() || !s.Healthy(context.Background()) {
		t.Fatalf("server at %q: alive %v", s.URL, s.Alive())
	}
	if m := s.Memory(); m.RSSKB <= 0 || m.PeakKB < m.RSSKB {
		t.Errorf("memory %+v", m)
	}
	// The errors logged while starting are not held against it; the
	// one after is.
	if l := s.LogLineAfterReady(`"level":"ERROR"`); l != "" {
		t.Errorf("an error before ready was found after it: %s", l)
	}
	resp, err := http.Get(s.URL + "/fail")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if l := s.LogLineAfterReady(`"level":"ERROR"`); !strings.Contains(l, "after ready") {
		t.Errorf("the error after ready was not found: %q", l)
	}
	if tail := s.LogTail(50); !strings.Contains(tail, `"home":"`+dir+`"`) || strings.Contains(tail, "must-not-reach-serve") {
		t.Errorf("serve's environment: HOME is not its folder, or a CITEBOT_ variable got through:\n%s", tail)
	}
	s.Stop()
	if s.Alive() {
		t.Error("alive after Stop")
	}
	if !strings.Contains(s.LogTail(1), "stopped") {
		t.Errorf("not stopped gracefully: %s", s.LogTail(3))
	}
	s.Stop() // a second Stop is harmless
}

func TestStartFailsWhenServeDies(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := Start(ctx, Options{Binary: self(t), Dir: t.TempDir(), Env: []string{"FAKE_SERVE=die"}})
	if err == nil || !strings.Contains(err.Error(), "exited before it was ready") || !strings.Contains(err.Error(), "no index here") {
		t.Errorf("%v; want an error quoting its log", err)
	}
}

package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
)

// linesPerWorker is how many lines each worker may have read ahead of the
// last output written: enough that a slow question does not leave the
// other workers idle, few enough that memory stays bounded whatever the
// length of the input.
const linesPerWorker = 8

// window is how many lines may be read but not yet written, with workers
// answering: the line being written waits outside it, so at most
// window+1 outputs are held at once.
func window(workers int) int { return linesPerWorker * workers }

// workerCount is workers, or GOMAXPROCS when workers is 0 or less.
func workerCount(workers int) int {
	if workers > 0 {
		return workers
	}
	return runtime.GOMAXPROCS(0)
}

// lineJob is one line on its way through eachLine: read in order, done
// by a worker, written in order.
type lineJob struct {
	line string
	out  []byte
	err  error
	done chan struct{} // closed once out and err are set
}

// eachLine calls do with each non-empty line of r, trimmed, from workers
// goroutines at once (GOMAXPROCS when workers ≤ 0), and writes each
// line's output to w in input order, each as soon as it and every output
// before it are ready; between the outputs for a person (not JSON lines)
// it writes a blank line, and after each it flushes w when w can. At most
// window(workers) lines are read ahead of the last output written, so
// memory stays bounded on an endless input.
//
// An error from do (not a failed question, which do renders, but one that
// makes the output impossible) stops the run: it is returned once the
// outputs before it are written. So are a write error and ctx's end. A
// read error is returned after the outputs of every line read before it.
// what names the lines in a read error. When eachLine returns early, a
// read of r in progress finishes in the background and nothing more is
// read.
func eachLine(ctx context.Context, r io.Reader, w io.Writer, jsonLines bool, what string, workers int,
	do func(ctx context.Context, line string) ([]byte, error)) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	// An early return stops the workers, and waits for them.
	defer func() {
		cancel()
		wg.Wait()
	}()
	workers = workerCount(workers)
	work := make(chan *lineJob)
	// ordered holds the jobs in input order for the writer; its capacity
	// is what bounds the lines in flight.
	ordered := make(chan *lineJob, window(workers))
	var readErr error // set before ordered is closed

	for range workers {
		wg.Go(func() {
			for {
				select {
				case j, ok := <-work:
					if !ok {
						return
					}
					j.out, j.err = do(ctx, j.line)
					close(j.done)
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() {
		defer close(ordered)
		defer close(work)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), MaxLineBytes)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			j := &lineJob{line: line, done: make(chan struct{})}
			select {
			case ordered <- j:
			case <-ctx.Done():
				return
			}
			select {
			case work <- j:
			case <-ctx.Done():
				j.err = ctx.Err()
				close(j.done)
				return
			}
		}
		if err := sc.Err(); err != nil {
			readErr = fmt.Errorf("read %s: %w", what, err)
		}
	}()

	first := true
	for {
		var j *lineJob
		select {
		case j = <-ordered:
		case <-ctx.Done():
			return ctx.Err()
		}
		if j == nil {
			return readErr
		}
		select {
		case <-j.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if j.err != nil {
			return j.err
		}
		if !jsonLines && !first {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		first = false
		if _, err := w.Write(j.out); err != nil {
			return err
		}
		if f, ok := w.(interface{ Flush() error }); ok {
			if err := f.Flush(); err != nil {
				return err
			}
		}
	}
}

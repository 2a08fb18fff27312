package adaptertest

import (
	"testing"
	"time"
)

// Waiting without timing luck: a wait ends when what it waits for
// happens, and fails only when the test binary is about to be stopped
// (go test -timeout), leaving time to say what never happened. A slow
// or loaded machine makes a test slower, never wrong.

// noDeadline bounds waits when go test runs with -timeout 0.
const noDeadline = 10 * time.Minute

// Deadline is when the waits of t give up: shortly before the test
// binary's own deadline (a tenth of the time left, at most 30 seconds,
// is kept for reporting).
func Deadline(t testing.TB) time.Time {
	now := time.Now()
	d, ok := time.Time{}, false
	if dt, is := t.(interface{ Deadline() (time.Time, bool) }); is {
		d, ok = dt.Deadline()
	}
	if !ok {
		return now.Add(noDeadline)
	}
	left := d.Sub(now)
	return d.Add(-min(left/10, 30*time.Second))
}

// Eventually waits until cond holds, checking it again and again (for
// state that settles with nothing to wait on, such as readiness); it
// fails t, naming what, only at Deadline.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := Deadline(t)
	pause := time.Millisecond
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s never happened (waited until the test's deadline)", what)
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// Receive waits for a value from ch; it fails t, naming what, only at
// Deadline.
func Receive[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(time.Until(Deadline(t)))
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("%s never happened (waited until the test's deadline)", what)
	}
	var zero T
	return zero
}

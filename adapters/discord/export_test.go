package discord

import "time"

// WaitJobs waits until the work dispatched so far is done, so a test can
// assert that a delivery started none.
func WaitJobs(a *Adapter) { a.jobs.Wait() }

// SetRetryBackoff shortens the wait before calling again after a 5xx or
// a failed connection, until the test ends.
func SetRetryBackoff(t interface{ Cleanup(func()) }, d time.Duration) {
	old := retryBackoff
	retryBackoff = d
	t.Cleanup(func() { retryBackoff = old })
}

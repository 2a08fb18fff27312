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

// SetStoreTimeout shortens the bound on one call to a shared store,
// until the test ends.
func SetStoreTimeout(t interface{ Cleanup(func()) }, d time.Duration) {
	old := storeTimeout
	storeTimeout = d
	t.Cleanup(func() { storeTimeout = old })
}

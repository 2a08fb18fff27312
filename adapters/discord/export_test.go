package discord

// WaitJobs waits until the work dispatched so far is done, so a test can
// assert that a delivery started none.
func WaitJobs(a *Adapter) { a.jobs.wg.Wait() }

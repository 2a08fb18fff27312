package adapters

import "time"

// SetDrainTimeout shortens how long ReadBody drains an oversized body,
// until the test ends.
func SetDrainTimeout(t interface{ Cleanup(func()) }, d time.Duration) {
	old := drainTimeout
	drainTimeout = d
	t.Cleanup(func() { drainTimeout = old })
}

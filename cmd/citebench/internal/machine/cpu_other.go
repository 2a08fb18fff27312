//go:build !unix

package machine

// CPUSeconds is not measured here (no getrusage): tables show "–".
func CPUSeconds() float64 { return 0 }

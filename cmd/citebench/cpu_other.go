//go:build !unix

package main

// cpuSeconds is not measured here (no getrusage): the table shows "–".
func cpuSeconds() float64 { return 0 }

// Package stats summarises what citebench measures: latency percentiles
// of a set of requests or questions, and the median of repeated runs.
// Every mode of citebench (the benchmark's phases, the /api/ask load and
// the mixed load) reports latency through Summarize, so their figures
// mean the same thing.
package stats

import (
	"cmp"
	"slices"
	"time"
)

// Latency summarises a set of latencies.
type Latency struct {
	P50, P90, P99, Max, Mean time.Duration
}

// Summarize returns the percentiles (nearest rank), maximum and mean of
// ds; all zero when ds is empty. ds is not changed.
func Summarize(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	var total time.Duration
	for _, d := range s {
		total += d
	}
	return Latency{
		P50:  percentile(s, 50),
		P90:  percentile(s, 90),
		P99:  percentile(s, 99),
		Max:  s[len(s)-1],
		Mean: total / time.Duration(len(s)),
	}
}

// Percentile is the p-th percentile of ds by nearest rank; 0 when ds is
// empty. ds is not changed.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return percentile(s, p)
}

// percentile is the nearest-rank percentile of sorted, which is not empty.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// Median is the median of xs (the upper one of an even count); the zero
// value when xs is empty. xs is not changed.
func Median[T cmp.Ordered](xs []T) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// MedianOf is the median of get over runs.
func MedianOf[R any, T cmp.Ordered](runs []R, get func(R) T) T {
	xs := make([]T, len(runs))
	for i, r := range runs {
		xs[i] = get(r)
	}
	return Median(xs)
}

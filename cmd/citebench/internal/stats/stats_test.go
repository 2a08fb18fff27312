package stats

import (
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- { // out of order on purpose
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	got := Summarize(ds)
	want := Latency{P50: 50 * time.Millisecond, P90: 90 * time.Millisecond, P99: 99 * time.Millisecond,
		Max: 100 * time.Millisecond, Mean: 50500 * time.Microsecond}
	if got != want {
		t.Errorf("Summarize = %+v; want %+v", got, want)
	}
	if ds[0] != 100*time.Millisecond {
		t.Error("Summarize sorted its input")
	}
	if (Summarize(nil) != Latency{}) {
		t.Error("Summarize of nothing is not zero")
	}
	one := Summarize([]time.Duration{7})
	if one.P50 != 7 || one.P99 != 7 || one.Max != 7 || one.Mean != 7 {
		t.Errorf("one latency: %+v", one)
	}
}

func TestPercentile(t *testing.T) {
	ds := []time.Duration{5, 1, 4, 2, 3}
	for p, want := range map[float64]time.Duration{0: 1, 20: 1, 50: 3, 90: 5, 100: 5} {
		if got := Percentile(ds, p); got != want {
			t.Errorf("p%v = %v; want %v", p, got, want)
		}
	}
	if Percentile(nil, 50) != 0 {
		t.Error("percentile of nothing")
	}
}

func TestMedian(t *testing.T) {
	if got := Median([]float64{3, 1, 2}); got != 2 {
		t.Errorf("median %v; want 2", got)
	}
	if got := Median([]int{4, 1, 3, 2}); got != 3 {
		t.Errorf("median of an even count %v; want the upper, 3", got)
	}
	if Median([]int(nil)) != 0 {
		t.Error("median of nothing")
	}
	type run struct{ x float64 }
	if got := MedianOf([]run{{9}, {1}, {5}}, func(r run) float64 { return r.x }); got != 5 {
		t.Errorf("MedianOf = %v; want 5", got)
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Thousands(0), "0"}, {Thousands(999), "999"}, {Thousands(1000), "1,000"}, {Thousands(1234567), "1,234,567"},
		{Thousands(-4500), "-4,500"}, {Count(1499.6), "1,500"}, {Count(0), "–"},
		{FormatDuration(850 * time.Microsecond), "850 µs"}, {FormatDuration(2345 * time.Microsecond), "2.35 ms"},
		{FormatDuration(23 * time.Millisecond), "23.0 ms"}, {FormatDuration(12 * time.Second), "12.0 s"},
		{FormatDuration(0), "–"}, {Nanoseconds(1.5e6), "1.50 ms"},
		{Times(3, 2), "1.50×"}, {Times(3, 0), "–"}, {Points(75.5, 68.25), "+7.2 pts"}, {Percent(12.345), "12.3%"},
		{ByteSize(512 << 10), "512 KiB"}, {ByteSize(3 << 20), "3.0 MiB"}, {ByteSize(5 << 30), "5.00 GiB"}, {ByteSize(0), "–"},
	} {
		if c.got != c.want {
			t.Errorf("got %q; want %q", c.got, c.want)
		}
	}
}

package stats

import (
	"fmt"
	"math"
	"time"
)

// Formatting for citebench's tables and reports. A figure that was not
// measured (zero, or NaN for a percentage) prints as "–".

// Thousands writes n with thousands separators: 1234567 → "1,234,567".
func Thousands(n int) string {
	if n < 0 {
		return "-" + Thousands(-n)
	}
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// Count is a rate or count rounded to a whole number, with separators.
func Count(x float64) string {
	if x <= 0 {
		return "–"
	}
	return Thousands(int(math.Round(x)))
}

// FormatDuration formats a duration for a table: µs below a millisecond,
// ms below ten seconds, s beyond.
func FormatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/1e3)
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// Nanoseconds formats a duration given in nanoseconds as FormatDuration.
func Nanoseconds(ns float64) string { return FormatDuration(time.Duration(ns)) }

// ByteSize formats a size in bytes: KiB, MiB or GiB.
func ByteSize(n float64) string {
	switch {
	case n <= 0:
		return "–"
	case n < 1<<20:
		return fmt.Sprintf("%.0f KiB", n/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", n/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", n/(1<<30))
}

// Percent formats a percentage; NaN (not measured) is "–".
func Percent(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", x)
}

// Times is the ratio a/b ("1.50×").
func Times(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// Points is the difference of two percentages ("+7.2 pts").
func Points(a, b float64) string {
	if math.IsNaN(a) || math.IsNaN(b) {
		return "–"
	}
	return fmt.Sprintf("%+.1f pts", a-b)
}

//go:build !race

package mix

const raceEnabled = false

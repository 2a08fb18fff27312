//go:build race

package mix

const raceEnabled = true

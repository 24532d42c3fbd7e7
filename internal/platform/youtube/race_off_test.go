//go:build !race

package youtube

const raceEnabled = false

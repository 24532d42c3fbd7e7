//go:build race

package youtube

// raceEnabled shrinks the streaming test: the race detector slows byte loops.
const raceEnabled = true

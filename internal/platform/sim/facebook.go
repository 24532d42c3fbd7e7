package sim

// fbState is Facebook state that Post does not carry.
type fbState struct{}

package workflow

// SetFault makes the workflows fail at the named step (see fault) while a
// test runs; nil clears it.
func SetFault(f func(step string) error) { faultAt = f }

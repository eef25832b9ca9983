//go:build race

package lite

// raceOn: the race detector slows SQLite (compiled from C to Go, every
// access instrumented) about fivefold. The differential test against
// FerretDB (single-goroutine, FerretDB instrumented too) runs a third of its
// rounds under it; scripts/test runs it whole without it.
const raceOn = true

//go:build !race

package lite

const raceOn = false

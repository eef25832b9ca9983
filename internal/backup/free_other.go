//go:build !(linux || darwin)

package backup

// diskFree cannot tell the free space on this system: restore then relies
// on the manifest's sizes and the disk's own errors.
func diskFree(string) (uint64, bool, error) { return 0, false, nil }

//go:build linux || darwin

package backup

import "syscall"

// diskFree is the space an unprivileged process may still write on the
// filesystem holding dir.
func diskFree(dir string) (uint64, bool, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), true, nil //nolint:unconvert // the field types differ per system
}

package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrDataDirInUse is returned when another process holds the embedded
// engine's folder: the server, `demo load`, `db copy` or a restore. A
// restore, a migration or a copy replaces or fills the file whole, and a
// large load holds SQLite's write lock for seconds: none may run under a
// server.
var ErrDataDirInUse = errors.New("the database folder is in use by another Alianza process")

// lockFileName is the lock file in the engine's folder. The lock is an
// advisory flock on it: the kernel drops it when its process ends, kill -9
// included, so a stale file never blocks the next start.
const lockFileName = "alianza.lock"

// LockDir takes the embedded engine's folder dir for this process until
// release is called; ErrDataDirInUse (naming the holder's process id) when
// another process has it.
func LockDir(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", dir, err)
	}
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	writable := err == nil
	if errors.Is(err, os.ErrPermission) {
		// A lock file another user left (root's `docker exec`): a
		// read-only descriptor locks as well, without the process id.
		f, err = os.Open(path)
	}
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", dir, err)
	}
	if err := flock(f); err != nil {
		_ = f.Close()
		if errors.Is(err, errLocked) {
			holder := ""
			if b, rerr := os.ReadFile(path); rerr == nil && strings.TrimSpace(string(b)) != "" {
				holder = " (process " + strings.TrimSpace(string(b)) + ")"
			}
			return nil, fmt.Errorf("store: %s%s: %w; stop it first", dir, holder, ErrDataDirInUse)
		}
		return nil, fmt.Errorf("store: lock %s: %w", dir, err)
	}
	// The holder's id, for the message another process shows.
	if writable && f.Truncate(0) == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() { _ = f.Close() }, nil // closing the file drops the lock
}

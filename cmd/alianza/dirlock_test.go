package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/store"
)

// One process at a time on the embedded engine's folder: while a server
// holds it, the commands that open or replace the database refuse with one
// line naming the holder, before they open it.
func TestDataDirHeldByOneProcess(t *testing.T) {
	ctx := context.Background()
	dataDir := t.TempDir()
	emb, err := store.OpenEmbedded(ctx, filepath.Join(dataDir, "db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ALIANZA_DATA_DIR": dataDir, "ALIANZA_LOG_LEVEL": "error"}
	pid := "process " + strconv.Itoa(os.Getpid())
	for _, args := range [][]string{
		{"demo", "load"},
		{"db", "copy", "--to", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100"},
		{"restore", filepath.Join(t.TempDir(), "missing.tar.gz"), "--force"},
		{"serve"},
	} {
		code, _, stderr := runCLI(t, env, args...)
		if code == 0 || !strings.Contains(stderr, "in use by another Alianza process") || !strings.Contains(stderr, pid) {
			t.Errorf("%v while the folder is held: exit %d, stderr %q", args, code, stderr)
		}
		if n := strings.Count(strings.TrimSpace(stderr), "\n"); n != 0 {
			t.Errorf("%v: %d lines on stderr, want one: %q", args, n+1, stderr)
		}
	}
	if _, err := store.LockDir(filepath.Join(dataDir, "db")); !errors.Is(err, store.ErrDataDirInUse) {
		t.Fatalf("LockDir while held: %v", err)
	}
	_ = emb.Close(ctx)
	release, err := store.LockDir(filepath.Join(dataDir, "db"))
	if err != nil {
		t.Fatalf("LockDir after Stop: %v", err)
	}
	release()
}

// kill -9 of the process holding the folder frees it at once: the kernel
// drops the lock with the process, so no stale lock file blocks a start.
func TestDataDirFreedByKill(t *testing.T) {
	bin := buildBinary(t)
	dataDir := t.TempDir()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "ALIANZA_DATA_DIR="+dataDir, "ALIANZA_ADDR="+freeAddr(t), "ALIANZA_LOG_LEVEL=error")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	dbDir := filepath.Join(dataDir, "db")
	// The server writes its process id into the lock file once it holds it.
	want := strconv.Itoa(cmd.Process.Pid)
	deadline := time.Now().Add(60 * time.Second)
	for {
		b, _ := os.ReadFile(filepath.Join(dbDir, "alianza.lock"))
		if strings.TrimSpace(string(b)) == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not take its folder: lock file %q", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := store.LockDir(dbDir); !errors.Is(err, store.ErrDataDirInUse) {
		t.Fatalf("LockDir while the server runs: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	emb, err := store.OpenEmbedded(context.Background(), dbDir, nil)
	if err != nil {
		t.Fatalf("open after kill -9: %v", err)
	}
	_ = emb.Close(context.Background())
}

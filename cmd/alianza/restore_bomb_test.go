package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/backup"
)

// Issue 20 point 8: restore refuses an archive whose manifest claims more
// than the target disk holds with one line on stderr and exit 1, before it
// creates or writes anything (the free space of the real disk: 1 PiB fits
// on none).
func TestRestoreRefusesArchiveLargerThanTheDisk(t *testing.T) {
	archive := filepath.Join(t.TempDir(), "bomb.tar.gz")
	f, err := os.Create(archive)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	mj, _ := json.Marshal(backup.Manifest{Format: 1, Engine: "alianza-lite", Database: "alianza", DBFile: "db/alianza.db", DBSize: 1 << 50})
	_ = tw.WriteHeader(&tar.Header{Name: "manifest.json", Mode: 0o600, Size: int64(len(mj))})
	_, _ = tw.Write(mj)
	_ = tw.WriteHeader(&tar.Header{Name: "db/alianza.sqlite", Mode: 0o600, Size: 1 << 20})
	_, _ = tw.Write(make([]byte, 1<<20))
	if err := errors.Join(tw.Close(), zw.Close(), f.Close()); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "restored")
	code, out, errs := runCLI(t, map[string]string{"ALIANZA_DATA_DIR": target}, "restore", archive)
	if code != 1 || out != "" || !strings.Contains(errs, "no space left on the disk") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Fatalf("restore of a bomb: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the refused restore created %s: %v", target, err)
	}
}

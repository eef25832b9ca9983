package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// craftedEntry is one entry of a crafted archive: size zero bytes under
// name, the header claiming header bytes (size when 0).
type craftedEntry struct {
	name         string
	size, header int64
}

// craftArchive writes an archive with manifest m first, then entries of
// zeros: what a decompression bomb looks like (MBs that expand to GBs).
func craftArchive(t *testing.T, m Manifest, entries ...craftedEntry) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "crafted.tar.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	mj, _ := json.Marshal(m)
	if err := tw.WriteHeader(&tar.Header{Name: manifestName, Mode: 0o600, Size: int64(len(mj))}); err != nil {
		t.Fatal(err)
	}
	_, _ = tw.Write(mj)
	for _, e := range entries {
		if e.header == 0 {
			e.header = e.size
		}
		if err := tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o600, Size: e.header}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(tw, io.LimitReader(zeros{}, e.size)); err != nil && e.size == e.header {
			t.Fatal(err)
		}
	}
	_ = tw.Flush() // a short entry leaves the tar unfinished: a damaged archive
	if err := errors.Join(zw.Close(), f.Close()); err != nil {
		t.Fatal(err)
	}
	return path
}

// Issue 20 point 8: a 2.7 MB archive expanded to 601 MB on disk before
// restore refused it. Restore now refuses, before writing anything, an
// archive whose manifest does not fit in the free space (with a margin), an
// entry whose header disagrees with the manifest, and a database given
// twice; an existing database is untouched and nothing is left behind.
func TestRestoreRefusesDecompressionBombs(t *testing.T) {
	ctx := context.Background()
	const mb = 1 << 20
	// The checksum of size zeros: an entry that matches its manifest.
	manifest := func(size int64) Manifest {
		h := sha256.New()
		_, _ = io.Copy(h, io.LimitReader(zeros{}, min(size, mb)))
		return Manifest{Format: formatVersion, Engine: engineSQLite, Database: testDB, DBFile: "db/" + testDB + ".sqlite", DBSize: size, DBSHA256: hex.EncodeToString(h.Sum(nil))}
	}
	small := func(dir string) (uint64, bool, error) { return 40 * mb, true, nil }
	tests := []struct {
		name    string
		archive func(t *testing.T) string
		free    func(string) (uint64, bool, error)
		want    string
	}{
		{name: "the manifest claims more than the free space", free: small, want: "no space left on the disk",
			archive: func(t *testing.T) string {
				return craftArchive(t, manifest(601*mb), craftedEntry{name: "db/" + testDB + ".sqlite", size: 64 * mb})
			}},
		{name: "the database fits but not with the margin", free: small, want: "must be free",
			archive: func(t *testing.T) string {
				return craftArchive(t, manifest(30*mb), craftedEntry{name: "db/" + testDB + ".sqlite", size: 30 * mb})
			}},
		{name: "the manifest lies small, the entry is large", free: diskFree, want: "its manifest says 4096",
			archive: func(t *testing.T) string {
				return craftArchive(t, manifest(4096), craftedEntry{name: "db/" + testDB + ".sqlite", size: 64 * mb})
			}},
		{name: "the database twice", free: diskFree, want: "database twice",
			archive: func(t *testing.T) string {
				e := craftedEntry{name: "db/" + testDB + ".sqlite", size: 4096}
				return craftArchive(t, manifest(4096), e, e, e)
			}},
		{name: "an oversized secret", free: diskFree, want: "JWT secret",
			archive: func(t *testing.T) string {
				return craftArchive(t, manifest(4096), craftedEntry{name: secretName, size: 8 * mb})
			}},
		{name: "a manifest without a database", free: diskFree, want: "names no database",
			archive: func(t *testing.T) string { return craftArchive(t, manifest(0)) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			archive := tc.archive(t)
			saved := freeSpace
			t.Cleanup(func() { freeSpace = saved })
			freeSpace = tc.free

			// Into a new folder: refused, and the folder is not even created.
			fresh := filepath.Join(t.TempDir(), "restored")
			_, err := Restore(ctx, archive, fresh, testDB, false, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("restore: %v, want one line with %q", err, tc.want)
			}
			if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("the refused restore left %s: %v", fresh, err)
			}
			// Over an existing database (--force): it stays as it was.
			existing := t.TempDir()
			db := DBFile(existing, testDB)
			if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{db, db + "-wal"} {
				if err := os.WriteFile(p, []byte("kept"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := Restore(ctx, archive, existing, testDB, true, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("forced restore of a crafted archive: %v", err)
			}
			for _, p := range []string{db, db + "-wal"} {
				if b, err := os.ReadFile(p); err != nil || string(b) != "kept" {
					t.Fatalf("%s after a refused restore: %q %v", p, b, err)
				}
			}
			if entries, _ := os.ReadDir(filepath.Dir(db)); len(entries) != 2 {
				t.Fatalf("the refused restore left files beside the database: %v", entries)
			}
			// Verify unpacks into the temporary folder: the same refusal.
			if _, err := Verify(ctx, archive, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("verify: %v", err)
			}
		})
	}
}

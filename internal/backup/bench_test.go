package backup

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/workflow"
)

// BenchmarkReferenceBackup backs up, verifies and restores the reference
// dataset at scale 1 (2,000 stakeholders, 10,000 meetings, 3,000
// commitments, 5,000 tasks) on the embedded engine; each must take under a
// minute. Run with scripts/bench-backup.
func BenchmarkReferenceBackup(b *testing.B) {
	ctx := context.Background()
	src := startEngine(b, b.TempDir())
	if _, err := demo.LoadReference(ctx, workflow.New(src.s), 1, time.Now()); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	archive := filepath.Join(dir, "ref.tar.gz")
	b.Run("backup", func(b *testing.B) {
		for b.Loop() {
			res, err := Create(ctx, backupOpts(src.dir, archive))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(res.Size)/(1<<20), "MB-archive")
			b.ReportMetric(float64(res.Manifest.Documents()), "documents")
		}
		if st, err := os.Stat(DBFile(src.dir, testDB)); err == nil {
			b.ReportMetric(float64(st.Size())/(1<<20), "MB-database")
		}
	})
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			if _, err := Verify(ctx, archive, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("restore", func(b *testing.B) {
		for b.Loop() {
			if _, err := Restore(ctx, archive, filepath.Join(b.TempDir(), "data"), testDB, false, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReferenceCopy copies the reference dataset at scale 1 from one
// embedded engine to a fresh second one.
func BenchmarkReferenceCopy(b *testing.B) {
	ctx := context.Background()
	src := startEngine(b, b.TempDir())
	if _, err := demo.LoadReference(ctx, workflow.New(src.s), 1, time.Now()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		dst := startTarget(b)
		b.StartTimer()
		res, err := Copy(ctx, CopyOptions{From: src.s, To: dst.db, Source: "bench", Indexes: dst.s.EnsureIndexes})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		var n int64
		for _, r := range res {
			n += r.Count
		}
		b.ReportMetric(float64(n), "documents")
		b.StartTimer()
	}
}

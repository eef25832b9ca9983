package store

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/store/lite"
)

// BenchmarkRespec times the first open of a loaded data folder after the
// messages spec changed: "indexes" drops a member index and adds a field
// index (what a release adding or dropping an index does), "fields" adds
// an indexed field (a rebuild of every message). ALIANZA_RESPEC_DB names
// the folder's database file (<data>/db/alianza.db of a stopped
// `alianza demo load --scale 1`), copied afresh for each open. It reports
// the process's CPU time per open (cpu-ms/op).
func BenchmarkRespec(b *testing.B) {
	src := os.Getenv("ALIANZA_RESPEC_DB")
	if src == "" {
		b.Skip("set ALIANZA_RESPEC_DB to a loaded database file")
	}
	for _, change := range []string{"indexes", "fields"} {
		b.Run(change, func(b *testing.B) {
			specs := collectionSpecs()
			i := slices.IndexFunc(specs, func(s lite.Spec) bool { return s.Name == colMessages })
			m := specs[i]
			switch change {
			case "indexes":
				m.Indexes = slices.DeleteFunc(slices.Clone(m.Indexes), func(ix lite.Index) bool { return ix.Name == "regions_awaiting" })
				m.Indexes = append(m.Indexes, lite.Index{Name: "replied_date", Keys: []lite.Key{{Path: "replied"}, {Path: "date", Desc: true}}})
			case "fields":
				m.Fields = append(slices.Clone(m.Fields), "size")
			}
			specs[i] = m
			path := filepath.Join(b.TempDir(), "alianza.db")
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				copyDB(b, src, path)
				start := cpuTime()
				b.StartTimer()
				db, err := lite.Open(context.Background(), path, specs)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				cpu += cpuTime() - start
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func copyDB(b *testing.B, from, to string) {
	b.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(to + suffix)
	}
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
}

package demo_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/workflow"
)

// BenchmarkLoadReference loads the reference dataset into a fresh database
// per iteration, at ALIANZA_BENCH_SCALE (default 0.1); `scripts/bench load`
// times the whole command at scale 1 instead.
func BenchmarkLoadReference(b *testing.B) {
	scale := 0.1
	if v := os.Getenv("ALIANZA_BENCH_SCALE"); v != "" {
		var err error
		if scale, err = strconv.ParseFloat(v, 64); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		b.StopTimer()
		s := storetest.Open(b)
		b.StartTimer()
		if _, err := demo.LoadReference(context.Background(), workflow.New(s), scale, s.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

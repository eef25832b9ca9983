package demo_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/workflow"
)

// BenchmarkLoadReference loads the reference dataset into a fresh database
// per iteration, at ALIANZA_BENCH_SCALE (default 0.1); `scripts/bench load`
// times the whole command at scale 1 instead. Not storetest.Open: its plan
// check would read the plans of the load's tiny tables (users,
// initiatives) with the statistics the load's index builds make visible,
// where a scan is the planner's right choice; the load is what this
// measures.
func BenchmarkLoadReference(b *testing.B) {
	scale := 0.1
	if v := os.Getenv("ALIANZA_BENCH_SCALE"); v != "" {
		var err error
		if scale, err = strconv.ParseFloat(v, 64); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		s, err := storetest.OpenNamed(ctx, fmt.Sprintf("bench_load_%d_%d", os.Getpid(), i))
		if err == nil {
			err = s.EnsureIndexes(ctx)
		}
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := demo.LoadReference(ctx, workflow.New(s), scale, s.Now()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.Drop(ctx); err != nil {
			b.Fatal(err)
		}
		_ = s.Close(ctx)
		b.StartTimer()
	}
}

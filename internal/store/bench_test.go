package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
)

// The store benchmarks compare each dashboard read from the counter
// documents with the same report scanning the collections, on the reference
// dataset at scale 1, loaded once per test binary by the first benchmark
// (so `go test` without -bench never loads it).
var benchStore struct {
	once sync.Once
	s    *store.Store
	err  error
}

func referenceStore(b *testing.B) *store.Store {
	b.Helper()
	benchStore.once.Do(func() {
		ctx := context.Background()
		// Not storetest.Open: its cleanup would drop the data after the first benchmark.
		s, err := storetest.OpenNamed(ctx, "bench_store_reference")
		if err == nil {
			err = s.EnsureIndexes(ctx)
		}
		if err == nil {
			if _, err = demo.LoadReference(ctx, s, 1, s.Now()); errors.Is(err, demo.ErrReferenceLoaded) {
				err = nil
			}
		}
		if err == nil {
			err = s.RebuildReportCounters(ctx)
		}
		benchStore.s, benchStore.err = s, err
	})
	if benchStore.err != nil {
		b.Fatal(benchStore.err)
	}
	return benchStore.s
}

func BenchmarkDashboards(b *testing.B) {
	ctx := context.Background()
	all := model.Scope{All: true}
	lima := model.Scope{Regions: []string{"15"}}
	type report func(*store.Store, model.Scope, store.Period) error
	wrap := func(f func(*store.Store, context.Context, model.Scope, store.Period) error) report {
		return func(s *store.Store, sc model.Scope, p store.Period) error { return f(s, ctx, sc, p) }
	}
	reports := []struct {
		name           string
		counters, scan report
	}{
		{"commitments-by-region",
			wrap(func(s *store.Store, c context.Context, sc model.Scope, p store.Period) error {
				_, e := s.CommitmentsByRegion(c, sc, p)
				return e
			}),
			wrap(func(s *store.Store, c context.Context, sc model.Scope, p store.Period) error {
				_, e := s.CommitmentsByRegionScan(c, sc, p)
				return e
			})},
		{"overdue",
			wrap(func(s *store.Store, c context.Context, sc model.Scope, p store.Period) error {
				_, e := s.OverdueByOwner(c, sc, p)
				return e
			}),
			wrap(func(s *store.Store, c context.Context, sc model.Scope, p store.Period) error {
				_, e := s.OverdueByOwnerScan(c, sc, p)
				return e
			})},
		{"meetings-per-month",
			wrap(func(s *store.Store, c context.Context, sc model.Scope, p store.Period) error {
				_, e := s.MeetingsPerMonth(c, sc, p)
				return e
			}),
			wrap(func(s *store.Store, c context.Context, sc model.Scope, p store.Period) error {
				_, e := s.MeetingsPerMonthScan(c, sc, p)
				return e
			})},
		{"legislators-with-commitments",
			wrap(func(s *store.Store, c context.Context, sc model.Scope, p store.Period) error {
				_, e := s.LegislatorsWithCommitments(c, sc, p)
				return e
			}),
			wrap(func(s *store.Store, c context.Context, sc model.Scope, p store.Period) error {
				_, e := s.LegislatorsWithCommitmentsScan(c, sc, p)
				return e
			})},
		{"active-committees",
			wrap(func(s *store.Store, c context.Context, sc model.Scope, p store.Period) error {
				_, e := s.ActiveCommittees(c, sc, p)
				return e
			}),
			wrap(func(s *store.Store, c context.Context, sc model.Scope, p store.Period) error {
				_, e := s.ActiveCommitteesScan(c, sc, p)
				return e
			})},
	}
	for _, r := range reports {
		for _, v := range []struct {
			name string
			f    report
		}{{"counters", r.counters}, {"scan", r.scan}} {
			for _, sc := range []struct {
				name  string
				scope model.Scope
			}{{"all", all}, {"lima", lima}} {
				b.Run(r.name+"/"+v.name+"/"+sc.name, func(b *testing.B) {
					s := referenceStore(b)
					p := store.DefaultPeriod(s.Now())
					b.ResetTimer()
					for b.Loop() {
						if err := v.f(s, sc.scope, p); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

func BenchmarkRebuildReportCounters(b *testing.B) {
	s := referenceStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if err := s.RebuildReportCounters(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

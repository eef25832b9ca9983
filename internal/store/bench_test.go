package store_test

import (
	"context"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
)

// The store benchmarks compare each dashboard read from the counter
// documents with the same report scanning the collections, on the reference
// dataset at scale 1, loaded once per test binary by the first benchmark
// (so `go test` without -bench never loads it; see referenceAt).
func referenceStore(b *testing.B) *store.Store { return referenceAt(b, 1) }

// benchReport runs one dashboard query; the benchmark times it, not its result.
type benchReport func(*store.Store, model.Scope, store.Period) error

// timed is a dashboard query, given as a method expression, as a benchReport.
func timed[R any](ctx context.Context, query func(*store.Store, context.Context, model.Scope, store.Period) (R, error)) benchReport {
	return func(s *store.Store, sc model.Scope, p store.Period) error {
		_, err := query(s, ctx, sc, p)
		return err
	}
}

func BenchmarkDashboards(b *testing.B) {
	ctx := context.Background()
	all := model.Scope{All: true}
	lima := model.Scope{Regions: []string{"15"}}
	reports := []struct {
		name           string
		counters, scan benchReport
	}{
		{"commitments-by-region", timed(ctx, (*store.Store).CommitmentsByRegion), timed(ctx, (*store.Store).CommitmentsByRegionScan)},
		{"overdue", timed(ctx, (*store.Store).OverdueByOwner), timed(ctx, (*store.Store).OverdueByOwnerScan)},
		{"meetings-per-month", timed(ctx, (*store.Store).MeetingsPerMonth), timed(ctx, (*store.Store).MeetingsPerMonthScan)},
		{"active-committees", timed(ctx, (*store.Store).ActiveCommittees), timed(ctx, (*store.Store).ActiveCommitteesScan)},
	}
	for _, r := range reports {
		for _, v := range []struct {
			name string
			f    benchReport
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

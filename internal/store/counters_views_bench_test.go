package store_test

import (
	"context"
	"testing"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// BenchmarkCountCommitmentStatus is what the counters cost a commitment's
// status change: the write hook alone, on counters built for a year of
// commitments (the month views are kept by SQLite triggers inside the
// same write).
func BenchmarkCountCommitmentStatus(b *testing.B) {
	s := fixture.OpenAt(b, &reportNow)
	ctx := context.Background()
	var cs []model.Commitment
	for i := range 1000 {
		day := reportNow.AddDate(0, 0, -i%365)
		cs = append(cs, model.Commitment{ID: bson.NewObjectID(), Region: []string{"15", "08", "16"}[i%3], Status: model.StatusPending,
			MadeOn: model.Today(day), DueOn: model.Today(day.AddDate(0, 0, 30)), OwnerID: bson.NewObjectID(),
			StakeholderKind: model.KindLegislator, StakeholderID: bson.NewObjectID()})
	}
	if err := s.InsertCommitments(ctx, cs); err != nil {
		b.Fatal(err)
	}
	if err := s.RebuildReportCounters(ctx); err != nil {
		b.Fatal(err)
	}
	c := cs[0]
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		next := c
		next.Status = []string{model.StatusInProgress, model.StatusPending}[i%2]
		s.CountCommitment(ctx, &c, &next)
		c = next
	}
}

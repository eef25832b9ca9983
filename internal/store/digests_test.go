package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
)

// TestDigestRunsKeepTheLast50: the trim read up to 1000 passes on every
// save; it now deletes what is older than the 50th newest. The newest 50
// stay, in order.
func TestDigestRunsKeepTheLast50(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range 55 {
		if err := s.SaveDigestRun(ctx, store.DigestRun{Holder: "h", StartedAt: start.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := s.DigestRuns(ctx, 100)
	if err != nil || len(runs) != 50 {
		t.Fatalf("kept %d runs (%v)", len(runs), err)
	}
	if !runs[0].StartedAt.Equal(start.Add(54*time.Hour)) || !runs[49].StartedAt.Equal(start.Add(5*time.Hour)) {
		t.Fatalf("kept from %v to %v", runs[49].StartedAt, runs[0].StartedAt)
	}
}

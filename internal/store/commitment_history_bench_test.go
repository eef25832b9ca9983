package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
)

// BenchmarkCommitmentStatusHistory measures a status change of a commitment
// that already holds n status entries: the whole document is rewritten and
// the engine's triggers read fields out of it, so the cost grows with its
// history (a commitment changes status a handful of times in practice).
//
//	go test -run '^$' -bench CommitmentStatusHistory -benchtime 20x ./internal/store/
func BenchmarkCommitmentStatusHistory(b *testing.B) {
	for _, n := range []int{1, 50, 400} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			w := fixture.NewWorld(b)
			ctx := context.Background()
			c, err := w.Flows.CreateCommitment(ctx, fixture.AsAdmin(w.Officer, w.All), model.CommitmentInput{StakeholderID: w.Cusco.ID, Text: "Presentar proyecto", Type: "legislative"})
			if err != nil {
				b.Fatal(err)
			}
			statuses := []string{model.StatusInProgress, model.StatusPending}
			change := func(i int) {
				entry := model.NewStatusChange(model.StatusChangeInput{Status: statuses[i%2], Note: "seguimiento"}, w.Officer, w.Store.Now())
				if c, err = w.Store.UpdateCommitmentStatus(ctx, w.Officer, c, entry, nil, false); err != nil {
					b.Fatal(err)
				}
			}
			for i := 1; i < n; i++ {
				change(i)
			}
			i := n
			for b.Loop() {
				change(i)
				i++
			}
		})
	}
}

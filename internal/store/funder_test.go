package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestFunderFulfilled: the funder report's fulfilled commitments, read two
// at a time, are the demo's commitments in scope made in the period and
// fulfilled wholly or in part, each once, newest made first, each with the
// evidence of the status change that set its status.
func TestFunderFulfilled(t *testing.T) {
	s, d := loadDemo(t)
	ctx := context.Background()
	p := store.DefaultPeriod(reportNow)
	for _, scope := range []model.Scope{{All: true}, {Regions: []string{"16"}}, {Regions: []string{"15", "08"}}, {Regions: []string{"01"}}} {
		want := map[bson.ObjectID]string{}
		for _, c := range d.Commitments {
			if (c.Status != model.StatusFulfilled && c.Status != model.StatusPartiallyFulfilled) || c.MadeOn < p.From || c.MadeOn > p.To || !scope.Allows(c.Region) {
				continue
			}
			want[c.ID] = ""
			for i := len(c.History) - 1; i >= 0; i-- {
				if c.History[i].Status == c.Status {
					want[c.ID] = c.History[i].Evidence
					break
				}
			}
		}
		if scope.All && len(want) < 3 {
			t.Fatalf("the demo has %d fulfilled commitments in the period, too few to page", len(want))
		}
		got := map[bson.ObjectID]string{}
		last := "9999-12-31"
		pg := store.Page{Limit: 2}
		for {
			items, next, err := s.FunderFulfilled(ctx, scope, p, pg)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) > 2 || (next != "" && len(items) != 2) {
				t.Fatalf("a page of %d, next %q", len(items), next)
			}
			for _, f := range items {
				if _, twice := got[f.ID]; twice {
					t.Errorf("%v: %s listed twice", scope, f.ID.Hex())
				}
				if f.MadeOn > last {
					t.Errorf("%v: %s made %s after %s", scope, f.ID.Hex(), f.MadeOn, last)
				}
				got[f.ID], last = f.Evidence, f.MadeOn
			}
			if next == "" {
				break
			}
			pg.Cursor = next
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%v:\n got %v\nwant %v", scope, got, want)
		}
	}
}

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

// TestFunderCounts: the funder report's counts, read from the counters at
// once, are what the dashboards count one by one (the trainings), what the
// agreement rule gives on the records (AgreementsScan), and the initiatives
// the rules of model.MovesIn pick from the demo's histories, for every scope.
func TestFunderCounts(t *testing.T) {
	s, d := loadDemo(t)
	ctx := context.Background()
	p := store.DefaultPeriod(reportNow)
	for _, scope := range []model.Scope{{All: true}, {Regions: []string{"15"}}, {Regions: []string{"15", "08"}}, {Regions: []string{"01"}}} {
		got, err := s.FunderCounts(ctx, scope, p)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := s.Trainings(ctx, scope, p)
		if err != nil {
			t.Fatal(err)
		}
		tr.Items = []store.TrainingRow{} // the funder lines show no rows by quarter
		if fmt.Sprint(*got.Trainings) != fmt.Sprint(*tr) {
			t.Errorf("%v: trainings %+v, the dashboard counts %+v", scope, *got.Trainings, *tr)
		}
		scan, err := s.AgreementsScan(ctx, scope, p, model.KindLegislator)
		if err != nil {
			t.Fatal(err)
		}
		a := got.Legislators
		if a.Members != scan.Members || a.Commitments != scan.Commitments || a.Fulfilled != scan.Fulfilled || fmt.Sprint(a.Groups) != fmt.Sprint(scan.Groups) || scan.Members == 0 && scope.All {
			t.Errorf("%v: agreements %d/%d/%d %v, the records give %d/%d/%d %v", scope, a.Members, a.Commitments, a.Fulfilled, a.Groups,
				scan.Members, scan.Commitments, scan.Fulfilled, scan.Groups)
		}
		wantAdvanced, wantApproved := map[bson.ObjectID]string{}, map[bson.ObjectID]string{}
		for i := range d.Initiatives {
			it := &d.Initiatives[i]
			if !scope.Allows(it.Region) {
				continue
			}
			m := model.MovesIn(it, p.From, p.To)
			if m.Advanced {
				wantAdvanced[it.ID] = it.Region + "|" + it.Kind
			}
			if m.Approved {
				wantApproved[it.ID] = it.Region + "|" + it.Kind
			}
		}
		for name, c := range map[string]struct {
			got  []store.InitiativeMove
			want map[bson.ObjectID]string
		}{"advanced": {got.Advanced, wantAdvanced}, "approved": {got.Approved, wantApproved}} {
			have := map[bson.ObjectID]string{}
			for _, m := range c.got {
				if _, twice := have[m.ID]; twice {
					t.Errorf("%v: %s lists %s twice", scope, name, m.ID.Hex())
				}
				have[m.ID] = m.Region + "|" + m.Kind
			}
			if fmt.Sprint(have) != fmt.Sprint(c.want) || len(c.want) == 0 && scope.All {
				t.Errorf("%v: %s %v, the histories give %v", scope, name, have, c.want)
			}
		}
	}
}

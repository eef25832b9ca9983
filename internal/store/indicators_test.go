package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestAgreementFiguresMatchTheRecords: the agreement figures (counted from
// the commitments' stakeholder and status alone) give, for every scope,
// what the records behind them give, and what applying the rule by hand to
// the demo's commitments gives.
func TestAgreementFiguresMatchTheRecords(t *testing.T) {
	s, d := loadDemo(t)
	ctx := context.Background()
	p := store.DefaultPeriod(reportNow)
	group := map[bson.ObjectID]string{}
	for _, st := range d.Stakeholders {
		group[st.ID] = model.AgreementGroup(&st)
	}
	for _, scope := range []model.Scope{{All: true}, {Regions: []string{"16"}}, {Regions: []string{"15", "08"}}, {Regions: []string{"01"}}} {
		both, err := s.IndicatorFigures(ctx, scope, p)
		if err != nil {
			t.Fatal(err)
		}
		figures := both[0]
		for i, kind := range []string{model.KindLegislator, model.KindOversightCommittee} {
			f := figures[i]
			recs, err := s.IndicatorRecords(ctx, f.Code, scope, p)
			if err != nil {
				t.Fatal(err)
			}
			// By hand: members with a commitment in scope and period, not withdrawn.
			members := map[bson.ObjectID]bool{}
			byGroup := map[string]int{}
			for _, c := range d.Commitments {
				if c.StakeholderKind != kind || c.MadeOn < p.From || c.MadeOn > p.To || !scope.Allows(c.Region) || c.Status == model.StatusWithdrawn || members[c.StakeholderID] {
					continue
				}
				members[c.StakeholderID] = true
				byGroup[group[c.StakeholderID]]++
			}
			got := map[string]int{}
			for _, g := range f.Breakdowns[0].Items {
				got[g.Key] = g.Count
			}
			fromRecords := map[string]int{}
			for _, r := range recs.Items {
				fromRecords[r.Region] += r.Count
			}
			if f.Actual != len(members) || recs.Total != len(members) || fmt.Sprint(got) != fmt.Sprint(byGroup) || fmt.Sprint(fromRecords) != fmt.Sprint(byGroup) {
				t.Errorf("%s in %v: figure %d %v, records %d %v, by hand %d %v", f.Code, scope, f.Actual, got, recs.Total, fromRecords, len(members), byGroup)
			}
		}
	}
}

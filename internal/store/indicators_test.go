package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/alianza-pe/alianza/internal/fixture"
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

// TestAgreementGroupsFollowTheStakeholder: the agreement figures count a
// member under the district the registry keeps for them, and the registry
// follows the stakeholder's writes: a new district moves the member, a
// deleted member counts under nivel nacional, and a rebuild from the
// collections gives the same figures.
func TestAgreementGroupsFollowTheStakeholder(t *testing.T) {
	s := fixture.OpenAt(t, &reportNow)
	ctx := context.Background()
	all := model.Scope{All: true}
	p := store.Period{From: "2026-11-01", To: "2026-11-30"}
	if _, err := s.MeetingsPerMonth(ctx, all, p); err != nil { // builds the (empty) counters
		t.Fatal(err)
	}
	leg := &model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindLegislator, Name: "Demo",
		Legislator: &model.Legislator{ElectoralDistrict: "16"}, Regions: []string{"16"}}
	s.CountStakeholder(ctx, leg.ID, leg)
	for _, c := range []*model.Commitment{
		{ID: bson.NewObjectID(), Region: "15", MadeOn: "2026-11-02", Status: model.StatusPending},
		{ID: bson.NewObjectID(), Region: "16", MadeOn: "2026-11-20", Status: model.StatusWithdrawn},
	} {
		c.StakeholderID, c.StakeholderKind = leg.ID, model.KindLegislator
		s.CountCommitment(ctx, nil, c)
		if err := s.InsertCommitments(ctx, []model.Commitment{*c}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string, want string) {
		t.Helper()
		// The whole month (its view) and a cut one (its day keys).
		for _, p := range []store.Period{p, {From: "2026-11-02", To: "2026-11-25"}} {
			both, err := s.IndicatorFigures(ctx, all, p)
			if err != nil {
				t.Fatal(err)
			}
			f := both[0][0]
			if got := fmt.Sprint(f.Actual, f.Breakdowns[0].Items); got != want {
				t.Errorf("%s, %v: congress_agreements %s, want %s", when, p, got, want)
			}
		}
	}
	check("created", "1 [{16 1}]")
	moved := *leg
	moved.Legislator = &model.Legislator{ElectoralDistrict: "08"}
	s.CountStakeholder(ctx, leg.ID, &moved)
	check("moved to Cusco", "1 [{08 1}]")
	if err := s.InsertStakeholders(ctx, []model.Stakeholder{moved}); err != nil {
		t.Fatal(err)
	}
	if err := s.RebuildReportCounters(ctx); err != nil {
		t.Fatal(err)
	}
	check("rebuilt", "1 [{08 1}]")
	s.CountStakeholder(ctx, leg.ID, nil)
	check("deleted", "1 [{NAC 1}]")
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestAgreementFiguresMatchTheRecords: the agreement figures (counted from
// the commitments' stakeholder and status alone) give, for every scope,
// what the records behind them give (read a few at a time), the members the
// rule applied to the records lists (AgreementsScan), in its order and with
// its commitments, and what applying the rule by hand to the demo's
// commitments gives.
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
			recs := allRecords(t, s, f.Code, scope, p)
			// The counts (Agreements, from the counters) and the records
			// (AgreementsScan) agree, member by member.
			counts, err := s.Agreements(ctx, scope, p, kind)
			if err != nil {
				t.Fatal(err)
			}
			scan, err := s.AgreementsScan(ctx, scope, p, kind)
			if err != nil {
				t.Fatal(err)
			}
			if counts.Members != scan.Members || counts.Commitments != scan.Commitments || counts.Fulfilled != scan.Fulfilled || fmt.Sprint(counts.Groups) != fmt.Sprint(scan.Groups) {
				t.Errorf("%s in %v: counters %d/%d/%d %v, records %d/%d/%d %v", kind, scope, counts.Members, counts.Commitments, counts.Fulfilled, counts.Groups,
					scan.Members, scan.Commitments, scan.Fulfilled, scan.Groups)
			}
			if len(scan.List) != len(recs.Items) {
				t.Fatalf("%s in %v: %d records, the scan lists %d", kind, scope, len(recs.Items), len(scan.List))
			}
			for i, m := range scan.List {
				r := recs.Items[i]
				if r.ID != m.ID || r.Name != m.Name || r.Region != m.Group || fmt.Sprint(r.Commitments) != fmt.Sprint(m.Commitments) {
					t.Errorf("%s in %v: record %d is %s %s %s %v, the scan lists %s %s %s %v", kind, scope, i,
						r.ID.Hex(), r.Name, r.Region, r.Commitments, m.ID.Hex(), m.Name, m.Group, m.Commitments)
				}
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

// allRecords reads every page of an indicator's records, three at a time,
// and checks each page's total and next cursor.
func allRecords(t *testing.T, s *store.Store, code string, scope model.Scope, p store.Period) *store.IndicatorRecords {
	t.Helper()
	out := &store.IndicatorRecords{Total: -1, Items: []store.IndicatorRecord{}}
	pg := store.Page{Limit: 3}
	for {
		recs, err := s.IndicatorRecords(context.Background(), code, scope, p, pg)
		if err != nil {
			t.Fatalf("%s in %v: %v", code, scope, err)
		}
		if out.Total >= 0 && recs.Total != out.Total {
			t.Fatalf("%s in %v: total %d, then %d", code, scope, out.Total, recs.Total)
		}
		out.Total = recs.Total
		if len(recs.Items) > pg.Limit || recs.Truncated != (recs.Next != "") || (recs.Next != "" && len(recs.Items) != pg.Limit) {
			t.Fatalf("%s in %v: a page of %d items, next %q, truncated %v", code, scope, len(recs.Items), recs.Next, recs.Truncated)
		}
		out.Items = append(out.Items, recs.Items...)
		if recs.Next == "" {
			return out
		}
		pg.Cursor = recs.Next
	}
}

// TestIndicatorRecordsPages: read a few at a time, the records of every
// figure are those of one large page, in the same order, each once, they
// add up to the figure, and a cursor of one list is refused by another.
func TestIndicatorRecordsPages(t *testing.T) {
	s, _ := loadDemo(t)
	ctx := context.Background()
	p := store.DefaultPeriod(reportNow)
	for _, scope := range []model.Scope{{All: true}, {Regions: []string{"16"}}, {Regions: []string{"15", "08"}}} {
		figures, err := s.IndicatorFigures(ctx, scope, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range figures[0] {
			if scope.All && f.Actual == 0 {
				t.Errorf("%s: 0 in the demo, nothing to compare", f.Code)
			}
			paged := allRecords(t, s, f.Code, scope, p)
			one, err := s.IndicatorRecords(ctx, f.Code, scope, p, store.Page{Limit: store.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			if one.Next != "" {
				t.Fatalf("%s: more than %d records in the demo; the test needs a larger page", f.Code, store.MaxLimit)
			}
			seen, sum := map[bson.ObjectID]bool{}, 0
			for i, r := range paged.Items {
				if seen[r.ID] {
					t.Errorf("%s in %v: %s listed twice", f.Code, scope, r.ID.Hex())
				}
				seen[r.ID] = true
				sum += r.Count
				if i >= len(one.Items) || one.Items[i].ID != r.ID {
					t.Errorf("%s in %v: record %d differs from one page's", f.Code, scope, i)
				}
			}
			if len(paged.Items) != len(one.Items) || paged.Total != f.Actual && f.Code != "people_trained" || sum != f.Actual {
				t.Errorf("%s in %v: %d records (one page: %d), total %d, adding up to %d; the figure is %d",
					f.Code, scope, len(paged.Items), len(one.Items), paged.Total, sum, f.Actual)
			}
		}
	}
	// A cursor of one list on another.
	first, err := s.IndicatorRecords(ctx, "congress_agreements", model.Scope{All: true}, p, store.Page{Limit: 1})
	if err != nil || first.Next == "" {
		t.Fatalf("first page: %+v %v", first, err)
	}
	for _, code := range []string{"meetings_held", "initiatives_advanced", "committee_agreements"} {
		if _, err := s.IndicatorRecords(ctx, code, model.Scope{All: true}, p, store.Page{Cursor: first.Next}); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("%s with a congress_agreements cursor: %v, want ErrBadCursor", code, err)
		}
	}
}

// TestInitiativeCountersFollowTheWrites: the initiative figures count from
// the counters, which follow an initiative's creation, stage changes, a new
// region and its removal, agree with the records behind them at each step,
// and a rebuild from the collection gives the same figures.
func TestInitiativeCountersFollowTheWrites(t *testing.T) {
	s := fixture.OpenAt(t, &reportNow)
	ctx := context.Background()
	all := model.Scope{All: true}
	p := store.Period{From: "2026-11-01", To: "2026-11-30"}
	if _, err := s.MeetingsPerMonth(ctx, all, p); err != nil { // builds the (empty) counters
		t.Fatal(err)
	}
	actor := model.Actor{ID: bson.NewObjectID(), Name: "Demo"}
	it := model.NewInitiative(model.InitiativeInput{Kind: model.KindBill, Title: "Ley contra la trata", Region: "16", Stage: "presented", StageOn: "2026-10-20"},
		actor, reportNow)
	if err := s.InsertInitiative(ctx, actor, it); err != nil {
		t.Fatal(err)
	}
	check := func(when, want string) {
		t.Helper()
		// The whole month (its view) and a cut one (its day keys).
		for _, p := range []store.Period{p, {From: "2026-11-02", To: "2026-11-25"}} {
			both, err := s.IndicatorFigures(ctx, all, p)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, f := range both[0][6:] {
				recs := allRecords(t, s, f.Code, all, p)
				if recs.Total != f.Actual || len(recs.Items) != f.Actual {
					t.Errorf("%s, %v: %s is %d, its records %d (total %d)", when, p, f.Code, f.Actual, len(recs.Items), recs.Total)
				}
				got += fmt.Sprintf("%s %d %v; ", f.Code, f.Actual, f.Breakdowns[0].Items)
			}
			if got != want {
				t.Errorf("%s, %v:\n got %s\nwant %s", when, p, got, want)
			}
		}
	}
	check("presented in October", "initiatives_advanced 0 []; initiatives_approved 0 []; ")
	stage := func(to, on string) {
		t.Helper()
		cur, err := s.UpdateInitiativeStage(ctx, actor, it, model.StageChange{Stage: to, On: on, At: reportNow}, nil)
		if err != nil {
			t.Fatal(err)
		}
		it = cur
	}
	stage("in_committee", "2026-11-10")
	check("in committee", "initiatives_advanced 1 [{16 1}]; initiatives_approved 0 []; ")
	stage("approved", "2026-11-20")
	check("approved", "initiatives_advanced 1 [{16 1}]; initiatives_approved 1 [{16 1}]; ")
	// The records come from the counters' day keys, the whole month's too
	// (its view has no day), with the page's title and the counted stage.
	for _, code := range []string{"initiatives_advanced", "initiatives_approved"} {
		recs := allRecords(t, s, code, all, p)
		if len(recs.Items) != 1 {
			t.Fatalf("%s: %+v", code, recs.Items)
		}
		r := recs.Items[0]
		if r.ID != it.ID || r.Date != "2026-11-20" || r.Status != model.StageApproved || r.Name != "Ley contra la trata" || r.Region != "16" || r.Kind != model.KindBill {
			t.Errorf("%s: record %+v", code, r)
		}
	}
	moved := *it
	moved.Region = "08"
	cur, err := s.ReplaceInitiative(ctx, actor, it, &moved)
	if err != nil {
		t.Fatal(err)
	}
	it = cur
	check("moved to Cusco", "initiatives_advanced 1 [{08 1}]; initiatives_approved 1 [{08 1}]; ")
	if err := s.RebuildReportCounters(ctx); err != nil {
		t.Fatal(err)
	}
	check("rebuilt", "initiatives_advanced 1 [{08 1}]; initiatives_approved 1 [{08 1}]; ")
	if err := s.RemoveInitiative(ctx, actor, it); err != nil {
		t.Fatal(err)
	}
	check("removed", "initiatives_advanced 0 []; initiatives_approved 0 []; ")
}

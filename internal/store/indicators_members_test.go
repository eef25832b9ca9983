package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestAgreementRecordsByName: the members behind congress_agreements come
// by name then id, each once, with their district and counted commitments,
// whichever way a page is found: many of the legislators counted (walked in
// name order), few (read by id), the counted ones all at the end of the
// alphabet (the walk gives up), and one counted legislator whose kind has
// changed since (its commitments keep the old one). Names repeat and are
// prefixes of others; the committees and the out-of-period, withdrawn and
// out-of-scope commitments count for nothing.
func TestAgreementRecordsByName(t *testing.T) {
	p := store.Period{From: "2026-01-01", To: "2026-11-27"}
	type scenario struct {
		name              string
		legislators       int
		counted           func(i int) bool
		nameOf            func(i int) string
		strayKind, noName bool
	}
	names := []string{"Ana", "Ana", "Ana B", "Ana0", "Beto", "Ñuño", "Zoila", "ana", "Ana B", "Carla Ruiz"}
	cycle := func(i int) string { return names[i%len(names)] + strings.Repeat(" x", i/len(names)) }
	scenarios := []scenario{
		{name: "most counted", legislators: 60, counted: func(i int) bool { return i%4 != 0 }, nameOf: cycle},
		{name: "few counted", legislators: 60, counted: func(i int) bool { return i%20 == 3 }, nameOf: cycle},
		{name: "counted at the end", legislators: 150, counted: func(i int) bool { return i >= 110 },
			nameOf: func(i int) string {
				if i >= 110 {
					return fmt.Sprintf("Zz %03d", i)
				}
				return fmt.Sprintf("Aa %03d", i)
			}},
		{name: "a changed kind", legislators: 60, counted: func(i int) bool { return i%4 != 0 }, nameOf: cycle, strayKind: true},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			s := fixture.OpenAt(t, &reportNow)
			ctx := context.Background()
			var sts []model.Stakeholder
			var cs []model.Commitment
			commit := func(st model.Stakeholder, kind, region, madeOn, status string) {
				cs = append(cs, model.Commitment{ID: bson.NewObjectID(), StakeholderID: st.ID, StakeholderName: st.Name, StakeholderKind: kind,
					Region: region, MadeOn: madeOn, DueOn: madeOn, Status: status, Text: "c"})
			}
			for i := range sc.legislators {
				district := []string{"15", "08", "16", "zz"}[i%4] // "zz": not a region, so nivel nacional
				st := model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindLegislator, Name: sc.nameOf(i), Regions: []string{"15"},
					Legislator: &model.Legislator{ElectoralDistrict: district}}
				if sc.strayKind && i == 7 {
					st.Kind, st.Legislator = model.KindPerson, nil // its commitments were made as a legislator's
				}
				sts = append(sts, st)
				commit(st, model.KindLegislator, "15", "2025-12-31", model.StatusPending) // before the period
				if sc.counted(i) {
					commit(st, model.KindLegislator, []string{"15", "08"}[i%2], fmt.Sprintf("2026-%02d-10", 1+i%11), model.StatusPending)
					commit(st, model.KindLegislator, "15", "2026-03-03", model.StatusFulfilled)
				} else {
					commit(st, model.KindLegislator, "15", "2026-03-03", model.StatusWithdrawn)
				}
			}
			committee := model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindOversightCommittee, Name: "Ana", Regions: []string{"15"},
				Committee: &model.Committee{Region: "15"}}
			sts = append(sts, committee)
			commit(committee, model.KindOversightCommittee, "15", "2026-03-03", model.StatusPending)
			if err := s.InsertStakeholders(ctx, sts); err != nil {
				t.Fatal(err)
			}
			if err := s.InsertCommitments(ctx, cs); err != nil {
				t.Fatal(err)
			}
			if err := s.RebuildReportCounters(ctx); err != nil {
				t.Fatal(err)
			}
			for _, scope := range []model.Scope{{All: true}, {Regions: []string{"08"}}, {Regions: []string{"16"}}} {
				// By hand: the members in name then id order, each with the
				// commitments the rule counts, oldest first.
				byID := map[bson.ObjectID]model.Stakeholder{}
				for _, st := range sts {
					byID[st.ID] = st
				}
				theirs := map[bson.ObjectID][]string{}
				for _, c := range cs {
					if c.StakeholderKind == model.KindLegislator && c.MadeOn >= p.From && c.MadeOn <= p.To && scope.Allows(c.Region) && c.Status != model.StatusWithdrawn {
						theirs[c.StakeholderID] = append(theirs[c.StakeholderID], c.MadeOn+" "+c.ID.Hex())
					}
				}
				var want []string
				for id, list := range theirs {
					slices.Sort(list)
					st := byID[id]
					want = append(want, fmt.Sprintf("%s\x00%s %s %v", st.Name, id.Hex(), model.AgreementGroup(&st), list))
				}
				slices.Sort(want)
				for _, limit := range []int{1, 3, 7, 50} {
					var got []string
					pg := store.Page{Limit: limit}
					for {
						recs, err := s.IndicatorRecords(ctx, "congress_agreements", scope, p, pg)
						if err != nil {
							t.Fatalf("%v, limit %d: %v", scope, limit, err)
						}
						if recs.Total != len(want) || len(recs.Items) > limit || (recs.Next != "") != recs.Truncated || (recs.Next != "" && len(recs.Items) != limit) {
							t.Fatalf("%v, limit %d: total %d of %d, a page of %d, next %q", scope, limit, recs.Total, len(want), len(recs.Items), recs.Next)
						}
						for _, r := range recs.Items {
							var list []string
							for _, c := range r.Commitments {
								list = append(list, c.MadeOn+" "+c.ID.Hex())
							}
							got = append(got, fmt.Sprintf("%s\x00%s %s %v", r.Name, r.ID.Hex(), r.Region, list))
						}
						if recs.Next == "" {
							break
						}
						pg.Cursor = recs.Next
					}
					if strings.Join(got, "\n") != strings.Join(want, "\n") {
						t.Errorf("%v, limit %d: records\n%s\nwant\n%s", scope, limit, strings.Join(got, "\n"), strings.Join(want, "\n"))
					}
				}
			}
		})
	}
}

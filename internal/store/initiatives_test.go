package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The initiative lists: every filter, in scope, page after page, with each
// query index-backed on both stores (storetest's plan and index checks).
func TestListInitiatives(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	kinds := []string{model.KindBill, model.KindRegionalActionPlan, model.KindRegionalOrdinance}
	regions := []string{"08", "16", "NAC"}
	var list []model.Initiative
	for i := range 30 {
		k, _ := model.KindOf(kinds[i%3])
		it := model.NewInitiative(model.InitiativeInput{Kind: k.Code, Title: fmt.Sprintf("Iniciativa %d contra la trata", i), Number: fmt.Sprintf("PL %d/2026-CR", 9000+i),
			Region: regions[i%3], Stage: k.Stages[i%2].Code, StageOn: fmt.Sprintf("2026-02-%02d", 1+i%28)}, w.Officer, now)
		if i%5 == 0 {
			it.Stakeholders = []model.InitiativeStakeholder{{StakeholderID: w.NAC.ID, Name: w.NAC.Name, Role: "supporter"}}
			it.Normalize()
		}
		if err := it.Validate(); err != nil {
			t.Fatal(err)
		}
		list = append(list, *it)
	}
	if err := w.Store.InsertInitiatives(ctx, list); err != nil {
		t.Fatal(err)
	}
	count := func(scope model.Scope, f store.InitiativeFilter) int {
		t.Helper()
		n, cursor := 0, ""
		for {
			items, next, err := w.Store.ListInitiatives(ctx, scope, f, store.Page{Limit: 4, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if !scope.Allows(it.Region) {
					t.Fatalf("%v sees %s", scope, it.Region)
				}
				// A listed initiative is the stored one without its history,
				// search words and StakeholderIDs, which the list leaves out
				// (its Stakeholders hold the ids).
				full, err := w.Store.InitiativeByID(ctx, w.All, it.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(full.History) == 0 || full.Search == "" || it.History != nil || it.Search != "" || it.StakeholderIDs != nil {
					t.Fatalf("history %d / %d, search %q / %q, stakeholder ids %v", len(full.History), len(it.History), full.Search, it.Search, it.StakeholderIDs)
				}
				full.History, full.Search, full.StakeholderIDs = nil, "", nil
				if !reflect.DeepEqual(it, *full) {
					t.Fatalf("listed %+v, stored %+v", it, *full)
				}
			}
			n += len(items)
			if next == "" {
				return n
			}
			cursor = next
		}
	}
	for _, tc := range []struct {
		name  string
		scope model.Scope
		f     store.InitiativeFilter
		want  int
	}{
		{"all", w.All, store.InitiativeFilter{}, 30},
		{"cusco", w.CuscoOnly, store.InitiativeFilter{}, 10},
		{"region out of scope", w.CuscoOnly, store.InitiativeFilter{Region: "16"}, 0},
		{"kind", w.All, store.InitiativeFilter{Kind: model.KindBill}, 10},
		{"kind and stage", w.All, store.InitiativeFilter{Kind: model.KindBill, Stage: "presented"}, 5},
		{"stage in scope", w.Loreto16, store.InitiativeFilter{Stage: "drafting"}, 5},
		{"moved since", w.All, store.InitiativeFilter{MovedSince: "2026-02-25"}, 4},
		{"moved since in a region", w.CuscoOnly, store.InitiativeFilter{MovedSince: "2026-02-20"}, 3},
		{"number", w.All, store.InitiativeFilter{Q: "9007"}, 1},
		{"title words", w.CuscoOnly, store.InitiativeFilter{Q: "contra trata"}, 10},
		{"stakeholder", w.All, store.InitiativeFilter{StakeholderID: w.NAC.ID}, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := count(tc.scope, tc.f); got != tc.want {
				t.Fatalf("got %d, want %d", got, tc.want)
			}
		})
	}
	linked, err := w.Store.StakeholderInitiatives(ctx, w.Loreto16, w.NAC.ID)
	if err != nil || len(linked) != 2 {
		t.Fatalf("stakeholder initiatives: %d %v", len(linked), err)
	}
	byID, err := w.Store.InitiativesByIDs(ctx, w.CuscoOnly, []bson.ObjectID{list[0].ID, list[1].ID})
	if err != nil || len(byID) != 1 {
		t.Fatalf("by ids: %v %v", byID, err)
	}
}

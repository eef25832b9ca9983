package model

import (
	"testing"
	"time"
)

func TestMovesIn(t *testing.T) {
	h := func(stages ...string) []StageChange {
		out := make([]StageChange, len(stages)/2)
		for i := range out {
			out[i] = StageChange{Stage: stages[2*i], On: stages[2*i+1]}
		}
		return out
	}
	for _, tc := range []struct {
		name               string
		kind               string
		history            []StageChange
		advanced, approved bool
	}{
		{"created in the period is no advance", KindBill, h("presented", "2026-02-01"), false, false},
		{"forward in the period", KindBill, h("presented", "2025-12-01", "in_committee", "2026-02-01"), true, false},
		{"forward before the period", KindBill, h("presented", "2025-11-01", "in_committee", "2025-12-01"), false, false},
		{"archived is no advance", KindBill, h("presented", "2025-12-01", "archived", "2026-02-01"), false, false},
		{"back is no advance", KindBill, h("presented", "2025-12-01", "plenary", "2025-12-20", "in_committee", "2026-02-01"), false, false},
		{"plan approved", KindRegionalActionPlan, h("drafting", "2025-12-01", "approved", "2026-02-10"), true, true},
		{"created approved", KindRegionalActionPlan, h("approved", "2026-02-10"), false, true},
		{"after the period", KindRegionalActionPlan, h("drafting", "2025-12-01", "approved", "2026-04-01"), false, false},
		{"unknown kind", "law", h("a", "2025-12-01", "b", "2026-02-01"), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := MovesIn(&Initiative{Kind: tc.kind, History: tc.history}, "2026-01-01", "2026-03-31")
			if m.Advanced != tc.advanced || m.Approved != tc.approved {
				t.Fatalf("got %+v, want advanced %v approved %v", m, tc.advanced, tc.approved)
			}
		})
	}
}

func TestInitiativeValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    InitiativeInput
		field string
	}{
		{"ordinance stage of a bill", InitiativeInput{Kind: KindRegionalOrdinance, Title: "x", Region: "08", Stage: "plenary"}, "stage"},
		{"plan stage of an ordinance", InitiativeInput{Kind: KindRegionalActionPlan, Title: "x", Region: "08", Stage: "published"}, "stage"},
		{"script link", InitiativeInput{Kind: KindBill, Title: "x", Region: "08", Stage: "presented", URL: "javascript:alert(1)"}, "url"},
		{"unknown region", InitiativeInput{Kind: KindBill, Title: "x", Region: "99", Stage: "presented"}, "region"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := NewInitiative(tc.in, Actor{}, time.Now()).Validate()
			ps, _ := ProblemsOf(err)
			for _, p := range ps {
				if p.Field == tc.field {
					return
				}
			}
			t.Fatalf("got %v, want a problem with %s", err, tc.field)
		})
	}
}

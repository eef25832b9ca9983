package workflow_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestCreateTaskRegionAndLinks(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	c, err := w.Flows.CreateCommitment(ctx, fixture.AsAdmin(w.Officer, w.All), model.CommitmentInput{StakeholderID: w.Loreto.ID, Text: "x", Type: "other"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		scope  model.Scope
		in     model.TaskInput
		region string
		field  string
	}{
		{"from commitment", w.All, model.TaskInput{Title: "Llamar", Links: model.TaskLinks{CommitmentID: c.ID}}, "16", ""},
		{"from stakeholder", w.All, model.TaskInput{Title: "Llamar", Links: model.TaskLinks{StakeholderID: w.Cusco.ID}}, "08", ""},
		{"given", w.All, model.TaskInput{Title: "Llamar", Region: "15"}, "15", ""},
		{"no region", w.All, model.TaskInput{Title: "Llamar"}, "", "region"},
		{"commitment out of scope", w.CuscoOnly, model.TaskInput{Title: "Llamar", Links: model.TaskLinks{CommitmentID: c.ID}}, "", "links.commitment_id"},
		{"unknown meeting", w.All, model.TaskInput{Title: "Llamar", Links: model.TaskLinks{MeetingID: bson.NewObjectID()}}, "", "links.meeting_id"},
		{"region out of scope", w.CuscoOnly, model.TaskInput{Title: "Llamar", Region: "16"}, "", "region"},
		{"bad due", w.All, model.TaskInput{Title: "Llamar", Region: "08", DueOn: "mañana"}, "", "due_on"},
		{"unknown assignee", w.All, model.TaskInput{Title: "Llamar", Region: "08", AssigneeID: bson.NewObjectID()}, "", "assignee_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := w.Flows.CreateTask(ctx, fixture.AsAdmin(w.Officer, tc.scope), tc.in)
			if tc.field != "" {
				if !slices.Contains(fieldsOf(err), tc.field) {
					t.Fatalf("got %v, want a problem with %s", err, tc.field)
				}
				return
			}
			if err != nil || got.Region != tc.region || got.AssigneeID != w.Officer.ID || got.CreatedBy != w.Officer.ID {
				t.Fatalf("got %+v %v, want region %s", got, err, tc.region)
			}
		})
	}
}

func TestTaskFiltersAndUpdates(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	w.Store.SetClock(func() time.Time { return time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC) }) // 31 March in Lima
	mk := func(title, due string, assignee bson.ObjectID) *model.Task {
		t.Helper()
		tk, err := w.Flows.CreateTask(ctx, fixture.AsAdmin(w.Officer, w.All), model.TaskInput{Title: title, DueOn: due, AssigneeID: assignee, Region: "08"})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	late := mk("late", "2026-03-30", w.Officer.ID)
	today := mk("today", "2026-03-31", w.Officer.ID)
	other := mk("other", "2026-01-01", w.Other.ID)
	yes, no := true, false
	v := 1
	doneTask, err := w.Flows.UpdateTask(ctx, fixture.AsAdmin(w.Other, w.All), other.ID, model.TaskPatch{Done: &yes, Version: &v})
	if err != nil || !doneTask.Done || doneTask.DoneAt == nil || doneTask.Version != 2 {
		t.Fatalf("mark done: %+v %v", doneTask, err)
	}
	titles := func(f store.TaskFilter, scope model.Scope) []string {
		ts, _, err := w.Store.ListTasks(ctx, scope, f, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range ts {
			out = append(out, x.Title)
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		name  string
		f     store.TaskFilter
		scope model.Scope
		want  []string
	}{
		{"mine", store.TaskFilter{AssigneeID: w.Officer.ID}, w.All, []string{"late", "today"}},
		{"overdue", store.TaskFilter{Overdue: true}, w.All, []string{"late"}},
		{"done", store.TaskFilter{Done: &yes}, w.All, []string{"other"}},
		{"not done", store.TaskFilter{Done: &no}, w.All, []string{"late", "today"}},
		{"overdue and done", store.TaskFilter{Overdue: true, Done: &yes}, w.All, nil},
		{"out of scope", store.TaskFilter{}, w.Loreto16, nil},
	} {
		if got := titles(tc.f, tc.scope); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, err := w.Flows.UpdateTask(ctx, fixture.AsAdmin(w.Other, w.All), other.ID, model.TaskPatch{Done: &no, Version: &v}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale: %v", err)
	}
	undone, err := w.Flows.UpdateTask(ctx, fixture.AsAdmin(w.Other, w.All), other.ID, model.TaskPatch{Done: &no})
	if err != nil || undone.Done || undone.DoneAt != nil {
		t.Fatalf("undo: %+v %v", undone, err)
	}
	empty := " "
	if _, err := w.Flows.UpdateTask(ctx, fixture.AsAdmin(w.Other, w.All), late.ID, model.TaskPatch{Title: &empty}); !slices.Contains(fieldsOf(err), "title") {
		t.Fatalf("empty title: %v", err)
	}
	if err := w.Flows.DeleteTask(ctx, fixture.AsAdmin(w.Officer, w.Loreto16), today.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete out of scope: %v", err)
	}
	if err := w.Flows.DeleteTask(ctx, fixture.AsAdmin(w.Officer, w.All), today.ID); err != nil {
		t.Fatal(err)
	}
	entries, _, _ := w.Store.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "task", EntityID: today.ID.Hex()}, store.Page{})
	if len(entries) != 2 || entries[0].Action != model.ActionDelete {
		t.Fatalf("audit: %+v", entries)
	}
}

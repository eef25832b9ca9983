package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
)

// TestTasksInDueOrderAcrossPages: tasks list by due date, oldest first,
// then the undated ones (oldest first); two a page, the pages cross from
// the dated run to the undated one without losing or repeating a task,
// whatever the filter (all, one assignee's open tasks, overdue only).
func TestTasksInDueOrderAcrossPages(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	w.Store.SetClock(func() time.Time { return time.Date(2026, 12, 20, 15, 0, 0, 0, time.UTC) })
	// Created in this order: the 9, 14, 14, 14, 12 December, two
	// without a due date between them, and one not yet due.
	dues := []string{"2026-12-14", "", "2026-12-09", "2026-12-14", "", "2026-12-14", "2026-12-12", "2026-12-30"}
	var made []*model.Task
	for i, due := range dues {
		tk, err := w.Flows.CreateTask(ctx, fixture.AsAdmin(w.Officer, w.All), model.TaskInput{Title: "t" + due, DueOn: due, AssigneeID: w.Officer.ID, Region: "08"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 6 { // someone else's: out of "mine"
			tk, err = w.Flows.UpdateTask(ctx, fixture.AsAdmin(w.Officer, w.All), tk.ID, model.TaskPatch{AssigneeID: &w.Other.ID})
			if err != nil {
				t.Fatal(err)
			}
		}
		made = append(made, tk)
	}
	ids := func(is ...int) []int { return is }
	no := false
	for _, tc := range []struct {
		name string
		f    store.TaskFilter
		want []int // indexes into made
	}{
		{"all", store.TaskFilter{}, ids(2, 6, 0, 3, 5, 7, 1, 4)},
		{"mine open", store.TaskFilter{AssigneeID: w.Officer.ID, Done: &no}, ids(2, 0, 3, 5, 7, 1, 4)},
		{"overdue", store.TaskFilter{Overdue: true}, ids(2, 6, 0, 3, 5)},
		{"region", store.TaskFilter{Region: "08"}, ids(2, 6, 0, 3, 5, 7, 1, 4)},
	} {
		for _, limit := range []int{1, 2, 3, 50} {
			got := allPages(t, limit, func(p store.Page) ([]model.Task, string, error) {
				return w.Store.ListTasks(ctx, w.CuscoOnly, tc.f, p)
			})
			var want []string
			for _, i := range tc.want {
				want = append(want, made[i].ID.Hex())
			}
			var gotIDs []string
			for _, tk := range got {
				gotIDs = append(gotIDs, tk.ID.Hex())
			}
			if !slices.Equal(gotIDs, want) {
				t.Errorf("%s, %d a page: %v, want %v", tc.name, limit, dueOf(got), tc.want)
			}
		}
		all, next, err := w.Store.ListTasks(ctx, w.CuscoOnly, tc.f, store.Page{All: true})
		if err != nil || next != "" || len(all) != len(tc.want) {
			t.Errorf("%s, all: %d tasks, next %q, %v", tc.name, len(all), next, err)
		}
	}
	// A cursor of another list is refused.
	newCommitment(t, w, "2026-12-01")
	newCommitment(t, w, "2026-12-02")
	_, next, err := w.Store.ListCommitments(ctx, w.All, store.CommitmentFilter{Overdue: true}, store.Page{Limit: 1})
	if err != nil || next == "" {
		t.Fatalf("commitments cursor %q, %v", next, err)
	}
	if _, _, err := w.Store.ListTasks(ctx, w.All, store.TaskFilter{}, store.Page{Limit: 1, Cursor: next}); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("a commitments cursor on tasks: %v", err)
	}
}

func dueOf(ts []model.Task) []string {
	out := make([]string, len(ts))
	for i, tk := range ts {
		out[i] = tk.DueOn + "/" + tk.ID.Hex()[18:]
	}
	return out
}

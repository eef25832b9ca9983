package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestChangeCommitmentStatusConcurrent(t *testing.T) {
	storetest.NeedsIsolation(t)
	w := fixture.NewWorld(t)
	ctx := context.Background()
	c := newCommitment(t, w, "")
	const n = 8
	statuses := []string{model.StatusInProgress, model.StatusFulfilled, model.StatusNotFulfilled, model.StatusWithdrawn}
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			v := c.Version
			<-start
			entry := model.NewStatusChange(model.StatusChangeInput{Status: statuses[i%len(statuses)]}, w.Officer, w.Store.Now())
			_, errs[i] = w.Store.UpdateCommitmentStatus(ctx, w.Officer, c, entry, &v, false)
		}(i)
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("loser got %v, want ErrConflict", err)
		}
	}
	got, err := w.Store.CommitmentByID(ctx, w.All, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if won != 1 || len(got.History) != 2 || got.Version != 2 {
		t.Fatalf("%d winners, %d history entries, version %d; want 1, 2, 2", won, len(got.History), got.Version)
	}
}

func TestCommitmentFilters(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	w.Store.SetClock(func() time.Time { return time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC) }) // still 31 March in Lima
	overdue := newCommitment(t, w, "2026-03-30")
	dueToday := newCommitment(t, w, "2026-03-31")
	_ = newCommitment(t, w, "")
	done := newCommitment(t, w, "2026-01-01")
	if _, err := w.Store.UpdateCommitmentStatus(ctx, w.Officer, done, model.NewStatusChange(model.StatusChangeInput{Status: model.StatusWithdrawn}, w.Officer, w.Store.Now()), nil, false); err != nil {
		t.Fatal(err)
	}
	loreto := insertCommitment(t, w, w.Loreto, model.CommitmentInput{StakeholderID: w.Loreto.ID, Text: "Monitorear albergues", Type: "oversight", DueOn: "2026-02-01"})
	ids := func(cs []model.Commitment) []bson.ObjectID {
		var out []bson.ObjectID
		for _, c := range cs {
			out = append(out, c.ID)
		}
		slices.SortFunc(out, func(a, b bson.ObjectID) int { return strings.Compare(a.Hex(), b.Hex()) })
		return out
	}
	for _, tc := range []struct {
		name  string
		scope model.Scope
		f     store.CommitmentFilter
		want  []bson.ObjectID
	}{
		{"overdue", w.All, store.CommitmentFilter{Overdue: true}, []bson.ObjectID{overdue.ID, loreto.ID}},
		{"overdue in cusco scope", w.CuscoOnly, store.CommitmentFilter{Overdue: true}, []bson.ObjectID{overdue.ID}},
		{"overdue final status", w.All, store.CommitmentFilter{Overdue: true, Status: model.StatusWithdrawn}, nil},
		{"status", w.All, store.CommitmentFilter{Status: model.StatusWithdrawn}, []bson.ObjectID{done.ID}},
		{"due range", w.All, store.CommitmentFilter{DueFrom: "2026-03-30", DueTo: "2026-03-31"}, []bson.ObjectID{overdue.ID, dueToday.ID}},
		{"region", w.All, store.CommitmentFilter{Region: "16"}, []bson.ObjectID{loreto.ID}},
		{"region outside scope", w.CuscoOnly, store.CommitmentFilter{Region: "16"}, nil},
		{"stakeholder kind", w.All, store.CommitmentFilter{StakeholderKind: model.KindOrganization}, []bson.ObjectID{loreto.ID}},
		{"stakeholder", w.All, store.CommitmentFilter{StakeholderID: w.Loreto.ID}, []bson.ObjectID{loreto.ID}},
		{"text search", w.All, store.CommitmentFilter{Q: "albergue"}, []bson.ObjectID{loreto.ID}},
		{"stakeholder name search", w.All, store.CommitmentFilter{Q: "asociacion amazonica"}, []bson.ObjectID{loreto.ID}},
	} {
		got, _, err := w.Store.ListCommitments(ctx, tc.scope, tc.f, store.Page{})
		if err != nil || !slices.Equal(ids(got), tc.want) {
			t.Errorf("%s: got %v %v, want %v", tc.name, ids(got), err, tc.want)
		}
	}
	if !overdue.Overdue("2026-03-31") || dueToday.Overdue("2026-03-31") {
		t.Fatal("model overdue rule")
	}
}

// insertCommitment stores a commitment of st made by the officer, built
// with the model's defaults (the workflow's checks are not the store's).
func insertCommitment(t *testing.T, w *fixture.World, st model.Stakeholder, in model.CommitmentInput) *model.Commitment {
	t.Helper()
	c := model.NewCommitment(in, st, w.All, w.Officer, w.Store.Now())
	if err := w.Store.InsertCommitment(context.Background(), w.Officer, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func newCommitment(t *testing.T, w *fixture.World, due string) *model.Commitment {
	t.Helper()
	return insertCommitment(t, w, w.Cusco, model.CommitmentInput{StakeholderID: w.Cusco.ID, Text: "Presentar proyecto", Type: "legislative", DueOn: due})
}

// TestUpdateCommitmentStatusFinal: without reopen, a final status cannot be
// left, even by a caller that read it before it became final.
func TestUpdateCommitmentStatusFinal(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	c := newCommitment(t, w, "")
	entry := func(status string) model.StatusChange {
		return model.NewStatusChange(model.StatusChangeInput{Status: status}, w.Officer, w.Store.Now())
	}
	if _, err := w.Store.UpdateCommitmentStatus(ctx, w.Officer, c, entry(model.StatusFulfilled), nil, false); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Store.UpdateCommitmentStatus(ctx, w.Officer, c, entry(model.StatusInProgress), nil, false); !errors.Is(err, store.ErrFinalStatus) {
		t.Fatalf("leave final without reopen: %v", err)
	}
	got, err := w.Store.UpdateCommitmentStatus(ctx, w.Other, c, entry(model.StatusInProgress), nil, true)
	if err != nil || got.Status != model.StatusInProgress || len(got.History) != 3 || got.Version != 3 {
		t.Fatalf("reopen: %+v %v", got, err)
	}
}

func TestOverdueCommitmentsOldestFirst(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	w.Store.SetClock(func() time.Time { return time.Date(2026, 12, 20, 15, 0, 0, 0, time.UTC) })
	// Made in this order; due 9, 14, 14, 12 December (the list), and one not yet due.
	var made []*model.Commitment
	for _, due := range []string{"2026-12-09", "2026-12-14", "2026-12-14", "2026-12-12", "2026-12-30"} {
		made = append(made, newCommitment(t, w, due))
	}
	want := []bson.ObjectID{made[0].ID, made[3].ID, made[1].ID, made[2].ID}
	var got []bson.ObjectID
	cursor := ""
	for page := 0; page < 10; page++ { // one per page: the cursor keeps the order
		cs, next, err := w.Store.ListCommitments(ctx, w.All, store.CommitmentFilter{Overdue: true}, store.Page{Limit: 1, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			got = append(got, c.ID)
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("overdue order %v, want %v (due 9, 12, 14, 14 December)", got, want)
	}
}

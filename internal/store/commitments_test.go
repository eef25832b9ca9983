package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestCreateCommitmentValidation(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		scope model.Scope
		in    model.CommitmentInput
		field string
	}{
		{"missing stakeholder", w.all, model.CommitmentInput{Text: "x", Type: "budget"}, "stakeholder_id"},
		{"unknown stakeholder", w.all, model.CommitmentInput{StakeholderID: bson.NewObjectID(), Text: "x", Type: "budget"}, "stakeholder_id"},
		{"stakeholder out of scope", w.cuscoOnly, model.CommitmentInput{StakeholderID: w.loreto.ID, Text: "x", Type: "budget"}, "stakeholder_id"},
		{"empty text", w.all, model.CommitmentInput{StakeholderID: w.cusco.ID, Text: "  ", Type: "budget"}, "text"},
		{"bad type", w.all, model.CommitmentInput{StakeholderID: w.cusco.ID, Text: "x", Type: "promise"}, "type"},
		{"bad due", w.all, model.CommitmentInput{StakeholderID: w.cusco.ID, Text: "x", Type: "budget", DueOn: "30/06/2026"}, "due_on"},
		{"due before made", w.all, model.CommitmentInput{StakeholderID: w.cusco.ID, Text: "x", Type: "budget", MadeOn: "2026-03-01", DueOn: "2026-02-01"}, "due_on"},
		{"region out of scope", w.cuscoOnly, model.CommitmentInput{StakeholderID: w.nac.ID, Text: "x", Type: "budget", Region: "16"}, "region"},
		{"unknown owner", w.all, model.CommitmentInput{StakeholderID: w.cusco.ID, Text: "x", Type: "budget", OwnerID: bson.NewObjectID()}, "owner_id"},
		{"unknown origin", w.all, model.CommitmentInput{StakeholderID: w.cusco.ID, Text: "x", Type: "budget", Origin: &model.Origin{Kind: "meeting", ID: bson.NewObjectID()}}, "origin.id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.s.CreateCommitment(ctx, w.officer, tc.scope, tc.in)
			if fs := fieldsOf(err); !slices.Contains(fs, tc.field) {
				t.Fatalf("got %v, want a problem with %s", err, tc.field)
			}
		})
	}
	// NAC+Cusco stakeholder: a Cusco user's commitment lands in Cusco.
	c, err := w.s.CreateCommitment(ctx, w.officer, w.cuscoOnly, model.CommitmentInput{StakeholderID: w.nac.ID, Text: "Publicar datos", Type: "public_statement"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "08" || c.StakeholderName != w.nac.Name || c.OwnerID != w.officer.ID || c.MadeOn != model.Today(w.s.Now()) ||
		len(c.History) != 1 || c.History[0].Status != model.StatusPending || c.History[0].By != w.officer.ID {
		t.Fatalf("created: %+v", c)
	}
}

func newCommitment(t *testing.T, w *world, due string) *model.Commitment {
	t.Helper()
	c, err := w.s.CreateCommitment(context.Background(), w.officer, w.all, model.CommitmentInput{StakeholderID: w.cusco.ID, Text: "Presentar proyecto", Type: "legislative", DueOn: due})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChangeCommitmentStatus(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := newCommitment(t, w, "")
	v := c.Version
	got, err := w.s.ChangeCommitmentStatus(ctx, w.officer, w.all, c.ID, model.StatusChangeInput{Status: model.StatusInProgress, Note: "en comisión", Version: &v}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != model.StatusInProgress || got.Version != 2 || len(got.History) != 2 || got.History[1].Note != "en comisión" {
		t.Fatalf("after change: %+v", got)
	}
	if _, err := w.s.ChangeCommitmentStatus(ctx, w.officer, w.all, c.ID, model.StatusChangeInput{Status: model.StatusFulfilled, Version: &v}, false, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	if _, err := w.s.ChangeCommitmentStatus(ctx, w.officer, w.all, c.ID, model.StatusChangeInput{Status: "done"}, false, nil); !slices.Contains(fieldsOf(err), "status") {
		t.Fatalf("bad status: %v", err)
	}
	if _, err := w.s.ChangeCommitmentStatus(ctx, w.officer, w.loreto16, c.ID, model.StatusChangeInput{Status: model.StatusFulfilled}, false, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("out of scope: %v", err)
	}
	if _, err := w.s.ChangeCommitmentStatus(ctx, w.officer, w.all, c.ID, model.StatusChangeInput{Status: model.StatusFulfilled, Evidence: "https://example.org/ley"}, false, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.ChangeCommitmentStatus(ctx, w.officer, w.all, c.ID, model.StatusChangeInput{Status: model.StatusInProgress}, false, nil); !errors.Is(err, store.ErrFinalStatus) {
		t.Fatalf("leave final without reopen: %v", err)
	}
	got, err = w.s.ChangeCommitmentStatus(ctx, w.other, w.all, c.ID, model.StatusChangeInput{Status: model.StatusInProgress, Note: "reabierto"}, true, nil)
	if err != nil || got.Status != model.StatusInProgress || len(got.History) != 4 {
		t.Fatalf("reopen: %+v %v", got, err)
	}
	entries, _, _ := w.s.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "commitment", EntityID: c.ID.Hex()}, store.Page{})
	if len(entries) != 4 || entries[0].Changes[0].Field != "status" || entries[0].Changes[0].Old != model.StatusFulfilled {
		t.Fatalf("audit: %+v", entries)
	}
}

func TestChangeCommitmentStatusConcurrent(t *testing.T) {
	w := newWorld(t)
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
			_, errs[i] = w.s.ChangeCommitmentStatus(ctx, w.officer, w.all, c.ID, model.StatusChangeInput{Status: statuses[i%len(statuses)], Version: &v}, false, nil)
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
	got, err := w.s.CommitmentByID(ctx, w.all, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if won != 1 || len(got.History) != 2 || got.Version != 2 {
		t.Fatalf("%d winners, %d history entries, version %d; want 1, 2, 2", won, len(got.History), got.Version)
	}
}

func TestCommitmentFilters(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.s.SetClock(func() time.Time { return time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC) }) // still 31 March in Lima
	overdue := newCommitment(t, w, "2026-03-30")
	dueToday := newCommitment(t, w, "2026-03-31")
	_ = newCommitment(t, w, "")
	done := newCommitment(t, w, "2026-01-01")
	if _, err := w.s.ChangeCommitmentStatus(ctx, w.officer, w.all, done.ID, model.StatusChangeInput{Status: model.StatusWithdrawn}, false, nil); err != nil {
		t.Fatal(err)
	}
	loreto, err := w.s.CreateCommitment(ctx, w.officer, w.all, model.CommitmentInput{StakeholderID: w.loreto.ID, Text: "Monitorear albergues", Type: "oversight", DueOn: "2026-02-01"})
	if err != nil {
		t.Fatal(err)
	}
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
		{"overdue", w.all, store.CommitmentFilter{Overdue: true}, []bson.ObjectID{overdue.ID, loreto.ID}},
		{"overdue in cusco scope", w.cuscoOnly, store.CommitmentFilter{Overdue: true}, []bson.ObjectID{overdue.ID}},
		{"overdue final status", w.all, store.CommitmentFilter{Overdue: true, Status: model.StatusWithdrawn}, nil},
		{"status", w.all, store.CommitmentFilter{Status: model.StatusWithdrawn}, []bson.ObjectID{done.ID}},
		{"due range", w.all, store.CommitmentFilter{DueFrom: "2026-03-30", DueTo: "2026-03-31"}, []bson.ObjectID{overdue.ID, dueToday.ID}},
		{"region", w.all, store.CommitmentFilter{Region: "16"}, []bson.ObjectID{loreto.ID}},
		{"region outside scope", w.cuscoOnly, store.CommitmentFilter{Region: "16"}, nil},
		{"stakeholder kind", w.all, store.CommitmentFilter{StakeholderKind: model.KindOrganization}, []bson.ObjectID{loreto.ID}},
		{"stakeholder", w.all, store.CommitmentFilter{StakeholderID: w.loreto.ID}, []bson.ObjectID{loreto.ID}},
		{"text search", w.all, store.CommitmentFilter{Q: "albergue"}, []bson.ObjectID{loreto.ID}},
		{"stakeholder name search", w.all, store.CommitmentFilter{Q: "asociacion amazonica"}, []bson.ObjectID{loreto.ID}},
	} {
		got, _, err := w.s.ListCommitments(ctx, tc.scope, tc.f, store.Page{})
		if err != nil || !slices.Equal(ids(got), tc.want) {
			t.Errorf("%s: got %v %v, want %v", tc.name, ids(got), err, tc.want)
		}
	}
	if !overdue.Overdue("2026-03-31") || dueToday.Overdue("2026-03-31") {
		t.Fatal("model overdue rule")
	}
}

func TestUpdateCommitment(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := newCommitment(t, w, "2026-05-01")
	text, due, v := "Aprobar presupuesto", "", 1
	got, err := w.s.UpdateCommitment(ctx, w.officer, w.all, c.ID, model.CommitmentPatch{Text: &text, DueOn: &due, OwnerID: &w.other.ID, Version: &v}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != text || got.DueOn != "" || got.OwnerID != w.other.ID || got.Version != 2 || got.Status != model.StatusPending {
		t.Fatalf("updated: %+v", got)
	}
	if cs, _, _ := w.s.ListCommitments(ctx, w.all, store.CommitmentFilter{Q: "aprobar"}, store.Page{}); len(cs) != 1 {
		t.Fatal("search field not updated")
	}
	if _, err := w.s.UpdateCommitment(ctx, w.officer, w.all, c.ID, model.CommitmentPatch{Text: &text, Version: &v}, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale: %v", err)
	}
	bad := "sometime"
	if _, err := w.s.UpdateCommitment(ctx, w.officer, w.all, c.ID, model.CommitmentPatch{DueOn: &bad}, nil); !slices.Contains(fieldsOf(err), "due_on") {
		t.Fatalf("bad date: %v", err)
	}
	nobody := bson.NewObjectID()
	if _, err := w.s.UpdateCommitment(ctx, w.officer, w.all, c.ID, model.CommitmentPatch{OwnerID: &nobody}, nil); !slices.Contains(fieldsOf(err), "owner_id") {
		t.Fatalf("unknown owner: %v", err)
	}
	entries, _, _ := w.s.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "commitment", EntityID: c.ID.Hex()}, store.Page{})
	if len(entries) != 2 || len(entries[0].Changes) != 3 {
		t.Fatalf("audit: %+v", entries)
	}
}

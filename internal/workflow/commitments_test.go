package workflow_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestCreateCommitmentValidation(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		scope model.Scope
		in    model.CommitmentInput
		field string
	}{
		{"missing stakeholder", w.All, model.CommitmentInput{Text: "x", Type: "budget"}, "stakeholder_id"},
		{"unknown stakeholder", w.All, model.CommitmentInput{StakeholderID: bson.NewObjectID(), Text: "x", Type: "budget"}, "stakeholder_id"},
		{"stakeholder out of scope", w.CuscoOnly, model.CommitmentInput{StakeholderID: w.Loreto.ID, Text: "x", Type: "budget"}, "stakeholder_id"},
		{"empty text", w.All, model.CommitmentInput{StakeholderID: w.Cusco.ID, Text: "  ", Type: "budget"}, "text"},
		{"bad type", w.All, model.CommitmentInput{StakeholderID: w.Cusco.ID, Text: "x", Type: "promise"}, "type"},
		{"bad due", w.All, model.CommitmentInput{StakeholderID: w.Cusco.ID, Text: "x", Type: "budget", DueOn: "30/06/2026"}, "due_on"},
		{"due before made", w.All, model.CommitmentInput{StakeholderID: w.Cusco.ID, Text: "x", Type: "budget", MadeOn: "2026-03-01", DueOn: "2026-02-01"}, "due_on"},
		{"region out of scope", w.CuscoOnly, model.CommitmentInput{StakeholderID: w.NAC.ID, Text: "x", Type: "budget", Region: "16"}, "region"},
		{"unknown owner", w.All, model.CommitmentInput{StakeholderID: w.Cusco.ID, Text: "x", Type: "budget", OwnerID: bson.NewObjectID()}, "owner_id"},
		{"unknown origin", w.All, model.CommitmentInput{StakeholderID: w.Cusco.ID, Text: "x", Type: "budget", Origin: &model.Origin{Kind: "meeting", ID: bson.NewObjectID()}}, "origin.id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.Flows.CreateCommitment(ctx, fixture.AsAdmin(w.Officer, tc.scope), tc.in)
			if fs := fieldsOf(err); !slices.Contains(fs, tc.field) {
				t.Fatalf("got %v, want a problem with %s", err, tc.field)
			}
		})
	}
	// NAC+Cusco stakeholder: a Cusco user's commitment lands in Cusco.
	c, err := w.Flows.CreateCommitment(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), model.CommitmentInput{StakeholderID: w.NAC.ID, Text: "Publicar datos", Type: "public_statement"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "08" || c.StakeholderName != w.NAC.Name || c.OwnerID != w.Officer.ID || c.MadeOn != model.Today(w.Store.Now()) ||
		len(c.History) != 1 || c.History[0].Status != model.StatusPending || c.History[0].By != w.Officer.ID {
		t.Fatalf("created: %+v", c)
	}
}

func newCommitment(t *testing.T, w *fixture.World, due string) *model.Commitment {
	t.Helper()
	c, err := w.Flows.CreateCommitment(context.Background(), fixture.AsAdmin(w.Officer, w.All), model.CommitmentInput{StakeholderID: w.Cusco.ID, Text: "Presentar proyecto", Type: "legislative", DueOn: due})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChangeCommitmentStatus(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	c := newCommitment(t, w, "")
	v := c.Version
	got, err := w.Flows.ChangeCommitmentStatus(ctx, fixture.As(w.Officer, model.RoleOfficer, w.All), c.ID, model.StatusChangeInput{Status: model.StatusInProgress, Note: "en comisión", Version: &v})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != model.StatusInProgress || got.Version != 2 || len(got.History) != 2 || got.History[1].Note != "en comisión" {
		t.Fatalf("after change: %+v", got)
	}
	if _, err := w.Flows.ChangeCommitmentStatus(ctx, fixture.As(w.Officer, model.RoleOfficer, w.All), c.ID, model.StatusChangeInput{Status: model.StatusFulfilled, Version: &v}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	if _, err := w.Flows.ChangeCommitmentStatus(ctx, fixture.As(w.Officer, model.RoleOfficer, w.All), c.ID, model.StatusChangeInput{Status: "done"}); !slices.Contains(fieldsOf(err), "status") {
		t.Fatalf("bad status: %v", err)
	}
	if _, err := w.Flows.ChangeCommitmentStatus(ctx, fixture.As(w.Officer, model.RoleOfficer, w.Loreto16), c.ID, model.StatusChangeInput{Status: model.StatusFulfilled}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("out of scope: %v", err)
	}
	if _, err := w.Flows.ChangeCommitmentStatus(ctx, fixture.As(w.Officer, model.RoleOfficer, w.All), c.ID, model.StatusChangeInput{Status: model.StatusFulfilled, Evidence: "https://example.org/ley"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Flows.ChangeCommitmentStatus(ctx, fixture.As(w.Officer, model.RoleOfficer, w.All), c.ID, model.StatusChangeInput{Status: model.StatusInProgress}); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("leave final without reopen: %v", err)
	}
	got, err = w.Flows.ChangeCommitmentStatus(ctx, fixture.As(w.Other, model.RoleManager, w.All), c.ID, model.StatusChangeInput{Status: model.StatusInProgress, Note: "reabierto"})
	if err != nil || got.Status != model.StatusInProgress || len(got.History) != 4 {
		t.Fatalf("reopen: %+v %v", got, err)
	}
	entries, _, _ := w.Store.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "commitment", EntityID: c.ID.Hex()}, store.Page{})
	if len(entries) != 4 || entries[0].Changes[0].Field != "status" || entries[0].Changes[0].Old != model.StatusFulfilled {
		t.Fatalf("audit: %+v", entries)
	}
}

func TestUpdateCommitment(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	c := newCommitment(t, w, "2026-05-01")
	text, due, v := "Aprobar presupuesto", "", 1
	got, err := w.Flows.UpdateCommitment(ctx, fixture.AsAdmin(w.Officer, w.All), c.ID, model.CommitmentPatch{Text: &text, DueOn: &due, OwnerID: &w.Other.ID, Version: &v})
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != text || got.DueOn != "" || got.OwnerID != w.Other.ID || got.Version != 2 || got.Status != model.StatusPending {
		t.Fatalf("updated: %+v", got)
	}
	if cs, _, _ := w.Store.ListCommitments(ctx, w.All, store.CommitmentFilter{Q: "aprobar"}, store.Page{}); len(cs) != 1 {
		t.Fatal("search field not updated")
	}
	if _, err := w.Flows.UpdateCommitment(ctx, fixture.AsAdmin(w.Officer, w.All), c.ID, model.CommitmentPatch{Text: &text, Version: &v}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale: %v", err)
	}
	bad := "sometime"
	if _, err := w.Flows.UpdateCommitment(ctx, fixture.AsAdmin(w.Officer, w.All), c.ID, model.CommitmentPatch{DueOn: &bad}); !slices.Contains(fieldsOf(err), "due_on") {
		t.Fatalf("bad date: %v", err)
	}
	nobody := bson.NewObjectID()
	if _, err := w.Flows.UpdateCommitment(ctx, fixture.AsAdmin(w.Officer, w.All), c.ID, model.CommitmentPatch{OwnerID: &nobody}); !slices.Contains(fieldsOf(err), "owner_id") {
		t.Fatalf("unknown owner: %v", err)
	}
	entries, _, _ := w.Store.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "commitment", EntityID: c.ID.Hex()}, store.Page{})
	if len(entries) != 2 || len(entries[0].Changes) != 3 {
		t.Fatalf("audit: %+v", entries)
	}
}

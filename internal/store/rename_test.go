package store_test

import (
	"context"
	"testing"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
)

// TestRenameStakeholderUpdatesCopies: lists and search show the new name of
// a renamed stakeholder in its commitments and meetings.
func TestRenameStakeholderUpdatesCopies(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	c, err := w.Flows.CreateCommitment(ctx, fixture.AsAdmin(w.Officer, w.All), model.CommitmentInput{StakeholderID: w.NAC.ID, Text: "Publicar el protocolo", Type: "other", Region: "08"})
	if err != nil {
		t.Fatal(err)
	}
	created, err := w.Flows.CreateMeeting(ctx, fixture.AsAdmin(w.Officer, w.All), w.MeetingInput())
	if err != nil {
		t.Fatal(err)
	}
	st, err := w.Store.StakeholderByID(ctx, w.All, w.NAC.ID)
	if err != nil {
		t.Fatal(err)
	}
	name, version := "Fiscalía Quispe de la Nación", st.Version
	if _, err := w.Store.UpdateStakeholder(ctx, w.Officer, w.All, w.NAC.ID, model.StakeholderPatch{Name: &name, Version: &version}); err != nil {
		t.Fatal(err)
	}
	got, err := w.Store.CommitmentByID(ctx, w.All, c.ID)
	if err != nil || got.StakeholderName != name {
		t.Fatalf("commitment keeps %q (%v)", got.StakeholderName, err)
	}
	m, err := w.Store.MeetingByID(ctx, w.All, created.Meeting.ID)
	if err != nil || m.Participants[1].StakeholderID != w.NAC.ID || m.Participants[1].Name != name {
		t.Fatalf("meeting participant keeps %q (%v)", m.Participants[1].Name, err)
	}
	res, err := w.Store.Search(ctx, w.All, "quispe")
	if err != nil || len(res.Commitments) != 1 || len(res.Meetings) != 1 {
		t.Fatalf("search by the new name: %d commitments, %d meetings (%v)", len(res.Commitments), len(res.Meetings), err)
	}
	items, _, err := w.Store.ListCommitments(ctx, w.All, store.CommitmentFilter{Q: "quispe"}, store.Page{})
	if err != nil || len(items) != 1 {
		t.Fatalf("list by the new name: %d (%v)", len(items), err)
	}
}

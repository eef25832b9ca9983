package store_test

import (
	"context"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
)

// TestRenameStakeholderUpdatesCopies: lists and search show the new name of
// a renamed stakeholder in its commitments and meetings.
func TestRenameStakeholderUpdatesCopies(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c, err := w.f.CreateCommitment(ctx, admin(w.officer, w.all), model.CommitmentInput{StakeholderID: w.nac.ID, Text: "Publicar el protocolo", Type: "other", Region: "08"})
	if err != nil {
		t.Fatal(err)
	}
	created, err := w.f.CreateMeeting(ctx, admin(w.officer, w.all), meetingInput(w))
	if err != nil {
		t.Fatal(err)
	}
	st, err := w.s.StakeholderByID(ctx, w.all, w.nac.ID)
	if err != nil {
		t.Fatal(err)
	}
	name, version := "Fiscalía Quispe de la Nación", st.Version
	if _, err := w.s.UpdateStakeholder(ctx, w.officer, w.all, w.nac.ID, model.StakeholderPatch{Name: &name, Version: &version}); err != nil {
		t.Fatal(err)
	}
	got, err := w.s.CommitmentByID(ctx, w.all, c.ID)
	if err != nil || got.StakeholderName != name {
		t.Fatalf("commitment keeps %q (%v)", got.StakeholderName, err)
	}
	m, err := w.s.MeetingByID(ctx, w.all, created.Meeting.ID)
	if err != nil || m.Participants[1].StakeholderID != w.nac.ID || m.Participants[1].Name != name {
		t.Fatalf("meeting participant keeps %q (%v)", m.Participants[1].Name, err)
	}
	res, err := w.s.Search(ctx, w.all, "quispe")
	if err != nil || len(res.Commitments) != 1 || len(res.Meetings) != 1 {
		t.Fatalf("search by the new name: %d commitments, %d meetings (%v)", len(res.Commitments), len(res.Meetings), err)
	}
	items, _, err := w.s.ListCommitments(ctx, w.all, store.CommitmentFilter{Q: "quispe"}, store.Page{})
	if err != nil || len(items) != 1 {
		t.Fatalf("list by the new name: %d (%v)", len(items), err)
	}
}

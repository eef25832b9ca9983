package workflow_test

import (
	"context"
	"errors"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestCommitmentFromMessageUndoesOnFailure: when linking the message fails,
// the commitment made from it is deleted again; without the fault both
// writes land and point at each other.
func TestCommitmentFromMessageUndoesOnFailure(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	rosa := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Rosa", Regions: []string{"08"}, Emails: []string{"rosa@example.pe"}})
	if _, err := f.SaveMessages(ctx, []model.IncomingMessage{mail(1, "rosa@example.pe", "equipo@ong.pe")}); err != nil {
		t.Fatal(err)
	}
	id := bson.ObjectID{0xee, 1}
	in := model.CommitmentInput{StakeholderID: rosa.ID, Text: "Enviar el informe", Type: "other"}
	count := func() int {
		list, _, err := s.ListCommitments(ctx, all, store.CommitmentFilter{}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}

	failAt(t, "link-commitment")
	if _, err := f.CommitmentFromMessage(ctx, admin, id, in); !errors.Is(err, errBoom) {
		t.Fatalf("with the fault: %v", err)
	}
	m, _ := s.MessageByID(ctx, all, id, true)
	if n := count(); n != 0 || len(m.Links.CommitmentIDs) != 0 || m.Version != 1 {
		t.Fatalf("not undone: %d commitments, links %v, version %d", n, m.Links.CommitmentIDs, m.Version)
	}

	failAt(t, "none")
	cm, err := f.CommitmentFromMessage(ctx, admin, id, in)
	if err != nil {
		t.Fatal(err)
	}
	m, _ = s.MessageByID(ctx, all, id, true)
	if count() != 1 || cm.Origin == nil || cm.Origin.ID != id || len(m.Links.CommitmentIDs) != 1 || m.Links.CommitmentIDs[0] != cm.ID {
		t.Fatalf("not linked both ways: %+v / %v", cm.Origin, m.Links.CommitmentIDs)
	}

	// A message the user cannot see is not found, and nothing is written.
	lor := &model.User{ID: bson.NewObjectID(), Role: model.RoleManager, Regions: []string{"16"}}
	if _, err := f.CommitmentFromMessage(ctx, lor, id, in); !errors.Is(err, store.ErrNotFound) || count() != 1 {
		t.Fatalf("invisible message: %v, %d commitments", err, count())
	}
}

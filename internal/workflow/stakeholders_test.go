package workflow_test

import (
	"context"
	"errors"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestDeleteArchivesWhenReferred: meetings and commitments that name a
// stakeholder make delete archive it; any other is deleted, out of scope is
// not found, and the deletion is audited.
func TestDeleteArchivesWhenReferred(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	leg := mustStakeholder(t, s, model.StakeholderInput{Kind: "legislator", Name: "Congresista", Regions: []string{"NAC"}, Legislator: &model.Legislator{Chamber: "congress"}})
	adv := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Asesora", Regions: []string{"08"}})
	loreto := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Loretana", Regions: []string{"16"}})
	com := mustStakeholder(t, s, model.StakeholderInput{Kind: "oversight_committee", Name: "Comité", Regions: []string{"08"},
		Committee: &model.Committee{Region: "08", MemberIDs: []bson.ObjectID{adv.ID}}})
	if err := s.InsertMeetings(ctx, []model.Meeting{{ID: bson.NewObjectID(), Region: "NAC", StakeholderIDs: []bson.ObjectID{leg.ID}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertCommitments(ctx, []model.Commitment{{ID: bson.NewObjectID(), Region: "16", StakeholderID: loreto.ID}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []bson.ObjectID{leg.ID, loreto.ID} {
		archived, err := f.DeleteStakeholder(ctx, admin, id)
		if err != nil || !archived {
			t.Fatalf("delete with records: archived=%v err=%v", archived, err)
		}
		st, err := s.StakeholderByID(ctx, all, id)
		if err != nil || !st.Archived {
			t.Fatalf("not archived: %v %+v", err, st)
		}
	}
	lorUser := &model.User{ID: bson.NewObjectID(), Role: model.RoleManager, Regions: []string{"16"}}
	if _, err := f.DeleteStakeholder(ctx, lorUser, adv.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete out of scope: %v", err)
	}
	officer := &model.User{ID: bson.NewObjectID(), Role: model.RoleOfficer, Regions: []string{"08"}}
	if _, err := f.DeleteStakeholder(ctx, officer, adv.ID); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("delete by an officer who does not own it: %v", err)
	}
	cusco := &model.User{ID: bson.NewObjectID(), Role: model.RoleManager, Regions: []string{"08"}}
	archived, err := f.DeleteStakeholder(ctx, cusco, adv.ID)
	if err != nil || archived {
		t.Fatalf("delete without records: archived=%v err=%v", archived, err)
	}
	if _, err := s.StakeholderByID(ctx, all, adv.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("still there: %v", err)
	}
	c, _ := s.StakeholderByID(ctx, all, com.ID)
	if len(c.Committee.MemberIDs) != 0 {
		t.Fatalf("committee still lists the deleted member: %+v", c.Committee)
	}
	entries, _, _ := s.ListAudit(ctx, store.AuditFilter{Scope: all, Entity: "stakeholder", EntityID: adv.ID.Hex()}, store.Page{})
	if len(entries) == 0 || entries[0].Action != model.ActionDelete {
		t.Fatalf("delete not audited: %+v", entries)
	}
}

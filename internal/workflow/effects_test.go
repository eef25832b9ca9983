package workflow_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

var (
	all   = model.Scope{All: true}
	admin = &model.User{ID: bson.NewObjectID(), Name: "Admin", Role: model.RoleAdmin, Regions: []string{model.AllRegions}}
)

// open returns a store with the workflows wired, as the program does.
func open(t *testing.T) (*store.Store, *workflow.Flows) {
	t.Helper()
	s := storetest.Open(t)
	return s, workflow.New(s)
}

func mustStakeholder(t *testing.T, s *store.Store, in model.StakeholderInput) *model.Stakeholder {
	t.Helper()
	st := in.Stakeholder()
	if err := s.InsertStakeholder(context.Background(), model.SystemActor, &st); err != nil {
		t.Fatalf("create %q: %v", in.Name, err)
	}
	return &st
}

// mail builds a synced message from one address to others.
func mail(id byte, from string, to ...string) model.IncomingMessage {
	mid := bson.ObjectID{0xee, id}
	m := model.Message{ID: mid, ThreadID: mid, Subject: "Asunto", From: model.Address{Address: from},
		Date: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Direction: model.Inbound, Status: model.MessageNew,
		SeenIn: []model.Location{{MailboxID: bson.ObjectID{0xb0}, Folder: "INBOX", UID: uint32(id), UIDValidity: 1}}, Version: 1}
	for _, a := range to {
		m.To = append(m.To, model.Address{Address: a})
	}
	return model.IncomingMessage{Message: m, Body: model.MessageBody{ID: mid, Text: "cuerpo"}}
}

// TestDeletedStakeholderLeavesNoDanglingID: deleting a stakeholder that no
// meeting or commitment names removes its id from every other record
// (relationships, committee seats, tasks, matched messages, counters); one
// that a commitment names is archived and keeps them.
func TestDeletedStakeholderLeavesNoDanglingID(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	gone := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Ana Quispe", Regions: []string{"08"}, Emails: []string{"ana@example.pe"}})
	other := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Luis Mamani", Regions: []string{"16"}, Emails: []string{"luis@example.pe"}})
	if _, err := f.AddRelationship(ctx, admin, other.ID, model.RelationshipInput{StakeholderID: gone.ID, Kind: "advises", Role: "asesor"}); err != nil {
		t.Fatal(err)
	}
	committee := mustStakeholder(t, s, model.StakeholderInput{Kind: model.KindOversightCommittee, Name: "Comité Cusco", Regions: []string{"08"},
		Committee: &model.Committee{Region: "08", CoordinatorID: gone.ID, MemberIDs: []bson.ObjectID{gone.ID, other.ID}}})
	task, err := f.CreateTask(ctx, admin, model.TaskInput{Title: "Llamar a Ana", Links: model.TaskLinks{StakeholderID: gone.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.SaveMessages(ctx, []model.IncomingMessage{mail(1, "ana@example.pe", "equipo@ong.pe"), mail(2, "ana@example.pe", "luis@example.pe")}); err != nil {
		t.Fatal(err)
	}
	if refs, _ := s.ReferencesTo(ctx, gone.ID); len(refs) < 5 {
		t.Fatalf("setup: want references in relationships, committee, task and two messages, got %v", refs)
	}

	res, err := f.DeleteStakeholder(ctx, admin, gone.ID)
	if err != nil || res {
		t.Fatalf("delete: archived=%v %v", res, err)
	}
	refs, err := s.ReferencesTo(ctx, gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) > 0 {
		t.Fatalf("dangling references to the deleted stakeholder: %v", refs)
	}
	m1, _ := s.MessageByID(ctx, all, bson.ObjectID{0xee, 1}, true)
	m2, _ := s.MessageByID(ctx, all, bson.ObjectID{0xee, 2}, true)
	if !m1.Unmatched || len(m1.Regions) != 0 || m2.Unmatched || !slices.Equal(m2.StakeholderIDs, []bson.ObjectID{other.ID}) || !slices.Equal(m2.Regions, []string{"16"}) {
		t.Errorf("messages not matched again: %+v %+v / %+v %+v", m1.StakeholderIDs, m1.Regions, m2.StakeholderIDs, m2.Regions)
	}
	tk, err := s.TaskByID(ctx, all, task.ID)
	if err != nil || !tk.Links.StakeholderID.IsZero() || tk.Version != task.Version+1 {
		t.Errorf("task keeps its link: %+v %v", tk, err)
	}
	cm, _ := s.StakeholderByID(ctx, all, committee.ID)
	if !cm.Committee.CoordinatorID.IsZero() || !slices.Equal(cm.Committee.MemberIDs, []bson.ObjectID{other.ID}) {
		t.Errorf("committee keeps the seat: %+v", cm.Committee)
	}

	// One a commitment names is archived: its id stays, and stays valid.
	kept := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Rosa Huamán", Regions: []string{"08"}, Emails: []string{"rosa@example.pe"}})
	if _, err := f.CreateCommitment(ctx, admin, model.CommitmentInput{StakeholderID: kept.ID, Text: "Visitar", Type: "other"}); err != nil {
		t.Fatal(err)
	}
	res, err = f.DeleteStakeholder(ctx, admin, kept.ID)
	if err != nil || !res {
		t.Fatalf("delete with a commitment: archived=%v %v", res, err)
	}
	if st, err := s.StakeholderByID(ctx, all, kept.ID); err != nil || !st.Archived {
		t.Fatalf("not archived: %+v %v", st, err)
	}
}

// user stores a user with role and regions and returns it.
func user(t *testing.T, s *store.Store, role string, regions ...string) *model.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), model.SystemActor, model.NewUser{Email: bson.NewObjectID().Hex() + "@ong.pe", Name: "Usuaria",
		Role: role, Regions: regions, Password: "correct horse battery"}, "hash")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

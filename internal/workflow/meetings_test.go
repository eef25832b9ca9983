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

func TestCreateMeetingWithNestedRecords(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	in := w.MeetingInput()
	in.Commitments = []model.CommitmentInput{
		{StakeholderID: w.Cusco.ID, Text: "Presentar proyecto de ley", Type: "legislative", DueOn: "2026-06-30"},
		{StakeholderID: w.NAC.ID, Text: "Compartir datos", Type: "coordination"},
	}
	in.Tasks = []model.TaskInput{{Title: "Enviar acta", DueOn: "2026-03-10"}}
	res, err := w.Flows.CreateMeeting(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), in)
	if err != nil {
		t.Fatal(err)
	}
	m := res.Meeting
	if m.Participants[0].Name != "Rosa Huamán" || m.Participants[1].Name != "Fiscalía de la Nación" {
		t.Fatalf("participant names: %+v", m.Participants)
	}
	if !slices.Equal(m.StakeholderIDs, []bson.ObjectID{w.Cusco.ID, w.NAC.ID}) || m.OwnerID != w.Officer.ID {
		t.Fatalf("stakeholder_ids %v owner %v", m.StakeholderIDs, m.OwnerID)
	}
	if len(m.CommitmentIDs) != 2 || len(m.TaskIDs) != 1 {
		t.Fatalf("links: %v %v", m.CommitmentIDs, m.TaskIDs)
	}
	c := res.Commitments[0]
	if c.StakeholderName != "Rosa Huamán" || c.StakeholderKind != model.KindLegislator || c.Region != "08" ||
		c.MadeOn != "2026-03-05" || c.Origin == nil || c.Origin.ID != m.ID || c.Status != model.StatusPending || len(c.History) != 1 {
		t.Fatalf("commitment: %+v", c)
	}
	if tk := res.Tasks[0]; tk.Links.MeetingID != m.ID || tk.Region != "08" || tk.AssigneeID != w.Officer.ID {
		t.Fatalf("task: %+v", tk)
	}
	got, err := w.Store.MeetingByID(ctx, w.All, m.ID)
	if err != nil || got.Search == "" || got.Version != 1 {
		t.Fatalf("stored meeting: %+v %v", got, err)
	}
	if _, err := w.Store.MeetingByID(ctx, w.Loreto16, m.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("out of scope read: %v", err)
	}
	for _, q := range []string{"presupuesto", "PRESUPUESTO rosa", "huaman", "fiscal"} {
		ms, _, err := w.Store.ListMeetings(ctx, w.All, store.MeetingFilter{Q: q}, store.Page{})
		if err != nil || len(ms) != 1 {
			t.Errorf("search %q: %d %v", q, len(ms), err)
		}
	}
	if ms, _, _ := w.Store.ListMeetings(ctx, w.All, store.MeetingFilter{Q: "presupuesto loreto"}, store.Page{}); len(ms) != 0 {
		t.Errorf("search needs every word: %d", len(ms))
	}
	for _, e := range []struct{ entity, id string }{{"meeting", m.ID.Hex()}, {"commitment", c.ID.Hex()}, {"task", res.Tasks[0].ID.Hex()}} {
		entries, _, err := w.Store.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: e.entity, EntityID: e.id}, store.Page{})
		if err != nil || len(entries) != 1 || entries[0].Action != model.ActionCreate || entries[0].ActorEmail != "ofi@x.org" {
			t.Errorf("audit of %s: %+v %v", e.entity, entries, err)
		}
	}
}

func TestCreateMeetingInvalidStoresNothing(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	missing := bson.NewObjectID()
	cases := []struct {
		name  string
		scope model.Scope
		edit  func(in *model.MeetingInput)
		field string
	}{
		{"bad commitment due date", w.CuscoOnly, func(in *model.MeetingInput) {
			in.Commitments = []model.CommitmentInput{
				{StakeholderID: w.Cusco.ID, Text: "ok", Type: "budget"},
				{StakeholderID: w.Cusco.ID, Text: "bad", Type: "budget", DueOn: "2026-02-30"},
			}
		}, "commitments[1].due_on"},
		{"unknown participant", w.CuscoOnly, func(in *model.MeetingInput) { in.Participants[0].StakeholderID = missing }, "participants[0].stakeholder_id"},
		{"participant out of scope", w.CuscoOnly, func(in *model.MeetingInput) { in.Participants[1].StakeholderID = w.Loreto.ID }, "participants[1].stakeholder_id"},
		{"duplicate participant", w.CuscoOnly, func(in *model.MeetingInput) { in.Participants[1].StakeholderID = w.Cusco.ID }, "participants[1].stakeholder_id"},
		{"commitment stakeholder out of scope", w.CuscoOnly, func(in *model.MeetingInput) {
			in.Commitments = []model.CommitmentInput{{StakeholderID: w.Loreto.ID, Text: "x", Type: "budget"}}
		}, "commitments[0].stakeholder_id"},
		{"commitment to archived stakeholder", w.CuscoOnly, func(in *model.MeetingInput) {
			in.Commitments = []model.CommitmentInput{{StakeholderID: w.Archived.ID, Text: "x", Type: "budget"}}
		}, "commitments[0].stakeholder_id"},
		{"commitment bad type", w.CuscoOnly, func(in *model.MeetingInput) {
			in.Commitments = []model.CommitmentInput{{StakeholderID: w.Cusco.ID, Text: "x", Type: "promise"}}
		}, "commitments[0].type"},
		{"task without title", w.CuscoOnly, func(in *model.MeetingInput) { in.Tasks = []model.TaskInput{{Title: " "}} }, "tasks[0].title"},
		{"task unknown assignee", w.CuscoOnly, func(in *model.MeetingInput) {
			in.Tasks = []model.TaskInput{{Title: "x", AssigneeID: missing}}
		}, "tasks[0].assignee_id"},
		{"region outside scope", w.Loreto16, func(in *model.MeetingInput) { in.Participants = nil }, "region"},
		{"bad start", w.CuscoOnly, func(in *model.MeetingInput) { in.StartsAt = "2026-03-05 15:00" }, "starts_at"},
		{"duration too long", w.CuscoOnly, func(in *model.MeetingInput) { in.DurationMin = 1441 }, "duration_min"},
		{"unknown topic", w.CuscoOnly, func(in *model.MeetingInput) { in.Topics = []string{"budget", "sports"} }, "topics[1]"},
		{"unknown kind", w.CuscoOnly, func(in *model.MeetingInput) { in.Kind = "lunch" }, "kind"},
		{"unknown staff", w.CuscoOnly, func(in *model.MeetingInput) { in.StaffIDs = []bson.ObjectID{missing} }, "staff_ids[0]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := w.MeetingInput()
			in.Tasks = []model.TaskInput{{Title: "valid task"}}
			in.Commitments = []model.CommitmentInput{{StakeholderID: w.Cusco.ID, Text: "valid", Type: "other"}}
			tc.edit(&in)
			_, err := w.Flows.CreateMeeting(ctx, fixture.AsAdmin(w.Officer, tc.scope), in)
			if fs := fieldsOf(err); !slices.Contains(fs, tc.field) {
				t.Fatalf("got %v (fields %v), want a problem with %s", err, fs, tc.field)
			}
		})
	}
	if m, c, tk := w.Counts(t); m+c+tk != 0 {
		t.Fatalf("invalid creates stored %d meetings, %d commitments, %d tasks", m, c, tk)
	}
}

func TestUpdateAndDeleteMeeting(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	res, err := w.Flows.CreateMeeting(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), w.MeetingInput())
	if err != nil {
		t.Fatal(err)
	}
	id := res.Meeting.ID
	stale := 9
	summary := "Nuevo resumen"
	if _, err := w.Flows.UpdateMeeting(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), id, model.MeetingPatch{Summary: &summary, Version: &stale}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale: %v", err)
	}
	if _, err := w.Flows.UpdateMeeting(ctx, fixture.As(w.Other, model.RoleOfficer, w.CuscoOnly), id, model.MeetingPatch{Summary: &summary}); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("another officer's meeting: %v", err)
	}
	parts := []model.ParticipantInput{{StakeholderID: w.NAC.ID, Role: "fiscal"}}
	v := 1
	m, err := w.Flows.UpdateMeeting(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), id, model.MeetingPatch{Summary: &summary, Participants: &parts, Version: &v})
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != 2 || m.Summary != summary || len(m.Participants) != 1 || m.Participants[0].Name != "Fiscalía de la Nación" ||
		!slices.Equal(m.StakeholderIDs, []bson.ObjectID{w.NAC.ID}) {
		t.Fatalf("updated: %+v", m)
	}
	if ms, _, _ := w.Store.ListMeetings(ctx, w.All, store.MeetingFilter{StakeholderID: w.Cusco.ID}, store.Page{}); len(ms) != 0 {
		t.Fatalf("old participant still matches")
	}
	if ms, _, _ := w.Store.ListMeetings(ctx, w.All, store.MeetingFilter{Q: "nuevo"}, store.Page{}); len(ms) != 1 {
		t.Fatalf("search field not updated")
	}
	loreto := "16"
	if _, err := w.Flows.UpdateMeeting(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), id, model.MeetingPatch{Region: &loreto}); !slices.Contains(fieldsOf(err), "region") {
		t.Fatalf("move out of scope: %v", err)
	}
	entries, _, _ := w.Store.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "meeting", EntityID: id.Hex()}, store.Page{})
	if len(entries) != 2 || entries[0].Action != model.ActionUpdate {
		t.Fatalf("audit: %+v", entries)
	}
	var fields []string
	for _, c := range entries[0].Changes {
		fields = append(fields, c.Field)
	}
	if !slices.Contains(fields, "summary") || !slices.Contains(fields, "participants") {
		t.Fatalf("audit fields %v", fields)
	}
	if err := w.Flows.DeleteMeeting(ctx, fixture.AsAdmin(w.Officer, w.Loreto16), id, false); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete out of scope: %v", err)
	}
	if err := w.Flows.DeleteMeeting(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), id, false); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Store.MeetingByID(ctx, w.All, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

// TestDeleteMeetingWithRecords: the records created with a meeting go with
// it when asked, a refusal on any of them deletes nothing, and records out
// of the user's regions are left alone.
func TestDeleteMeetingWithRecords(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	in := w.MeetingInput()
	in.Commitments = []model.CommitmentInput{
		{StakeholderID: w.Cusco.ID, Text: "Presentar proyecto", Type: "legislative"},
		{StakeholderID: w.Loreto.ID, Text: "Visitar albergue", Type: "oversight", Region: "16"},
	}
	in.Tasks = []model.TaskInput{{Title: "Enviar acta"}, {Title: "Llamar", AssigneeID: w.Other.ID}}
	res, err := w.Flows.CreateMeeting(ctx, fixture.AsAdmin(w.Officer, w.All), in)
	if err != nil {
		t.Fatal(err)
	}
	id := res.Meeting.ID
	officer := fixture.As(w.Officer, model.RoleOfficer, w.CuscoOnly)
	// Another officer may not delete the meeting, even as a task's assignee.
	if err := w.Flows.DeleteMeeting(ctx, fixture.As(w.Other, model.RoleOfficer, w.CuscoOnly), id, true); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("another officer: %v", err)
	}
	// The officer logged it, but a Cusco commitment owned by someone else stops the whole deletion.
	other := w.Other.ID
	if _, err := w.Flows.UpdateCommitment(ctx, fixture.AsAdmin(w.Officer, w.All), res.Commitments[0].ID, model.CommitmentPatch{OwnerID: &other}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flows.DeleteMeeting(ctx, officer, id, true); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("someone else's commitment: %v", err)
	}
	if m, c, tk := w.Counts(t); m != 1 || c != 2 || tk != 2 {
		t.Fatalf("a refusal deleted records: %d %d %d", m, c, tk)
	}
	me := w.Officer.ID
	if _, err := w.Flows.UpdateCommitment(ctx, fixture.AsAdmin(w.Officer, w.All), res.Commitments[0].ID, model.CommitmentPatch{OwnerID: &me}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flows.DeleteMeeting(ctx, officer, id, true); err != nil {
		t.Fatal(err)
	}
	// The Loreto commitment is out of the officer's regions: it stays.
	if m, c, tk := w.Counts(t); m != 0 || c != 1 || tk != 0 {
		t.Fatalf("after delete: %d meetings, %d commitments, %d tasks", m, c, tk)
	}
	if _, err := w.Store.CommitmentByID(ctx, w.All, res.Commitments[1].ID); err != nil {
		t.Fatalf("Loreto commitment: %v", err)
	}
}

// TestDeleteRecordUnlinksMeeting: a deleted commitment or task leaves its
// meeting's lists.
func TestDeleteRecordUnlinksMeeting(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	in := w.MeetingInput()
	in.Commitments = []model.CommitmentInput{{StakeholderID: w.Cusco.ID, Text: "x", Type: "other"}}
	in.Tasks = []model.TaskInput{{Title: "y"}}
	u := fixture.AsAdmin(w.Officer, w.CuscoOnly)
	res, err := w.Flows.CreateMeeting(ctx, u, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Flows.DeleteCommitment(ctx, u, res.Commitments[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := w.Flows.DeleteTask(ctx, u, res.Tasks[0].ID); err != nil {
		t.Fatal(err)
	}
	m, err := w.Store.MeetingByID(ctx, w.All, res.Meeting.ID)
	if err != nil || len(m.CommitmentIDs) != 0 || len(m.TaskIDs) != 0 {
		t.Fatalf("meeting still lists %v %v (%v)", m.CommitmentIDs, m.TaskIDs, err)
	}
}

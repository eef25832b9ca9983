package workflow_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestCreateMeetingWithNestedRecords(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	in := meetingInput(w)
	in.Commitments = []model.CommitmentInput{
		{StakeholderID: w.cusco.ID, Text: "Presentar proyecto de ley", Type: "legislative", DueOn: "2026-06-30"},
		{StakeholderID: w.nac.ID, Text: "Compartir datos", Type: "coordination"},
	}
	in.Tasks = []model.TaskInput{{Title: "Enviar acta", DueOn: "2026-03-10"}}
	res, err := w.f.CreateMeeting(ctx, asAdmin(w.officer, w.cuscoOnly), in)
	if err != nil {
		t.Fatal(err)
	}
	m := res.Meeting
	if m.Participants[0].Name != "Rosa Huamán" || m.Participants[1].Name != "Fiscalía de la Nación" {
		t.Fatalf("participant names: %+v", m.Participants)
	}
	if !slices.Equal(m.StakeholderIDs, []bson.ObjectID{w.cusco.ID, w.nac.ID}) || m.OwnerID != w.officer.ID {
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
	if tk := res.Tasks[0]; tk.Links.MeetingID != m.ID || tk.Region != "08" || tk.AssigneeID != w.officer.ID {
		t.Fatalf("task: %+v", tk)
	}
	got, err := w.s.MeetingByID(ctx, w.all, m.ID)
	if err != nil || got.Search == "" || got.Version != 1 {
		t.Fatalf("stored meeting: %+v %v", got, err)
	}
	if _, err := w.s.MeetingByID(ctx, w.loreto16, m.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("out of scope read: %v", err)
	}
	for _, q := range []string{"presupuesto", "PRESUPUESTO rosa", "huaman", "fiscal"} {
		ms, _, err := w.s.ListMeetings(ctx, w.all, store.MeetingFilter{Q: q}, store.Page{})
		if err != nil || len(ms) != 1 {
			t.Errorf("search %q: %d %v", q, len(ms), err)
		}
	}
	if ms, _, _ := w.s.ListMeetings(ctx, w.all, store.MeetingFilter{Q: "presupuesto loreto"}, store.Page{}); len(ms) != 0 {
		t.Errorf("search needs every word: %d", len(ms))
	}
	for _, e := range []struct{ entity, id string }{{"meeting", m.ID.Hex()}, {"commitment", c.ID.Hex()}, {"task", res.Tasks[0].ID.Hex()}} {
		entries, _, err := w.s.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: e.entity, EntityID: e.id}, store.Page{})
		if err != nil || len(entries) != 1 || entries[0].Action != model.ActionCreate || entries[0].ActorEmail != "ofi@x.org" {
			t.Errorf("audit of %s: %+v %v", e.entity, entries, err)
		}
	}
}

func TestCreateMeetingInvalidStoresNothing(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	missing := bson.NewObjectID()
	cases := []struct {
		name  string
		scope model.Scope
		edit  func(in *model.MeetingInput)
		field string
	}{
		{"bad commitment due date", w.cuscoOnly, func(in *model.MeetingInput) {
			in.Commitments = []model.CommitmentInput{
				{StakeholderID: w.cusco.ID, Text: "ok", Type: "budget"},
				{StakeholderID: w.cusco.ID, Text: "bad", Type: "budget", DueOn: "2026-02-30"},
			}
		}, "commitments[1].due_on"},
		{"unknown participant", w.cuscoOnly, func(in *model.MeetingInput) { in.Participants[0].StakeholderID = missing }, "participants[0].stakeholder_id"},
		{"participant out of scope", w.cuscoOnly, func(in *model.MeetingInput) { in.Participants[1].StakeholderID = w.loreto.ID }, "participants[1].stakeholder_id"},
		{"duplicate participant", w.cuscoOnly, func(in *model.MeetingInput) { in.Participants[1].StakeholderID = w.cusco.ID }, "participants[1].stakeholder_id"},
		{"commitment stakeholder out of scope", w.cuscoOnly, func(in *model.MeetingInput) {
			in.Commitments = []model.CommitmentInput{{StakeholderID: w.loreto.ID, Text: "x", Type: "budget"}}
		}, "commitments[0].stakeholder_id"},
		{"commitment to archived stakeholder", w.cuscoOnly, func(in *model.MeetingInput) {
			in.Commitments = []model.CommitmentInput{{StakeholderID: w.archived.ID, Text: "x", Type: "budget"}}
		}, "commitments[0].stakeholder_id"},
		{"commitment bad type", w.cuscoOnly, func(in *model.MeetingInput) {
			in.Commitments = []model.CommitmentInput{{StakeholderID: w.cusco.ID, Text: "x", Type: "promise"}}
		}, "commitments[0].type"},
		{"task without title", w.cuscoOnly, func(in *model.MeetingInput) { in.Tasks = []model.TaskInput{{Title: " "}} }, "tasks[0].title"},
		{"task unknown assignee", w.cuscoOnly, func(in *model.MeetingInput) {
			in.Tasks = []model.TaskInput{{Title: "x", AssigneeID: missing}}
		}, "tasks[0].assignee_id"},
		{"region outside scope", w.loreto16, func(in *model.MeetingInput) { in.Participants = nil }, "region"},
		{"bad start", w.cuscoOnly, func(in *model.MeetingInput) { in.StartsAt = "2026-03-05 15:00" }, "starts_at"},
		{"duration too long", w.cuscoOnly, func(in *model.MeetingInput) { in.DurationMin = 1441 }, "duration_min"},
		{"unknown topic", w.cuscoOnly, func(in *model.MeetingInput) { in.Topics = []string{"budget", "sports"} }, "topics[1]"},
		{"unknown kind", w.cuscoOnly, func(in *model.MeetingInput) { in.Kind = "lunch" }, "kind"},
		{"unknown staff", w.cuscoOnly, func(in *model.MeetingInput) { in.StaffIDs = []bson.ObjectID{missing} }, "staff_ids[0]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := meetingInput(w)
			in.Tasks = []model.TaskInput{{Title: "valid task"}}
			in.Commitments = []model.CommitmentInput{{StakeholderID: w.cusco.ID, Text: "valid", Type: "other"}}
			tc.edit(&in)
			_, err := w.f.CreateMeeting(ctx, asAdmin(w.officer, tc.scope), in)
			if fs := fieldsOf(err); !slices.Contains(fs, tc.field) {
				t.Fatalf("got %v (fields %v), want a problem with %s", err, fs, tc.field)
			}
		})
	}
	if m, c, tk := w.counts(t); m+c+tk != 0 {
		t.Fatalf("invalid creates stored %d meetings, %d commitments, %d tasks", m, c, tk)
	}
}

func TestUpdateAndDeleteMeeting(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	res, err := w.f.CreateMeeting(ctx, asAdmin(w.officer, w.cuscoOnly), meetingInput(w))
	if err != nil {
		t.Fatal(err)
	}
	id := res.Meeting.ID
	stale := 9
	summary := "Nuevo resumen"
	if _, err := w.f.UpdateMeeting(ctx, asAdmin(w.officer, w.cuscoOnly), id, model.MeetingPatch{Summary: &summary, Version: &stale}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale: %v", err)
	}
	if _, err := w.f.UpdateMeeting(ctx, as(w.other, model.RoleOfficer, w.cuscoOnly), id, model.MeetingPatch{Summary: &summary}); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("another officer's meeting: %v", err)
	}
	parts := []model.ParticipantInput{{StakeholderID: w.nac.ID, Role: "fiscal"}}
	v := 1
	m, err := w.f.UpdateMeeting(ctx, asAdmin(w.officer, w.cuscoOnly), id, model.MeetingPatch{Summary: &summary, Participants: &parts, Version: &v})
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != 2 || m.Summary != summary || len(m.Participants) != 1 || m.Participants[0].Name != "Fiscalía de la Nación" ||
		!slices.Equal(m.StakeholderIDs, []bson.ObjectID{w.nac.ID}) {
		t.Fatalf("updated: %+v", m)
	}
	if ms, _, _ := w.s.ListMeetings(ctx, w.all, store.MeetingFilter{StakeholderID: w.cusco.ID}, store.Page{}); len(ms) != 0 {
		t.Fatalf("old participant still matches")
	}
	if ms, _, _ := w.s.ListMeetings(ctx, w.all, store.MeetingFilter{Q: "nuevo"}, store.Page{}); len(ms) != 1 {
		t.Fatalf("search field not updated")
	}
	loreto := "16"
	if _, err := w.f.UpdateMeeting(ctx, asAdmin(w.officer, w.cuscoOnly), id, model.MeetingPatch{Region: &loreto}); !slices.Contains(fieldsOf(err), "region") {
		t.Fatalf("move out of scope: %v", err)
	}
	entries, _, _ := w.s.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "meeting", EntityID: id.Hex()}, store.Page{})
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
	if err := w.f.DeleteMeeting(ctx, asAdmin(w.officer, w.loreto16), id, false); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete out of scope: %v", err)
	}
	if err := w.f.DeleteMeeting(ctx, asAdmin(w.officer, w.cuscoOnly), id, false); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.MeetingByID(ctx, w.all, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

// TestDeleteMeetingWithRecords: the records created with a meeting go with
// it when asked, a refusal on any of them deletes nothing, and records out
// of the user's regions are left alone.
func TestDeleteMeetingWithRecords(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	in := meetingInput(w)
	in.Commitments = []model.CommitmentInput{
		{StakeholderID: w.cusco.ID, Text: "Presentar proyecto", Type: "legislative"},
		{StakeholderID: w.loreto.ID, Text: "Visitar albergue", Type: "oversight", Region: "16"},
	}
	in.Tasks = []model.TaskInput{{Title: "Enviar acta"}, {Title: "Llamar", AssigneeID: w.other.ID}}
	res, err := w.f.CreateMeeting(ctx, asAdmin(w.officer, w.all), in)
	if err != nil {
		t.Fatal(err)
	}
	id := res.Meeting.ID
	officer := as(w.officer, model.RoleOfficer, w.cuscoOnly)
	// Another officer may not delete the meeting, even as a task's assignee.
	if err := w.f.DeleteMeeting(ctx, as(w.other, model.RoleOfficer, w.cuscoOnly), id, true); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("another officer: %v", err)
	}
	// The officer logged it, but a Cusco commitment owned by someone else stops the whole deletion.
	other := w.other.ID
	if _, err := w.f.UpdateCommitment(ctx, asAdmin(w.officer, w.all), res.Commitments[0].ID, model.CommitmentPatch{OwnerID: &other}); err != nil {
		t.Fatal(err)
	}
	if err := w.f.DeleteMeeting(ctx, officer, id, true); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("someone else's commitment: %v", err)
	}
	if m, c, tk := w.counts(t); m != 1 || c != 2 || tk != 2 {
		t.Fatalf("a refusal deleted records: %d %d %d", m, c, tk)
	}
	me := w.officer.ID
	if _, err := w.f.UpdateCommitment(ctx, asAdmin(w.officer, w.all), res.Commitments[0].ID, model.CommitmentPatch{OwnerID: &me}); err != nil {
		t.Fatal(err)
	}
	if err := w.f.DeleteMeeting(ctx, officer, id, true); err != nil {
		t.Fatal(err)
	}
	// The Loreto commitment is out of the officer's regions: it stays.
	if m, c, tk := w.counts(t); m != 0 || c != 1 || tk != 0 {
		t.Fatalf("after delete: %d meetings, %d commitments, %d tasks", m, c, tk)
	}
	if _, err := w.s.CommitmentByID(ctx, w.all, res.Commitments[1].ID); err != nil {
		t.Fatalf("Loreto commitment: %v", err)
	}
}

// TestDeleteRecordUnlinksMeeting: a deleted commitment or task leaves its
// meeting's lists.
func TestDeleteRecordUnlinksMeeting(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	in := meetingInput(w)
	in.Commitments = []model.CommitmentInput{{StakeholderID: w.cusco.ID, Text: "x", Type: "other"}}
	in.Tasks = []model.TaskInput{{Title: "y"}}
	u := asAdmin(w.officer, w.cuscoOnly)
	res, err := w.f.CreateMeeting(ctx, u, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.f.DeleteCommitment(ctx, u, res.Commitments[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := w.f.DeleteTask(ctx, u, res.Tasks[0].ID); err != nil {
		t.Fatal(err)
	}
	m, err := w.s.MeetingByID(ctx, w.all, res.Meeting.ID)
	if err != nil || len(m.CommitmentIDs) != 0 || len(m.TaskIDs) != 0 {
		t.Fatalf("meeting still lists %v %v (%v)", m.CommitmentIDs, m.TaskIDs, err)
	}
}

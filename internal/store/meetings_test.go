package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// world is a small fixture: users and stakeholders in Cusco (08), Loreto (16)
// and national (NAC).
type world struct {
	s                        *store.Store
	officer, other           model.Actor
	cusco, loreto, nac       model.Stakeholder
	archived                 model.Stakeholder
	all, cuscoOnly, loreto16 model.Scope
}

func newWorld(t *testing.T) *world {
	t.Helper()
	s := storetest.Open(t)
	ctx := context.Background()
	w := &world{s: s, all: model.Scope{All: true}, cuscoOnly: model.Scope{Regions: []string{"08"}}, loreto16: model.Scope{Regions: []string{"16"}}}
	for i, email := range []string{"ofi@x.org", "otra@x.org"} {
		u, err := s.CreateUser(ctx, model.SystemActor, model.NewUser{Email: email, Name: email, Role: model.RoleOfficer, Regions: []string{"08"}}, "h")
		if err != nil {
			t.Fatal(err)
		}
		a := model.Actor{ID: u.ID, Email: u.Email}
		if i == 0 {
			w.officer = a
		} else {
			w.other = a
		}
	}
	mk := func(name, kind string, regions ...string) model.Stakeholder {
		return model.Stakeholder{ID: bson.NewObjectID(), Kind: kind, Name: name, Regions: regions, Stance: "unknown", Influence: "medium"}
	}
	w.cusco = mk("Rosa Huamán", model.KindLegislator, "08")
	w.loreto = mk("Asociación Amazónica", model.KindOrganization, "16")
	w.nac = mk("Fiscalía de la Nación", model.KindInstitution, "NAC", "08")
	w.archived = mk("Antiguo Actor", model.KindPerson, "08")
	w.archived.Archived = true
	if err := s.InsertStakeholders(ctx, []model.Stakeholder{w.cusco, w.loreto, w.nac, w.archived}); err != nil {
		t.Fatal(err)
	}
	return w
}

func meetingInput(w *world) model.MeetingInput {
	return model.MeetingInput{
		StartsAt: "2026-03-05T15:00:00Z", DurationMin: 60, Kind: "in_person", Region: "08", Place: "Sede regional",
		Participants: []model.ParticipantInput{{StakeholderID: w.cusco.ID, Role: "congresista"}, {StakeholderID: w.nac.ID}},
		Topics:       []string{"budget", "prevention"}, Summary: "Reunión sobre presupuesto de prevención",
		Agreements: "Presentar un pedido de información", NextSteps: "Enviar oficio",
	}
}

func (w *world) counts(t *testing.T) (meetings, commitments, tasks int) {
	t.Helper()
	ctx := context.Background()
	ms, _, err := w.s.ListMeetings(ctx, w.all, store.MeetingFilter{}, store.Page{All: true})
	if err != nil {
		t.Fatal(err)
	}
	cs, _, err := w.s.ListCommitments(ctx, w.all, store.CommitmentFilter{}, store.Page{All: true})
	if err != nil {
		t.Fatal(err)
	}
	ts, _, err := w.s.ListTasks(ctx, w.all, store.TaskFilter{}, store.Page{All: true})
	if err != nil {
		t.Fatal(err)
	}
	return len(ms), len(cs), len(ts)
}

func fieldsOf(err error) []string {
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, f := range ve.Errors {
		out = append(out, f.Field)
	}
	return out
}

func TestCreateMeetingWithNestedRecords(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	in := meetingInput(w)
	in.Commitments = []model.CommitmentInput{
		{StakeholderID: w.cusco.ID, Text: "Presentar proyecto de ley", Type: "legislative", DueOn: "2026-06-30"},
		{StakeholderID: w.nac.ID, Text: "Compartir datos", Type: "coordination"},
	}
	in.Tasks = []model.TaskInput{{Title: "Enviar acta", DueOn: "2026-03-10"}}
	res, err := w.s.CreateMeeting(ctx, w.officer, w.cuscoOnly, in)
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
			_, err := w.s.CreateMeeting(ctx, w.officer, tc.scope, in)
			if fs := fieldsOf(err); !slices.Contains(fs, tc.field) {
				t.Fatalf("got %v (fields %v), want a problem with %s", err, fs, tc.field)
			}
		})
	}
	if m, c, tk := w.counts(t); m+c+tk != 0 {
		t.Fatalf("invalid creates stored %d meetings, %d commitments, %d tasks", m, c, tk)
	}
}

func TestCreateMeetingCompensates(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	boom := errors.New("disk full")
	for _, step := range []string{"commitments", "tasks", "meeting"} {
		t.Run(step, func(t *testing.T) {
			store.SetCreateFailpoint(t, step, boom)
			in := meetingInput(w)
			in.Commitments = []model.CommitmentInput{{StakeholderID: w.cusco.ID, Text: "x", Type: "budget"}}
			in.Tasks = []model.TaskInput{{Title: "y"}, {Title: "z"}}
			if _, err := w.s.CreateMeeting(ctx, w.officer, w.cuscoOnly, in); !errors.Is(err, boom) {
				t.Fatalf("got %v, want the failure", err)
			}
			if m, c, tk := w.counts(t); m+c+tk != 0 {
				t.Fatalf("left %d meetings, %d commitments, %d tasks behind", m, c, tk)
			}
		})
	}
	entries, _, err := w.s.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "commitment"}, store.Page{})
	if err != nil || len(entries) != 0 {
		t.Fatalf("audit entries for undone records: %d %v", len(entries), err)
	}
}

func TestUpdateAndDeleteMeeting(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	res, err := w.s.CreateMeeting(ctx, w.officer, w.cuscoOnly, meetingInput(w))
	if err != nil {
		t.Fatal(err)
	}
	id := res.Meeting.ID
	stale := 9
	summary := "Nuevo resumen"
	if _, err := w.s.UpdateMeeting(ctx, w.officer, w.cuscoOnly, id, model.MeetingPatch{Summary: &summary, Version: &stale}, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale: %v", err)
	}
	forbidden := errors.New("no")
	if _, err := w.s.UpdateMeeting(ctx, w.officer, w.cuscoOnly, id, model.MeetingPatch{Summary: &summary}, func(*model.Meeting) error { return forbidden }); !errors.Is(err, forbidden) {
		t.Fatalf("guard: %v", err)
	}
	parts := []model.ParticipantInput{{StakeholderID: w.nac.ID, Role: "fiscal"}}
	v := 1
	m, err := w.s.UpdateMeeting(ctx, w.officer, w.cuscoOnly, id, model.MeetingPatch{Summary: &summary, Participants: &parts, Version: &v}, nil)
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
	if _, err := w.s.UpdateMeeting(ctx, w.officer, w.cuscoOnly, id, model.MeetingPatch{Region: &loreto}, nil); !slices.Contains(fieldsOf(err), "region") {
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
	if err := w.s.DeleteMeeting(ctx, w.officer, w.loreto16, id, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete out of scope: %v", err)
	}
	if err := w.s.DeleteMeeting(ctx, w.officer, w.cuscoOnly, id, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.MeetingByID(ctx, w.all, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestListMeetingsFiltersAndPages(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	base := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)
	var ms []model.Meeting
	for i := 0; i < 5; i++ {
		region, kind := "08", "virtual"
		if i%2 == 1 {
			region, kind = "16", "call"
		}
		ms = append(ms, model.Meeting{ID: bson.NewObjectID(), StartsAt: base.AddDate(0, 0, i), DurationMin: 30, Kind: kind, Region: region,
			Participants: []model.Participant{{StakeholderID: w.cusco.ID, Name: w.cusco.Name}}, StakeholderIDs: []bson.ObjectID{w.cusco.ID},
			Topics: []string{}, StaffIDs: []bson.ObjectID{}, CommitmentIDs: []bson.ObjectID{}, TaskIDs: []bson.ObjectID{}, Version: 1})
	}
	if err := w.s.InsertMeetings(ctx, ms); err != nil {
		t.Fatal(err)
	}
	var got []time.Time
	cursor := ""
	for {
		items, next, err := w.s.ListMeetings(ctx, w.all, store.MeetingFilter{}, store.Page{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range items {
			got = append(got, m.StartsAt)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(got) != 5 || !got[0].Equal(base.AddDate(0, 0, 4)) || !got[4].Equal(base) {
		t.Fatalf("pages newest first: %v", got)
	}
	for _, tc := range []struct {
		name  string
		scope model.Scope
		f     store.MeetingFilter
		want  int
	}{
		{"scope cusco", w.cuscoOnly, store.MeetingFilter{}, 3},
		{"region filter outside scope", w.cuscoOnly, store.MeetingFilter{Region: "16"}, 0},
		{"kind", w.all, store.MeetingFilter{Kind: "call"}, 2},
		{"from to", w.all, store.MeetingFilter{From: base.AddDate(0, 0, 1), To: base.AddDate(0, 0, 3)}, 2},
		{"stakeholder", w.all, store.MeetingFilter{StakeholderID: w.cusco.ID}, 5},
		{"other stakeholder", w.all, store.MeetingFilter{StakeholderID: w.nac.ID}, 0},
	} {
		items, _, err := w.s.ListMeetings(ctx, tc.scope, tc.f, store.Page{})
		if err != nil || len(items) != tc.want {
			t.Errorf("%s: %d %v, want %d", tc.name, len(items), err, tc.want)
		}
	}
}

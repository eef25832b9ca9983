package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// world is a small fixture: users and stakeholders in Cusco (08), Loreto (16)
// and national (NAC).
type world struct {
	s                        *store.Store
	f                        *workflow.Flows // for fixtures written as a user would
	officer, other           model.Actor
	cusco, loreto, nac       model.Stakeholder
	archived                 model.Stakeholder
	all, cuscoOnly, loreto16 model.Scope
}

func newWorld(t *testing.T) *world {
	t.Helper()
	s := storetest.Open(t)
	ctx := context.Background()
	w := &world{s: s, f: workflow.New(s), all: model.Scope{All: true}, cuscoOnly: model.Scope{Regions: []string{"08"}}, loreto16: model.Scope{Regions: []string{"16"}}}
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

// admin is a acting with every permission within scope, for fixtures.
func admin(a model.Actor, scope model.Scope) *model.User {
	regions := scope.Regions
	if scope.All {
		regions = []string{model.AllRegions}
	}
	return &model.User{ID: a.ID, Email: a.Email, Name: a.Name, Role: model.RoleAdmin, Regions: regions}
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

func TestInsertMeetingCompensates(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	boom := errors.New("disk full")
	now := w.s.Now()
	for _, step := range []string{"commitments", "tasks", "meeting"} {
		t.Run(step, func(t *testing.T) {
			store.SetCreateFailpoint(t, step, boom)
			m := model.NewMeeting(meetingInput(w), w.officer, now)
			c := model.NewCommitment(model.NestedCommitment(model.CommitmentInput{StakeholderID: w.cusco.ID, Text: "x", Type: "budget"}, m), w.cusco, w.all, w.officer, now)
			var ts []model.Task
			for _, title := range []string{"y", "z"} {
				ts = append(ts, *model.NewTask(model.NestedTask(model.TaskInput{Title: title}, m), "08", w.officer, now))
			}
			m.CommitmentIDs, m.TaskIDs = []bson.ObjectID{c.ID}, []bson.ObjectID{ts[0].ID, ts[1].ID}
			if err := w.s.InsertMeeting(ctx, w.officer, m, []model.Commitment{*c}, ts); !errors.Is(err, boom) {
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

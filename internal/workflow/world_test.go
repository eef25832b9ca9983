package workflow_test

import (
	"context"
	"errors"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// world is a small fixture: two officers of Cusco, and stakeholders in
// Cusco (08), Loreto (16) and national (NAC).
type world struct {
	s                        *store.Store
	f                        *workflow.Flows
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

// as is the signed-in user a with role, seeing scope.
func as(a model.Actor, role string, scope model.Scope) *model.User {
	regions := scope.Regions
	if scope.All {
		regions = []string{model.AllRegions}
	}
	return &model.User{ID: a.ID, Email: a.Email, Name: a.Name, Role: role, Regions: regions}
}

// asAdmin is a acting with every permission within scope, so a test sees the
// workflow's rules on records rather than its role checks.
func asAdmin(a model.Actor, scope model.Scope) *model.User { return as(a, model.RoleAdmin, scope) }

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

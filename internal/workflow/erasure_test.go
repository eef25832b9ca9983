package workflow_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestEraseStakeholder(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	in := w.MeetingInput()
	in.Summary = "Reunión con Rosa Huamán sobre presupuesto"
	in.Commitments = []model.CommitmentInput{{StakeholderID: w.Cusco.ID, Text: "Rosa Huamán enviará el informe", Type: "coordination"}}
	res, err := w.Flows.CreateMeeting(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), in)
	if err != nil {
		t.Fatal(err)
	}

	it, err := w.Flows.CreateInitiative(ctx, fixture.AsAdmin(w.Officer, w.All), model.InitiativeInput{Kind: model.KindBill, Title: "Ley Rosa Huamán de prevención",
		Region: "08", Stage: "presented", Summary: "Propuesta de Rosa Huamán y la fiscalía",
		Stakeholders: []model.InitiativeLink{{StakeholderID: w.Cusco.ID, Role: "author"}, {StakeholderID: w.NAC.ID, Role: "supporter"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Flows.ChangeInitiativeStage(ctx, fixture.AsAdmin(w.Officer, w.All), it.ID, model.StageInput{Stage: "in_committee", Note: "Rosa Huamán la sustentó"}); err != nil {
		t.Fatal(err)
	}

	regional := fixture.AsAdmin(w.Officer, w.CuscoOnly)
	if _, err := w.Flows.EraseStakeholder(ctx, regional, w.Cusco.ID, w.Cusco.Name); !errors.Is(err, workflow.ErrNeedsAllRegions) || !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("regional admin erased: %v", err)
	}
	admin := fixture.AsAdmin(w.Officer, w.All)
	if _, err := w.Flows.EraseStakeholder(ctx, admin, w.Cusco.ID, "Rosa"); !slices.Contains(fieldsOf(err), "confirm_name") {
		t.Fatalf("wrong confirmation: %v", err)
	}
	rep, err := w.Flows.EraseStakeholder(ctx, admin, w.Cusco.ID, " Rosa Huamán ")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Meetings != 1 || rep.Commitments != 1 || rep.Initiatives != 1 || rep.Fields["initiatives.stakeholders"] != 1 {
		t.Fatalf("report: %+v", rep)
	}
	st, err := w.Store.StakeholderByID(ctx, w.All, w.Cusco.ID)
	if err != nil || st.Name != model.ErasedName || st.Kind != model.KindLegislator {
		t.Fatalf("stakeholder: %+v %v", st, err)
	}
	m, err := w.Store.MeetingByID(ctx, w.All, res.Meeting.ID)
	if err != nil || m.Summary != "Reunión con [erased] sobre presupuesto" || m.Participants[0].Name != model.ErasedName || m.Participants[1].Name != w.NAC.Name {
		t.Fatalf("meeting: %+v %v", m, err)
	}
	got, err := w.Store.InitiativeByID(ctx, w.All, it.ID)
	if err != nil || len(got.Stakeholders) != 1 || got.Stakeholders[0].StakeholderID != w.NAC.ID || !slices.Equal(got.StakeholderIDs, []bson.ObjectID{w.NAC.ID}) ||
		got.Title != "Ley [erased] de prevención" || got.Summary != "Propuesta de [erased] y la fiscalía" || got.History[1].Note != "[erased] la sustentó" ||
		strings.Contains(got.Search, "huaman") || got.Version != it.Version+2 {
		t.Fatalf("initiative: %+v %v", got, err)
	}
	if linked, err := w.Store.StakeholderInitiatives(ctx, w.All, w.Cusco.ID); err != nil || len(linked) != 0 {
		t.Fatalf("still linked: %v %v", linked, err)
	}
	if _, err := w.Flows.EraseStakeholder(ctx, admin, w.Cusco.ID, "Rosa Huamán"); !slices.Contains(fieldsOf(err), "confirm_name") {
		t.Fatalf("erased twice by the old name: %v", err)
	}
}

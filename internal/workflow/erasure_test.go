package workflow_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/workflow"
)

func TestEraseStakeholder(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	in := meetingInput(w)
	in.Summary = "Reunión con Rosa Huamán sobre presupuesto"
	in.Commitments = []model.CommitmentInput{{StakeholderID: w.cusco.ID, Text: "Rosa Huamán enviará el informe", Type: "coordination"}}
	res, err := w.f.CreateMeeting(ctx, asAdmin(w.officer, w.cuscoOnly), in)
	if err != nil {
		t.Fatal(err)
	}

	regional := asAdmin(w.officer, w.cuscoOnly)
	if _, err := w.f.EraseStakeholder(ctx, regional, w.cusco.ID, w.cusco.Name); !errors.Is(err, workflow.ErrNeedsAllRegions) || !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("regional admin erased: %v", err)
	}
	admin := asAdmin(w.officer, w.all)
	if _, err := w.f.EraseStakeholder(ctx, admin, w.cusco.ID, "Rosa"); !slices.Contains(fieldsOf(err), "confirm_name") {
		t.Fatalf("wrong confirmation: %v", err)
	}
	rep, err := w.f.EraseStakeholder(ctx, admin, w.cusco.ID, " Rosa Huamán ")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Meetings != 1 || rep.Commitments != 1 {
		t.Fatalf("report: %+v", rep)
	}
	st, err := w.s.StakeholderByID(ctx, w.all, w.cusco.ID)
	if err != nil || st.Name != model.ErasedName || st.Kind != model.KindLegislator {
		t.Fatalf("stakeholder: %+v %v", st, err)
	}
	m, err := w.s.MeetingByID(ctx, w.all, res.Meeting.ID)
	if err != nil || m.Summary != "Reunión con [erased] sobre presupuesto" || m.Participants[0].Name != model.ErasedName || m.Participants[1].Name != w.nac.Name {
		t.Fatalf("meeting: %+v %v", m, err)
	}
	if _, err := w.f.EraseStakeholder(ctx, admin, w.cusco.ID, "Rosa Huamán"); !slices.Contains(fieldsOf(err), "confirm_name") {
		t.Fatalf("erased twice by the old name: %v", err)
	}
}

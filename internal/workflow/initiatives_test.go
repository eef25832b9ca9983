package workflow_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func newBill(t *testing.T, w *fixture.World, u *model.User, region string) *model.Initiative {
	t.Helper()
	it, err := w.Flows.CreateInitiative(context.Background(), u, model.InitiativeInput{Kind: model.KindBill, Title: "Ley de prevención", Region: region,
		Stage: "presented", StageOn: "2026-01-10", Stakeholders: []model.InitiativeLink{{StakeholderID: w.Cusco.ID, Role: "author"}}})
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestCreateInitiativeValidation(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	ok := model.InitiativeInput{Kind: model.KindRegionalOrdinance, Title: "Ordenanza", Region: "08", Stage: "draft"}
	with := func(change func(*model.InitiativeInput)) model.InitiativeInput {
		in := ok
		change(&in)
		return in
	}
	for _, tc := range []struct {
		name  string
		scope model.Scope
		in    model.InitiativeInput
		field string
	}{
		{"stage of another kind", w.All, with(func(in *model.InitiativeInput) { in.Stage = "in_committee" }), "stage"},
		{"no stage", w.All, with(func(in *model.InitiativeInput) { in.Stage = "" }), "stage"},
		{"bad kind", w.All, with(func(in *model.InitiativeInput) { in.Kind = "law" }), "kind"},
		{"no title", w.All, with(func(in *model.InitiativeInput) { in.Title = "   " }), "title"},
		{"bad link", w.All, with(func(in *model.InitiativeInput) { in.URL = "ftp://x" }), "url"},
		{"bad date", w.All, with(func(in *model.InitiativeInput) { in.StageOn = "10/01/2026" }), "stage_on"},
		{"region out of scope", w.CuscoOnly, with(func(in *model.InitiativeInput) { in.Region = "16" }), "region"},
		{"unknown owner", w.All, with(func(in *model.InitiativeInput) { in.OwnerID = bson.NewObjectID() }), "owner_id"},
		{"stakeholder out of scope", w.CuscoOnly, with(func(in *model.InitiativeInput) {
			in.Stakeholders = []model.InitiativeLink{{StakeholderID: w.Loreto.ID, Role: "author"}}
		}), "stakeholders[0].stakeholder_id"},
		{"stakeholder twice", w.All, with(func(in *model.InitiativeInput) {
			in.Stakeholders = []model.InitiativeLink{{StakeholderID: w.Cusco.ID, Role: "author"}, {StakeholderID: w.Cusco.ID, Role: "supporter"}}
		}), "stakeholders[1].stakeholder_id"},
		{"bad role", w.All, with(func(in *model.InitiativeInput) {
			in.Stakeholders = []model.InitiativeLink{{StakeholderID: w.Cusco.ID, Role: "boss"}}
		}), "stakeholders[0].role"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.Flows.CreateInitiative(ctx, fixture.AsAdmin(w.Officer, tc.scope), tc.in)
			if fs := fieldsOf(err); !slices.Contains(fs, tc.field) {
				t.Fatalf("got %v, want a problem with %s", err, tc.field)
			}
		})
	}
	if _, err := w.Flows.CreateInitiative(ctx, fixture.As(w.Officer, model.RoleViewer, w.All), ok); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("viewer: %v", err)
	}
}

// Concurrent stage changes at one version: exactly one is stored and the
// history gains exactly one entry; without a version, a change decided on
// a stage that moved meanwhile is refused too.
func TestInitiativeStageConcurrent(t *testing.T) {
	storetest.NeedsIsolation(t)
	w := fixture.NewWorld(t)
	ctx := context.Background()
	officer := fixture.As(w.Officer, model.RoleOfficer, w.CuscoOnly)
	it := newBill(t, w, officer, "08")
	for _, versioned := range []bool{true, false} {
		cur, err := w.Store.InitiativeByID(ctx, w.All, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		next := "in_committee"
		if !versioned {
			next = "committee_report"
		}
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := model.StageInput{Stage: next, Note: "n"}
				if versioned {
					v := cur.Version
					in.Version = &v
				}
				_, errs[i] = w.Flows.ChangeInitiativeStage(ctx, officer, it.ID, in)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, store.ErrConflict):
			case !versioned && slices.Contains(fieldsOf(err), "stage"): // read after the winner: already at that stage
			default:
				t.Fatalf("versioned %v: %v", versioned, err)
			}
		}
		after, err := w.Store.InitiativeByID(ctx, w.All, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok != 1 || len(after.History) != len(cur.History)+1 || after.Stage != next || after.Version != cur.Version+1 {
			t.Fatalf("versioned %v: %d stored, history %d (was %d), stage %s, version %d", versioned, ok, len(after.History), len(cur.History), after.Stage, after.Version)
		}
	}
}

// Commitments and meetings name initiatives the author sees; removing an
// initiative unlinks them.
func TestInitiativeLinks(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	admin := fixture.AsAdmin(w.Officer, w.All)
	cusco := fixture.AsAdmin(w.Officer, w.CuscoOnly)
	bill := newBill(t, w, admin, "08")
	loreto := newBill(t, w, admin, "16")
	if _, err := w.Flows.CreateCommitment(ctx, cusco, model.CommitmentInput{StakeholderID: w.Cusco.ID, Text: "x", Type: "legislative", InitiativeID: loreto.ID}); !slices.Contains(fieldsOf(err), "initiative_id") {
		t.Fatalf("commitment on a hidden initiative: %v", err)
	}
	cm, err := w.Flows.CreateCommitment(ctx, cusco, model.CommitmentInput{StakeholderID: w.Cusco.ID, Text: "Votar a favor", Type: "legislative", InitiativeID: bill.ID})
	if err != nil {
		t.Fatal(err)
	}
	in := w.MeetingInput()
	in.InitiativeIDs = []bson.ObjectID{bill.ID, loreto.ID}
	if _, err := w.Flows.CreateMeeting(ctx, cusco, in); !slices.Contains(fieldsOf(err), "initiative_ids[1]") {
		t.Fatalf("meeting on a hidden initiative: %v", err)
	}
	in.InitiativeIDs = []bson.ObjectID{bill.ID, loreto.ID}
	mc, err := w.Flows.CreateMeeting(ctx, admin, in)
	if err != nil {
		t.Fatal(err)
	}
	// A Cusco user replacing the list keeps the Loreto link they cannot see.
	m, err := w.Flows.UpdateMeeting(ctx, cusco, mc.Meeting.ID, model.MeetingPatch{InitiativeIDs: &[]bson.ObjectID{}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.InitiativeIDs, []bson.ObjectID{loreto.ID}) {
		t.Fatalf("meeting initiatives after the Cusco edit: %v", m.InitiativeIDs)
	}
	if _, err := w.Flows.UpdateMeeting(ctx, cusco, mc.Meeting.ID, model.MeetingPatch{InitiativeIDs: &[]bson.ObjectID{bill.ID}}); err != nil {
		t.Fatal(err)
	}
	cs, err := w.Store.InitiativeCommitments(ctx, w.CuscoOnly, bill.ID)
	if err != nil || len(cs) != 1 || cs[0].ID != cm.ID {
		t.Fatalf("commitments of the bill: %v %v", cs, err)
	}
	ms, err := w.Store.InitiativeMeetings(ctx, w.All, bill.ID)
	if err != nil || len(ms) != 1 {
		t.Fatalf("meetings of the bill: %v %v", ms, err)
	}
	if err := w.Flows.DeleteInitiative(ctx, fixture.As(w.Officer, model.RoleOfficer, w.CuscoOnly), bill.ID); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("officer delete: %v", err)
	}
	if err := w.Flows.DeleteInitiative(ctx, fixture.As(w.Officer, model.RoleManager, w.CuscoOnly), bill.ID); err != nil {
		t.Fatal(err)
	}
	c, err := w.Store.CommitmentByID(ctx, w.All, cm.ID)
	if err != nil || !c.InitiativeID.IsZero() {
		t.Fatalf("commitment still linked: %v %v", c, err)
	}
	mt, err := w.Store.MeetingByID(ctx, w.All, mc.Meeting.ID)
	if err != nil || !slices.Equal(mt.InitiativeIDs, []bson.ObjectID{loreto.ID}) {
		t.Fatalf("meeting links after the removal: %v %v", mt.InitiativeIDs, err)
	}
}

// A renamed stakeholder's name is rewritten in the initiatives linking them.
func TestInitiativeStakeholderRename(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	admin := fixture.AsAdmin(w.Officer, w.All)
	it, err := w.Flows.CreateInitiative(ctx, admin, model.InitiativeInput{Kind: model.KindNationalPolicy, Title: "Política nacional", Region: "NAC",
		Stage: "drafting", Stakeholders: []model.InitiativeLink{{StakeholderID: w.NAC.ID, Role: "implementer"}}})
	if err != nil {
		t.Fatal(err)
	}
	name := "Ministerio Público - Fiscalía de la Nación"
	st, err := w.Store.StakeholderByID(ctx, w.All, w.NAC.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Flows.UpdateStakeholder(ctx, admin, st.ID, model.StakeholderPatch{Name: &name, Version: &st.Version}); err != nil {
		t.Fatal(err)
	}
	got, err := w.Store.InitiativeByID(ctx, w.All, it.ID)
	if err != nil || got.Stakeholders[0].Name != name || got.Version != it.Version {
		t.Fatalf("after the rename: %+v %v", got, err)
	}
}

// A stakeholder an initiative links is archived, not deleted.
func TestDeleteStakeholderOfInitiativeArchives(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	admin := fixture.AsAdmin(w.Officer, w.All)
	if _, err := w.Flows.CreateInitiative(ctx, admin, model.InitiativeInput{Kind: model.KindRegulation, Title: "Reglamento", Region: "NAC", Stage: "drafting",
		Stakeholders: []model.InitiativeLink{{StakeholderID: w.NAC.ID, Role: "implementer"}}}); err != nil {
		t.Fatal(err)
	}
	archived, err := w.Flows.DeleteStakeholder(ctx, admin, w.NAC.ID)
	if err != nil || !archived {
		t.Fatalf("archived %v, %v", archived, err)
	}
	if st, err := w.Store.StakeholderByID(ctx, w.All, w.NAC.ID); err != nil || !st.Archived {
		t.Fatalf("stakeholder: %+v %v", st, err)
	}
}

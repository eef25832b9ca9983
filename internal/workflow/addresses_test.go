package workflow_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

var errBoom = errors.New("boom")

// failAt makes the workflows fail at step until the test ends.
func failAt(t *testing.T, step string) {
	t.Cleanup(func() { workflow.SetFault(nil) })
	workflow.SetFault(func(s string) error {
		if s == step {
			return errBoom
		}
		return nil
	})
}

// TestLinkAddressUndoesOnFailure: when filing the mail fails after the
// stakeholder was written, the write is undone (the address leaves the
// existing stakeholder; the new one is deleted) and the mail stays as it
// was; linking again once the fault is gone files it.
func TestLinkAddressUndoesOnFailure(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	admin := user(t, s, model.RoleAdmin, model.AllRegions)
	rosa := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Rosa", Regions: []string{"08"}, Emails: []string{"rosa@example.pe"}})
	if _, err := f.SaveMessages(ctx, []model.IncomingMessage{mail(1, "nadie@example.pe", "equipo@ong.pe")}); err != nil {
		t.Fatal(err)
	}
	unmatched := func() bool {
		m, err := s.MessageByID(ctx, all, bson.ObjectID{0xee, 1}, true)
		if err != nil {
			t.Fatal(err)
		}
		return m.Unmatched
	}

	failAt(t, "rematch")
	if _, _, err := f.LinkAddress(ctx, admin, "Nadie@Example.pe", rosa.ID, nil); !errors.Is(err, errBoom) {
		t.Fatalf("link to existing: %v", err)
	}
	st, _ := s.StakeholderByID(ctx, all, rosa.ID)
	if !slices.Equal(st.Emails, []string{"rosa@example.pe"}) || !unmatched() {
		t.Fatalf("not undone: emails %v, unmatched %v", st.Emails, unmatched())
	}
	if _, _, err := f.LinkAddress(ctx, admin, "nadie@example.pe", bson.ObjectID{}, &model.StakeholderInput{Kind: "person", Name: "Nadie", Regions: []string{"16"}}); !errors.Is(err, errBoom) {
		t.Fatalf("link to new: %v", err)
	}
	list, _, _ := s.ListStakeholders(ctx, all, store.StakeholderFilter{Q: "nadie"}, store.Page{})
	if len(list) != 0 || !unmatched() {
		t.Fatalf("new stakeholder not undone: %+v, unmatched %v", list, unmatched())
	}

	workflow.SetFault(nil)
	id, n, err := f.LinkAddress(ctx, admin, "nadie@example.pe", rosa.ID, nil)
	if err != nil || id != rosa.ID || n != 1 || unmatched() {
		t.Fatalf("link after the fault: %v %d %v unmatched=%v", id, n, err, unmatched())
	}
	// Linking again changes nothing and files nothing more.
	if _, n, err := f.LinkAddress(ctx, admin, "nadie@example.pe", rosa.ID, nil); err != nil || n != 0 {
		t.Fatalf("link again: %d %v", n, err)
	}
}

// TestLinkAddressChecksFirst: refusals come before any write.
func TestLinkAddressChecksFirst(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	lor := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Loretana", Regions: []string{"16"}, Emails: []string{"lor@example.pe"}})
	cus := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Cusqueña", Regions: []string{"08"}})
	cusco := &model.User{ID: bson.NewObjectID(), Role: model.RoleManager, Regions: []string{"08"}}
	officer := &model.User{ID: bson.NewObjectID(), Role: model.RoleOfficer, Regions: []string{"08"}}
	cases := []struct {
		name  string
		u     *model.User
		addr  string
		id    bson.ObjectID
		fresh *model.StakeholderInput
		field string
		err   error
	}{
		{"bad address", cusco, "no-at", cus.ID, nil, "address", nil},
		{"neither target", cusco, "x@example.pe", bson.ObjectID{}, nil, "stakeholder_id", nil},
		{"invisible target", cusco, "x@example.pe", lor.ID, nil, "stakeholder_id", nil},
		{"not theirs", officer, "x@example.pe", cus.ID, nil, "", model.ErrForbidden},
		{"address of another region", cusco, "lor@example.pe", cus.ID, nil, "address", nil},
		{"new stakeholder invalid", cusco, "y@example.pe", bson.ObjectID{}, &model.StakeholderInput{Kind: "person", Regions: []string{"08"}}, "new_stakeholder.name", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := f.LinkAddress(ctx, tc.u, tc.addr, tc.id, tc.fresh)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			var ve *model.ValidationError
			if !errors.As(err, &ve) || ve.Errors[0].Field != tc.field {
				t.Fatalf("err = %v, want a problem with %s", err, tc.field)
			}
		})
	}
	if st, _ := s.StakeholderByID(ctx, all, cus.ID); st.Version != 1 {
		t.Fatalf("a refused link wrote: %+v", st)
	}
}

package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"go.mongodb.org/mongo-driver/v2/bson"
	"slices"
	"testing"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
)

func TestCreateAndUpdateUser(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	in := model.NewUser{Email: " Ana@Example.org ", Name: "Ana", Role: model.RoleOfficer, Regions: []string{"08"}, Password: "short"}
	if _, err := w.Flows.CreateUser(ctx, model.SystemUser(), in); !slices.Contains(fieldsOf(err), "password") {
		t.Fatalf("weak password: %v", err)
	}
	in.Password = "vicuñas cruzan el altiplano"
	u, err := w.Flows.CreateUser(ctx, model.SystemUser(), in)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "ana@example.org" || u.PasswordHash == "" || u.PasswordHash == in.Password {
		t.Fatalf("created: %+v", u)
	}
	if _, err := w.Flows.CreateUser(ctx, model.SystemUser(), in); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("same email: %v", err)
	}
	me := &model.User{ID: u.ID, Email: u.Email, Role: model.RoleAdmin, Regions: []string{model.AllRegions}}
	role := model.RoleManager
	if _, err := w.Flows.UpdateUser(ctx, me, u.ID, model.UserPatch{Role: &role}); !slices.Contains(fieldsOf(err), "role") {
		t.Fatalf("demote self: %v", err)
	}
	boss := &model.User{ID: w.Other.ID, Role: model.RoleAdmin, Regions: []string{model.AllRegions}}
	pw := "lluvia sobre el malecón 7"
	got, err := w.Flows.UpdateUser(ctx, boss, u.ID, model.UserPatch{Role: &role, Password: &pw})
	if err != nil || got.Role != model.RoleManager || got.PasswordHash == u.PasswordHash || got.Version != 2 {
		t.Fatalf("update: %+v %v", got, err)
	}
}

// A region-limited admin is limited: nobody grants a role or regions
// beyond their own, and only an admin of every region manages admins of
// every region (issue 20, point 1).
func TestRegionalAdminGrantsOnlyTheirRegions(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	pw := "vicuñas cruzan el altiplano"
	boss, err := w.Flows.CreateUser(ctx, model.SystemUser(), model.NewUser{Email: "boss@x.org", Name: "Boss", Role: model.RoleAdmin, Regions: []string{model.AllRegions}, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	puno, err := w.Flows.CreateUser(ctx, boss, model.NewUser{Email: "puno@x.org", Name: "Puno", Role: model.RoleAdmin, Regions: []string{"21"}, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	lima, err := w.Flows.CreateUser(ctx, boss, model.NewUser{Email: "lima@x.org", Name: "Lima", Role: model.RoleManager, Regions: []string{"15", "21"}, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	all := []string{model.AllRegions}
	admin := model.RoleAdmin
	creates := []struct {
		name    string
		role    string
		regions []string
		ok      bool
	}{
		{"an officer of Puno", model.RoleOfficer, []string{"21"}, true},
		{"an admin of Puno", model.RoleAdmin, []string{"21"}, true},
		{"an admin of every region", model.RoleAdmin, all, false},
		{"a viewer of every region", model.RoleViewer, all, false},
		{"a manager of Puno and Lima", model.RoleManager, []string{"21", "15"}, false},
		{"an officer of Cusco", model.RoleOfficer, []string{"08"}, false},
	}
	for i, c := range creates {
		in := model.NewUser{Email: fmt.Sprintf("n%d@x.org", i), Name: "N", Role: c.role, Regions: c.regions, Password: pw}
		_, err := w.Flows.CreateUser(ctx, puno, in)
		if c.ok && err != nil || !c.ok && !slices.Contains(fieldsOf(err), "regions") {
			t.Errorf("Puno admin creates %s: %v", c.name, err)
		}
	}
	patches := []struct {
		name string
		id   bson.ObjectID
		p    model.UserPatch
		want error // nil: allowed; else the error or a validation error on regions (errValidation)
	}{
		{"own regions to all", puno.ID, model.UserPatch{Regions: &all}, errValidation},
		{"own regions to Cusco", puno.ID, model.UserPatch{Regions: &[]string{"08"}}, errValidation},
		{"own name", puno.ID, model.UserPatch{Name: ptr("Puno 2")}, nil},
		{"the admin of every region", boss.ID, model.UserPatch{Name: ptr("x")}, store.ErrNotFound},
		{"the admin of every region's regions", boss.ID, model.UserPatch{Regions: &[]string{"21"}}, store.ErrNotFound},
		{"a manager of Puno and Lima", lima.ID, model.UserPatch{Role: &admin}, model.ErrForbidden},
		{"a manager of Puno and Lima, name only", lima.ID, model.UserPatch{Name: ptr("x")}, model.ErrForbidden},
	}
	for _, c := range patches {
		_, err := w.Flows.UpdateUser(ctx, puno, c.id, c.p)
		switch {
		case c.want == nil && err != nil,
			c.want == errValidation && !slices.Contains(fieldsOf(err), "regions"),
			c.want != nil && c.want != errValidation && !errors.Is(err, c.want):
			t.Errorf("Puno admin changes %s: %v, want %v", c.name, err, c.want)
		}
	}
	got, err := w.Store.UserByID(ctx, boss.ID)
	if err != nil || got.Name != "Boss" || !slices.Equal(got.Regions, all) {
		t.Fatalf("the admin of every region changed: %+v %v", got, err)
	}
	// The admin of every region manages everyone.
	if _, err := w.Flows.UpdateUser(ctx, boss, puno.ID, model.UserPatch{Regions: &all}); err != nil {
		t.Fatal(err)
	}
}

var errValidation = errors.New("validation error on regions")

func ptr[T any](v T) *T { return &v }

package workflow_test

import (
	"context"
	"errors"
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
	if _, err := w.Flows.CreateUser(ctx, model.SystemActor, in); !slices.Contains(fieldsOf(err), "password") {
		t.Fatalf("weak password: %v", err)
	}
	in.Password = "vicuñas cruzan el altiplano"
	u, err := w.Flows.CreateUser(ctx, model.SystemActor, in)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "ana@example.org" || u.PasswordHash == "" || u.PasswordHash == in.Password {
		t.Fatalf("created: %+v", u)
	}
	if _, err := w.Flows.CreateUser(ctx, model.SystemActor, in); !errors.Is(err, store.ErrDuplicate) {
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

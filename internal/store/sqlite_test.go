package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The engine's own _id look-up (`_ferretdb_sjson->'$._id' = ?`) uses the
// index the store adds, on a new database and after the engine re-created
// a dropped collection's table.
func TestEmbeddedIDIndex(t *testing.T) {
	if storetest.Dir() == "" {
		t.Skip("embedded engine only: MongoDB indexes _id itself")
	}
	s := storetest.Open(t)
	ctx := context.Background()
	const idWhere = `_ferretdb_sjson->'$._id' = '"0123456789abcdef01234567"'`
	for _, col := range []string{"users", "messages", "meetings", "stakeholders", "commitments", "tasks"} {
		plan, err := s.LitePlan(ctx, col, idWhere)
		if err != nil {
			t.Fatalf("%s: %v", col, err)
		}
		if !strings.Contains(plan, "USING INDEX") {
			t.Errorf("%s: _id look-up scans the table:\n%s", col, plan)
		}
	}

	// Dropped and re-created by the engine on the next write: the next
	// store read through SQLite puts the index back.
	if err := s.DropCollection(ctx, "users"); err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUser(ctx, model.SystemActor, newUser("eva@example.org"), "hash")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.LitePlan(ctx, "users", idWhere)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "USING INDEX") {
		t.Errorf("users after re-creation: _id look-up scans the table:\n%s", plan)
	}
	if got, err := s.UserByID(ctx, u.ID); err != nil || got.Email != "eva@example.org" {
		t.Fatalf("read through the engine after re-indexing: %v %v", got, err)
	}
	if _, err := s.UserByID(ctx, bson.NewObjectID()); err == nil {
		t.Fatal("missing user found")
	}
}

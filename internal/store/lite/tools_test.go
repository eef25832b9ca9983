package lite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

func TestBackupEachStats(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	users := db.Collection("users")
	// An ordered insert outside a transaction keeps the documents before a
	// duplicate, like MongoDB.
	_, err := users.Insert(ctx, []any{
		bson.D{{Key: "_id", Value: "u1"}, {Key: "email", Value: "a@x"}},
		bson.D{{Key: "_id", Value: "u2"}, {Key: "email", Value: "b@x"}},
		bson.D{{Key: "_id", Value: "u3"}, {Key: "email", Value: "a@x"}},
		bson.D{{Key: "_id", Value: "u4"}, {Key: "email", Value: "c@x"}},
	}, coll.InsertOptions{})
	if !errors.Is(err, coll.ErrDuplicate) {
		t.Fatalf("duplicate email: %v", err)
	}
	if n, _ := users.Count(ctx, bson.D{}, 0); n != 2 {
		t.Fatalf("%d users after the duplicate, want 2", n)
	}
	if _, err := users.Update(ctx, bson.D{{Key: "_id", Value: "u2"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "email", Value: "a@x"}}}}, coll.UpdateOptions{}); !errors.Is(err, coll.ErrDuplicate) {
		t.Fatalf("update onto a taken email: %v", err)
	}
	if _, err := users.Insert(ctx, []any{bson.D{{Key: "_id", Value: "u1"}}}, coll.InsertOptions{}); !errors.Is(err, coll.ErrDuplicate) {
		t.Fatalf("duplicate _id: %v", err)
	}

	dst := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	copyDB, err := Open(ctx, dst, testSpecs)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var seen []string
	if err := copyDB.Each(ctx, "users", func(raw bson.Raw) error {
		seen = append(seen, raw.Lookup("email").StringValue())
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0] != "a@x" || seen[1] != "b@x" {
		t.Fatalf("backup holds %v", seen)
	}
	stats, err := copyDB.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range stats {
		if s.Name == "users" {
			found = s.Docs == 2 && s.Bytes > 40
		}
	}
	if !found {
		t.Fatalf("stats: %+v", stats)
	}
	if err := copyDB.Each(ctx, "nope", func(bson.Raw) error { return nil }); !errors.Is(err, coll.ErrUnsupported) {
		t.Fatalf("Each on an undeclared collection: %v", err)
	}
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The kv collection holds a few documents: the index proof lets these
// tests read it without an index.
const testCol = "kv"

func byID(id string) bson.D { return bson.D{{Key: "_id", Value: id}} }

// TestWithTxOnTestServer checks the documented WithTx of the MongoDB
// implementation on the test server: the embedded FerretDB engine has no
// multi-document transactions, so fn runs directly and the writes a
// failing fn made before failing stay; a replica set (ALIANZA_TEST_MONGO_URI)
// rolls them back. Either way a successful fn's writes stay, and a WithTx
// inside fn joins the outer one.
func TestWithTxOnTestServer(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	db := s.DB()
	c := db.Collection(testCol)
	if storetest.Dir() != "" && s.Transactions() {
		t.Fatal("the embedded engine reports multi-document transactions")
	}
	count := func(id string) int64 {
		t.Helper()
		n, err := c.Count(ctx, byID(id), 0)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	boom := errors.New("boom")
	err := db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := c.Insert(ctx, []any{byID("tx/failed")}, coll.InsertOptions{}); err != nil {
			return err
		}
		return db.WithTx(ctx, func(ctx context.Context) error {
			if _, err := c.Insert(ctx, []any{byID("tx/failed-inner")}, coll.InsertOptions{}); err != nil {
				return err
			}
			return boom
		})
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WithTx answered %v, want fn's error", err)
	}
	want := int64(1) // run directly: the writes before the failure stay
	if s.Transactions() {
		want = 0 // rolled back
	}
	if got := count("tx/failed") + count("tx/failed-inner"); got != 2*want {
		t.Errorf("after a failing fn %d of its 2 writes stay, want %d (transactions: %v)", got, 2*want, s.Transactions())
	}

	err = db.WithTx(ctx, func(ctx context.Context) error {
		_, err := c.Insert(ctx, []any{byID("tx/ok-1"), byID("tx/ok-2")}, coll.InsertOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := count("tx/ok-1") + count("tx/ok-2"); got != 2 {
		t.Errorf("after a successful fn %d of its 2 writes stay", got)
	}
}

// TestCollSentinelsAreStoreSentinels checks that what the collection
// interface answers matches the store's sentinels with errors.Is, whichever
// package wrapped it.
func TestCollSentinelsAreStoreSentinels(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	c := s.DB().Collection(testCol)

	var doc bson.D
	err := c.FindOne(ctx, byID("missing"), coll.FindOptions{}, &doc)
	if !errors.Is(err, store.ErrNotFound) || !errors.Is(err, coll.ErrNotFound) {
		t.Errorf("FindOne of a missing document: %v, want ErrNotFound", err)
	}
	err = c.FindOneAndUpdate(ctx, byID("missing"), bson.D{{Key: "$set", Value: bson.D{{Key: "v", Value: 1}}}}, coll.UpdateOptions{}, &doc)
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FindOneAndUpdate of a missing document: %v, want ErrNotFound", err)
	}
	if err := fmt.Errorf("lite: find: %w", coll.ErrNotFound); !errors.Is(err, store.ErrNotFound) {
		t.Error("a wrapped coll.ErrNotFound is not store.ErrNotFound")
	}
	if err := fmt.Errorf("lite: insert: %w", coll.ErrDuplicate); !errors.Is(err, store.ErrDuplicate) {
		t.Error("a wrapped coll.ErrDuplicate is not store.ErrDuplicate")
	}

	if _, err := c.Insert(ctx, []any{byID("dup")}, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Insert(ctx, []any{byID("dup")}, coll.InsertOptions{})
	if !errors.Is(err, store.ErrDuplicate) || !errors.Is(err, coll.ErrDuplicate) {
		t.Errorf("a second insert of one _id: %v, want ErrDuplicate", err)
	}
	skipped, err := c.Insert(ctx, []any{byID("new-1"), byID("dup"), byID("new-2")}, coll.InsertOptions{SkipDuplicates: true})
	if err != nil || len(skipped) != 1 || skipped[0] != 1 {
		t.Errorf("insert skipping duplicates: skipped %v, %v; want [1], nil", skipped, err)
	}

	// Through the store: a missing record is store.ErrNotFound and
	// coll.ErrNotFound alike.
	if _, err := s.UserByID(ctx, bson.NewObjectID()); !errors.Is(err, coll.ErrNotFound) || !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UserByID of a missing user: %v, want ErrNotFound", err)
	}
}

// TestEnsureIndexesDropsRetired: a database indexed by an earlier release
// loses the indexes a longer one replaced (MongoDB cannot re-key an index
// under its name), keeps the current ones, and a second run changes
// nothing. The embedded store drops them at Open (lite's respec tests).
func TestEnsureIndexesDropsRetired(t *testing.T) {
	if storetest.Embedded() {
		t.Skip("MongoDB's indexes: runs in the FerretDB pass and on ALIANZA_TEST_MONGO_URI")
	}
	s := storetest.Open(t)
	ctx := context.Background()
	old := map[string]bson.D{
		"links_stakeholder": {{Key: "links.stakeholder_id", Value: 1}},
		"links_commitment":  {{Key: "links.commitment_id", Value: 1}},
	}
	for name, keys := range old {
		if err := s.CreateIndex(ctx, "tasks", name, keys); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := s.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
		names, err := s.IndexNames(ctx, "tasks")
		if err != nil {
			t.Fatal(err)
		}
		for name := range old {
			if slices.Contains(names, name) {
				t.Fatalf("retired index %s kept: %v", name, names)
			}
		}
		for _, name := range []string{"links_stakeholder_created", "links_commitment_created"} {
			if !slices.Contains(names, name) {
				t.Fatalf("index %s missing: %v", name, names)
			}
		}
	}
}

package lite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// testSpecs mirror the shape of internal/store's collections.
var testSpecs = []Spec{
	{
		Name:    "messages",
		Fields:  []string{"status", "date", "mailbox", "version", "n"},
		Members: []string{"stakeholder_ids", "regions", "addresses/email"},
		Words:   "search",
		Indexes: []Index{
			{Name: "status_date", Keys: []Key{{Path: "status"}, {Path: "date", Desc: true}, {Path: "_id", Desc: true}}},
			{Name: "date", Keys: []Key{{Path: "date", Desc: true}, {Path: "_id", Desc: true}}},
		},
	},
	{
		Name:    "meetings",
		Fields:  []string{"region", "date", "title"},
		Members: []string{"participants/stakeholder_id"},
		Indexes: []Index{{Name: "region_date", Keys: []Key{{Path: "region"}, {Path: "date", Desc: true}, {Path: "_id", Desc: true}}}},
	},
	{
		Name:    "stakeholders",
		Fields:  []string{"name", "kind", "version"},
		Members: []string{"regions", "emails"},
		Words:   "search",
		Indexes: []Index{
			{Name: "name", Keys: []Key{{Path: "name"}, {Path: "_id"}}},
			{Name: "emails_unique", Keys: []Key{{Path: "emails"}}, Unique: true},
		},
	},
	{Name: "kv", Scannable: true},
	{Name: "users", Fields: []string{"email"}, Indexes: []Index{{Name: "email_unique", Keys: []Key{{Path: "email"}}, Unique: true}}},
}

func openTest(t *testing.T, opts ...Option) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "lite.db"), testSpecs, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func ids(t *testing.T, docs []bson.D) []any {
	t.Helper()
	out := make([]any, len(docs))
	for i, d := range docs {
		out[i], _ = lookup(d, "_id")
	}
	return out
}

func TestCRUD(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := db.Collection("stakeholders")
	type sh struct {
		ID      bson.ObjectID `bson:"_id,omitempty"`
		Name    string        `bson:"name"`
		Regions []string      `bson:"regions"`
		Emails  []string      `bson:"emails,omitempty"`
		Version int           `bson:"version"`
		Search  string        `bson:"search"`
	}
	docs := []any{
		sh{Name: "Ana", Regions: []string{"lima", "cusco"}, Emails: []string{"ana@x.pe"}, Version: 1, Search: "ana torres lima"},
		sh{Name: "Beto", Regions: []string{"puno"}, Version: 1, Search: "beto quispe"},
		sh{Name: "Carla", Regions: []string{"lima"}, Emails: []string{"carla@x.pe", "c@x.pe"}, Version: 1, Search: "carla rojas"},
	}
	if _, err := c.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	var got []sh
	if err := c.Find(ctx, bson.D{{Key: "regions", Value: "lima"}}, coll.FindOptions{Sort: bson.D{{Key: "name", Value: -1}}}, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "Carla" || got[1].Name != "Ana" || got[0].ID.IsZero() {
		t.Fatalf("regions=lima sorted by name desc: %+v", got)
	}
	// Word search as the store sends it.
	if err := c.Find(ctx, bson.D{{Key: "search", Value: bson.D{{Key: "$regex", Value: "(^| )quis"}}}}, coll.FindOptions{}, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "Beto" {
		t.Fatalf("word search: %+v", got)
	}
	// A unique member across documents.
	_, err := c.Insert(ctx, []any{sh{Name: "Dup", Emails: []string{"c@x.pe"}}}, coll.InsertOptions{})
	if !errors.Is(err, coll.ErrDuplicate) {
		t.Fatalf("duplicate email: %v", err)
	}
	skipped, err := c.Insert(ctx, []any{sh{Name: "D1", Emails: []string{"d@x.pe"}}, sh{Name: "D2", Emails: []string{"ana@x.pe"}}, sh{Name: "D3"}}, coll.InsertOptions{SkipDuplicates: true})
	if err != nil || !slices.Equal(skipped, []int{1}) {
		t.Fatalf("skip duplicates: %v %v", skipped, err)
	}
	if n, err := c.Count(ctx, bson.D{{Key: "emails", Value: "ana@x.pe"}}, 0); err != nil || n != 1 {
		t.Fatalf("the skipped document left member rows: %d %v", n, err)
	}
	// Version-guarded update.
	var ana sh
	if err := c.FindOne(ctx, bson.D{{Key: "name", Value: "Ana"}}, coll.FindOptions{}, &ana); err != nil {
		t.Fatal(err)
	}
	res, err := c.Update(ctx, bson.D{{Key: "_id", Value: ana.ID}, {Key: "version", Value: 1}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "Ana María"}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
			{Key: "$pull", Value: bson.D{{Key: "regions", Value: "cusco"}}}}, coll.UpdateOptions{})
	if err != nil || res.Matched != 1 || res.Modified != 1 {
		t.Fatalf("update: %+v %v", res, err)
	}
	if n, _ := c.Count(ctx, bson.D{{Key: "regions", Value: "cusco"}}, 0); n != 0 {
		t.Fatal("member rows not rewritten after $pull")
	}
	res, err = c.Update(ctx, bson.D{{Key: "_id", Value: ana.ID}, {Key: "version", Value: 1}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "x"}}}}, coll.UpdateOptions{})
	if err != nil || res.Matched != 0 {
		t.Fatalf("stale version matched: %+v %v", res, err)
	}
	var fresh sh
	if err := c.FindOne(ctx, bson.D{{Key: "name", Value: "Ana María"}}, coll.FindOptions{}, &fresh); err != nil {
		t.Fatal(err)
	}
	if fresh.Version != 2 || !slices.Equal(fresh.Regions, []string{"lima"}) {
		t.Fatalf("after update: %+v", fresh)
	}
	ana = fresh
	var proj bson.D
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: ana.ID}}, coll.FindOptions{Projection: bson.D{{Key: "name", Value: 1}}}, &proj); err != nil {
		t.Fatal(err)
	}
	if len(proj) != 2 || proj[0].Key != "_id" || proj[1].Key != "name" {
		t.Fatalf("projection: %v", proj)
	}
	// Delete and not found.
	if n, err := c.Delete(ctx, bson.D{{Key: "regions", Value: "puno"}}, true); err != nil || n != 1 {
		t.Fatalf("delete: %d %v", n, err)
	}
	if err := c.FindOne(ctx, bson.D{{Key: "name", Value: "Beto"}}, coll.FindOptions{}, &ana); !errors.Is(err, coll.ErrNotFound) {
		t.Fatalf("deleted document found: %v", err)
	}
	if n, _ := c.Count(ctx, bson.D{{Key: "search", Value: bson.D{{Key: "$regex", Value: "(^| )beto"}}}}, 0); n != 0 {
		t.Fatal("word rows left after delete")
	}
}

func TestUnsupported(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := db.Collection("messages")
	var out []bson.D
	cases := []struct {
		name string
		run  func() error
	}{
		{"operator", func() error {
			return c.Find(ctx, bson.D{{Key: "status", Value: bson.D{{Key: "$elemMatch", Value: bson.D{}}}}}, coll.FindOptions{}, &out)
		}},
		{"top operator", func() error { return c.Find(ctx, bson.D{{Key: "$where", Value: "1"}}, coll.FindOptions{}, &out) }},
		{"sort on a non-field", func() error {
			return c.Find(ctx, bson.D{}, coll.FindOptions{Sort: bson.D{{Key: "subject", Value: 1}}}, &out)
		}},
		{"update operator", func() error {
			_, err := c.Update(ctx, bson.D{}, bson.D{{Key: "$rename", Value: bson.D{{Key: "a", Value: "b"}}}}, coll.UpdateOptions{})
			return err
		}},
		{"push modifier", func() error {
			_, err := c.Update(ctx, bson.D{}, bson.D{{Key: "$push", Value: bson.D{{Key: "a", Value: bson.D{{Key: "$each", Value: bson.A{1}}, {Key: "$slice", Value: 2}}}}}}, coll.UpdateOptions{})
			return err
		}},
		{"undeclared collection", func() error { return db.Collection("nope").Find(ctx, bson.D{}, coll.FindOptions{}, &out) }},
		{"array at a field", func() error {
			_, err := c.Insert(ctx, []any{bson.D{{Key: "status", Value: bson.A{"a"}}}}, coll.InsertOptions{})
			return err
		}},
		{"mixed projection", func() error {
			return c.Find(ctx, bson.D{}, coll.FindOptions{Projection: bson.D{{Key: "body", Value: 0}, {Key: "name", Value: 1}}}, &out)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, coll.ErrUnsupported) {
				t.Fatalf("want ErrUnsupported, got %v", err)
			}
		})
	}
}

func TestUpsertAndFindOneAndUpdate(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := db.Collection("kv")
	res, err := c.Update(ctx, bson.D{{Key: "_id", Value: "prefs/u1"}, {Key: "kind", Value: bson.D{{Key: "$eq", Value: "prefs"}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "a.b", Value: 1}}}, {Key: "$setOnInsert", Value: bson.D{{Key: "created", Value: true}}}},
		coll.UpdateOptions{Upsert: true})
	if err != nil || res.UpsertedID != "prefs/u1" || res.Matched != 0 {
		t.Fatalf("upsert: %+v %v", res, err)
	}
	var d bson.D
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "prefs/u1"}}, coll.FindOptions{}, &d); err != nil {
		t.Fatal(err)
	}
	want := bson.D{{Key: "_id", Value: "prefs/u1"}, {Key: "kind", Value: "prefs"}, {Key: "a", Value: bson.D{{Key: "b", Value: int32(1)}}}, {Key: "created", Value: true}}
	if fmt.Sprint(d) != fmt.Sprint(want) {
		t.Fatalf("upserted %v, want %v", d, want)
	}
	// Second upsert matches: $setOnInsert is not applied again.
	res, err = c.Update(ctx, bson.D{{Key: "_id", Value: "prefs/u1"}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "a.b", Value: 2}}}, {Key: "$setOnInsert", Value: bson.D{{Key: "created", Value: false}}}},
		coll.UpdateOptions{Upsert: true})
	if err != nil || res.Matched != 1 || res.Modified != 1 || res.UpsertedID != nil {
		t.Fatalf("second upsert: %+v %v", res, err)
	}
	// An upsert without _id in the filter generates an ObjectID.
	res, err = c.Update(ctx, bson.D{{Key: "name", Value: "x"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "v", Value: 1}}}}, coll.UpdateOptions{Upsert: true})
	if _, ok := res.UpsertedID.(bson.ObjectID); err != nil || !ok {
		t.Fatalf("generated _id: %+v %v", res, err)
	}
	// FindOneAndUpdate: after by default, before on request.
	var after, before struct {
		A struct{ B int } `bson:"a"`
	}
	if err := c.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "prefs/u1"}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "a.b", Value: 10}}}}, coll.UpdateOptions{}, &after); err != nil || after.A.B != 13 {
		t.Fatalf("after: %+v %v", after, err)
	}
	if err := c.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "prefs/u1"}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "a.b", Value: 10}}}}, coll.UpdateOptions{ReturnBefore: true}, &before); err != nil || before.A.B != 13 {
		t.Fatalf("before: %+v %v", before, err)
	}
	if err := c.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "none"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "x", Value: 1}}}}, coll.UpdateOptions{}, &after); !errors.Is(err, coll.ErrNotFound) {
		t.Fatalf("no match: %v", err)
	}
	// Replace keeps _id; upsert replace takes _id from the filter.
	if _, err := c.Replace(ctx, bson.D{{Key: "_id", Value: "prefs/u1"}}, bson.D{{Key: "z", Value: 1}}, false); err != nil {
		t.Fatal(err)
	}
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "prefs/u1"}}, coll.FindOptions{}, &d); err != nil || len(d) != 2 {
		t.Fatalf("replaced: %v %v", d, err)
	}
	if res, err := c.Replace(ctx, bson.D{{Key: "_id", Value: "k2"}}, bson.D{{Key: "z", Value: 2}}, true); err != nil || res.UpsertedID != "k2" {
		t.Fatalf("replace upsert: %+v %v", res, err)
	}
	if _, err := c.Update(ctx, bson.D{{Key: "_id", Value: "k2"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "_id", Value: "k3"}}}}, coll.UpdateOptions{}); !errors.Is(err, coll.ErrUnsupported) {
		t.Fatalf("changing _id: %v", err)
	}
}

func TestSpecChangeRebuilds(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lite.db")
	a := []Spec{{Name: "tasks", Fields: []string{"status"}}}
	db, err := Open(ctx, path, a)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if _, err := db.Collection("tasks").Insert(ctx, []any{bson.D{{Key: "status", Value: "open"}, {Key: "owner", Value: fmt.Sprint("u", i%5)}, {Key: "tags", Value: bson.A{"t" + fmt.Sprint(i%3)}}}}, coll.InsertOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var out []bson.D
	if err := db.Collection("tasks").Find(ctx, bson.D{}, coll.FindOptions{Sort: bson.D{{Key: "owner", Value: 1}}}, &out); !errors.Is(err, coll.ErrUnsupported) {
		t.Fatalf("sort on an undeclared field: %v", err)
	}
	db.Close()
	b := []Spec{{Name: "tasks", Fields: []string{"status", "owner"}, Members: []string{"tags"},
		Indexes: []Index{{Name: "owner_status", Keys: []Key{{Path: "owner"}, {Path: "status"}}}}}}
	db, err = Open(ctx, path, b, RecordPlans())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Collection("tasks").Find(ctx, bson.D{{Key: "owner", Value: "u3"}, {Key: "tags", Value: "t1"}}, coll.FindOptions{Sort: bson.D{{Key: "owner", Value: 1}, {Key: "_id", Value: 1}}}, &out); err != nil {
		t.Fatal(err)
	}
	// i%5==3 and i%3==1: i in {13, 28, 43}.
	if len(out) != 3 {
		t.Fatalf("after rebuild: %d documents", len(out))
	}
	bad, err := db.CheckPlans(ctx)
	if err != nil || len(bad) > 0 {
		t.Fatalf("plans after rebuild: %v %v", bad, err)
	}
	// Insertion order survives the rebuild.
	var first bson.D
	if err := db.Collection("tasks").FindOne(ctx, bson.D{}, coll.FindOptions{}, &first); err != nil {
		t.Fatal(err)
	}
	if v, _ := lookup(first, "owner"); v != "u0" {
		t.Fatalf("first document after rebuild: %v", first)
	}
}

func TestWithTx(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	m, s := db.Collection("meetings"), db.Collection("stakeholders")
	boom := errors.New("boom")
	err := db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := m.Insert(ctx, []any{bson.D{{Key: "title", Value: "x"}}}, coll.InsertOptions{}); err != nil {
			return err
		}
		// Read-your-writes inside the transaction.
		if n, err := m.Count(ctx, bson.D{{Key: "title", Value: "x"}}, 0); err != nil || n != 1 {
			return fmt.Errorf("inside: %d %v", n, err)
		}
		// Nested WithTx joins.
		return db.WithTx(ctx, func(ctx context.Context) error {
			if _, err := s.Insert(ctx, []any{bson.D{{Key: "name", Value: "y"}}}, coll.InsertOptions{}); err != nil {
				return err
			}
			return boom
		})
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	for _, c := range []coll.Collection{m, s} {
		if n, err := c.Count(ctx, bson.D{}, 0); err != nil || n != 0 {
			t.Fatalf("a failed transaction left %d documents (%v)", n, err)
		}
	}
	// A panic rolls back too, and the writer stays usable.
	func() {
		defer func() { _ = recover() }()
		_ = db.WithTx(ctx, func(ctx context.Context) error {
			_, _ = m.Insert(ctx, []any{bson.D{{Key: "title", Value: "p"}}}, coll.InsertOptions{})
			panic("x")
		})
	}()
	// A cancelled ctx mid-transaction rolls back and frees the writer.
	cctx, cancel := context.WithCancel(ctx)
	err = db.WithTx(cctx, func(ctx context.Context) error {
		if _, err := m.Insert(ctx, []any{bson.D{{Key: "title", Value: "c"}}}, coll.InsertOptions{}); err != nil {
			return err
		}
		cancel()
		_, err := m.Insert(ctx, []any{bson.D{{Key: "title", Value: "c2"}}}, coll.InsertOptions{})
		return err
	})
	if err == nil {
		t.Fatal("insert with a cancelled ctx succeeded")
	}
	done := make(chan error, 1)
	go func() {
		_, err := m.Insert(ctx, []any{bson.D{{Key: "title", Value: "after"}}}, coll.InsertOptions{})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the writer is still held after a cancelled transaction")
	}
	if n, _ := m.Count(ctx, bson.D{}, 0); n != 1 {
		t.Fatalf("want only the last insert, have %d documents", n)
	}
}

func TestConcurrentVersionGuardedUpdates(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := db.Collection("stakeholders")
	id := bson.NewObjectID()
	if _, err := c.Insert(ctx, []any{bson.D{{Key: "_id", Value: id}, {Key: "version", Value: 0}, {Key: "log", Value: bson.A{}}}}, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	const workers, each = 6, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; {
				var cur struct {
					Version int `bson:"version"`
				}
				if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, coll.FindOptions{}, &cur); err != nil {
					errs <- err
					return
				}
				var out bson.D
				err := c.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: cur.Version}},
					bson.D{{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}, {Key: "$push", Value: bson.D{{Key: "log", Value: fmt.Sprint(w, "-", i)}}}},
					coll.UpdateOptions{}, &out)
				switch {
				case errors.Is(err, coll.ErrNotFound):
					continue // lost the race: read again
				case err != nil:
					errs <- err
					return
				}
				i++
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var final struct {
		Version int      `bson:"version"`
		Log     []string `bson:"log"`
	}
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, coll.FindOptions{}, &final); err != nil {
		t.Fatal(err)
	}
	if final.Version != workers*each || len(final.Log) != workers*each {
		t.Fatalf("lost updates: version %d, log %d, want %d", final.Version, len(final.Log), workers*each)
	}
}

func TestBoundedStatements(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, RecordPlans())
	c := db.Collection("messages")
	docs := make([]any, 10000)
	var wanted bson.A
	for i := range docs {
		id := bson.NewObjectID()
		docs[i] = bson.D{{Key: "_id", Value: id}, {Key: "status", Value: "new"}, {Key: "n", Value: i},
			{Key: "stakeholder_ids", Value: bson.A{fmt.Sprint("s", i)}}}
		if i%7 == 0 {
			wanted = append(wanted, id)
		}
	}
	start := time.Now()
	if _, err := c.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("10,000 documents in one Insert: %v", time.Since(start))
	in := make(bson.A, 0, 100000)
	in = append(in, wanted...)
	for len(in) < 100000 {
		in = append(in, bson.NewObjectID())
	}
	start = time.Now()
	n, err := c.Count(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: in}}}}, 0)
	if err != nil || n != int64(len(wanted)) {
		t.Fatalf("100,000-value $in: %d %v (want %d)", n, err, len(wanted))
	}
	t.Logf("count with a 100,000-value $in: %v", time.Since(start))
	members := make(bson.A, 100000)
	for i := range members {
		members[i] = fmt.Sprint("s", i*3)
	}
	var out []bson.D
	if err := c.Find(ctx, bson.D{{Key: "stakeholder_ids", Value: bson.D{{Key: "$in", Value: members}}}, {Key: "n", Value: bson.D{{Key: "$nin", Value: bson.A{0, 3, 6}}}}}, coll.FindOptions{}, &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 3334-3 {
		t.Fatalf("member $in: %d", len(out))
	}
	for _, p := range db.plans.seen {
		if len(p.args) > MaxBind {
			t.Fatalf("%d values bound: %s", len(p.args), p.sql)
		}
	}
}

func TestPlanCheck(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, RecordPlans())
	msgs, meets, shs := db.Collection("messages"), db.Collection("meetings"), db.Collection("stakeholders")
	var docs []any
	for i := range 300 {
		docs = append(docs, bson.D{{Key: "status", Value: []string{"new", "done", "spam"}[i%3]}, {Key: "date", Value: bson.DateTime(int64(i) * 1000)},
			{Key: "regions", Value: bson.A{"lima"}}, {Key: "stakeholder_ids", Value: bson.A{fmt.Sprint("s", i%40)}}, {Key: "search", Value: "hola presupuesto " + fmt.Sprint("w", i)}})
	}
	if _, err := msgs.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	var out []bson.D
	page := coll.FindOptions{Sort: bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, Limit: 51}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(msgs.Find(ctx, bson.D{{Key: "status", Value: "new"}}, page, &out))
	must(msgs.Find(ctx, bson.D{{Key: "status", Value: "new"}, {Key: "date", Value: bson.D{{Key: "$lt", Value: bson.DateTime(5000)}}}}, page, &out))
	must(msgs.Find(ctx, bson.D{}, page, &out))
	must(msgs.Find(ctx, bson.D{{Key: "stakeholder_ids", Value: bson.D{{Key: "$in", Value: bson.A{"s1", "s2"}}}}}, page, &out))
	must(msgs.Find(ctx, bson.D{{Key: "search", Value: bson.D{{Key: "$regex", Value: "(^| )presu"}}}, {Key: "status", Value: bson.D{{Key: "$ne", Value: "spam"}}}}, page, &out))
	db.commonRows = 100 // "presu" is common: the page walks the date index
	must(msgs.Find(ctx, bson.D{{Key: "search", Value: bson.D{{Key: "$regex", Value: "(^| )presu"}}}}, page, &out))
	must(msgs.Find(ctx, bson.D{{Key: "search", Value: bson.D{{Key: "$regex", Value: "(^| )presu"}}}, {Key: "status", Value: "new"}}, page, &out))
	// "lima" is common too: the page walks the date index and probes the
	// member rows of each message.
	must(msgs.Find(ctx, bson.D{{Key: "regions", Value: "lima"}, {Key: "status", Value: bson.D{{Key: "$ne", Value: "spam"}}}}, page, &out))
	if len(out) != 51 {
		t.Fatalf("the walked page has %d messages", len(out))
	}
	db.commonRows = 2000
	must(meets.Find(ctx, bson.D{{Key: "participants.stakeholder_id", Value: "s1"}}, coll.FindOptions{Sort: bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}}, &out))
	must(meets.Find(ctx, bson.D{{Key: "region", Value: bson.D{{Key: "$in", Value: bson.A{"lima", "cusco"}}}}}, coll.FindOptions{Sort: bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, Limit: 20}, &out))
	must(shs.Find(ctx, bson.D{{Key: "regions", Value: "lima"}, {Key: "name", Value: bson.D{{Key: "$gt", Value: "M"}}}}, coll.FindOptions{Sort: bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}, Limit: 51}, &out))
	must(shs.Find(ctx, bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "emails", Value: "a@x"}}, bson.D{{Key: "name", Value: "A"}}}}}, coll.FindOptions{}, &out))
	if _, err := shs.Count(ctx, bson.D{{Key: "regions", Value: bson.D{{Key: "$in", Value: bson.A{"lima"}}}}}, 0); err != nil {
		t.Fatal(err)
	}
	must(db.Collection("kv").Find(ctx, bson.D{{Key: "x", Value: 1}}, coll.FindOptions{}, &out)) // scannable
	var one bson.D
	if err := meets.FindOne(ctx, bson.D{}, coll.FindOptions{}, &one); !errors.Is(err, coll.ErrNotFound) { // the first row
		t.Fatal(err)
	}
	bad, err := db.CheckPlans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("full scans:\n%s", strings.Join(bad, "\n"))
	}
	walked := false
	for _, p := range db.plans.seen {
		if strings.Contains(p.sql, "EXISTS (SELECT 1 FROM \"w:messages\"") {
			lines, _ := db.explain(ctx, p.sql, p.args)
			t.Logf("common word: %s", strings.Join(lines, " | "))
			walked = true
		}
	}
	if !walked {
		t.Fatal("a common word did not switch to the walking plan")
	}
	// A few messages by _id in a region: their member rows are probed.
	var some []bson.D
	must(msgs.Find(ctx, bson.D{}, coll.FindOptions{Limit: 3}, &some))
	must(msgs.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids(t, some)}}}, {Key: "regions", Value: bson.D{{Key: "$in", Value: bson.A{"lima"}}}}}, coll.FindOptions{}, &out))
	if len(out) != 3 {
		t.Fatalf("three messages by _id in Lima: %d", len(out))
	}
	walked = false
	for _, p := range db.plans.seen {
		if strings.Contains(p.sql, "EXISTS (SELECT 1 FROM \"m:messages\" WHERE rid = ") {
			lines, _ := db.explain(ctx, p.sql, p.args)
			t.Logf("common member value: %s", strings.Join(lines, " | "))
			walked = walked || strings.Contains(strings.Join(lines, "|"), "USING INDEX")
		}
	}
	if !walked {
		t.Fatal("a common member value did not switch to the walking plan")
	}
	// Queries that can only scan are caught.
	scans := []bson.D{
		{{Key: "subject", Value: "x"}},                                                // not a field: residual over every row
		{{Key: "status", Value: bson.D{{Key: "$ne", Value: "spam"}}}},                 // a negation reads everything
		{{Key: "search", Value: bson.D{{Key: "$regex", Value: "presupuesto$"}}}},      // not a word prefix
		{{Key: "stakeholder_ids", Value: bson.D{{Key: "$nin", Value: bson.A{"s1"}}}}}, // no element equal
		{}, // everything
	}
	for i, f := range scans {
		var logged bytes.Buffer
		db2 := openTest(t, RecordPlans(), Logger(slog.New(slog.NewTextHandler(&logged, nil))))
		must(db2.Collection("messages").Find(ctx, f, coll.FindOptions{}, &out))
		if i == 0 && !strings.Contains(logged.String(), "reads every document") {
			t.Errorf("a query SQL cannot narrow was not logged: %q", logged.String())
		}
		bad, err := db2.CheckPlans(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(bad) != 1 {
			t.Errorf("the check missed a scan for %v: %v", f, bad)
		}
	}
}

// TestSlowQueryLog: with SlowQuery, a find or count at or over the
// threshold is logged with its SQL (placeholders only) and row counts.
func TestSlowQueryLog(t *testing.T) {
	ctx := context.Background()
	var logged bytes.Buffer
	db := openTest(t, SlowQuery(time.Nanosecond), Logger(slog.New(slog.NewTextHandler(&logged, nil))))
	c := db.Collection("stakeholders")
	if _, err := c.Insert(ctx, []any{bson.D{{Key: "name", Value: "Ana"}, {Key: "regions", Value: bson.A{"secret-region"}}}}, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	var got []bson.D
	if err := c.Find(ctx, bson.D{{Key: "regions", Value: "secret-region"}}, coll.FindOptions{}, &got); err != nil || len(got) != 1 {
		t.Fatalf("find: %v %v", got, err)
	}
	if _, err := c.Count(ctx, bson.D{{Key: "regions", Value: "secret-region"}}, 0); err != nil {
		t.Fatal(err)
	}
	out := logged.String()
	if strings.Count(out, "lite: slow query") != 2 || !strings.Contains(out, "rows_read=1 rows_returned=1") || !strings.Contains(out, "collection=stakeholders") {
		t.Fatalf("want a find and a count logged with their rows:\n%s", out)
	}
	if strings.Contains(out, "secret-region") {
		t.Fatalf("the log holds a queried value:\n%s", out)
	}
	// Off by default.
	logged.Reset()
	quiet := openTest(t, Logger(slog.New(slog.NewTextHandler(&logged, nil))))
	if err := quiet.Collection("stakeholders").Find(ctx, bson.D{}, coll.FindOptions{}, &got); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logged.String(), "slow query") {
		t.Fatalf("logged without SlowQuery:\n%s", logged.String())
	}
}

// TestFullDatabaseIsUnwritable: a write SQLite refuses for want of space
// (SQLITE_FULL, here from max_page_count on the writer connection) answers
// coll.ErrUnwritable, whether it runs alone or in a transaction, keeps
// nothing, and the same writes work once there is room again.
func TestFullDatabaseIsUnwritable(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := db.Collection("kv")
	if _, err := c.Insert(ctx, []any{bson.D{{Key: "_id", Value: "before"}}}, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := db.w.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count=%d", pages)); err != nil {
		t.Fatal(err)
	}
	big := bson.D{{Key: "_id", Value: "big"}, {Key: "v", Value: strings.Repeat("x", 64<<10)}}
	writes := map[string]func() error{
		"insert": func() error { _, err := c.Insert(ctx, []any{big}, coll.InsertOptions{}); return err },
		"transaction": func() error {
			return db.WithTx(ctx, func(ctx context.Context) error {
				if _, err := c.Delete(ctx, bson.D{{Key: "_id", Value: "before"}}, false); err != nil {
					return err
				}
				_, err := c.Insert(ctx, []any{big}, coll.InsertOptions{})
				return err
			})
		},
	}
	for name, write := range writes {
		if err := write(); !errors.Is(err, coll.ErrUnwritable) {
			t.Fatalf("%s on a full database: %v, want ErrUnwritable", name, err)
		}
	}
	if n, err := c.Count(ctx, bson.D{}, 0); err != nil || n != 1 {
		t.Fatalf("after refused writes: %d documents (%v), want the one stored before", n, err)
	}
	if _, err := db.w.ExecContext(ctx, "PRAGMA max_page_count=1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := writes["transaction"](); err != nil {
		t.Fatalf("with room again: %v", err)
	}
	if n, err := c.Count(ctx, bson.D{{Key: "_id", Value: "big"}}, 0); err != nil || n != 1 {
		t.Fatalf("with room again: %d (%v)", n, err)
	}
}

// TestRarestConditionDrives: of two words (or a word and a member value),
// the rarer is the list of rows and the common one is probed per row, so
// the common word's rows are never read whole; the answer is the same as
// the matcher's, sorted or not, and the plans use indexes.
func TestRarestConditionDrives(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, RecordPlans())
	msgs := db.Collection("messages")
	var docs []any
	for i := range 600 {
		docs = append(docs, bson.D{{Key: "date", Value: bson.DateTime(int64(i%97) * 1000)}, {Key: "status", Value: []string{"new", "done"}[i%2]},
			{Key: "regions", Value: bson.A{"lima"}}, {Key: "search", Value: fmt.Sprintf("hola presupuesto w%d", i)}})
	}
	if _, err := msgs.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	db.commonRows = 200 // "hola" and "lima" are common, "w1" (111 rows) is not
	bySort := bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}
	for _, tc := range []struct {
		name   string
		filter bson.D
		opts   coll.FindOptions
		want   int
	}{
		{"page by date", andOf(searchWord("hola"), searchWord("w1")), coll.FindOptions{Sort: bySort, Limit: 51}, 51},
		{"whole, by date", andOf(searchWord("w1"), searchWord("hola")), coll.FindOptions{Sort: bySort}, 111},
		{"unsorted", andOf(searchWord("hola"), searchWord("w1")), coll.FindOptions{}, 111},
		{"page by _id", andOf(searchWord("hola"), searchWord("w1"), bson.D{{Key: "status", Value: "new"}}), coll.FindOptions{Sort: bson.D{{Key: "_id", Value: -1}}, Limit: 10}, 10},
		{"member and word", andOf(bson.D{{Key: "stakeholder_ids", Value: bson.D{{Key: "$exists", Value: false}}}}, bson.D{{Key: "regions", Value: "lima"}}, searchWord("w2")), coll.FindOptions{Sort: bySort, Limit: 5}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []bson.D
			if err := msgs.Find(ctx, tc.filter, tc.opts, &got); err != nil {
				t.Fatal(err)
			}
			raw := []bson.D{}
			if err := msgs.Find(ctx, bson.D{}, coll.FindOptions{Sort: bySort, Limit: 1000}, &raw); err != nil {
				t.Fatal(err)
			}
			want, err := bruteFind(raw, tc.filter, tc.opts.Sort, tc.opts.Limit)
			if err != nil {
				t.Fatal(err)
			}
			key := func(docs []bson.D) string {
				var s []string
				for _, id := range ids(t, docs) {
					s = append(s, fmt.Sprint(id))
				}
				if tc.opts.Sort == nil { // any order
					slices.Sort(s)
				}
				return strings.Join(s, " ")
			}
			g, w := key(got), key(want)
			if len(got) != tc.want || g != w {
				t.Fatalf("%d documents, want %d:%s", len(got), tc.want, idDiff(got, want))
			}
		})
	}
	driven := 0
	for _, p := range db.plans.seen {
		if strings.Contains(p.sql, `rowid IN (SELECT dr.rid FROM "w:messages" dr WHERE w >= ?`) && strings.Contains(p.sql, ` = dr.rid`) {
			driven++
			// The rare word is the list, the others probed on each of its
			// rows: the first bound of its range is "w1" or "w2".
			in := strings.Index(p.sql, `rowid IN (SELECT dr.rid FROM "w:messages"`)
			if lo := p.args[strings.Count(p.sql[:in], "?")]; lo != "w1" && lo != "w2" {
				t.Errorf("%q drives: %s %v", lo, p.sql, p.args)
			}
		}
	}
	if driven < 4 {
		t.Fatalf("%d queries driven by the rare word and probing the common one", driven)
	}
	if bad, err := db.CheckPlans(ctx); err != nil || len(bad) > 0 {
		t.Fatalf("plans: %v\n%s", err, strings.Join(bad, "\n"))
	}
}

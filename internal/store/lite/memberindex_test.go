package lite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// TestMemberIndex: a compound index led by a member path follows every
// write (insert, update, delete, a spec change), answers counts from its
// own table and pages along it, with plans that never scan.
func TestMemberIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	plain := Spec{Name: "msgs", Fields: []string{"status", "date"}, Members: []string{"regions"},
		Indexes: []Index{{Name: "date", Keys: []Key{{Path: "date", Desc: true}, {Path: "_id", Desc: true}}}}}
	db, err := Open(ctx, path, []Spec{plain})
	if err != nil {
		t.Fatal(err)
	}
	c := db.Collection("msgs")
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var docs []any
	for i := range 60 {
		regions := bson.A{[]string{"15", "08", "16"}[i%3]}
		if i%10 == 0 {
			regions = append(regions, "08") // twice in one document: one row
			regions = append(regions, "15")
		}
		docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("m%02d", i)}, {Key: "regions", Value: regions},
			{Key: "status", Value: []string{"new", "done", "failed"}[i%3]}, {Key: "date", Value: bson.NewDateTimeFromTime(base.Add(time.Duration(i) * time.Hour))}})
	}
	// Other regions' documents, so that the planner's statistics see a
	// region as the small part of the table it is in real data.
	for i := range 3000 {
		docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("o%04d", i)}, {Key: "regions", Value: bson.A{fmt.Sprint(20 + i%5)}},
			{Key: "status", Value: "done"}, {Key: "date", Value: bson.NewDateTimeFromTime(base.Add(-time.Duration(i) * time.Hour))}})
	}
	if _, err := c.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// The index arrives with a spec change: the rebuild fills it.
	withX := plain
	withX.Indexes = append(append([]Index(nil), plain.Indexes...),
		Index{Name: "regions_status_date", Keys: []Key{{Path: "regions"}, {Path: "status"}, {Path: "date", Desc: true}, {Path: "_id", Desc: true}}},
		Index{Name: "regions_date", Keys: []Key{{Path: "regions"}, {Path: "date", Desc: true}, {Path: "_id", Desc: true}, {Path: "status"}}})
	if db, err = Open(ctx, path, []Spec{withX}, RecordPlans()); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c = db.Collection("msgs")
	if err := db.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	count := func(f bson.D) int64 {
		t.Helper()
		n, err := c.Count(ctx, f, 0)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	find := func(f bson.D, limit int64) []string {
		t.Helper()
		var got []struct {
			ID string `bson:"_id"`
		}
		if err := c.Find(ctx, f, coll.FindOptions{Sort: bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, Limit: limit}, &got); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, g := range got {
			out = append(out, g.ID)
		}
		return out
	}
	lima := bson.D{{Key: "regions", Value: bson.D{{Key: "$in", Value: bson.A{"15"}}}}}
	notFailed := bson.D{{Key: "status", Value: bson.D{{Key: "$ne", Value: "failed"}}}}
	and := func(fs ...bson.D) bson.D {
		a := bson.A{}
		for _, f := range fs {
			a = append(a, f)
		}
		return bson.D{{Key: "$and", Value: a}}
	}
	// Lima: i%3==0 (20 documents) plus i%10==0 not already (m10, m20, m40, m50): 24.
	if n := count(lima); n != 24 {
		t.Fatalf("Lima: %d, want 24", n)
	}
	if n := count(and(lima, bson.D{{Key: "status", Value: "new"}})); n != 20 {
		t.Fatalf("Lima, new: %d, want 20", n)
	}
	// Two regions: each document once although it has rows in both.
	if n := count(bson.D{{Key: "regions", Value: bson.D{{Key: "$in", Value: bson.A{"15", "08"}}}}}); n != 42 {
		t.Fatalf("Lima or Cusco: %d, want 42", n)
	}
	// A page along regions_date: both indexes answer two conditions, and
	// its keys after the region are the sort.
	if got := strings.Join(find(and(lima, notFailed), 3), ","); got != "m57,m54,m51" {
		t.Fatalf("Lima page: %s", got)
	}

	// Updates move the rows: m57 leaves Lima, m54 becomes failed.
	if _, err := c.Update(ctx, bson.D{{Key: "_id", Value: "m57"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "regions", Value: bson.A{"16"}}}}}, coll.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Update(ctx, bson.D{{Key: "_id", Value: "m54"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "failed"}}}}, coll.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Delete(ctx, bson.D{{Key: "_id", Value: "m51"}}, false); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(find(and(lima, notFailed), 3), ","); got != "m48,m45,m42" {
		t.Fatalf("Lima page after the writes: %s", got)
	}
	if n := count(and(lima, bson.D{{Key: "status", Value: "new"}})); n != 17 {
		t.Fatalf("Lima, new, after the writes: %d, want 17", n)
	}
	// A rolled-back transaction leaves the index as it was.
	err = db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := c.Delete(ctx, lima, true); err != nil {
			return err
		}
		return fmt.Errorf("roll back")
	})
	if err == nil || count(lima) != 22 {
		t.Fatalf("after a rollback: %v, %d in Lima, want 22", err, count(lima))
	}

	q, err := db.C("msgs").compile(and(lima, bson.D{{Key: "status", Value: "new"}}))
	if err != nil || q.x == nil || !q.x.covered || !q.x.single || q.x.x.name != "regions_status_date" {
		t.Fatalf("Lima and new: %+v %v", q.x, err)
	}
	q, _, err = db.C("msgs").compilePlan(and(lima, notFailed), bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false, -1)
	if err != nil || q.x == nil || q.x.x.name != "regions_date" {
		t.Fatalf("Lima not failed, by date: %+v %v", q.x, err)
	}
	if bad, err := db.CheckPlans(ctx); err != nil || len(bad) > 0 {
		t.Fatalf("plans: %v\n%s", err, strings.Join(bad, "\n"))
	}
}

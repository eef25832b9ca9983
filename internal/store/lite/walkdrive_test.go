package lite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// TestWalkOrDrive: a sorted page of word and member conditions walks its
// sort index when the page lies near its head and is driven by the rarest
// condition's list when the conditions are each common but rarely
// together, or when one is rare; either way the answer is the matcher's,
// with a cursor too, and the plans use indexes.
func TestWalkOrDrive(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, RecordPlans())
	db.commonRows, db.walkSample = 100, 64
	msgs := db.Collection("messages")
	var all []bson.D
	var docs []any
	for i := range 1200 {
		var w []string
		if i%3 == 0 {
			w = append(w, "alfa")
		}
		// "alfa" and "beta" are each in a third of the messages, together
		// only in the 20 oldest.
		if i%3 == 1 || i%3 == 0 && i < 60 {
			w = append(w, "beta")
		}
		if i%2 == 0 { // together in every other message
			w = append(w, "gama", "delta")
		}
		if i%100 == 0 {
			w = append(w, "rara")
		}
		if i%150 == 0 {
			w = append(w, "unica")
		}
		switch { // "casa": two words (a word and its plural); "cas": three
		case i%5 == 0:
			w = append(w, "casa")
		case i%5 == 1:
			w = append(w, "casas")
		case i%7 == 0:
			w = append(w, "casco")
		}
		d := bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "date", Value: bson.DateTime(int64(i) * 1000)},
			{Key: "status", Value: []string{"new", "done"}[i%2]}, {Key: "regions", Value: bson.A{[]string{"lima", "cusco", "puno"}[i%3]}},
			{Key: "search", Value: strings.Join(w, " ")}}
		all, docs = append(all, d), append(docs, d)
	}
	if _, err := msgs.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	byDate := bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}
	// after is the cursor of a page after the message dated ms, by date.
	after := func(ms int64) bson.D {
		return bson.D{{Key: "date", Value: bson.D{{Key: "$lt", Value: bson.DateTime(ms)}}}}
	}
	for _, tc := range []struct {
		name   string
		filter bson.D
		sort   bson.D
		limit  int64
		plan   string // "walk", "drive" or "" (either)
		want   int
	}{
		{"common words rarely together", andOf(searchWord("alfa"), searchWord("beta")), byDate, 5, "drive", 5},
		{"common words rarely together, next page", andOf(searchWord("alfa"), searchWord("beta"), after(30_000)), byDate, 5, "drive", 5},
		{"common words rarely together, last page", andOf(searchWord("beta"), searchWord("alfa"), after(12_000)), byDate, 5, "drive", 4},
		{"common words rarely together, by _id", andOf(searchWord("alfa"), searchWord("beta")), bson.D{{Key: "_id", Value: -1}}, 5, "drive", 5},
		{"common words rarely together, a status", andOf(searchWord("alfa"), searchWord("beta"), bson.D{{Key: "status", Value: "done"}}), byDate, 5, "drive", 5},
		{"common words often together", andOf(searchWord("gama"), searchWord("delta")), byDate, 5, "walk", 5},
		{"common words often together, next page", andOf(searchWord("gama"), searchWord("delta"), after(600_000)), byDate, 5, "walk", 5},
		{"a rare word and a common one", andOf(searchWord("alfa"), searchWord("rara")), byDate, 3, "drive", 3},
		{"a rare word and a common one, next page", andOf(searchWord("alfa"), searchWord("rara"), after(600_000)), byDate, 3, "drive", 2},
		{"two rare words", andOf(searchWord("unica"), searchWord("rara")), byDate, 2, "drive", 2},
		{"two rare words, next page", andOf(searchWord("unica"), searchWord("rara"), after(900_000)), byDate, 2, "drive", 2},
		{"a word and its plural, rarely with another", andOf(searchWord("casa"), searchWord("beta")), byDate, 5, "", 5},
		{"three words of a prefix and another", andOf(searchWord("cas"), searchWord("gama")), byDate, 5, "", 5},
		{"a common member value and a common word", andOf(bson.D{{Key: "regions", Value: "lima"}}, searchWord("alfa")), byDate, 5, "", 5},
		{"one common word", searchWord("alfa"), byDate, 5, "walk", 5},
		{"no such word", andOf(searchWord("alfa"), searchWord("zeta")), byDate, 5, "drive", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []bson.D
			if err := msgs.Find(ctx, tc.filter, coll.FindOptions{Sort: tc.sort, Limit: tc.limit}, &got); err != nil {
				t.Fatal(err)
			}
			want, err := bruteFind(all, tc.filter, tc.sort, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want || fmt.Sprint(ids(t, got)) != fmt.Sprint(ids(t, want)) {
				t.Fatalf("%d documents, want %d (first SQL, second matcher):%s", len(got), tc.want, idDiff(got, want))
			}
			c := db.C("messages")
			f, err := canon(tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			sort, err := canon(tc.sort)
			if err != nil {
				t.Fatal(err)
			}
			order, err := c.orderBy(sort)
			if err != nil {
				t.Fatal(err)
			}
			q, err := c.plan(ctx, db.reader(ctx), f, sort, tc.limit, order)
			if err != nil {
				t.Fatal(err)
			}
			plan := "walk"
			if strings.Contains(q.where, "IN (SELECT") {
				plan = "drive"
			}
			if tc.plan != "" && plan != tc.plan {
				t.Fatalf("the page is a %s, want a %s: %s", plan, tc.plan, q.where)
			}
		})
	}
	if bad, err := db.CheckPlans(ctx); err != nil || len(bad) > 0 {
		t.Fatalf("plans: %v\n%s", err, strings.Join(bad, "\n"))
	}
}

// searchWord is the filter the store sends for a word of a search: a
// prefix of a word of the "search" field.
func searchWord(w string) bson.D {
	return bson.D{{Key: "search", Value: bson.D{{Key: "$regex", Value: "(^| )" + w}}}}
}

// andOf is the $and of filters.
func andOf(fs ...bson.D) bson.D {
	a := bson.A{}
	for _, f := range fs {
		a = append(a, f)
	}
	return bson.D{{Key: "$and", Value: a}}
}

// TestDrivenMemberIndex: a page of words (two, or one rare) in a user's
// regions, where a member index answers the regions (and the status), is
// driven by the rarest word with the index probed on each of its rows by
// rowid, never
// read as the list of every document of a region; the answer is the
// matcher's and the plans use indexes.
func TestDrivenMemberIndex(t *testing.T) {
	ctx := context.Background()
	spec := Spec{Name: "msgs", Fields: []string{"status", "date"}, Members: []string{"regions"}, Words: "search",
		Indexes: []Index{
			{Name: "date", Keys: []Key{{Path: "date", Desc: true}, {Path: "_id", Desc: true}}},
			{Name: "regions_date", Keys: []Key{{Path: "regions"}, {Path: "date", Desc: true}, {Path: "_id", Desc: true}, {Path: "status"}}},
		}}
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), []Spec{spec}, RecordPlans())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var all []bson.D
	var docs []any
	for i := range 900 {
		var w []string
		if i%3 == 0 {
			w = append(w, "alfa")
		}
		if i%7 == 0 {
			w = append(w, "beta")
		}
		regions := bson.A{[]string{"lima", "cusco", "puno"}[i%3]}
		if i%10 == 0 {
			regions = append(regions, "lima", "puno") // an element twice, and two in the scope
		}
		d := bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "date", Value: bson.DateTime(int64(i%450) * 1000)},
			{Key: "status", Value: []string{"new", "done", "failed"}[i%3]}, {Key: "regions", Value: regions},
			{Key: "search", Value: strings.Join(w, " ")}}
		all, docs = append(all, d), append(docs, d)
	}
	c := db.Collection("msgs")
	if _, err := c.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	byDate := bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}
	notFailed := bson.D{{Key: "status", Value: bson.D{{Key: "$ne", Value: "failed"}}}}
	for _, tc := range []struct {
		name   string
		filter bson.D
		limit  int64
	}{
		{"one region", andOf(searchWord("alfa"), searchWord("beta"), bson.D{{Key: "regions", Value: bson.D{{Key: "$in", Value: bson.A{"lima"}}}}}), 5},
		{"two regions, not failed", andOf(searchWord("beta"), searchWord("alfa"), bson.D{{Key: "regions", Value: bson.D{{Key: "$in", Value: bson.A{"lima", "puno"}}}}}, notFailed), 7},
		{"a region of no page", andOf(searchWord("alfa"), searchWord("beta"), bson.D{{Key: "regions", Value: "tacna"}}), 5},
		{"every page", andOf(searchWord("alfa"), searchWord("beta"), bson.D{{Key: "regions", Value: "cusco"}}, notFailed), 0},
		{"one rare word", andOf(searchWord("beta"), bson.D{{Key: "regions", Value: bson.D{{Key: "$in", Value: bson.A{"lima"}}}}}), 5},
		{"one rare word, not failed, every page", andOf(bson.D{{Key: "regions", Value: "puno"}}, notFailed, searchWord("beta")), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []bson.D
			if err := c.Find(ctx, tc.filter, coll.FindOptions{Sort: byDate, Limit: tc.limit}, &got); err != nil {
				t.Fatal(err)
			}
			want, err := bruteFind(all, tc.filter, byDate, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(ids(t, got)) != fmt.Sprint(ids(t, want)) {
				t.Fatalf("%d documents, want %d (first SQL, second matcher):%s", len(got), len(want), idDiff(got, want))
			}
			f, err := canon(tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			sort, err := canon(byDate)
			if err != nil {
				t.Fatal(err)
			}
			x := db.C("msgs")
			order, err := x.orderBy(sort)
			if err != nil {
				t.Fatal(err)
			}
			q, err := x.plan(ctx, db.reader(ctx), f, sort, tc.limit, order)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(q.where, "EXISTS (SELECT 1 FROM \"x:msgs:") || strings.Contains(q.where, "IN (SELECT rid FROM \"x:msgs:") {
				t.Fatalf("the member index is not probed per row of the driver: %s", q.where)
			}
		})
	}
	if bad, err := db.CheckPlans(ctx); err != nil || len(bad) > 0 {
		t.Fatalf("plans: %v\n%s", err, strings.Join(bad, "\n"))
	}
}

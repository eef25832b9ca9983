package lite

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// A range bounded on both sides within one type bracket compiles to those
// two bounds alone, so that SQLite walks the index between them (an extra
// "date below the empty text" ahead of "date < ?" was the upper bound it walked from: a
// date range's first page read every newer row). One-sided and mixed-type
// ranges keep the bracket bound, and every form answers MongoDB's rows.
func TestRangeBounds(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := db.Collection("messages")
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	var docs []any
	for d := 1; d <= 20; d++ {
		docs = append(docs, bson.D{{Key: "date", Value: day(d)}, {Key: "status", Value: string(rune('a' + d))}})
	}
	docs = append(docs, bson.D{{Key: "date", Value: "2025-01-05"}, {Key: "status", Value: 7}}) // other brackets
	if _, err := c.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		filter    bson.D
		bracketed bool
		n         int64
	}{
		{"dates both sides", bson.D{{Key: "date", Value: bson.D{{Key: "$gte", Value: day(5)}, {Key: "$lt", Value: day(9)}}}}, false, 4},
		{"text both sides", bson.D{{Key: "status", Value: bson.D{{Key: "$gt", Value: "c"}, {Key: "$lte", Value: "f"}}}}, false, 3},
		{"lower bound only", bson.D{{Key: "date", Value: bson.D{{Key: "$gte", Value: day(15)}}}}, true, 6},
		{"upper bound only", bson.D{{Key: "status", Value: bson.D{{Key: "$lt", Value: "d"}}}}, true, 2},
		{"mixed brackets", bson.D{{Key: "date", Value: bson.D{{Key: "$gte", Value: day(1)}, {Key: "$lt", Value: "2026"}}}}, true, 0},
	} {
		f, err := canon(tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		q, err := db.C("messages").compile(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(q.where, "''"); got != tc.bracketed {
			t.Errorf("%s: bracket bound %v in %s", tc.name, got, q.where)
		}
		var page []bson.D
		if err := c.Find(ctx, tc.filter, coll.FindOptions{Sort: bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, Limit: 50}, &page); err != nil {
			t.Fatal(err)
		}
		if n, err := c.Count(ctx, tc.filter, 0); err != nil || n != tc.n || int64(len(page)) != tc.n {
			t.Errorf("%s: count %d (%v), page %d, want %d", tc.name, n, err, len(page), tc.n)
		}
	}
}

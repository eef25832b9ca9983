package storetest

import (
	"testing"

	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestCheckQuery(t *testing.T) {
	specs := []store.IndexSpec{
		{Collection: "m", Name: "date", Keys: bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}},
		{Collection: "m", Name: "status_date", Keys: bson.D{{Key: "status", Value: 1}, {Key: "date", Value: -1}, {Key: "_id", Value: -1}}},
		{Collection: "m", Name: "thread", Keys: bson.D{{Key: "thread_id", Value: 1}}},
		{Collection: "u", Name: "email", Keys: bson.D{{Key: "email", Value: 1}}, Unique: true},
	}
	sortDate := bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}
	for _, c := range []struct {
		name string
		q    Query
		ok   bool
	}{
		{"by _id", Query{"m", "find", bson.D{{Key: "_id", Value: 1}}, nil, nil}, true},
		{"empty filter", Query{"m", "find", nil, nil, nil}, false},
		{"empty filter, small collection", Query{"kv", "find", nil, nil, nil}, true},
		{"empty filter sorted by an index", Query{"m", "find", nil, sortDate, nil}, true},
		{"reverse sort", Query{"m", "find", nil, bson.D{{Key: "date", Value: 1}, {Key: "_id", Value: 1}}, nil}, true},
		{"mixed directions", Query{"m", "find", nil, bson.D{{Key: "date", Value: 1}, {Key: "_id", Value: -1}}, nil}, false},
		{"equality then sort", Query{"m", "find", bson.D{{Key: "status", Value: "new"}}, sortDate, nil}, true},
		{"range on the sort field", Query{"m", "find", bson.D{{Key: "date", Value: bson.D{{Key: "$lt", Value: 5}}}}, sortDate, nil}, true},
		{"equality not in the index, sorted by an index", Query{"m", "find", bson.D{{Key: "folder", Value: "x"}}, sortDate, nil}, true},
		{"sorted by no index", Query{"m", "find", bson.D{{Key: "status", Value: "x"}}, bson.D{{Key: "folder", Value: 1}}, nil}, false},
		{"unique index then _id", Query{"u", "find", nil, bson.D{{Key: "email", Value: 1}, {Key: "_id", Value: 1}}, nil}, true},
		{"unindexed field", Query{"m", "find", bson.D{{Key: "folder", Value: "x"}}, nil, nil}, false},
		{"$in leads", Query{"m", "find", bson.D{{Key: "thread_id", Value: bson.D{{Key: "$in", Value: bson.A{1, 2}}}}}, nil, nil}, true},
		{"sort not served after equality", Query{"m", "find", bson.D{{Key: "thread_id", Value: 1}}, bson.D{{Key: "folder", Value: 1}}, nil}, false},
		{"$or all branches indexed", Query{"m", "find", bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "thread_id", Value: 1}}, bson.D{{Key: "status", Value: "x"}}}}}, nil, nil}, true},
		{"$or one branch scans", Query{"m", "find", bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "thread_id", Value: 1}}, bson.D{{Key: "folder", Value: "x"}}}}}, nil, nil}, false},
		{"$and of equality and sort", Query{"m", "find", bson.D{{Key: "$and", Value: bson.A{bson.D{{Key: "status", Value: "x"}}, bson.D{{Key: "folder", Value: "y"}}}}}, sortDate, nil}, true},
		{"count with no query (metadata)", Query{"m", "count", nil, nil, nil}, true},
		{"count with a query", Query{"m", "count", bson.D{{Key: "folder", Value: "x"}}, nil, nil}, false},
		{"count with no query, hinted to $natural", Query{"m", "count", nil, nil, bson.D{{Key: "$natural", Value: int32(1)}}}, false},
		{"countDocuments' aggregate with no filter", Query{"m", "aggregate", nil, nil, nil}, false},
		{"hint _id: index walk", Query{"m", "find", nil, nil, bson.D{{Key: "_id", Value: int32(1)}}}, true},
		{"hint by name", Query{"m", "find", bson.D{{Key: "folder", Value: "x"}}, nil, "thread"}, true},
		{"hint $natural", Query{"m", "find", nil, nil, bson.D{{Key: "$natural", Value: int32(1)}}}, false},
		{"hint of no index", Query{"m", "find", nil, nil, bson.D{{Key: "folder", Value: int32(1)}}}, false},
		{"hinted index without the sort", Query{"m", "find", nil, sortDate, bson.D{{Key: "_id", Value: int32(1)}}}, false},
	} {
		if got := CheckQuery(specs, c.q); (got == "") != c.ok {
			t.Errorf("%s: %q, want ok=%v", c.name, got, c.ok)
		}
	}
}

func TestCommandQueries(t *testing.T) {
	raw, _ := bson.Marshal(bson.D{{Key: "aggregate", Value: "m"}, {Key: "pipeline", Value: bson.A{
		bson.D{{Key: "$match", Value: bson.D{{Key: "status", Value: "x"}}}},
		bson.D{{Key: "$sort", Value: bson.D{{Key: "date", Value: -1}}}},
	}}})
	qs := commandQueries("aggregate", raw)
	if len(qs) != 1 || qs[0].Collection != "m" || len(qs[0].Filter) != 1 || len(qs[0].Sort) != 1 {
		t.Fatalf("aggregate: %+v", qs)
	}
	// EstimatedDocumentCount sends count with no query; a hint is kept.
	raw, _ = bson.Marshal(bson.D{{Key: "count", Value: "m"}})
	if qs := commandQueries("count", raw); len(qs) != 1 || qs[0].Op != "count" || qs[0].Filter != nil || qs[0].Hint != nil {
		t.Fatalf("count: %+v", qs)
	}
	raw, _ = bson.Marshal(bson.D{{Key: "find", Value: "m"}, {Key: "filter", Value: bson.D{}}, {Key: "hint", Value: bson.D{{Key: "_id", Value: 1}}}})
	if qs := commandQueries("find", raw); len(qs) != 1 || CheckQuery(nil, qs[0]) != "" {
		t.Fatalf("find with hint: %+v", qs)
	}
	raw, _ = bson.Marshal(bson.D{{Key: "update", Value: "m"}, {Key: "updates", Value: bson.A{bson.D{{Key: "q", Value: bson.D{{Key: "a", Value: 1}}}, {Key: "u", Value: bson.D{}}}}}})
	if qs := commandQueries("update", raw); len(qs) != 1 || qs[0].Filter[0].Key != "a" {
		t.Fatalf("update: %+v", qs)
	}
}

// wireQuery gives a query of the collection interface the shape of the
// command mongo.go sends for it (the FerretDB pass checks it against the
// commands the driver really sent).
func TestWireQuery(t *testing.T) {
	byDate := bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}
	status := bson.D{{Key: "status", Value: "new"}}
	for _, c := range []struct {
		in   store.CollQuery
		want string
	}{
		{store.CollQuery{Collection: "m", Method: "Find", Filter: status, Sort: byDate}, "m find filter={status:?} sort={date:-1,_id:-1}"},
		{store.CollQuery{Collection: "m", Method: "FindOne", Hint: bson.D{{Key: "_id", Value: 1}}}, "m find filter={} sort={} hint={_id:1}"},
		{store.CollQuery{Collection: "m", Method: "Count"}, "m aggregate filter={} sort={} hint={_id:1}"},
		{store.CollQuery{Collection: "m", Method: "Count", Filter: status}, "m aggregate filter={status:?} sort={}"},
		{store.CollQuery{Collection: "m", Method: "Replace", Filter: status}, "m update filter={status:?} sort={}"},
		{store.CollQuery{Collection: "m", Method: "FindOneAndUpdate", Filter: status, Sort: byDate}, "m findAndModify filter={status:?} sort={date:-1,_id:-1}"},
		{store.CollQuery{Collection: "m", Method: "Delete", Filter: bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: []int{1, 2}}}}}}, "m delete filter={_id:{$in:[…]}} sort={}"},
	} {
		got, ok := wireQuery(c.in)
		if !ok || got.String() != c.want {
			t.Errorf("wireQuery(%+v) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	if _, ok := wireQuery(store.CollQuery{Collection: "m", Method: "Insert"}); ok {
		t.Error("an insert is no query")
	}
}

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
		{"by _id", Query{"m", "find", bson.D{{Key: "_id", Value: 1}}, nil}, true},
		{"empty filter", Query{"m", "find", nil, nil}, false},
		{"empty filter, small collection", Query{"kv", "find", nil, nil}, true},
		{"empty filter sorted by an index", Query{"m", "find", nil, sortDate}, true},
		{"reverse sort", Query{"m", "find", nil, bson.D{{Key: "date", Value: 1}, {Key: "_id", Value: 1}}}, true},
		{"mixed directions", Query{"m", "find", nil, bson.D{{Key: "date", Value: 1}, {Key: "_id", Value: -1}}}, false},
		{"equality then sort", Query{"m", "find", bson.D{{Key: "status", Value: "new"}}, sortDate}, true},
		{"range on the sort field", Query{"m", "find", bson.D{{Key: "date", Value: bson.D{{Key: "$lt", Value: 5}}}}, sortDate}, true},
		{"equality not in the index, sorted by an index", Query{"m", "find", bson.D{{Key: "folder", Value: "x"}}, sortDate}, true},
		{"sorted by no index", Query{"m", "find", bson.D{{Key: "status", Value: "x"}}, bson.D{{Key: "folder", Value: 1}}}, false},
		{"unique index then _id", Query{"u", "find", nil, bson.D{{Key: "email", Value: 1}, {Key: "_id", Value: 1}}}, true},
		{"unindexed field", Query{"m", "find", bson.D{{Key: "folder", Value: "x"}}, nil}, false},
		{"$in leads", Query{"m", "find", bson.D{{Key: "thread_id", Value: bson.D{{Key: "$in", Value: bson.A{1, 2}}}}}, nil}, true},
		{"sort not served after equality", Query{"m", "find", bson.D{{Key: "thread_id", Value: 1}}, bson.D{{Key: "folder", Value: 1}}}, false},
		{"$or all branches indexed", Query{"m", "find", bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "thread_id", Value: 1}}, bson.D{{Key: "status", Value: "x"}}}}}, nil}, true},
		{"$or one branch scans", Query{"m", "find", bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "thread_id", Value: 1}}, bson.D{{Key: "folder", Value: "x"}}}}}, nil}, false},
		{"$and of equality and sort", Query{"m", "find", bson.D{{Key: "$and", Value: bson.A{bson.D{{Key: "status", Value: "x"}}, bson.D{{Key: "folder", Value: "y"}}}}}, sortDate}, true},
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
	raw, _ = bson.Marshal(bson.D{{Key: "update", Value: "m"}, {Key: "updates", Value: bson.A{bson.D{{Key: "q", Value: bson.D{{Key: "a", Value: 1}}}, {Key: "u", Value: bson.D{}}}}}})
	if qs := commandQueries("update", raw); len(qs) != 1 || qs[0].Filter[0].Key != "a" {
		t.Fatalf("update: %+v", qs)
	}
}

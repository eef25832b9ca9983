package lite

import (
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func d(kv ...any) bson.D {
	out := bson.D{}
	for i := 0; i < len(kv); i += 2 {
		out = append(out, bson.E{Key: kv[i].(string), Value: kv[i+1]})
	}
	return out
}

// TestMatcherMongoDBSemantics pins the matcher to MongoDB's documented
// behaviour for missing fields, nulls, arrays and type brackets.
func TestMatcherMongoDBSemantics(t *testing.T) {
	doc := d("_id", 1, "s", "lima", "n", int32(5), "x", 2.5, "nul", nil, "b", true,
		"tags", bson.A{"a", "b"}, "parts", bson.A{d("sid", "s1", "r", "lead"), d("r", "guest")},
		"sub", d("k", "v", "deep", d("z", int64(3))), "search", "hola presupuesto lima", "nums", bson.A{int32(1), int32(10)})
	cases := []struct {
		filter bson.D
		want   bool
	}{
		{d("s", "lima"), true},
		{d("s", "Lima"), false},
		{d("n", 5.0), true},       // numbers compare across types
		{d("n", int64(5)), true},  //
		{d("n", "5"), false},      // no cross-bracket equality
		{d("missing", nil), true}, // null matches missing
		{d("nul", nil), true},     // and null
		{d("s", nil), false},      //
		{d("missing", d("$ne", nil)), false},
		{d("s", d("$ne", nil)), true},
		{d("missing", d("$ne", "x")), true},                         // $ne matches missing
		{d("missing", d("$nin", bson.A{"x"})), true},                // $nin matches missing
		{d("missing", d("$nin", bson.A{nil})), false},               //
		{d("nul", d("$exists", true)), true},                        // a null field exists
		{d("missing", d("$exists", false)), true},                   //
		{d("tags", "a"), true},                                      // some element equals
		{d("tags", bson.A{"a", "b"}), true},                         // the whole array equals
		{d("tags", bson.A{"b", "a"}), false},                        // order matters
		{d("tags", d("$ne", "a")), false},                           // no element may equal
		{d("tags", d("$nin", bson.A{"c", "d"})), true},              //
		{d("tags", d("$in", bson.A{"c", "b"})), true},               //
		{d("parts.sid", "s1"), true},                                // through an array of documents
		{d("parts.r", "guest"), true},                               //
		{d("parts.sid", nil), true},                                 // an element without sid
		{d("parts.sid", d("$ne", "s1")), false},                     //
		{d("parts.sid", d("$exists", true)), true},                  //
		{d("parts.0.sid", "s1"), true},                              // by position
		{d("parts.1.sid", "s1"), false},                             //
		{d("sub.k", "v"), true},                                     //
		{d("sub.deep.z", 3), true},                                  //
		{d("sub.k.x", nil), true},                                   // through a scalar is missing
		{d("sub", d("k", "v", "deep", d("z", int64(3)))), true},     // whole document
		{d("sub", d("deep", d("z", int64(3)), "k", "v")), false},    // field order matters
		{d("n", d("$gt", 4, "$lt", 6)), true},                       //
		{d("n", d("$gt", "a")), false},                              // no cross-bracket ranges
		{d("s", d("$gt", 1)), false},                                //
		{d("s", d("$gte", "lima", "$lte", "lima")), true},           //
		{d("nums", d("$gt", 5, "$lt", 6)), true},                    // different elements may satisfy each
		{d("missing", d("$gte", nil)), true},                        // $gte null is null or missing
		{d("missing", d("$gt", nil)), false},                        //
		{d("b", true), true},                                        //
		{d("b", 1), false},                                          // bool is not a number
		{d("search", d("$regex", "(^| )presu")), true},              // a word starts with
		{d("search", d("$regex", "(^| )resu")), false},              //
		{d("s", d("$regex", "^LI", "$options", "i")), true},         //
		{d("s", d("$regex", "^LI")), false},                         //
		{d("tags", d("$regex", "^b$")), true},                       // an element matches
		{d("n", d("$regex", "5")), false},                           // numbers never match
		{d("$or", bson.A{d("s", "x"), d("n", 5)}), true},            //
		{d("$and", bson.A{d("s", "lima"), d("n", 6)}), false},       //
		{d("$nor", bson.A{d("s", "x"), d("n", 6)}), true},           //
		{d("s", "lima", "n", d("$in", bson.A{1, 2})), false},        //
		{d("_id", d("$in", bson.A{int64(1), "1"})), true},           //
		{d("x", d("$lte", 2.5)), true},                              //
		{d("s", d("$in", bson.A{bson.Regex{Pattern: "^l"}})), true}, // a regex inside $in
		{d("s", bson.Regex{Pattern: "ma$"}), true},                  // a regex value matches
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.filter), func(t *testing.T) {
			f, err := canon(tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			cd, _ := canon(doc)
			got, err := newMatcher().match(cd, f)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("match %v = %v, want %v", tc.filter, got, tc.want)
			}
		})
	}
}

// TestUpdateOperators pins apply to MongoDB's results.
func TestUpdateOperators(t *testing.T) {
	base := func() bson.D {
		return d("_id", 1, "n", int32(1), "tags", bson.A{"a", "b", "a"}, "sub", d("k", "v"),
			"parts", bson.A{d("sid", "s1"), d("sid", "s2")})
	}
	cases := []struct {
		name   string
		update bson.D
		want   bson.D
	}{
		{"set new fields in path order", d("$set", d("z", 1, "a.b", 2)),
			d("_id", 1, "n", int32(1), "tags", bson.A{"a", "b", "a"}, "sub", d("k", "v"), "parts", bson.A{d("sid", "s1"), d("sid", "s2")}, "a", d("b", int32(2)), "z", int32(1))},
		{"set nested", d("$set", d("sub.k", "w", "sub.j", true)),
			d("_id", 1, "n", int32(1), "tags", bson.A{"a", "b", "a"}, "sub", d("k", "w", "j", true), "parts", bson.A{d("sid", "s1"), d("sid", "s2")})},
		{"set by position", d("$set", d("parts.1.sid", "s9")),
			d("_id", 1, "n", int32(1), "tags", bson.A{"a", "b", "a"}, "sub", d("k", "v"), "parts", bson.A{d("sid", "s1"), d("sid", "s9")})},
		{"unset", d("$unset", d("sub.k", "", "tags", "", "missing", "")),
			d("_id", 1, "n", int32(1), "sub", d(), "parts", bson.A{d("sid", "s1"), d("sid", "s2")})},
		{"inc int32 and new", d("$inc", d("n", 2, "m", int64(5))),
			d("_id", 1, "n", int32(3), "tags", bson.A{"a", "b", "a"}, "sub", d("k", "v"), "parts", bson.A{d("sid", "s1"), d("sid", "s2")}, "m", int64(5))},
		{"inc by double", d("$inc", d("n", 0.5)),
			d("_id", 1, "n", 1.5, "tags", bson.A{"a", "b", "a"}, "sub", d("k", "v"), "parts", bson.A{d("sid", "s1"), d("sid", "s2")})},
		{"push and push each", d("$push", d("tags", "c", "new", d("$each", bson.A{1, 2}))),
			d("_id", 1, "n", int32(1), "tags", bson.A{"a", "b", "a", "c"}, "sub", d("k", "v"), "parts", bson.A{d("sid", "s1"), d("sid", "s2")}, "new", bson.A{int32(1), int32(2)})},
		{"addToSet", d("$addToSet", d("tags", d("$each", bson.A{"b", "c", "c"}))),
			d("_id", 1, "n", int32(1), "tags", bson.A{"a", "b", "a", "c"}, "sub", d("k", "v"), "parts", bson.A{d("sid", "s1"), d("sid", "s2")})},
		{"pull value", d("$pull", d("tags", "a")),
			d("_id", 1, "n", int32(1), "tags", bson.A{"b"}, "sub", d("k", "v"), "parts", bson.A{d("sid", "s1"), d("sid", "s2")})},
		{"pull by condition", d("$pull", d("parts", d("sid", "s1"), "tags", d("$in", bson.A{"b"}))),
			d("_id", 1, "n", int32(1), "tags", bson.A{"a", "a"}, "sub", d("k", "v"), "parts", bson.A{d("sid", "s2")})},
		{"pullAll", d("$pullAll", d("tags", bson.A{"a", "x"})),
			d("_id", 1, "n", int32(1), "tags", bson.A{"b"}, "sub", d("k", "v"), "parts", bson.A{d("sid", "s1"), d("sid", "s2")})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u, _ := canon(tc.update)
			if err := checkUpdate(u); err != nil {
				t.Fatal(err)
			}
			doc, _ := canon(base())
			got, err := apply(newMatcher(), doc, u, false)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := canon(tc.want)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("\n got  %v\n want %v", got, want)
			}
		})
	}
	// Errors MongoDB gives too.
	for _, u := range []bson.D{
		d("$inc", d("sub", 1)),    // not a number
		d("$push", d("n", 1)),     // not an array
		d("$set", d("n.x", 1)),    // a field in a number
		d("$set", d("_id", 2)),    // _id is immutable
		d("$set", d("tags.x", 1)), // a named field in an array
	} {
		u, _ := canon(u)
		doc, _ := canon(base())
		if _, err := apply(newMatcher(), doc, u, false); err == nil {
			t.Errorf("%v: no error", u)
		}
	}
}

// TestUpsertSeed pins the document an upsert starts from.
func TestUpsertSeed(t *testing.T) {
	f, _ := canon(d("_id", "k", "a.b", 1, "c", d("$eq", 2), "e", d("$in", bson.A{3}), "g", d("$gt", 4),
		"$and", bson.A{d("h", 5)}, "$or", bson.A{d("i", 6)}))
	got, err := upsertDoc(f)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := canon(d("_id", "k", "a", d("b", 1), "c", 2, "e", 3, "h", 5))
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("\n got  %v\n want %v", got, want)
	}
}

// TestCompileShapes pins the SQL of the store's common filters: what is
// answered in SQL alone and what goes to the matcher.
func TestCompileShapes(t *testing.T) {
	c, err := newCollection(nil, testSpecs[0])
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		filter bson.D
		sql    string
		resid  bool
	}{
		{d("status", "new"), `"d:messages"."f:status" = ?`, false},
		{d("status", nil), `"d:messages"."f:status" IS NULL`, false},
		{d("status", d("$ne", "x")), `("d:messages"."f:status" IS NULL OR "d:messages"."f:status" <> ?)`, false},
		{d("date", d("$gte", 5)), `"d:messages"."f:date" >= ? AND "d:messages"."f:date" < ''`, false},
		{d("status", d("$lt", "m")), `"d:messages"."f:status" < ? AND "d:messages"."f:status" >= ''`, false},
		{d("regions", "lima"), `"d:messages".rowid IN (SELECT rid FROM "m:messages" WHERE f = ? AND v = ?)`, false},
		{d("regions", d("$nin", bson.A{"a"})), `NOT EXISTS (SELECT 1 FROM "m:messages" WHERE f = ? AND v IN (?) AND rid = "d:messages".rowid)`, false},
		{d("search", d("$regex", "(^| )presu")), `"d:messages".rowid IN (SELECT rid FROM "w:messages" WHERE w >= ? AND w < ?)`, false},
		{d("_id", d("$regex", "^g1/")), `("d:messages".id >= ? AND "d:messages".id < ?)`, false},
		{d("status", d("$exists", true)), ``, true},
		{d("subject", "x"), ``, true},
		{d("regions", nil), ``, true},
		{d("$or", bson.A{d("status", "a"), d("subject", "b")}), ``, true}, // a branch without SQL selects everything
	}
	for _, tc := range cases {
		f, _ := canon(tc.filter)
		q, err := c.compile(f)
		if err != nil {
			t.Fatal(err)
		}
		if q.where != tc.sql || (len(q.resid) > 0) != tc.resid {
			t.Errorf("%v:\n got  %q resid %v\n want %q resid %v", tc.filter, q.where, q.resid, tc.sql, tc.resid)
		}
	}
}

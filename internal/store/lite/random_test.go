package lite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// rndSpec is the collection the random tests fill.
var rndSpec = Spec{
	Name:    "rnd",
	Fields:  []string{"status", "n", "date", "flag", "sub.k"},
	Members: []string{"tags", "parts/sid"},
	Words:   "search",
	Indexes: []Index{{Name: "status_date", Keys: []Key{{Path: "status"}, {Path: "date", Desc: true}}},
		// Member indexes: the one that answers the most conditions is
		// chosen, the first on a tie; a sort on date and _id alone pages
		// along the first.
		{Name: "tags_date", Keys: []Key{{Path: "tags"}, {Path: "date", Desc: true}, {Path: "_id", Desc: true}}},
		{Name: "tags_status_n", Keys: []Key{{Path: "tags"}, {Path: "status"}, {Path: "n"}, {Path: "_id"}}},
		{Name: "sids_flag", Keys: []Key{{Path: "parts.sid"}, {Path: "flag"}, {Path: "sub.k"}}},
		// A sort index a page can walk.
		{Name: "date_id", Keys: []Key{{Path: "date", Desc: true}, {Path: "_id", Desc: true}}}},
}

var (
	rndStatus = []string{"a", "b", "ab", "c"}
	rndTags   = []string{"x", "y", "z"}
	rndSids   = []string{"s1", "s2", "s3"}
	rndWords  = []string{"pre", "presu", "presupuesto", "lima", "limon", "casa"}
	rndBase   = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// rndDoc makes a document where each field is sometimes missing or null.
func rndDoc(r *rand.Rand) bson.D {
	d := bson.D{{Key: "_id", Value: bson.NewObjectID()}}
	maybe := func(key string, v func() any) {
		switch r.IntN(6) {
		case 0: // missing
		case 1:
			d = append(d, bson.E{Key: key, Value: nil})
		default:
			d = append(d, bson.E{Key: key, Value: v()})
		}
	}
	maybe("status", func() any { return pick(r, rndStatus) })
	maybe("n", func() any {
		switch r.IntN(3) {
		case 0:
			return int32(r.IntN(7) - 3)
		case 1:
			return int64(r.IntN(7) - 3)
		}
		return float64(r.IntN(13)-6) / 2
	})
	maybe("date", func() any { return bson.NewDateTimeFromTime(rndBase.Add(time.Duration(r.IntN(5)) * time.Hour)) })
	maybe("flag", func() any { return r.IntN(2) == 0 })
	maybe("tags", func() any {
		if r.IntN(5) == 0 {
			return pick(r, rndTags) // a scalar counts as a one-element array
		}
		a := bson.A{}
		for range r.IntN(4) {
			a = append(a, pick(r, rndTags))
		}
		return a
	})
	maybe("parts", func() any {
		a := bson.A{}
		for range r.IntN(4) {
			p := bson.D{{Key: "role", Value: pick(r, []string{"lead", "guest"})}}
			if r.IntN(4) > 0 {
				p = append(bson.D{{Key: "sid", Value: pick(r, rndSids)}}, p...)
			}
			a = append(a, p)
		}
		return a
	})
	maybe("search", func() any {
		s := ""
		for i := range 1 + r.IntN(3) {
			if i > 0 {
				s += " "
			}
			s += pick(r, rndWords)
		}
		return s
	})
	maybe("sub", func() any { return bson.D{{Key: "k", Value: pick(r, rndStatus)}} })
	maybe("note", func() any { return pick(r, []string{"Bueno", "malo", "abc"}) })
	return d
}

// rndValue is a value for path, sometimes null.
func rndValue(r *rand.Rand, path string) any {
	if r.IntN(8) == 0 {
		return nil
	}
	switch path {
	case "status", "sub.k":
		return pick(r, rndStatus)
	case "n":
		if r.IntN(2) == 0 {
			return r.IntN(7) - 3
		}
		return float64(r.IntN(13)-6) / 2
	case "date":
		return rndBase.Add(time.Duration(r.IntN(5)) * time.Hour)
	case "flag":
		return r.IntN(2) == 0
	case "tags":
		return pick(r, rndTags)
	case "parts.sid":
		return pick(r, rndSids)
	case "parts.role":
		return pick(r, []string{"lead", "guest"})
	case "note":
		return pick(r, []string{"Bueno", "malo", "abc"})
	}
	return pick(r, rndWords)
}

var rndPaths = []string{"status", "n", "date", "flag", "sub.k", "tags", "parts.sid", "parts.role", "note", "search"}

// ferretWrong tells the conditions on array paths where FerretDB 1.24
// answers unlike MongoDB: negations ($ne, $nin, $exists) through arrays of
// documents (it returns documents where some element holds the excluded
// value), null equality (MongoDB matches an element without the field), and
// two range operators (MongoDB lets different elements satisfy each).
func ferretWrong(cond any) bool {
	ops, ok := isOpDoc(cond)
	if !ok {
		return cond == nil
	}
	if len(ops) > 1 {
		return true
	}
	switch ops[0].Key {
	case "$ne", "$nin", "$exists":
		return true
	case "$eq":
		return ops[0].Value == nil
	case "$in":
		for _, v := range ops[0].Value.(bson.A) {
			if v == nil {
				return true
			}
		}
	}
	return false
}

// rndFilter makes a filter from the operators the store supports; ferret
// leaves out what ferretWrong tells.
func rndFilter(r *rand.Rand, depth int, ferret bool) bson.D {
	if depth < 2 && r.IntN(5) == 0 {
		op := pick(r, []string{"$and", "$or"})
		a := bson.A{}
		for range 1 + r.IntN(3) {
			a = append(a, rndFilter(r, depth+1, ferret))
		}
		return bson.D{{Key: op, Value: a}}
	}
	var f bson.D
	used := map[string]bool{}
	for range 1 + r.IntN(2) {
		path := pick(r, rndPaths)
		var cond any
		switch r.IntN(9) {
		case 0:
			cond = rndValue(r, path)
		case 1:
			cond = bson.D{{Key: pick(r, []string{"$eq", "$ne"}), Value: rndValue(r, path)}}
		case 2, 3:
			list := bson.A{}
			for range r.IntN(4) {
				list = append(list, rndValue(r, path))
			}
			cond = bson.D{{Key: pick(r, []string{"$in", "$nin"}), Value: list}}
		case 4, 5:
			v := rndValue(r, path)
			for v == nil {
				v = rndValue(r, path)
			}
			cond = bson.D{{Key: pick(r, []string{"$gt", "$gte", "$lt", "$lte"}), Value: v}}
			if op := pick(r, []string{"$lt", "$lte"}); r.IntN(3) == 0 && cond.(bson.D)[0].Key != op {
				cond = append(cond.(bson.D), bson.E{Key: op, Value: v})
			}
		case 6:
			cond = bson.D{{Key: "$exists", Value: r.IntN(2) == 0}}
		case 7:
			if path == "search" || r.IntN(2) == 0 {
				path = "search"
				cond = bson.D{{Key: "$regex", Value: "(^| )" + pick(r, []string{"pre", "presu", "lim", "casa", "x"})}}
			} else {
				cond = bson.D{{Key: "$regex", Value: "^" + pick(r, []string{"a", "b", "ab"})}}
			}
		default:
			cond = bson.D{{Key: "$regex", Value: pick(r, []string{"b", "^B", "o$"})}, {Key: "$options", Value: pick(r, []string{"", "i"})}}
		}
		if ferret && (strings.HasPrefix(path, "parts.") || path == "tags") && ferretWrong(cond) {
			continue
		}
		if !used[path] { // MongoDB servers differ on repeated keys
			used[path] = true
			f = append(f, bson.E{Key: path, Value: cond})
		}
	}
	if len(f) == 0 {
		f = bson.D{{Key: "n", Value: bson.D{{Key: "$exists", Value: true}}}}
	}
	return f
}

func rndSort(r *rand.Rand) bson.D {
	var s bson.D
	for _, k := range []string{"status", "n", "date", "flag", "sub.k"} {
		if r.IntN(3) == 0 {
			s = append(s, bson.E{Key: k, Value: pick(r, []int{1, -1})})
		}
	}
	return append(s, bson.E{Key: "_id", Value: pick(r, []int{1, -1})})
}

// TestRandomAgainstMatcher checks the SQL path (columns, members, words,
// residual) against the Go matcher run over every document.
func TestRandomAgainstMatcher(t *testing.T) {
	t.Parallel() // among the slowest of the package under -race
	seed := uint64(time.Now().UnixNano())
	r := rand.New(rand.NewPCG(seed, 1))
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "rnd.db"), []Spec{rndSpec})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := db.Collection("rnd")
	var all []bson.D
	var docs []any
	for range 400 {
		d := rndDoc(r)
		all = append(all, d)
		docs = append(docs, d)
	}
	if _, err := c.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	viaX, covered := 0, 0
	for i := range 400 {
		// Every plan of the word and member conditions: lists, the rarest
		// driving, walks and the estimates between walking and driving.
		db.commonRows, db.walkSample = []int{2000, 20, 20}[i%3], []int{2048, 2048, 16}[i%3]
		f := rndFilter(r, 0, false)
		s := rndSort(r)
		limit := int64(0)
		if r.IntN(3) == 0 {
			limit = int64(1 + r.IntN(20))
		}
		if i%3 == 2 && r.IntN(2) == 0 { // a page along an index: walked or driven
			s = pick(r, []bson.D{{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, {{Key: "_id", Value: 1}}})
			limit = int64(1 + r.IntN(20))
			f = bson.D{{Key: "$and", Value: bson.A{rndFilter(r, 1, false), rndFilter(r, 1, false)}}}
		}
		var got []bson.D
		if err := c.Find(ctx, f, coll.FindOptions{Sort: s, Limit: limit}, &got); err != nil {
			t.Fatalf("seed %d, query %d %v: %v", seed, i, f, err)
		}
		want, err := bruteFind(all, f, s, limit)
		if err != nil {
			t.Fatalf("seed %d, query %d %v: %v", seed, i, f, err)
		}
		if fmt.Sprint(ids(t, got)) != fmt.Sprint(ids(t, want)) {
			t.Fatalf("seed %d, query %d: filter %v sort %v limit %d (first SQL, second matcher):%s", seed, i, f, s, limit, idDiff(got, want))
		}
		n, err := c.Count(ctx, f, 0)
		if err != nil || (limit == 0 && n != int64(len(want))) {
			t.Fatalf("seed %d, count %v: %d %v, want %d", seed, f, n, err, len(want))
		}
		if cf, _ := canon(f); cf != nil {
			if q, err := db.C("rnd").compile(cf); err == nil && q.x != nil {
				viaX++
				if q.x.covered {
					covered++
				}
			}
		}
	}
	// The member indexes answered a share of the queries, some wholly.
	if viaX < 10 || covered < 1 {
		t.Fatalf("seed %d: member indexes answered %d queries, %d wholly", seed, viaX, covered)
	}
}

// bruteFind filters with the matcher and sorts in Go.
func bruteFind(all []bson.D, filter, sortDoc bson.D, limit int64) ([]bson.D, error) {
	f, err := canon(filter)
	if err != nil {
		return nil, err
	}
	s, _ := canon(sortDoc)
	m := newMatcher()
	var out []bson.D
	for _, d := range all {
		cd, _ := canon(d)
		ok, err := m.match(cd, f)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, cd)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		for _, k := range s {
			a, _ := lookup(out[i], k.Key)
			b, _ := lookup(out[j], k.Key)
			c := compare(a, b)
			if dir, _ := toFloat(k.Value); dir < 0 {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return false
	})
	if limit > 0 && int64(len(out)) > limit {
		out = out[:limit]
	}
	return out, nil
}

// idDiff describes the documents only one of two results holds.
func idDiff(a, b []bson.D) string {
	in := func(list []bson.D, d bson.D) bool {
		id, _ := lookup(d, "_id")
		for _, x := range list {
			if y, _ := lookup(x, "_id"); y == id {
				return true
			}
		}
		return false
	}
	out := ""
	for _, d := range a {
		if !in(b, d) {
			out += fmt.Sprintf("\n only first:  %v", d)
		}
	}
	for _, d := range b {
		if !in(a, d) {
			out += fmt.Sprintf("\n only second: %v", d)
		}
	}
	if out == "" {
		out = "\n same documents, another order"
	}
	return out
}

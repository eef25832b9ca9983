package lite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// orderedSpecs keep their words in date order too: one without a scope
// (an admin's search) and one with a member scope beside it.
var orderedSpecs = []Spec{
	{Name: "ordered", Fields: []string{"date", "status"}, Words: "search", WordOrder: "date",
		Indexes: []Index{{Name: "date_id", Keys: []Key{{Path: "date", Desc: true}, {Path: "_id", Desc: true}}}}},
	{Name: "orderedscoped", Fields: []string{"date", "status"}, Members: []string{"regions"}, Words: "search", WordScope: "regions", WordOrder: "date",
		Indexes: []Index{{Name: "date_id", Keys: []Key{{Path: "date", Desc: true}, {Path: "_id", Desc: true}}},
			{Name: "regions_date", Keys: []Key{{Path: "regions"}, {Path: "date", Desc: true}, {Path: "_id", Desc: true}, {Path: "status"}}}}},
}

// orderedDoc is scopedDoc with few distinct dates (ties at a page's end),
// and sometimes none or null.
func orderedDoc(r *rand.Rand, i int) bson.D {
	d := scopedDoc(r, i)
	switch r.IntN(12) {
	case 0:
		d = slices.DeleteFunc(d, func(e bson.E) bool { return e.Key == "date" })
	case 1:
		d[1].Value = nil
	default:
		d[1].Value = bson.DateTime(int64(r.IntN(60)) * 1000)
	}
	return d
}

// orderedFilter is an admin's search: one to three word prefixes, with
// the failed left out sometimes, or a region sometimes.
func orderedFilter(r *rand.Rand) bson.D {
	conds := bson.A{}
	for range 1 + r.IntN(3) {
		w := pick(r, scopedWords)
		conds = append(conds, searchWord(w[:1+r.IntN(len(w))]))
	}
	if r.IntN(2) == 0 {
		conds = append(conds, bson.D{{Key: "status", Value: bson.D{{Key: "$ne", Value: "failed"}}}})
	}
	if r.IntN(5) == 0 {
		conds = append(conds, bson.D{{Key: "regions", Value: pick(r, scopedRegions[:4])}})
	}
	r.Shuffle(len(conds), func(i, j int) { conds[i], conds[j] = conds[j], conds[i] })
	return bson.D{{Key: "$and", Value: conds}}
}

// TestOrderedWordsRandom: a search page newest first answers the
// matcher's documents in the matcher's order on random data (ties of
// dates, documents without one, words of one prefix or several), through
// the ordered plan and the others, after random writes that change words
// and dates too; the ordered table drives some of them, its rows are
// exactly the documents' and the plans use indexes.
func TestOrderedWordsRandom(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	r := rand.New(rand.NewPCG(seed, 3))
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "ordered.db"), orderedSpecs, RecordPlans())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, spec := range orderedSpecs {
		c := db.Collection(spec.Name)
		var all []bson.D
		var docs []any
		for i := range rounds(600) {
			d := orderedDoc(r, i)
			all, docs = append(all, d), append(docs, d)
		}
		if _, err := c.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		ordered, n := 0, rounds(300)
		for i := range n {
			if i%100 == 50 { // rewrite, re-date and delete some: the ordered rows follow
				for j := range 40 {
					k := r.IntN(len(all))
					id := all[k][0].Value
					switch j % 4 {
					case 0:
						if _, err := c.Delete(ctx, bson.D{{Key: "_id", Value: id}}, false); err != nil {
							t.Fatal(err)
						}
						all = slices.Delete(all, k, k+1)
					case 1:
						set := bson.D{{Key: "date", Value: bson.DateTime(int64(r.IntN(60)) * 1000)}}
						if _, err := c.Update(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: set}}, coll.UpdateOptions{}); err != nil {
							t.Fatal(err)
						}
						all[k] = setFields(all[k], set)
					default:
						d := orderedDoc(r, k)
						d[0].Value = id
						if _, err := c.Replace(ctx, bson.D{{Key: "_id", Value: id}}, d, false); err != nil {
							t.Fatal(err)
						}
						all[k] = d
					}
				}
			}
			db.commonRows, db.walkSample = []int{2000, 10, 10}[i%3], []int{2048, 2048, 8}[i%3]
			f := orderedFilter(r)
			// Newest first (the ordered plan's sort) two times in three.
			s := pick(r, []bson.D{{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, {{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, {{Key: "date", Value: 1}, {Key: "_id", Value: 1}}})
			limit := pick(r, []int64{1, 5, 10, 10})
			var got []bson.D
			if err := c.Find(ctx, f, coll.FindOptions{Sort: s, Limit: limit}, &got); err != nil {
				t.Fatalf("seed %d, query %d %v: %v", seed, i, f, err)
			}
			want, err := bruteFind(all, f, s, limit)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(ids(t, got)) != fmt.Sprint(ids(t, want)) {
				t.Fatalf("seed %d, %s query %d: filter %v sort %v limit %d (first SQL, second matcher):%s", seed, spec.Name, i, f, s, limit, idDiff(got, want))
			}
			if cf, _ := canon(f); cf != nil {
				cs, _ := canon(s)
				order, _ := db.C(spec.Name).orderBy(cs)
				if q, err := db.C(spec.Name).plan(ctx, db.reader(ctx), cf, cs, limit, order); err == nil && strings.Contains(q.where, `"wo:`) {
					ordered++
				}
			}
		}
		if ordered < n/10 {
			t.Fatalf("seed %d: %s: the ordered words answered %d queries of %d", seed, spec.Name, ordered, n)
		}
		checkOrderedRows(t, db, spec.Name, all)
	}
	if bad, err := db.CheckPlans(ctx); err != nil || len(bad) > 0 {
		t.Fatalf("plans: %v\n%s", err, strings.Join(bad, "\n"))
	}
}

// checkOrderedRows checks that the ordered word table of collection name
// holds exactly a row per word of each document with a date, keyed by it.
func checkOrderedRows(t *testing.T, db *DB, name string, all []bson.D) {
	t.Helper()
	c := db.C(name)
	var want []string
	for _, d := range all {
		date, _ := lookup(d, "date")
		dt, ok := date.(bson.DateTime)
		if !ok {
			continue
		}
		for _, w := range docWords(d) {
			want = append(want, fmt.Sprintf("%s %d %s", w, int64(dt), d[0].Value.(bson.ObjectID).Hex()))
		}
	}
	checkTableRows(t, db, c.wo, "SELECT o.w || ' ' || o.k || ' ' || d.id FROM "+c.wo+" o JOIN "+c.t+" d ON d.rowid = o.rid", want)
}

// TestOrderedWordsFollow: a spec that adds the word order fills its table
// from the stored rows; a build that knows no order writes after it and
// the next open fills it again; a bulk load sets it aside and fills it at
// its end, searching meanwhile; a spec without the order drops it.
func TestOrderedWordsFollow(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "follow.db")
	open := func(specs []Spec) *DB {
		t.Helper()
		db, err := Open(ctx, path, specs)
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	plain := slices.Clone(orderedSpecs[:1])
	plain[0].WordOrder = ""
	r := rand.New(rand.NewPCG(1, 3))
	var all []bson.D
	var docs []any
	for i := range 300 {
		d := orderedDoc(r, i)
		all, docs = append(all, d), append(docs, d)
	}
	db := open(plain)
	if _, err := db.Collection("ordered").Insert(ctx, docs, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = open(orderedSpecs[:1]) // the order added: filled from the word rows
	checkOrderedRows(t, db, "ordered", all)
	// A build without the order writes (a stale row here) and leaves its
	// own fingerprint.
	err := db.withWrite(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO "wo:ordered"(w, k, rid) VALUES ('stale', 1, 1)`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE lite_meta SET value = ? WHERE key = ?`, fingerprint(plain[0]), "spec:ordered")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = open(orderedSpecs[:1])
	checkOrderedRows(t, db, "ordered", all)

	// A bulk load: searches answer meanwhile (from the word table), and
	// the ordered rows are whole at its end.
	c := db.Collection("ordered")
	search := bson.D{{Key: "$and", Value: bson.A{searchWord("presupuesto"), searchWord("a")}}}
	sort := bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}
	err = db.BulkLoad(ctx, []string{"ordered"}, func(ctx context.Context) error {
		var more []any
		for i := range 200 {
			d := orderedDoc(r, 300+i)
			all, more = append(all, d), append(more, d)
		}
		if _, err := c.Insert(ctx, more, coll.InsertOptions{}); err != nil {
			return err
		}
		var got []bson.D
		if err := c.Find(ctx, search, coll.FindOptions{Sort: sort, Limit: 10}, &got); err != nil {
			return err
		}
		want, err := bruteFind(all, search, sort, 10)
		if err != nil {
			return err
		}
		if fmt.Sprint(ids(t, got)) != fmt.Sprint(ids(t, want)) {
			return fmt.Errorf("search during the load:%s", idDiff(got, want))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkOrderedRows(t, db, "ordered", all)
	db.Close()

	db = open(plain) // no order: the table goes
	defer db.Close()
	var n int
	if err := scanRow(ctx, db.reader(ctx), `SELECT count(*) FROM sqlite_master WHERE name = 'wo:ordered'`, nil, &n); err != nil || n != 0 {
		t.Fatalf("the ordered table is still there (%d, %v)", n, err)
	}
}

// TestOrderedDrivesByTheRarerWord: two words both past the count cap are
// counted further, and the rarer drives the ordered plan whichever comes
// first in the filter; the page is the matcher's.
func TestOrderedDrivesByTheRarerWord(t *testing.T) {
	ctx := context.Background()
	db, all := datedWords(t, 400, func(i int) string {
		if i%5 == 0 {
			return "comun rara"
		}
		return "comun"
	})
	c := db.C("ordered")
	sort := bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}
	for _, f := range []bson.D{
		{{Key: "$and", Value: bson.A{searchWord("comun"), searchWord("rara")}}},
		{{Key: "$and", Value: bson.A{searchWord("rara"), searchWord("comun")}}},
	} {
		cf, _ := canon(f)
		cs, _ := canon(sort)
		order, _ := db.C("ordered").orderBy(cs)
		q, err := db.C("ordered").plan(ctx, db.reader(ctx), cf, cs, 5, order)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(q.where, `"wo:ordered" dr WHERE w = ? AND k >= ?`) || len(q.args) == 0 || q.args[0] != any("rara") {
			t.Fatalf("%v: not driven by the rarer word in date order: %s %v", f, q.where, q.args)
		}
		var got []bson.D
		if err := c.Find(ctx, f, coll.FindOptions{Sort: sort, Limit: 5}, &got); err != nil {
			t.Fatal(err)
		}
		want, _ := bruteFind(all, f, sort, 5)
		if fmt.Sprint(ids(t, got)) != fmt.Sprint(ids(t, want)) {
			t.Fatalf("%v:%s", f, idDiff(got, want))
		}
	}
}

// TestOrderedStaleBound: a bound found before a write (a remembered choice
// that a reader took just as a write committed) leaves the ordered page
// short when the write removed documents above it; the page is then read
// as before and is the matcher's.
func TestOrderedStaleBound(t *testing.T) {
	ctx := context.Background()
	db, all := datedWords(t, 300, func(int) string { return "comun otra" })
	c := db.C("ordered")
	f := bson.D{{Key: "$and", Value: bson.A{searchWord("comun"), searchWord("otra")}}}
	sort := bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}
	cf, _ := canon(f)
	cs, _ := canon(sort)
	order, _ := c.orderBy(cs)
	cq, _, err := c.compilePlan(cf, cs, false, -1)
	if err != nil {
		t.Fatal(err)
	}
	key := c.planKey(cq, order, 10)
	var got []bson.D
	if err := c.Find(ctx, f, coll.FindOptions{Sort: sort, Limit: 10}, &got); err != nil {
		t.Fatal(err)
	}
	ch, ok := c.choices.get(key, c.gen.Load())
	if !ok || ch.ordered == nil {
		t.Fatalf("no ordered choice remembered: %+v %v", ch, ok)
	}
	// The five newest go, and the choice made before stays as if current.
	for _, d := range all[295:] {
		if _, err := c.Delete(ctx, bson.D{{Key: "_id", Value: d[0].Value}}, false); err != nil {
			t.Fatal(err)
		}
	}
	all = all[:295]
	c.choices.put(key, c.gen.Load(), ch)
	if err := c.Find(ctx, f, coll.FindOptions{Sort: sort, Limit: 10}, &got); err != nil {
		t.Fatal(err)
	}
	want, _ := bruteFind(all, f, sort, 10)
	if fmt.Sprint(ids(t, got)) != fmt.Sprint(ids(t, want)) {
		t.Fatalf("after a write under a stale bound:%s", idDiff(got, want))
	}
}

// datedWords opens the "ordered" collection (closed when t ends) with n
// documents dated 0..n-1 seconds holding words(i), words common at 10 rows.
func datedWords(t *testing.T, n int, words func(i int) string) (*DB, []bson.D) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "dated.db"), orderedSpecs[:1], RecordPlans())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.commonRows = 10
	var all []bson.D
	var docs []any
	for i := range n {
		d := bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "date", Value: bson.DateTime(int64(i) * 1000)}, {Key: "search", Value: words(i)}}
		all, docs = append(all, d), append(docs, d)
	}
	if _, err := db.C("ordered").Insert(ctx, docs, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	return db, all
}

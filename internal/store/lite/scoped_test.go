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

// scopedSpecs are two collections whose words are scoped: by a field (a
// meeting's region) and by a member path (a message's regions).
var scopedSpecs = []Spec{
	{Name: "byfield", Fields: []string{"region", "date"}, Words: "search", WordScope: "region",
		Indexes: []Index{{Name: "region_date", Keys: []Key{{Path: "region"}, {Path: "date", Desc: true}, {Path: "_id", Desc: true}}},
			{Name: "date_id", Keys: []Key{{Path: "date", Desc: true}, {Path: "_id", Desc: true}}}}},
	{Name: "bymember", Fields: []string{"date", "status"}, Members: []string{"regions"}, Words: "search", WordScope: "regions",
		Indexes: []Index{{Name: "date_id", Keys: []Key{{Path: "date", Desc: true}, {Path: "_id", Desc: true}}},
			{Name: "regions_date", Keys: []Key{{Path: "regions"}, {Path: "date", Desc: true}, {Path: "_id", Desc: true}, {Path: "status"}}}}},
}

var (
	scopedRegions = []any{"lima", "cusco", "puno", "tacna", int32(7)}
	scopedWords   = []string{"presupuesto", "presu", "cusco", "lima", "agua", "aguas", "obra"}
)

// scopedDoc is a random document of both collections: a region (sometimes
// missing, null or a number) and regions (one to three, repeats allowed).
func scopedDoc(r *rand.Rand, i int) bson.D {
	d := bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "date", Value: bson.DateTime(int64(r.IntN(500)) * 1000)},
		{Key: "status", Value: pick(r, []string{"new", "done", "failed"})}}
	switch r.IntN(8) {
	case 0: // no region
	case 1:
		d = append(d, bson.E{Key: "region", Value: nil})
	default:
		d = append(d, bson.E{Key: "region", Value: pick(r, scopedRegions)})
	}
	regions := bson.A{}
	for range r.IntN(4) {
		regions = append(regions, pick(r, scopedRegions))
	}
	if r.IntN(8) > 0 {
		d = append(d, bson.E{Key: "regions", Value: regions})
	}
	var w []string
	for range r.IntN(5) {
		w = append(w, pick(r, scopedWords))
	}
	if r.IntN(10) > 0 {
		d = append(d, bson.E{Key: "search", Value: strings.Join(w, " ")})
	}
	return d
}

// scopedFilter is a search in a scope: one to three word prefixes and the
// scope's $in or equality, sometimes a status too.
func scopedFilter(r *rand.Rand, path string) bson.D {
	conds := bson.A{}
	for range 1 + r.IntN(3) {
		w := pick(r, scopedWords)
		conds = append(conds, searchWord(w[:1+r.IntN(len(w))]))
	}
	switch r.IntN(4) {
	case 0:
		conds = append(conds, bson.D{{Key: path, Value: pick(r, scopedRegions[:4])}})
	case 1: // a number among the texts: no scoped rows
		conds = append(conds, bson.D{{Key: path, Value: bson.D{{Key: "$in", Value: bson.A{"lima", int32(7)}}}}})
	default:
		in := bson.A{}
		for range 1 + r.IntN(3) {
			in = append(in, pick(r, scopedRegions[:4]))
		}
		conds = append(conds, bson.D{{Key: path, Value: bson.D{{Key: "$in", Value: in}}}})
	}
	if r.IntN(3) == 0 {
		conds = append(conds, bson.D{{Key: "status", Value: bson.D{{Key: "$ne", Value: "failed"}}}})
	}
	r.Shuffle(len(conds), func(i, j int) { conds[i], conds[j] = conds[j], conds[i] })
	return bson.D{{Key: "$and", Value: conds}}
}

// TestScopedWordsRandom: a search of words in a scope answers the
// matcher's documents in the matcher's order on random data, through every
// plan (lists, the rarest driving, walks), after random writes too, and
// counts them; the
// scoped word table drives some of them, and the plans use indexes.
func TestScopedWordsRandom(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	r := rand.New(rand.NewPCG(seed, 2))
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "scoped.db"), scopedSpecs, RecordPlans())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, spec := range scopedSpecs {
		path := spec.WordScope
		c := db.Collection(spec.Name)
		var all []bson.D
		var docs []any
		for i := range rounds(600) {
			d := scopedDoc(r, i)
			all, docs = append(all, d), append(docs, d)
		}
		if _, err := c.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		scoped, n := 0, rounds(300)
		for i := range n {
			if i%100 == 50 { // rewrite and delete some: the scoped rows follow
				for j := range 40 {
					k := r.IntN(len(all))
					id := all[k][0].Value
					if j%4 == 0 {
						if _, err := c.Delete(ctx, bson.D{{Key: "_id", Value: id}}, false); err != nil {
							t.Fatal(err)
						}
						all = slices.Delete(all, k, k+1)
						continue
					}
					d := scopedDoc(r, k)
					d[0].Value = id
					if _, err := c.Replace(ctx, bson.D{{Key: "_id", Value: id}}, d, false); err != nil {
						t.Fatal(err)
					}
					all[k] = d
				}
			}
			db.commonRows, db.walkSample = []int{2000, 10, 10}[i%3], []int{2048, 2048, 8}[i%3]
			f := scopedFilter(r, path)
			s := pick(r, []bson.D{{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, {{Key: "_id", Value: -1}}, nil})
			limit := pick(r, []int64{0, 1, 5, 10})
			if s == nil {
				limit = 0 // an unordered page is any of the matches
			}
			var got []bson.D
			if err := c.Find(ctx, f, coll.FindOptions{Sort: s, Limit: limit}, &got); err != nil {
				t.Fatalf("seed %d, query %d %v: %v", seed, i, f, err)
			}
			want, err := bruteFind(all, f, s, limit)
			if err != nil {
				t.Fatal(err)
			}
			if s == nil { // no order: compare the sets
				slices.SortFunc(got, compareIDs)
				slices.SortFunc(want, compareIDs)
			}
			if fmt.Sprint(ids(t, got)) != fmt.Sprint(ids(t, want)) {
				t.Fatalf("seed %d, %s query %d: filter %v sort %v limit %d (first SQL, second matcher):%s", seed, spec.Name, i, f, s, limit, idDiff(got, want))
			}
			if limit == 0 {
				if n, err := c.Count(ctx, f, 0); err != nil || n != int64(len(want)) {
					t.Fatalf("seed %d, %s count %v: %d %v, want %d", seed, spec.Name, f, n, err, len(want))
				}
			}
			if cf, _ := canon(f); cf != nil {
				cs, _ := canon(s)
				order, _ := db.C(spec.Name).orderBy(cs)
				if q, err := db.C(spec.Name).plan(ctx, db.reader(ctx), cf, cs, limit, order); err == nil && strings.Contains(q.where, `"ws:`) {
					scoped++
				}
			}
		}
		if scoped < n/10 {
			t.Fatalf("seed %d: %s: the scoped words answered %d queries of %d", seed, spec.Name, scoped, n)
		}
		checkScopedRows(t, db, spec.Name, all)
	}
	if bad, err := db.CheckPlans(ctx); err != nil || len(bad) > 0 {
		t.Fatalf("plans: %v\n%s", err, strings.Join(bad, "\n"))
	}
}

func compareIDs(a, b bson.D) int {
	return strings.Compare(a[0].Value.(bson.ObjectID).Hex(), b[0].Value.(bson.ObjectID).Hex())
}

// checkScopedRows checks that the scoped word table of collection name
// holds exactly a row per text scope value and word of each document.
func checkScopedRows(t *testing.T, db *DB, name string, all []bson.D) {
	t.Helper()
	c := db.C(name)
	var want []string
	for _, d := range all {
		var scopes []string
		for _, e := range d {
			switch v := e.Value.(type) {
			case string:
				if e.Key == c.spec.WordScope {
					scopes = append(scopes, v)
				}
			case bson.A:
				if e.Key == c.spec.WordScope {
					for _, x := range v {
						if s, ok := x.(string); ok && !slices.Contains(scopes, s) {
							scopes = append(scopes, s)
						}
					}
				}
			}
		}
		for _, sc := range scopes {
			for _, w := range docWords(d) {
				want = append(want, sc+" "+w+" "+d[0].Value.(bson.ObjectID).Hex())
			}
		}
	}
	checkTableRows(t, db, c.ws, "SELECT s.s || ' ' || s.w || ' ' || d.id FROM "+c.ws+" s JOIN "+c.t+" d ON d.rowid = s.rid", want)
}

// docWords are the distinct words of a document's search field.
func docWords(d bson.D) []string {
	text, _ := lookup(d, "search")
	s, _ := text.(string)
	var words []string
	for _, w := range strings.Fields(s) {
		if !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	return words
}

// checkTableRows checks that table holds exactly the rows want, each as
// rowSQL writes it (one text per row, the document named by its id).
func checkTableRows(t *testing.T, db *DB, table, rowSQL string, want []string) {
	t.Helper()
	ctx := context.Background()
	rows, err := db.reader(ctx).QueryContext(ctx, rowSQL)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	var n int
	if err := scanRow(ctx, db.reader(ctx), "SELECT count(*) FROM "+table, nil, &n); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	slices.Sort(want)
	if n != len(got) || !slices.Equal(got, want) {
		t.Fatalf("%s: %d rows (%d of documents), want %d:\n got %.400v\nwant %.400v", table, n, len(got), len(want), got, want)
	}
}

// TestScopedWordsFollow: the scoped word rows follow inserts, updates that
// change the scope or the words, and deletes; a spec that adds the scope
// fills them from the stored rows, a rebuild (another field) writes them
// again, and a spec without the scope drops them.
func TestScopedWordsFollow(t *testing.T) {
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
	unscoped := slices.Clone(scopedSpecs)
	for i := range unscoped {
		unscoped[i].WordScope = ""
	}
	r := rand.New(rand.NewPCG(1, 2))
	all := map[string][]bson.D{}
	db := open(unscoped)
	for _, spec := range scopedSpecs {
		var docs []any
		for i := range 200 {
			d := scopedDoc(r, i)
			all[spec.Name], docs = append(all[spec.Name], d), append(docs, d)
		}
		if _, err := db.Collection(spec.Name).Insert(ctx, docs, coll.InsertOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	db = open(scopedSpecs) // the scope added: filled from the word rows
	for _, spec := range scopedSpecs {
		checkScopedRows(t, db, spec.Name, all[spec.Name])
		c := db.Collection(spec.Name)
		docs := all[spec.Name]
		for k := range 60 {
			id := docs[k][0].Value
			switch k % 4 {
			case 0:
				if _, err := c.Delete(ctx, bson.D{{Key: "_id", Value: id}}, false); err != nil {
					t.Fatal(err)
				}
				docs[k] = nil
			case 1: // the scope changes
				set := bson.D{{Key: "region", Value: "arequipa"}, {Key: "regions", Value: bson.A{"arequipa", "lima"}}}
				if _, err := c.Update(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: set}}, coll.UpdateOptions{}); err != nil {
					t.Fatal(err)
				}
				docs[k] = setFields(docs[k], set)
			case 2: // the words change
				set := bson.D{{Key: "search", Value: "nueva palabra lima"}}
				if _, err := c.Update(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: set}}, coll.UpdateOptions{}); err != nil {
					t.Fatal(err)
				}
				docs[k] = setFields(docs[k], set)
			case 3: // neither
				set := bson.D{{Key: "status", Value: "done"}}
				if _, err := c.Update(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: set}}, coll.UpdateOptions{}); err != nil {
					t.Fatal(err)
				}
				docs[k] = setFields(docs[k], set)
			}
		}
		all[spec.Name] = slices.DeleteFunc(docs, func(d bson.D) bool { return d == nil })
		checkScopedRows(t, db, spec.Name, all[spec.Name])
	}
	// A build that knows no scopes writes after it (a stale row here) and
	// leaves its own fingerprint: the next open fills the table again.
	err := db.withWrite(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO "ws:byfield"(s, w, rid) VALUES ('lima', 'stale', 1)`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE lite_meta SET value = ? WHERE key = ?`, fingerprint(unscoped[0]), "spec:byfield")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = open(scopedSpecs)
	checkScopedRows(t, db, "byfield", all["byfield"])
	db.Close()
	rebuilt := slices.Clone(scopedSpecs) // another field: every row written again
	for i := range rebuilt {
		rebuilt[i].Fields = append(slices.Clone(rebuilt[i].Fields), "extra")
	}
	db = open(rebuilt)
	for _, spec := range scopedSpecs {
		checkScopedRows(t, db, spec.Name, all[spec.Name])
	}
	db.Close()
	db = open(unscoped)
	defer db.Close()
	var n int
	if err := scanRow(ctx, db.reader(ctx), `SELECT count(*) FROM sqlite_master WHERE name LIKE 'ws:%'`, nil, &n); err != nil || n != 0 {
		t.Fatalf("%d scoped word tables left (%v), want none", n, err)
	}
}

// setFields is d with set's fields replaced or added.
func setFields(d, set bson.D) bson.D {
	out := slices.Clone(d)
	for _, e := range set {
		i := slices.IndexFunc(out, func(x bson.E) bool { return x.Key == e.Key })
		if i < 0 {
			out = append(out, e)
		} else {
			out[i] = e
		}
	}
	return out
}

// TestScopedWordsBulkLoad: a bulk load sets the scoped word table aside
// (a scoped search meanwhile reads the word table, and answers right) and
// fills it at its end; a load killed midway leaves the next Open to fill it.
func TestScopedWordsBulkLoad(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bulk.db")
	db, err := Open(ctx, path, scopedSpecs)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	var all []bson.D
	c := db.Collection("bymember")
	load := func(ctx context.Context) error {
		for i := range 300 {
			d := scopedDoc(r, i)
			if _, err := c.Insert(ctx, []any{d}, coll.InsertOptions{}); err != nil {
				return err
			}
			all = append(all, d)
		}
		f := andOf(searchWord("pre"), bson.D{{Key: "regions", Value: bson.D{{Key: "$in", Value: bson.A{"lima"}}}}})
		var got []bson.D
		if err := c.Find(ctx, f, coll.FindOptions{Sort: bson.D{{Key: "_id", Value: 1}}}, &got); err != nil {
			return err
		}
		want, err := bruteFind(all, f, bson.D{{Key: "_id", Value: 1}}, 0)
		if err != nil {
			return err
		}
		if fmt.Sprint(ids(t, got)) != fmt.Sprint(ids(t, want)) || len(want) == 0 {
			return fmt.Errorf("during the load %d documents, want %d:%s", len(got), len(want), idDiff(got, want))
		}
		return nil
	}
	if err := db.BulkLoad(ctx, []string{"bymember"}, load); err != nil {
		t.Fatal(err)
	}
	checkScopedRows(t, db, "bymember", all)
	if db.C("bymember").loading.Load() {
		t.Fatal("the scoped word table is still set aside after the load")
	}
	// Killed midway: nothing fills the table until the next Open.
	kill, cancel := context.WithCancel(ctx)
	err = db.BulkLoad(kill, []string{"bymember"}, func(ctx context.Context) error {
		if err := load(ctx); err != nil {
			return err
		}
		cancel()
		return nil
	})
	if err == nil {
		t.Fatal("a cancelled load answered no error")
	}
	db.Close()
	if db, err = Open(ctx, path, scopedSpecs); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkScopedRows(t, db, "bymember", all)
}

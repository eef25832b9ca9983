package lite

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// respecSpecs are the versions of one collection that TestRespec and
// TestRespecKilled move a folder between: b differs from a in its indexes
// only (a SQL index and a member index dropped, others added), c in a
// field (a full rebuild).
var respecSpecs = func() map[string]Spec {
	a := Spec{Name: "msgs", Fields: []string{"status", "date", "owner"}, Members: []string{"regions", "tags"}, Words: "search",
		Indexes: []Index{
			{Name: "date", Keys: []Key{{Path: "date", Desc: true}, {Path: "_id", Desc: true}}},
			{Name: "owner_status", Keys: []Key{{Path: "owner"}, {Path: "status"}}},
			{Name: "regions_date", Keys: []Key{{Path: "regions"}, {Path: "date", Desc: true}, {Path: "_id", Desc: true}}},
		}}
	b := a
	b.Indexes = []Index{
		{Name: "date", Keys: []Key{{Path: "date", Desc: true}, {Path: "_id", Desc: true}}},
		{Name: "status_date", Keys: []Key{{Path: "status"}, {Path: "date", Desc: true}}},
		{Name: "regions_status_date", Keys: []Key{{Path: "regions"}, {Path: "status"}, {Path: "date", Desc: true}, {Path: "_id", Desc: true}}},
		{Name: "tags_unique", Keys: []Key{{Path: "tags"}}, Unique: true},
	}
	c := b
	c.Fields = []string{"status", "date", "owner", "n"}
	return map[string]Spec{"a": a, "b": b, "c": c}
}()

// respecDoc is the i-th test document of respecSpecs.
func respecDoc(i int) bson.D {
	regions := bson.A{[]string{"15", "08", "16", "21"}[i%4]}
	if i%7 == 0 {
		regions = append(regions, "15")
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return bson.D{{Key: "_id", Value: fmt.Sprintf("m%05d", i)}, {Key: "regions", Value: regions},
		{Key: "status", Value: []string{"new", "done", "failed"}[i%3]}, {Key: "owner", Value: fmt.Sprint("u", i%11)},
		{Key: "date", Value: bson.NewDateTimeFromTime(base.Add(time.Duration(i*37%1009) * time.Hour))},
		{Key: "tags", Value: bson.A{fmt.Sprint("t", i)}}, {Key: "n", Value: i},
		{Key: "search", Value: fmt.Sprintf("word%d other%d", i%13, i%5)}}
}

// insertDocs inserts respecDoc(from) to respecDoc(to-1) in batches.
func insertDocs(t testing.TB, c coll.Collection, from, to int) {
	t.Helper()
	for start := from; start < to; start += 1000 {
		var docs []any
		for i := start; i < min(start+1000, to); i++ {
			docs = append(docs, respecDoc(i))
		}
		if _, err := c.Insert(context.Background(), docs, coll.InsertOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// respecDocs writes n documents to c, then updates and deletes some (so
// that rowids have gaps), the same way every time.
func respecDocs(t testing.TB, c coll.Collection, n int) {
	t.Helper()
	ctx := context.Background()
	insertDocs(t, c, 0, n)
	if _, err := c.Update(ctx, bson.D{{Key: "owner", Value: "u3"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "done"}, {Key: "regions", Value: bson.A{"08"}}}}},
		coll.UpdateOptions{Many: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Delete(ctx, bson.D{{Key: "owner", Value: "u5"}}, true); err != nil {
		t.Fatal(err)
	}
}

// dump is every row of the collection's tables and its schema, as sorted
// lines per table ("schema" for sqlite_master).
func dump(t testing.TB, db *DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	lines := func(q string) []string {
		rows, err := db.r.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%v", vals))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		slices.Sort(out)
		return out
	}
	out := map[string][]string{"schema": lines(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name != 'lite_meta'`)}
	for _, l := range lines(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`) {
		name := strings.Trim(l, "[]")
		out[name] = lines("SELECT * FROM " + quote(name))
	}
	return out
}

func sameDump(t *testing.T, what string, got, want map[string][]string) {
	t.Helper()
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s: table %s missing", what, name)
		}
	}
	for name, g := range got {
		w, ok := want[name]
		switch {
		case !ok:
			t.Errorf("%s: extra table %s", what, name)
		case !slices.Equal(g, w):
			t.Errorf("%s: %s differs: %d rows, want %d\n got: %.600s\nwant: %.600s", what, name, len(g), len(w), strings.Join(g, "\n"), strings.Join(w, "\n"))
		}
	}
}

// respecN is how many documents the respec tests' folders hold: enough
// for a migration long enough to kill inside (TestRespecKilled); more
// only lengthen the suite (it runs under -race).
const respecN = 3000

// freshFolder is the folder of one of respecSpecs opened with that spec
// only and holding respecDocs(respecN), loaded once for the tests that
// start from it or compare with it (loading is most of their time under
// -race); TestMain removes it.
type freshFolder struct {
	once sync.Once
	file string // "" until loaded, or when loading failed
}

var freshFolders = map[string]*freshFolder{"a": {}, "b": {}, "c": {}}

// freshCopy copies the fresh folder of spec name to path.
func freshCopy(t *testing.T, name, path string) {
	t.Helper()
	f := freshFolders[name]
	f.once.Do(func() {
		dir, err := os.MkdirTemp("", "lite-fresh-")
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, name+".db")
		db, err := Open(context.Background(), file, []Spec{respecSpecs[name]})
		if err != nil {
			t.Fatal(err)
		}
		respecDocs(t, db.Collection(respecSpecs[name].Name), respecN)
		if err := db.Close(); err != nil { // the last connection empties the WAL into file
			t.Fatal(err)
		}
		f.file = file
	})
	if f.file == "" {
		t.Fatalf("the fresh folder of spec %s failed to load (in the first test that wanted it)", name)
	}
	copyFile(t, f.file, path)
}

// fresh is every row of the fresh folder of spec name with the documents
// respecN to respecN+more inserted.
func fresh(t *testing.T, name string, more int) map[string][]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fresh.db")
	freshCopy(t, name, path)
	db, err := Open(context.Background(), path, []Spec{respecSpecs[name]})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	insertDocs(t, db.Collection(respecSpecs[name].Name), respecN, respecN+more)
	return dump(t, db)
}

// TestRespec: a folder opened with a spec whose indexes changed builds and
// drops only those (logged as such) and ends with the same tables, rows
// and answers as a fresh folder with that spec, its queries on the new
// indexes; a field change rebuilds to the same end.
func TestRespec(t *testing.T) {
	t.Parallel() // among the slowest of the package under -race
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "respec.db")
	freshCopy(t, "a", path)
	// Each spec's want is built once (b's is wanted twice).
	wants := map[string]map[string][]string{}
	more := 0
	for _, step := range []struct{ spec, change string }{{"b", "indexes"}, {"a", "indexes"}, {"c", "rebuilt"}, {"b", "rebuilt"}} {
		var logs bytes.Buffer
		db, err := Open(ctx, path, []Spec{respecSpecs[step.spec]}, RecordPlans(), Logger(slog.New(slog.NewTextHandler(&logs, nil))))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(logs.String(), "change="+step.change) {
			t.Errorf("to %s: log %q, want change=%s", step.spec, logs.String(), step.change)
		}
		if step.spec == "b" && more == 0 {
			// New documents go in the new indexes.
			insertDocs(t, db.C("msgs"), respecN, respecN+10)
			more = 10
		}
		want, ok := wants[step.spec]
		if !ok {
			want = fresh(t, step.spec, more)
			wants[step.spec] = want
		}
		sameDump(t, "to "+step.spec, dump(t, db), want)
		if step.spec == "b" {
			c := db.C("msgs")
			q, _, err := c.compilePlan(bson.D{{Key: "regions", Value: "15"}, {Key: "status", Value: "new"}}, bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false, -1)
			if err != nil || q.x == nil || q.x.x.name != "regions_status_date" {
				t.Fatalf("Lima and new: %+v %v", q.x, err)
			}
			var page []struct {
				ID string `bson:"_id"`
			}
			if err := c.Find(ctx, bson.D{{Key: "regions", Value: "15"}, {Key: "status", Value: "new"}}, coll.FindOptions{Sort: bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, Limit: 5}, &page); err != nil || len(page) != 5 {
				t.Fatalf("Lima and new: %v %v", page, err)
			}
			if n, err := c.Count(ctx, bson.D{{Key: "status", Value: "failed"}, {Key: "date", Value: bson.D{{Key: "$gte", Value: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}}}}, 0); err != nil || n == 0 {
				t.Fatalf("failed since February: %d %v", n, err)
			}
			lines, err := db.explain(ctx, "SELECT rowid FROM "+c.t+" WHERE "+c.col("status")+" = ? ORDER BY "+c.col("date")+" DESC", []any{"new"})
			if err != nil || !strings.Contains(strings.Join(lines, "|"), "i:msgs:status_date") {
				t.Fatalf("status by date: plan %v %v", lines, err)
			}
			if _, err := c.Insert(ctx, []any{bson.D{{Key: "_id", Value: "dup"}, {Key: "tags", Value: bson.A{"t1"}}}}, coll.InsertOptions{}); err == nil {
				t.Fatal("the new unique index let a second t1 in")
			}
			if bad, err := db.CheckPlans(ctx); err != nil || len(bad) > 0 {
				t.Fatalf("plans: %v\n%s", err, strings.Join(bad, "\n"))
			}
		}
		db.Close()
	}
}

// respecChildEnv names "path spec" for the child process of
// TestRespecKilled: it opens path with that spec and is killed.
const respecChildEnv = "LITE_RESPEC_CHILD"

func respecChild(arg string) {
	path, name, _ := strings.Cut(arg, " ")
	fmt.Println("ready")
	db, err := Open(context.Background(), path, []Spec{respecSpecs[name]})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	db.Close()
	fmt.Println("done")
	select {}
}

// TestRespecKilled: an Open killed (kill -9) at any point of an index
// change or a rebuild leaves a folder that the next Open brings to the
// same end as a fresh one.
func TestRespecKilled(t *testing.T) {
	t.Parallel() // among the slowest of the package under -race
	ctx := context.Background()
	dir := t.TempDir()
	pristine := filepath.Join(dir, "a.db")
	freshCopy(t, "a", pristine)
	for _, to := range []string{"b", "c"} {
		want := fresh(t, to, 0)
		// How long this migration takes here, to kill the child within it.
		path := filepath.Join(dir, to+".db")
		copyFile(t, pristine, path)
		start := time.Now()
		db, err := Open(ctx, path, []Spec{respecSpecs[to]})
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		db.Close()
		midway := 0
		for _, frac := range []float64{0.2, 0.5, 0.8} {
			copyFile(t, pristine, path)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), respecChildEnv+"="+path+" "+to)
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			r := bufio.NewReader(out)
			if l, err := r.ReadString('\n'); err != nil || l != "ready\n" {
				t.Fatalf("child did not start: %q %v", l, err)
			}
			time.Sleep(time.Duration(frac * float64(took)))
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(r)
			_ = cmd.Wait()
			if !strings.Contains(string(rest), "done") {
				midway++
			}
			db, err := Open(ctx, path, []Spec{respecSpecs[to]})
			if err != nil {
				t.Fatalf("to %s, killed at %.0f%%: reopen: %v", to, frac*100, err)
			}
			sameDump(t, fmt.Sprintf("to %s, killed at %.0f%%", to, frac*100), dump(t, db), want)
			db.Close()
		}
		t.Logf("to %s: the migration took %s; %d of 3 kills came before it committed", to, took, midway)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(to + suffix)
	}
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestBulkLoad: a bulk load answers every query meanwhile and ends with
// the tables, rows and indexes of a load without it.
func TestBulkLoad(t *testing.T) {
	t.Parallel() // among the slowest of the package under -race
	ctx := context.Background()
	spec := respecSpecs["b"]
	db, err := Open(ctx, filepath.Join(t.TempDir(), "bulk.db"), []Spec{spec}, RecordPlans())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := db.C("msgs")
	limaNew := bson.D{{Key: "regions", Value: "15"}, {Key: "status", Value: "new"}}
	var during int64
	var page []bson.Raw
	err = db.BulkLoad(ctx, []string{"msgs"}, func(ctx context.Context) error {
		respecDocs(t, c, respecN)
		if during, err = c.Count(ctx, limaNew, 0); err != nil {
			return err
		}
		return c.Find(ctx, limaNew, coll.FindOptions{Sort: bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, Limit: 5}, &page)
	})
	if err != nil {
		t.Fatal(err)
	}
	sameDump(t, "bulk", dump(t, db), fresh(t, "b", 0))
	var after []bson.Raw
	if err := c.Find(ctx, limaNew, coll.FindOptions{Sort: bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, Limit: 5}, &after); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Count(ctx, limaNew, 0); err != nil || n != during || n == 0 || len(page) != 5 || fmt.Sprint(page) != fmt.Sprint(after) {
		t.Fatalf("during the load: %d and %v, after: %d and %v (%v)", during, page, n, after, err)
	}
	if bad, err := db.CheckPlans(ctx); err != nil || len(bad) > 0 {
		t.Fatalf("plans after the load: %v\n%s", err, strings.Join(bad, "\n"))
	}
}

// bulkChildEnv names the database the child process of TestBulkLoadKilled
// bulk-loads into until it is killed.
const bulkChildEnv = "LITE_BULK_CHILD"

func bulkChild(path string) {
	ctx := context.Background()
	db, err := Open(ctx, path, []Spec{respecSpecs["b"]})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	err = db.BulkLoad(ctx, []string{"msgs"}, func(ctx context.Context) error {
		for i := 0; ; i += 100 {
			var docs []any
			for j := i; j < i+100; j++ {
				docs = append(docs, respecDoc(j))
			}
			if _, err := db.Collection("msgs").Insert(ctx, docs, coll.InsertOptions{}); err != nil {
				return err
			}
			if i == 0 {
				fmt.Println("ready")
			}
		}
	})
	fmt.Fprintln(os.Stderr, err)
	os.Exit(4)
}

// TestBulkLoadKilled: a bulk load killed midway keeps the batches it
// committed, and the next Open builds the indexes it set aside.
func TestBulkLoadKilled(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bulk.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), bulkChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if l, err := bufio.NewReader(out).ReadString('\n'); err != nil || l != "ready\n" {
		t.Fatalf("child did not start: %q %v", l, err)
	}
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	var logs bytes.Buffer
	db, err := Open(ctx, path, []Spec{respecSpecs["b"]}, Logger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := db.Collection("msgs").Count(ctx, bson.D{}, 0)
	if err != nil || n == 0 || n%100 != 0 {
		t.Fatalf("after the kill: %d documents (%v), want whole batches", n, err)
	}
	if !strings.Contains(logs.String(), "change=indexes") {
		t.Errorf("reopen: log %q, want the indexes built", logs.String())
	}
	fdb, err := Open(ctx, filepath.Join(t.TempDir(), "fresh.db"), []Spec{respecSpecs["b"]})
	if err != nil {
		t.Fatal(err)
	}
	defer fdb.Close()
	insertDocs(t, fdb.Collection("msgs"), 0, int(n))
	sameDump(t, "after the kill", dump(t, db), dump(t, fdb))
	t.Logf("%d documents survived", n)
}

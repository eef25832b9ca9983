package backup

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// target is a MongoDB-wire database a copy writes to: FerretDB, started
// by the test (internal/storetest), with a store on it.
type target struct {
	s  *store.Store
	db *mongo.Database
}

func startTarget(t testing.TB) *target {
	t.Helper()
	ctx := context.Background()
	f, err := storetest.StartEmbedded(ctx, filepath.Join(t.TempDir(), "db"), nil)
	if err != nil {
		t.Fatalf("start FerretDB: %v", err)
	}
	t.Cleanup(f.Stop)
	s, err := store.Open(ctx, f.URI(), testDB)
	if err != nil {
		t.Fatalf("open target: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return &target{s: s, db: s.Database()}
}

func copyOpts(src *engine, dst *target) CopyOptions {
	return CopyOptions{From: src.s, To: dst.db, Source: "engine:" + src.dir, Indexes: dst.s.EnsureIndexes, BatchSize: 40}
}

// withoutMarker is a dump without the copy's own bookkeeping.
func withoutMarker(d map[string]map[string]bson.Raw) map[string]map[string]bson.Raw {
	delete(d, copyMarker)
	return d
}

// copyChecked runs the copy o, called what in failures, checks that dst
// then holds src document by document, and returns the copy's results and
// how many documents it wrote.
func copyChecked(t *testing.T, what string, o CopyOptions, src *engine, dst *target) ([]CopyResult, int64) {
	t.Helper()
	res, err := Copy(context.Background(), o)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := sameDump(dump(t, src.s), withoutMarker(dump(t, dst.s))); err != nil {
		t.Fatalf("%s differs from the source: %v", what, err)
	}
	var written int64
	for _, r := range res {
		written += r.Written
	}
	return res, written
}

// One clean copy, and a copy interrupted part-way, then re-run after the
// source changed, both end equal to the source, document by document.
func TestCopyCleanAndInterrupted(t *testing.T) {
	ctx := context.Background()
	src := startEngine(t, t.TempDir())
	loadSample(t, src)

	clean := startTarget(t)
	res, written := copyChecked(t, "clean copy", copyOpts(src, clean), src, clean)
	if written == 0 || len(res) < 5 {
		t.Fatalf("clean copy results %+v", res)
	}
	// The indexes exist on the target: the unique email refuses a duplicate.
	var u struct{ Email string }
	if err := clean.db.Collection("users").FindOne(ctx, bson.D{}).Decode(&u); err != nil {
		t.Fatal(err)
	}
	if _, err := clean.db.Collection("users").InsertOne(ctx, bson.D{{Key: "email", Value: u.Email}}); !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("duplicate user email on the target: %v, want a duplicate key error", err)
	}

	partial := startTarget(t)
	cctx, cancel := context.WithCancel(ctx)
	o := copyOpts(src, partial)
	batches := 0
	o.Progress = func(string, int64) {
		if batches++; batches == 4 {
			cancel()
		}
	}
	if _, err := Copy(cctx, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted copy: %v", err)
	}
	cancel()
	if err := sameDump(dump(t, src.s), withoutMarker(dump(t, partial.s))); err == nil {
		t.Fatal("the interrupted copy is already complete; the test proves nothing")
	}
	// The source changes before the re-run: one record deleted, one changed.
	meetings := src.col("meetings")
	var two []bson.Raw
	if err := meetings.Find(ctx, bson.D{}, coll.FindOptions{Sort: bson.D{{Key: "_id", Value: 1}}, Limit: 2}, &two); err != nil || len(two) != 2 {
		t.Fatal(err, len(two))
	}
	if _, err := meetings.Delete(ctx, bson.D{{Key: "_id", Value: two[0].Lookup("_id")}}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := meetings.Update(ctx, bson.D{{Key: "_id", Value: two[1].Lookup("_id")}}, bson.D{{Key: "$set", Value: bson.D{{Key: "summary", Value: "changed"}}}}, coll.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Another run from the same source is a resume, not a foreign target.
	_, rewritten := copyChecked(t, "re-run", copyOpts(src, partial), src, partial)
	if rewritten >= written {
		t.Fatalf("the re-run wrote %d documents, a clean run %d: nothing was resumed", rewritten, written)
	}
	// And a second clean run over the first target gives the same data.
	if _, err := Copy(ctx, copyOpts(src, clean)); err != nil {
		t.Fatalf("clean re-run: %v", err)
	}
	if err := sameDump(withoutMarker(dump(t, clean.s)), withoutMarker(dump(t, partial.s))); err != nil {
		t.Fatalf("interrupted+re-run differs from clean run: %v", err)
	}
}

func TestCopyRefusesForeignTarget(t *testing.T) {
	ctx := context.Background()
	src := startEngine(t, t.TempDir())
	loadSample(t, src)
	dst := startTarget(t)
	if _, err := dst.db.Collection("users").InsertOne(ctx, bson.D{{Key: "email", Value: "someone@else.org"}}); err != nil {
		t.Fatal(err)
	}
	_, err := Copy(ctx, copyOpts(src, dst))
	if !errors.Is(err, ErrTargetHasData) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("copy to a target with data: %v", err)
	}
	o := copyOpts(src, dst)
	o.Force = true
	copyChecked(t, "copy --force", o, src, dst)
	// A copy from another source is refused again.
	other := copyOpts(src, dst)
	other.Source = "mongodb://elsewhere"
	if _, err := Copy(ctx, other); !errors.Is(err, ErrTargetHasData) || !strings.Contains(err.Error(), "copied from engine:") {
		t.Fatalf("copy from another source: %v", err)
	}
}

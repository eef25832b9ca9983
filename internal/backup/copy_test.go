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

// sampleOnWire is the sample data on an embedded store and its copy on
// FerretDB, with that copy's results.
func sampleOnWire(t *testing.T) (*engine, *target, []CopyResult) {
	t.Helper()
	src := startEngine(t, t.TempDir())
	loadSample(t, src)
	wire := startTarget(t)
	out, err := Copy(context.Background(), copyOpts(src, wire))
	if err != nil {
		t.Fatal(err)
	}
	return src, wire, out
}

// embedded -> MongoDB wire (FerretDB) -> an empty embedded store: every
// collection's count and checksum match on each hop, and the store at the
// end holds the one at the start, document by document.
func TestCopyToEmbeddedRoundTrip(t *testing.T) {
	ctx := context.Background()
	src, wire, out := sampleOnWire(t)
	dst := startEngine(t, t.TempDir())
	back, err := CopyToEmbedded(ctx, CopyToEmbeddedOptions{From: wire.s, To: dst.s, BatchSize: 40})
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]CopyResult{}
	for _, r := range back {
		sums[r.Name] = r
	}
	for _, r := range out {
		if b := sums[r.Name]; b.Count != r.Count || b.SHA256 != r.SHA256 || b.Written != r.Count {
			t.Errorf("%s: out %d %s, back %d (written %d) %s", r.Name, r.Count, r.SHA256, b.Count, b.Written, b.SHA256)
		}
	}
	if len(back) != len(out) {
		t.Errorf("%d collections came back, %d went out", len(back), len(out))
	}
	if err := sameDump(dump(t, src.s), dump(t, dst.s)); err != nil {
		t.Fatalf("the round trip differs: %v", err)
	}
	// The copy is the store: a user signs in with the same hash, indexes answer.
	var u struct{ Email string }
	if err := wire.db.Collection("users").FindOne(ctx, bson.D{}).Decode(&u); err != nil {
		t.Fatal(err)
	}
	if got, err := dst.s.UserByEmail(ctx, u.Email); err != nil || got.PasswordHash == "" {
		t.Fatalf("user %s after the round trip: %+v %v", u.Email, got, err)
	}
	// A second copy into the now full store is refused and changes nothing.
	if _, err := CopyToEmbedded(ctx, CopyToEmbeddedOptions{From: wire.s, To: dst.s}); !errors.Is(err, ErrTargetHasData) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("copy into a store with data: %v", err)
	}
	if err := sameDump(dump(t, src.s), dump(t, dst.s)); err != nil {
		t.Fatalf("the refused copy changed the target: %v", err)
	}
}

// A copy cut short, or refused for a collection the build does not know,
// leaves the target empty; the next run copies everything.
func TestCopyToEmbeddedAllOrNothing(t *testing.T) {
	ctx := context.Background()
	src, wire, _ := sampleOnWire(t)
	dst := startEngine(t, t.TempDir())
	empty := func(what string) {
		t.Helper()
		for col, docs := range dump(t, dst.s) {
			if len(docs) > 0 {
				t.Fatalf("%s: the target's %s holds %d documents", what, col, len(docs))
			}
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	batches := 0
	_, err := CopyToEmbedded(cctx, CopyToEmbeddedOptions{From: wire.s, To: dst.s, BatchSize: 40, Progress: func(string, int64) {
		if batches++; batches == 6 {
			cancel()
		}
	}})
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted copy: %v", err)
	}
	empty("interrupted copy")

	if _, err := wire.db.Collection("foreign").InsertOne(ctx, bson.D{{Key: "x", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := CopyToEmbedded(ctx, CopyToEmbeddedOptions{From: wire.s, To: dst.s}); !errors.Is(err, ErrUnknownCollections) || !strings.Contains(err.Error(), "foreign") {
		t.Fatalf("copy of an unknown collection: %v", err)
	}
	empty("unknown collection")
	if err := wire.db.Collection("foreign").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := CopyToEmbedded(ctx, CopyToEmbeddedOptions{From: wire.s, To: dst.s}); err != nil {
		t.Fatal(err)
	}
	if err := sameDump(dump(t, src.s), dump(t, dst.s)); err != nil {
		t.Fatalf("the re-run differs: %v", err)
	}
}

package lite

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// startFerret runs FerretDB (SQLite handler) in a temporary folder as the
// MongoDB-wire server to compare with.
func startFerret(t *testing.T) *mongo.Database {
	t.Helper()
	dir := t.TempDir()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = f.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
	})
	client, err := mongo.Connect(options.Client().ApplyURI(f.MongoDBURI()).SetServerSelectionTimeout(20 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return client.Database("diff")
}

// TestDifferentialFerretDB compares this store with a MongoDB-wire server on
// random documents, filters and sorts: the same documents in the same order.
func TestDifferentialFerretDB(t *testing.T) {
	t.Parallel() // among the slowest of the package under -race
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 2))
	ctx := context.Background()
	mdb := startFerret(t)
	mc := mdb.Collection("rnd")
	db, err := Open(ctx, filepath.Join(t.TempDir(), "rnd.db"), []Spec{rndSpec})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := db.Collection("rnd")
	var docs []any
	for range 150 {
		docs = append(docs, rndDoc(r))
	}
	if _, err := c.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := mc.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	compare := func(step string, f, s bson.D, limit int64) {
		t.Helper()
		var got, want []bson.D
		if err := c.Find(ctx, f, coll.FindOptions{Sort: s, Limit: limit}, &got); err != nil {
			t.Fatalf("seed %d, %s: lite %v: %v", seed, step, f, err)
		}
		cur, err := mc.Find(ctx, f, options.Find().SetSort(s).SetLimit(limit))
		if err != nil {
			t.Fatalf("seed %d, %s: ferretdb %v: %v", seed, step, f, err)
		}
		if err := cur.All(ctx, &want); err != nil {
			t.Fatalf("seed %d, %s: ferretdb %v: %v", seed, step, f, err)
		}
		if fmt.Sprint(ids(t, got)) != fmt.Sprint(ids(t, want)) {
			t.Fatalf("seed %d, %s: filter %v sort %v limit %d (first lite, second ferretdb):%s", seed, step, f, s, limit, idDiff(got, want))
		}
		if len(got) > 0 && fmt.Sprint(got[0]) != fmt.Sprint(want[0]) {
			t.Fatalf("seed %d, %s: documents differ:\n lite     %v\n ferretdb %v", seed, step, got[0], want[0])
		}
	}
	for i := range rounds(150) {
		// Every other query with the word and member conditions common
		// enough to walk or to be weighed (walkOrDrive).
		db.commonRows, db.walkSample = []int{2000, 10}[i%2], []int{2048, 8}[i%2]
		f := rndFilter(r, 0, true)
		s := rndSort(r)
		limit := int64(0)
		if r.IntN(3) == 0 {
			limit = int64(1 + r.IntN(20))
		}
		compare(fmt.Sprint("query ", i), f, s, limit)
	}
	// The same updates on both, then every document compared.
	for i := range rounds(40) {
		f := rndFilter(r, 1, true)
		u := rndUpdate(r)
		res, err := c.Update(ctx, f, u, coll.UpdateOptions{Many: true})
		if err != nil {
			t.Fatalf("seed %d, update %d %v %v: lite: %v", seed, i, f, u, err)
		}
		mres, err := mc.UpdateMany(ctx, f, u)
		if err != nil {
			t.Fatalf("seed %d, update %d %v %v: ferretdb: %v", seed, i, f, u, err)
		}
		if res.Matched != mres.MatchedCount || res.Modified != mres.ModifiedCount {
			t.Fatalf("seed %d, update %d %v %v: lite %+v, ferretdb %+v", seed, i, f, u, res, mres)
		}
		compare(fmt.Sprint("after update ", i), bson.D{}, bson.D{{Key: "_id", Value: 1}}, 0)
	}
	for i := range rounds(60) {
		compare(fmt.Sprint("query after updates ", i), rndFilter(r, 0, true), rndSort(r), 0)
	}
}

// rndUpdate makes an update from the operators the store uses.
func rndUpdate(r *rand.Rand) bson.D {
	switch r.IntN(8) {
	case 0:
		return bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: pick(r, rndStatus)}, {Key: "meta.k", Value: pick(r, rndStatus)}, {Key: "sub", Value: bson.D{{Key: "k", Value: pick(r, rndStatus)}}}}}}
	case 1:
		return bson.D{{Key: "$unset", Value: bson.D{{Key: pick(r, []string{"status", "note", "sub.k"}), Value: ""}}}}
	case 2:
		return bson.D{{Key: "$set", Value: bson.D{{Key: "n", Value: int32(r.IntN(5))}}}, {Key: "$inc", Value: bson.D{{Key: "count", Value: 1}}}}
	case 3:
		return bson.D{{Key: "$push", Value: bson.D{{Key: "log", Value: pick(r, rndTags)}}}}
	case 4:
		return bson.D{{Key: "$addToSet", Value: bson.D{{Key: "log", Value: bson.D{{Key: "$each", Value: bson.A{pick(r, rndTags), pick(r, rndTags)}}}}}}}
	case 5:
		return bson.D{{Key: "$pull", Value: bson.D{{Key: "log", Value: pick(r, rndTags)}}}}
	case 6:
		return bson.D{{Key: "$pullAll", Value: bson.D{{Key: "log", Value: bson.A{pick(r, rndTags), "zz"}}}}}
	}
	return bson.D{{Key: "$set", Value: bson.D{{Key: "search", Value: pick(r, rndWords) + " " + pick(r, rndWords)}}}}
}

// rounds is n, or a third of it under the race detector (raceOn).
func rounds(n int) int {
	if raceOn {
		return max(1, n/3)
	}
	return n
}

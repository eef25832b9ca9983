package backup

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const testDB = "alianza"

// engine is an embedded engine started by a test on its own data folder,
// with a store and a raw database handle on database testDB.
type engine struct {
	dir string
	emb *store.Embedded
	s   *store.Store
	db  *mongo.Database
}

func startEngine(t testing.TB, dataDir string) *engine {
	t.Helper()
	ctx := context.Background()
	emb, err := store.StartEmbedded(ctx, filepath.Join(dataDir, "db"), nil)
	if err != nil {
		t.Fatalf("start engine: %v", err)
	}
	s, err := store.Open(ctx, emb.URI(), testDB)
	if err != nil {
		emb.Stop()
		t.Fatalf("open store: %v", err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatalf("indexes: %v", err)
	}
	client, err := mongo.Connect(options.Client().ApplyURI(emb.URI()))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	e := &engine{dir: dataDir, emb: emb, s: s, db: client.Database(testDB)}
	t.Cleanup(e.stop)
	return e
}

func (e *engine) stop() {
	if e.emb == nil {
		return
	}
	_ = e.db.Client().Disconnect(context.Background())
	_ = e.s.Close(context.Background())
	e.emb.Stop()
	e.emb = nil
}

// dump reads every document of every collection, by collection and _id
// (as extended JSON), as the raw BSON the engine returns.
func dump(t testing.TB, db *mongo.Database) map[string]map[string]bson.Raw {
	t.Helper()
	ctx := context.Background()
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatalf("list collections: %v", err)
	}
	out := map[string]map[string]bson.Raw{}
	for _, name := range names {
		cur, err := db.Collection(name).Find(ctx, bson.D{})
		if err != nil {
			t.Fatalf("find %s: %v", name, err)
		}
		docs := map[string]bson.Raw{}
		for cur.Next(ctx) {
			id := cur.Current.Lookup("_id").String()
			docs[id] = slices.Clone(cur.Current)
		}
		if err := cur.Err(); err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		out[name] = docs
	}
	return out
}

// sameDump reports the first differences between two dumps.
func sameDump(want, got map[string]map[string]bson.Raw) error {
	var diffs []string
	for col, docs := range want {
		g, ok := got[col]
		if !ok {
			diffs = append(diffs, "missing collection "+col)
			continue
		}
		if len(g) != len(docs) {
			diffs = append(diffs, fmt.Sprintf("%s: %d documents, want %d", col, len(g), len(docs)))
		}
		for id, d := range docs {
			if gd, ok := g[id]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s %s: missing", col, id))
			} else if !slices.Equal(gd, d) {
				diffs = append(diffs, fmt.Sprintf("%s %s: differs: got %s want %s", col, id, gd, d))
			}
		}
	}
	for col := range got {
		if _, ok := want[col]; !ok {
			diffs = append(diffs, "extra collection "+col)
		}
	}
	if len(diffs) > 5 {
		diffs = append(diffs[:5], fmt.Sprintf("... %d more", len(diffs)-5))
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%v", diffs)
	}
	return nil
}

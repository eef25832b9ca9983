package backup

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const testDB = "alianza"

// engine is an embedded store opened by a test on its own data folder.
type engine struct {
	dir string
	s   *store.Store
}

func startEngine(t testing.TB, dataDir string) *engine {
	t.Helper()
	s, err := store.OpenEmbedded(context.Background(), filepath.Join(dataDir, "db"), nil)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	e := &engine{dir: dataDir, s: s}
	t.Cleanup(e.stop)
	return e
}

func (e *engine) stop() {
	if e.s == nil {
		return
	}
	_ = e.s.Close(context.Background())
	e.s = nil
}

// col is collection name of the engine's store.
func (e *engine) col(name string) coll.Collection { return e.s.Embedded().Collection(name) }

// dump reads every document of every collection, by collection and _id
// (as extended JSON), as the raw BSON stored.
func dump(t testing.TB, s *store.Store) map[string]map[string]bson.Raw {
	t.Helper()
	ctx := context.Background()
	names, err := s.CollectionNames(ctx)
	if err != nil {
		t.Fatalf("list collections: %v", err)
	}
	out := map[string]map[string]bson.Raw{}
	for _, name := range names {
		docs := map[string]bson.Raw{}
		err := s.Each(ctx, name, func(doc bson.Raw) error {
			docs[doc.Lookup("_id").String()] = slices.Clone(doc)
			return nil
		})
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		if len(docs) > 0 {
			out[name] = docs
		}
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

// Package storetest gives each test its own database on the embedded engine
// (or on the server named by ALIANZA_TEST_MONGO_URI), dropped on cleanup.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

var (
	uri     string
	dir     string // the embedded engine's files; "" on a real server
	counter atomic.Int64
)

// Main starts one embedded engine for a package's tests, runs them, stops it.
// Call it from TestMain.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	uri = os.Getenv("ALIANZA_TEST_MONGO_URI")
	if uri == "" {
		// ALIANZA_TEST_DB_DIR keeps the engine's files between runs, so that
		// a benchmark loads the reference dataset once, not per run.
		dir = os.Getenv("ALIANZA_TEST_DB_DIR")
		if dir == "" {
			var err error
			dir, err = os.MkdirTemp("", "alianza-test-db-")
			if err != nil {
				fmt.Fprintln(os.Stderr, "storetest:", err)
				return 1
			}
			defer os.RemoveAll(dir)
		}
		e, err := store.StartEmbedded(context.Background(), dir, nil)
		if errors.Is(err, store.ErrDataDirInUse) {
			fmt.Fprintln(os.Stderr, "storetest: ALIANZA_TEST_DB_DIR is held by another test binary: with it, test one package at a time (go test -p 1):", err)
			return 1
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "storetest:", err)
			return 1
		}
		defer e.Stop()
		uri = e.URI()
	}
	code := m.Run()
	if code == 0 {
		if bad := checkAll(); len(bad) > 0 {
			fmt.Fprintf(os.Stderr, "storetest: %d queries the tests sent would scan a collection on MongoDB (notablescan); add an index or change the query:\n  %s\n",
				len(bad), strings.Join(bad, "\n  "))
			return 1
		}
	}
	return code
}

// URI is the connection string of the test server.
func URI() string { return uri }

// Open returns a store on a fresh database with indexes, dropped when t ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	if uri == "" {
		t.Fatal("storetest: call storetest.Main from TestMain")
	}
	name := fmt.Sprintf("t%d_%d", time.Now().UnixNano()%1e9, counter.Add(1))
	ctx := context.Background()
	s, err := OpenNamed(ctx, name)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatalf("storetest: indexes: %v", err)
	}
	t.Cleanup(func() {
		_ = s.Drop(context.Background())
		_ = s.Close(context.Background())
	})
	return s
}

// OpenNamed opens database name on the test server (kept after the test:
// benchmarks reuse it), attached to the embedded engine's files when the
// server is the embedded engine. The caller runs EnsureIndexes.
func OpenNamed(ctx context.Context, name string) (*store.Store, error) {
	s, err := store.Open(ctx, uri, name, store.WithMonitor(queries.monitor()))
	if err != nil {
		return nil, err
	}
	s.ObserveFinds(func(col string, filter, sort bson.D) { queries.add(Query{col, "find", filter, sort, nil}) })
	if dir != "" {
		if err := s.AttachEmbedded(dir); err != nil {
			_ = s.Close(ctx)
			return nil, err
		}
	}
	return s, nil
}

// Dir is the embedded engine's data directory; "" on a real server.
func Dir() string { return dir }

// Package storetest gives each test its own database on the embedded engine
// (or on the server named by ALIANZA_TEST_MONGO_URI), dropped on cleanup.
package storetest

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/store"
)

var (
	uri     string
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
		dir, err := os.MkdirTemp("", "alianza-test-db-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "storetest:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		e, err := store.StartEmbedded(context.Background(), dir, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "storetest:", err)
			return 1
		}
		defer e.Stop()
		uri = e.URI()
	}
	return m.Run()
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
	s, err := store.Open(ctx, uri, name)
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

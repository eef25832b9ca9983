// Package storetest gives each test its own database, dropped on cleanup:
// by default a fresh file of the embedded store (package lite) whose query
// plans are checked when the package's tests end; with
// ALIANZA_TEST_ENGINE=ferretdb a database on FerretDB, the MongoDB-wire
// server the tests start in-process; with ALIANZA_TEST_MONGO_URI one on
// that MongoDB server.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/store/lite"
)

var (
	uri     string
	dir     string // the embedded engine's files; "" on a real server
	counter atomic.Int64
	// embedded: the tests run on the embedded store, each in its own
	// folder under liteDir (uri and dir are "").
	embedded bool
	liteDir  string
	plansMu  sync.Mutex
	badPlans = map[string]bool{} // full scans CheckPlans reported
	// templateFiles are the templates' seeded databases (embedded store).
	templatesMu   sync.Mutex
	templateFiles []string
)

// Main starts one embedded engine for a package's tests, runs them, stops it.
// Call it from TestMain.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	uri = os.Getenv("ALIANZA_TEST_MONGO_URI")
	embedded = uri == "" && os.Getenv("ALIANZA_TEST_ENGINE") != "ferretdb"
	if embedded {
		liteDir = os.Getenv("ALIANZA_TEST_DB_DIR")
		if liteDir == "" {
			var err error
			if liteDir, err = os.MkdirTemp("", "alianza-test-lite-"); err != nil {
				fmt.Fprintln(os.Stderr, "storetest:", err)
				return 1
			}
			defer os.RemoveAll(liteDir)
		}
	} else if uri == "" {
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
		e, err := StartEmbedded(context.Background(), dir, nil)
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
	for _, f := range templateFiles {
		_ = os.Remove(f)
	}
	if code == 0 && len(badPlans) > 0 {
		bad := slices.Sorted(maps.Keys(badPlans))
		fmt.Fprintf(os.Stderr, "storetest: %d queries the tests sent scan a collection of the embedded store (EXPLAIN QUERY PLAN); declare the field in the collection's spec (internal/store/specs.go) or change the query:\n  %s\n",
			len(bad), strings.Join(bad, "\n  "))
		return 1
	}
	// The MongoDB index proof: of the commands the driver sent, or on the
	// embedded store of the same queries as they would be sent.
	proven := collQueries
	if !embedded {
		proven = queries
		if code == 0 {
			if miss := unsent(); len(miss) > 0 {
				fmt.Fprintf(os.Stderr, "storetest: %d queries recorded through the collection interface were never sent to the server as wireQuery says (update it to match store/mongo.go):\n  %s\n",
					len(miss), strings.Join(miss, "\n  "))
				return 1
			}
		}
	}
	if code == 0 {
		if bad := checkAll(proven); len(bad) > 0 {
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
	if embedded {
		s, _ := emptyDB.Open(t)
		return s
	}
	if uri == "" {
		t.Fatal("storetest: call storetest.Main from TestMain")
	}
	name := fmt.Sprintf("t%d_%d", time.Now().UnixNano()%1e9, counter.Add(1))
	ctx := context.Background()
	s := openServer(t, name)
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatalf("storetest: indexes: %v", err)
	}
	t.Cleanup(func() { _ = s.Drop(context.Background()) }) // before the Close openServer registered
	return s
}

// openServer opens database name on the test server, closed when t ends.
func openServer(t testing.TB, name string) *store.Store {
	t.Helper()
	s, err := OpenNamed(context.Background(), name)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	s.ObserveQueries(collQueries.observe)
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// OpenNamed opens database name on the test server (kept after the test:
// benchmarks reuse it), attached to the embedded engine's files when the
// server is the embedded engine. The caller runs EnsureIndexes.
func OpenNamed(ctx context.Context, name string) (*store.Store, error) {
	if embedded {
		return store.OpenEmbedded(ctx, filepath.Join(liteDir, name), nil)
	}
	s, err := store.Open(ctx, uri, name, store.WithMonitor(queries.monitor()))
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Dir is FerretDB's data directory; "" on the embedded store and on a real
// server.
func Dir() string { return dir }

// Embedded tells whether the tests run on the embedded store.
func Embedded() bool { return embedded }

// acceptedScans are the scans of the embedded store's plan check that are
// deliberate, each with why (the reports of CheckPlans hold the SQL).
var acceptedScans = []struct{ re, why string }{
	// A walk of every document along an index in its order, no condition:
	// the MongoDB proof's deliberate _id walk (exports, counter rebuilds,
	// reference clean-up), or a whole list in its sort order (fixtures
	// counting what a test wrote).
	{`^\w+: SELECT rowid, doc FROM "d:\w+" ORDER BY [^\n]*\n  plan: SCAN d:\w+ USING INDEX [^ |]+$`, "whole-collection index walk"},
	// An empty $in ("AND 0"): SQLite walks the index and stops at once.
	{`^\w+: SELECT [^\n]* AND 0 `, "empty $in answers nothing"},
	// A count of every document (MongoDB's count walks the _id index).
	{`^\w+: SELECT count\(\*\) FROM \(SELECT 1 FROM "d:\w+"\)\n`, "count of the whole collection"},
	// Only "not this value" conditions ($ne: failed messages, disabled
	// users): everything but a few documents, by design (the queue's total,
	// the active users); MongoDB reads the same index keys.
	{`^\w+: SELECT [^\n]* WHERE (\("d:\w+"\."f:[\w.]+" IS NULL OR "d:\w+"\."f:[\w.]+" <> \?\)( AND )?)+\)*( ORDER BY [^\n]*)?\n`, "only $ne conditions"},
}

func acceptedScan(report string) bool {
	for _, a := range acceptedScans {
		if regexp.MustCompile(a.re).MatchString(report) {
			return true
		}
	}
	return false
}

// openEmbedded opens the embedded store in folder dir (fresh, or holding
// a template's copy) recording its query plans; on cleanup the plans are
// checked and the file removed.
func openEmbedded(t testing.TB, dir string, opts ...lite.Option) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.OpenEmbedded(ctx, dir, nil, append(opts, lite.RecordPlans())...)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	s.ObserveQueries(collQueries.observe)
	t.Cleanup(func() {
		if s.Embedded().Closed() {
			return // the test closed it (a database gone): no plans to read
		}
		bad, err := s.Embedded().CheckPlans(ctx)
		if err != nil {
			t.Errorf("storetest: check plans: %v", err)
		}
		plansMu.Lock()
		for _, b := range bad {
			if !acceptedScan(b) {
				badPlans[b] = true
			}
		}
		plansMu.Unlock()
		if err := s.Drop(ctx); err != nil {
			t.Errorf("storetest: drop: %v", err)
		}
	})
	return s
}

// emptyDB is a database with every collection's tables and indexes and
// no document: creating them is some 0.3 s of every test's database under
// -race, copying them milliseconds.
var emptyDB = NewTemplate(func(testing.TB, *store.Store) struct{} { return struct{}{} })

// A Template is a database seeded once that tests open copies of, each
// starting from what the seed wrote: seeding a database under the race
// detector costs a second or more (the embedded engine is SQLite compiled
// to Go, every access instrumented), copying its file milliseconds. On a
// server, whose databases are not files to copy, every Open seeds a fresh
// database instead. Either way the store Open returns is not the one the
// seed wrote with: what a store holds in memory (its clock, team domains,
// after-write hooks such as workflow.New's) is the caller's to set on it,
// as on a restarted server.
type Template[T any] struct {
	seed func(t testing.TB, s *store.Store) T
	once sync.Once
	file string // the seeded database's copy; "" until seeded, or when the seed failed
	val  T
}

// NewTemplate is a template whose database seed writes; what seed returns
// (the records' ids, say) is handed with every copy.
func NewTemplate[T any](seed func(t testing.TB, s *store.Store) T) *Template[T] {
	return &Template[T]{seed: seed}
}

// Open returns a store on a fresh database holding what the template's
// seed wrote, dropped when t ends, and what the seed returned. The first
// Open seeds (under its t); the queries of the seed and of each copy go
// through the plan check and the index proof as Open's do.
func (tp *Template[T]) Open(t testing.TB) (*store.Store, T) {
	t.Helper()
	if !embedded {
		seeded := Open(t)
		val := tp.seed(t, seeded)
		// Registered after Open's drop, so closed before it.
		return openServer(t, seeded.Database().Name()), val
	}
	tp.once.Do(func() { tp.build(t) })
	if tp.file == "" {
		t.Fatal("storetest: the template's seed failed (in the first test that opened it)")
	}
	dir := newLiteDir()
	if err := copyFile(tp.file, filepath.Join(dir, store.EmbeddedFile)); err != nil {
		t.Fatalf("storetest: copy the template: %v", err)
	}
	return openEmbedded(t, dir, lite.NoStatistics()), tp.val
}

// build seeds the template's database and keeps a copy of it. The copy
// is taken with the database open (VACUUM INTO), not by closing it: Close
// runs PRAGMA optimize, whose statistics of the seed's few rows would
// steer the planner of every copy to scans a fresh database's never
// takes, and the plan check would see other plans than Open's.
func (tp *Template[T]) build(t testing.TB) {
	t.Helper()
	file := filepath.Join(liteDir, fmt.Sprintf("template%d.db", counter.Add(1)))
	// A file a killed run left (ALIANZA_TEST_DB_DIR keeps them) would stop
	// VACUUM INTO; Main removes the file after the tests.
	templatesMu.Lock()
	templateFiles = append(templateFiles, file)
	templatesMu.Unlock()
	if err := os.Remove(file); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("storetest: template: %v", err)
	}
	s := openEmbedded(t, newLiteDir())
	val := tp.seed(t, s)
	if err := s.Embedded().Backup(context.Background(), file); err != nil {
		t.Fatalf("storetest: template: %v", err)
	}
	tp.file, tp.val = file, val
}

// newLiteDir names a new folder for a test's embedded store.
func newLiteDir() string { return filepath.Join(liteDir, fmt.Sprintf("t%d", counter.Add(1))) }

// copyFile copies the database file from to to, making its folder; a
// write-ahead log left beside to (a killed run's) would be replayed onto
// the copy, so it goes first.
func copyFile(from, to string) error {
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(to + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}

// NeedsIsolation skips t on FerretDB, which runs a conditional update as
// read-then-write without isolation (the store kept an in-process document
// lock for it until FerretDB left the binary): concurrency tests run on the
// embedded store and on MongoDB.
func NeedsIsolation(t testing.TB) {
	t.Helper()
	if dir != "" {
		t.Skip("FerretDB 1.x updates without isolation; this runs on the embedded store and MongoDB")
	}
}

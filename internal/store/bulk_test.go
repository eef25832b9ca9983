package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/workflow"
)

// bulkChild names, in the environment of a child test process, the engine
// directory it loads into until it is killed.
const bulkChild = "ALIANZA_TEST_BULK_CHILD"

// A bulk load killed (SIGKILL) while the list tables are set aside leaves
// the engine's tables without the store's additions; the next open of the
// store adds them back from the documents: the same tables a rebuild
// makes, and lists through SQLite that match the engine's own filter.
func TestBulkLoadKilled(t *testing.T) {
	if dir := os.Getenv(bulkChild); dir != "" {
		bulkChildLoad(t, dir)
		return
	}
	if storetest.Dir() == "" {
		t.Skip("embedded engine only")
	}
	if testing.Short() {
		t.Skip("starts and kills a loader process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBulkLoadKilled$", "-test.count=1")
	cmd.Env = append(os.Environ(), bulkChild+"="+dir, "ALIANZA_TEST_DB_DIR="+filepath.Join(dir, "tests"))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	file := filepath.Join(dir, "bulk.sqlite")
	if err := waitMidLoad(file, exited); err != nil {
		_ = cmd.Process.Kill()
		t.Fatal(err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited
	if n := addedTriggers(t, file); n != 0 {
		t.Fatalf("killed outside the bulk window: %d list triggers", n)
	}

	ctx := context.Background()
	e, err := store.StartEmbedded(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop()
	s, err := store.Open(ctx, e.URI(), "bulk")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if err := s.AttachEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	reopened, rebuilt := addedAndRebuilt(t, s)
	if len(reopened) != 5 {
		t.Fatalf("additions of %d collections after reopening, want 5", len(reopened))
	}
	for col, want := range rebuilt {
		if reopened[col] != want {
			t.Errorf("%s: the additions after reopening differ from a rebuild (%d and %d bytes)", col, len(reopened[col]), len(want))
		}
	}
	if n := addedTriggers(t, file); n != 15 {
		t.Errorf("%d list triggers after reopening, want 15", n)
	}
	all := model.Scope{All: true}
	for name, run := range map[string]func(store.Page) (any, string, error){
		"messages": func(p store.Page) (any, string, error) {
			return wrapList(s.ListMessages(ctx, all, store.MessageFilter{}, p))
		},
		"meetings": func(p store.Page) (any, string, error) {
			return wrapList(s.ListMeetings(ctx, all, store.MeetingFilter{}, p))
		},
		"stakeholders": func(p store.Page) (any, string, error) {
			return wrapList(s.ListStakeholders(ctx, all, store.StakeholderFilter{}, p))
		},
	} {
		before := s.PushdownHits()
		lite := collectPages(t, s, true, run, 50)
		if s.PushdownHits() == before {
			t.Errorf("%s: not listed through SQLite", name)
		}
		if engine := collectPages(t, s, false, run, 50); lite != engine {
			t.Errorf("%s: SQLite and the engine list differently after reopening", name)
		}
	}
}

// bulkChildLoad loads the reference dataset into dir until killed.
func bulkChildLoad(t *testing.T, dir string) {
	ctx := context.Background()
	e, err := store.StartEmbedded(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, e.URI(), "bulk")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AttachEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = demo.LoadReference(ctx, workflow.New(s), 0.2, s.Now())
	t.Fatalf("the load ended before it was killed: %v", err)
}

// waitMidLoad waits until the loader writing file has set the list
// tables aside and stored some messages.
func waitMidLoad(file string, exited <-chan error) error {
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("the loader exited: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		if _, err := os.Stat(file); err != nil {
			continue
		}
		db, err := sql.Open("sqlite", "file:"+file+"?mode=ro&_pragma=busy_timeout(10000)")
		if err != nil {
			return err
		}
		var table string
		var n int
		err = db.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = 'messages'`).Scan(&table)
		if err == nil {
			err = db.QueryRow(fmt.Sprintf(`SELECT count(*) FROM %q`, table)).Scan(&n)
		}
		db.Close()
		if err == nil && n >= 500 {
			return nil
		}
	}
	return fmt.Errorf("no messages in %s after 3 minutes", file)
}

// addedTriggers counts the list triggers in the engine's file.
func addedTriggers(t *testing.T, file string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name GLOB '*_alz_*_t_[idu]'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The tables a rebuild fills at once (after a bulk load, or on opening a
// file whose triggers are gone) hold exactly the rows the triggers write
// document by document.
func TestBulkRebuildMatchesTriggers(t *testing.T) {
	if storetest.Dir() == "" {
		t.Skip("embedded engine only")
	}
	s := storetest.Open(t)
	ctx := context.Background()
	now := s.Now()
	d := demo.Reference(0.02, now, demo.ReferenceUserIDs())
	for _, insert := range []func() error{
		func() error { return s.InsertStakeholders(ctx, d.Stakeholders) },
		func() error { return s.InsertMeetings(ctx, d.Meetings) },
		func() error { return s.InsertCommitments(ctx, d.Commitments) },
		func() error { return s.InsertTasks(ctx, d.Tasks) },
		func() error {
			return s.InsertMessages(ctx, demo.ReferenceMessages(0.02, now, d, demo.ReferenceUserIDs()))
		},
		func() error { return s.RebuildReportCounters(ctx) },
	} {
		if err := insert(); err != nil {
			t.Fatal(err)
		}
	}
	byTriggers, rebuilt := addedAndRebuilt(t, s)
	if len(rebuilt) < 6 || len(rebuilt) != len(byTriggers) {
		t.Fatalf("additions of %d collections rebuilt, %d by triggers", len(rebuilt), len(byTriggers))
	}
	for col, want := range byTriggers {
		if got := rebuilt[col]; got != want {
			t.Errorf("%s: the rebuilt tables differ from the triggers' (%d and %d bytes):\n%s", col, len(got), len(want), firstDiff(got, want))
		}
	}
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n  %.300s\n  %.300s", i+1, la[i], lb[i])
		}
	}
	return "one is a prefix of the other"
}

// addedAndRebuilt returns the store's added tables as they are, then as a
// rebuild from the documents fills them.
func addedAndRebuilt(t *testing.T, s *store.Store) (now, rebuilt map[string]string) {
	t.Helper()
	ctx := context.Background()
	now, err := s.LiteAdded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RebuildLite(ctx); err != nil {
		t.Fatal(err)
	}
	if rebuilt, err = s.LiteAdded(ctx); err != nil {
		t.Fatal(err)
	}
	return now, rebuilt
}

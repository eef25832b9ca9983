package lite

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"github.com/alianza-pe/alianza/internal/testlog"
)

// tuneCheckpoints sets the checkpointer's thresholds (0 keeps one).
func tuneCheckpoints(pages int64, idle time.Duration, limit int64, restart int) Option {
	return func(db *DB) {
		db.ckTune = func(ck *checkpointer) {
			if pages > 0 {
				ck.pages = pages
			}
			if idle > 0 {
				ck.idle = idle
			}
			if limit > 0 {
				ck.limit = limit
			}
			if restart > 0 {
				ck.restart = restart
			}
		}
	}
}

// insertBig inserts n documents of about 6 KB each, one per transaction.
func insertBig(t *testing.T, db *DB, from, n int, each func()) {
	t.Helper()
	ctx := context.Background()
	c := db.Collection("messages")
	pad := strings.Repeat("x", 6000)
	for i := from; i < from+n; i++ {
		if _, err := c.Insert(ctx, []any{bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "n", Value: i}, {Key: "pad", Value: pad}}}, coll.InsertOptions{}); err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
		if each != nil {
			each()
		}
	}
}

func TestWriterNeverCheckpoints(t *testing.T) {
	db := openTest(t)
	var n int
	if err := db.w.QueryRow("PRAGMA wal_autocheckpoint").Scan(&n); err != nil || n != 0 {
		t.Fatalf("writer's wal_autocheckpoint = %d (%v), want 0: a commit would copy the WAL", n, err)
	}
}

// TestCheckpointerBoundsWAL: over 100 MB written back to back in 3,000
// transactions, with no pause for the log to start over, leave a WAL under
// ckHold+3 times the restart threshold (1,024 pages here, 4 MB): past it
// writes wait for the checkpoint, whatever the disk's pace. Every document
// is there after a reopen.
func TestCheckpointerBoundsWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wal.db")
	db, err := Open(context.Background(), path, testSpecs, tuneCheckpoints(0, 0, 0, 1024))
	if err != nil {
		t.Fatal(err)
	}
	var most, total int64
	insertBig(t, db, 0, 3000, func() { most = max(most, db.walSize()); total = db.ck.total.Load() })
	if runs := db.ck.runs.Load(); runs == 0 {
		t.Fatal("no checkpoint ran")
	}
	t.Logf("largest WAL %d KB of %d MB written, %d checkpoints", most>>10, total*4096>>20, db.ck.runs.Load())
	if total*4096 < 100<<20 {
		t.Fatalf("only %d pages written", total)
	}
	if most > (ckHold+3)*1024*4096 {
		t.Fatalf("the WAL grew to %d MB: checkpoints do not keep up", most>>20)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Fatalf("after Close the WAL is still there (%v)", err)
	}
	db, err = Open(context.Background(), path, testSpecs)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.Collection("messages").Count(context.Background(), bson.D{}, 0); err != nil || n != 3000 {
		t.Fatalf("after reopen: %d documents (%v), want 3000", n, err)
	}
}

// TestReaderPinsWAL: a reader in the middle of a read keeps the frames it
// may need, so the WAL grows meanwhile; once it ends, the next quiet spell
// copies them and truncates the WAL file back under the limit.
func TestReaderPinsWAL(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, tuneCheckpoints(100, 50*time.Millisecond, 1<<20, 0))
	insertBig(t, db, 0, 10, nil)
	// Each keeps its read transaction open until it returns: the writes
	// happen inside its first call.
	var pinned int64
	seen := 0
	err := db.Each(ctx, "messages", func(bson.Raw) error {
		if seen++; seen == 1 {
			insertBig(t, db, 10, 1000, nil)
			pinned = db.walSize()
		}
		return nil
	})
	if pinned < 8<<20 {
		t.Fatalf("WAL of %d KB while a reader held its snapshot: want every frame kept", pinned>>10)
	}
	// The reader saw its snapshot to the end: the checkpoints never
	// overwrote the pages it read.
	if err != nil || seen != 10 {
		t.Fatalf("the pinned reader saw %d documents (%v), want its 10", seen, err)
	}
	// Nothing is written now: only the quiet spell's checkpoint runs.
	deadline := time.Now().Add(10 * time.Second)
	for db.walSize() > 1<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("the WAL stayed at %d KB after the reader ended", db.walSize()>>10)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n, err := db.Collection("messages").Count(ctx, bson.D{}, 0); err != nil || n != 1010 {
		t.Fatalf("%d documents (%v), want 1010", n, err)
	}
}

// TestWritesDuringCheckpoints: writes go on while checkpoints run beside
// them, one after every commit and more in a loop of their own.
func TestWritesDuringCheckpoints(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, tuneCheckpoints(1, 0, 0, 0))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var loopErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, _, err := db.walCheckpoint(ctx, ckPassive); err != nil {
				loopErr = err
				return
			}
		}
	}()
	start := time.Now()
	insertBig(t, db, 0, 500, nil)
	close(stop)
	wg.Wait()
	if loopErr != nil {
		t.Fatal(loopErr)
	}
	t.Logf("500 writes in %s beside %d checkpoints", time.Since(start).Round(time.Millisecond), db.ck.runs.Load())
	if db.ck.runs.Load() < 10 {
		t.Fatalf("only %d checkpoints ran beside the writes", db.ck.runs.Load())
	}
	if n, err := db.Collection("messages").Count(ctx, bson.D{}, 0); err != nil || n != 500 {
		t.Fatalf("%d documents (%v), want 500", n, err)
	}
}

// TestCloseStopsCheckpointer: Close waits for the goroutine, which runs no
// checkpoint after it.
func TestCloseStopsCheckpointer(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "close.db"), testSpecs, tuneCheckpoints(1, time.Millisecond, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	insertBig(t, db, 0, 50, nil)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-db.ck.done:
	default:
		t.Fatal("the checkpointer still runs after Close")
	}
	runs := db.ck.runs.Load()
	time.Sleep(20 * time.Millisecond)
	if db.ck.runs.Load() != runs {
		t.Fatal("a checkpoint ran after Close")
	}
	if _, _, err := db.walCheckpoint(context.Background(), ckPassive); err == nil {
		t.Fatal("the checkpoint connection is still open after Close")
	}
}

// TestFailedCheckpointIsLogged: a checkpoint that fails (here its
// connection is gone; on a full disk, SQLITE_FULL) is logged, and writes go
// on: every frame stays in the WAL.
func TestFailedCheckpointIsLogged(t *testing.T) {
	var buf testlog.Buffer
	db := openTest(t, Logger(slog.New(slog.NewTextHandler(&buf, nil))), tuneCheckpoints(1, time.Millisecond, 0, 0))
	if err := db.ck.conn.Close(); err != nil {
		t.Fatal(err)
	}
	insertBig(t, db, 0, 20, nil)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "lite: checkpoint") {
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint error logged: %q", buf.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n, err := db.Collection("messages").Count(context.Background(), bson.D{}, 0); err != nil || n != 20 {
		t.Fatalf("%d documents (%v), want 20", n, err)
	}
}

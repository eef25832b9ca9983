package lite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
)

// The writer connection never checkpoints (wal_autocheckpoint=0): SQLite's
// automatic checkpoint runs inside the commit that crosses its threshold, so
// one user's write in a thousand pages paid for copying the WAL into a large
// database file and syncing it (40 ms at scale 10). The checkpointer does it
// on a connection of its own, beside the writer: a PASSIVE checkpoint takes
// no lock a writer or reader waits for. WAL semantics keep a kill at any
// point safe: the database file only receives frames already committed
// and synced in the WAL, and recovery replays the WAL on the next open.
const (
	// ckPages is how many pages written since the last checkpoint start the
	// next one (SQLite's own default threshold).
	ckPages = 1000
	// ckIdle is how long writes stay quiet before the rest of the WAL is
	// copied, and a WAL file grown past walLimit truncated.
	ckIdle = 2 * time.Second
	// ckRestart is the WAL length (frames: 32 MB of 4 KB pages) past which
	// a checkpoint that found no reader holding old frames also restarts
	// the log. Under a steady stream of writes a PASSIVE checkpoint never
	// catches the WAL fully copied when a write begins, the one moment the
	// writer starts the log over, so the WAL would grow without bound;
	// RESTART holds writers off while it copies the last frames and waits
	// for readers, at most ckBusy. Human-paced writes leave pauses, and
	// the log starts over without it.
	ckRestart = 8192
	// ckHold is how many pages written and not yet copied (times
	// ckRestart) make the next write wait for the checkpoint under way:
	// writes faster than the disk takes the copies would otherwise grow
	// the WAL without bound.
	ckHold = 4
	// ckBusy is how long a RESTART or TRUNCATE checkpoint waits for the
	// writer and for readers before it gives up until the next try: a
	// backup's long read must not hold writers off for long.
	ckBusy = 250 * time.Millisecond
	// walLimit is the WAL file size kept once the log restarts
	// (journal_size_limit): a large transaction's WAL is given back to
	// the disk.
	walLimit = ckRestart * 4096
)

// checkpointer copies the WAL into the database file off the writers' path.
type checkpointer struct {
	conn    *sql.DB
	mu      sync.Mutex    // held by a checkpoint under way
	pages   int64         // ckPages
	idle    time.Duration // ckIdle
	restart int           // ckRestart
	limit   int64         // walLimit, in bytes
	// written counts pages the writer wrote to the WAL since the last
	// checkpoint began.
	written atomic.Int64
	kick    chan struct{} // a commit happened (buffered, never blocks)
	cancel  context.CancelFunc
	done    chan struct{}
	runs    atomic.Int64 // checkpoints run, for tests
	total   atomic.Int64 // pages written, for tests
}

// ckMode is a checkpoint mode of PRAGMA wal_checkpoint.
type ckMode string

const (
	ckPassive  ckMode = "PASSIVE"
	ckRestartM ckMode = "RESTART"
	ckTruncate ckMode = "TRUNCATE"
)

// startCheckpointer opens the checkpoint connection with dsn and starts
// the goroutine Close stops.
func (db *DB) startCheckpointer(dsn string) error {
	dsn += "&" + url.Values{"_pragma": {fmt.Sprintf("busy_timeout(%d)", ckBusy.Milliseconds())}}.Encode()
	conn, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("lite: open checkpointer: %w", err)
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	conn.SetConnMaxLifetime(0)
	ck := &checkpointer{conn: conn, pages: ckPages, idle: ckIdle, restart: ckRestart, limit: walLimit,
		kick: make(chan struct{}, 1), done: make(chan struct{})}
	if db.ckTune != nil {
		db.ckTune(ck)
	}
	// Its own context: Open's may end with the request that opened the
	// store; Close cancels this one, which interrupts a checkpoint under
	// way (it resumes at the next open: the WAL keeps every frame).
	ctx, cancel := context.WithCancel(context.Background())
	ck.cancel = cancel
	db.ck = ck
	go db.checkpointLoop(ctx)
	return nil
}

// committed tells the checkpointer about a commit on the writer connection
// conn: how many pages it wrote to the WAL.
func (db *DB) committed(conn *sql.Conn) {
	if db.ck == nil {
		return
	}
	_ = conn.Raw(func(dc any) error {
		if s, ok := dc.(sqlite.DBStatus); ok {
			if n, _, err := s.Status(sqlite.DBStatusCacheWrite, true); err == nil {
				db.ck.written.Add(int64(n))
				db.ck.total.Add(int64(n))
			}
		}
		return nil
	})
	db.ck.poke()
}

// poke wakes the checkpointer; it never blocks.
func (ck *checkpointer) poke() {
	select {
	case ck.kick <- struct{}{}:
	default:
	}
}

// holdWrites makes a write wait for the checkpoint under way while the
// WAL holds more than ckHold*ckRestart pages not yet copied.
func (db *DB) holdWrites() {
	if db.ck == nil || db.ck.written.Load() < ckHold*int64(db.ck.restart) {
		return
	}
	db.ck.mu.Lock()
	db.ck.mu.Unlock() //nolint:staticcheck // only waits for the checkpoint
	db.ck.poke()
}

// checkpointLoop checkpoints when ck.pages were written, and again once
// writes stay quiet for ck.idle, until ctx ends.
func (db *DB) checkpointLoop(ctx context.Context) {
	ck := db.ck
	defer close(ck.done)
	idle := time.NewTimer(time.Hour)
	idle.Stop()
	wait := ck.idle
	for {
		select {
		case <-ctx.Done():
			idle.Stop()
			return
		case <-ck.kick:
			if ck.written.Load() >= ck.pages {
				db.checkpoint(ctx, false)
			}
			wait = ck.idle
			idle.Reset(wait)
		case <-idle.C:
			if !db.checkpoint(ctx, true) {
				// Readers held part of the WAL (a backup), or the
				// checkpoint failed (a full disk): try again, less
				// often while it lasts.
				wait = min(2*wait, time.Minute)
				idle.Reset(wait)
			}
		}
	}
}

// checkpoint copies what it can of the WAL. Unless readers hold old frames
// it also restarts the log when the WAL passed ck.restart, and when quiet
// truncates a WAL file over ck.limit. It tells whether every frame is in
// the database file now.
func (db *DB) checkpoint(ctx context.Context, quiet bool) bool {
	ck := db.ck
	ck.mu.Lock()
	defer ck.mu.Unlock()
	before := ck.written.Swap(0)
	log, done, err := db.walCheckpoint(ctx, ckPassive)
	if err == nil && done == log && (log >= ck.restart || quiet && db.walSize() > ck.limit) {
		mode := ckRestartM
		if quiet {
			mode = ckTruncate
		}
		log, done, err = db.walCheckpoint(ctx, mode)
	}
	if err != nil {
		ck.written.Add(before) // still to copy
		if ctx.Err() == nil && db.log != nil {
			db.log.ErrorContext(ctx, "lite: checkpoint", "err", err)
		}
		return false
	}
	if done < log {
		// Readers still use older frames: count them for the next try.
		ck.written.Add(int64(log - done))
		return false
	}
	return true
}

// walCheckpoint runs one checkpoint in mode on the checkpoint connection:
// log is the WAL's frames, done those now in the database file.
func (db *DB) walCheckpoint(ctx context.Context, mode ckMode) (log, done int, err error) {
	var busy int
	if err := db.ck.conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+string(mode)+")").Scan(&busy, &log, &done); err != nil {
		return 0, 0, fmt.Errorf("lite: checkpoint %s: %w", mode, unwritable(err))
	}
	db.ck.runs.Add(1)
	return log, done, nil
}

// walSize is the WAL file's size (0 when there is none).
func (db *DB) walSize() int64 {
	fi, err := os.Stat(db.path + "-wal")
	if err != nil {
		return 0
	}
	return fi.Size()
}

// stopCheckpointer stops the goroutine and closes its connection.
func (db *DB) stopCheckpointer() error {
	if db.ck == nil {
		return nil
	}
	db.ck.cancel()
	<-db.ck.done
	return db.ck.conn.Close()
}

package store

import (
	"context"
	"errors"
	"fmt"
)

// Bulk loads on the embedded engine.
//
// Every document written to a listed collection also writes, through the
// triggers of pushdown.go, its row, member, address and word rows: at the
// reference scale 1 that more than doubled the time of a bulk load (42 s
// before lite v6, 99 s with v7), the time going to SQLite B-tree inserts,
// WAL writes and checkpoints. BulkLoad instead drops what the store added
// to the listed collections' tables (triggers and tables, in one write
// transaction), lets the loader insert into the engine's tables alone, and
// then adds everything back, each table filled by one INSERT ... SELECT in
// the same write transaction as its triggers (addOnce).
//
// Nothing can drift and nothing is lost on kill -9: the added tables only
// exist together with the triggers that keep them, and addOnce keys on the
// trigger. A loader killed mid-load leaves tables without their additions;
// the next open of the store (EnsureIndexes, or the first query) finds no
// trigger and builds them from the documents (TestBulkLoadKilled).
//
// While the additions are gone this process's queries use the engine's own
// filter (liteDB answers errNoLite), which is correct but slow: a loader
// should not query much meanwhile. The embedded engine serves one process;
// if another process (a server) uses the same file during a bulk load it
// stays correct, but not fast: its next query sees the schema change and
// adds everything back at once (the loader's later inserts then go through
// the triggers again), and a query it had already planned may fail once
// with "no such table".

// BulkLoad runs load with the list tables of the embedded engine set
// aside (see above) and rebuilds them once load returns, whatever it
// returns. On MongoDB it only runs load.
func (s *Store) BulkLoad(ctx context.Context, load func(context.Context) error) error {
	if s.lite == nil {
		return load(ctx)
	}
	err := s.lite.setAside(ctx)
	if err == nil {
		err = load(ctx)
	}
	// Rebuild even when load failed or ctx is done: a usable store is
	// worth the wait, and what was inserted is kept.
	if rerr := s.lite.putBack(context.WithoutCancel(ctx)); rerr != nil {
		err = errors.Join(err, rerr)
	}
	return err
}

// setAside makes sure every collection table exists with its additions
// (so that putBack knows them), then drops the additions of the listed
// collections in one write transaction and turns the fast path off.
func (l *liteEngine) setAside(ctx context.Context) error {
	if _, _, err := l.ready(ctx); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.bulk = true
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: bulk load: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("store: bulk load: %w", err)
	}
	for col := range liteSpecs {
		table, ok := l.tables[col]
		if !ok {
			continue
		}
		if err := dropAdded(ctx, conn, table); err != nil {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			return fmt.Errorf("store: bulk load: set aside %s: %w", col, err)
		}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return fmt.Errorf("store: bulk load: %w", err)
	}
	return nil
}

// putBack turns the fast path on again and adds back what setAside
// dropped: ensure finds no trigger and fills each table once.
func (l *liteEngine) putBack(ctx context.Context) error {
	l.mu.Lock()
	l.bulk, l.ensured = false, false
	l.mu.Unlock()
	if _, _, err := l.ready(ctx); err != nil {
		return fmt.Errorf("store: bulk load: rebuild: %w", err)
	}
	return nil
}

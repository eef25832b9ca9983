package storetest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"

	"github.com/alianza-pe/alianza/internal/store"
)

// FerretDB is only a test dependency: the MongoDB-wire server the store
// tests run against with ALIANZA_TEST_ENGINE=ferretdb, and the old engine
// the tools' tests write data folders with. This package is imported by
// tests only, so FerretDB is not linked into bin/alianza.

// FerretDB is a FerretDB engine (SQLite handler) running inside this process.
type FerretDB struct {
	dir     string
	uri     string
	cancel  context.CancelFunc
	done    chan error
	release func() // the folder's lock (see LockDir)
}

// StartEmbedded starts FerretDB on loopback with its SQLite files in dir.
// The engine logs only errors: it reports every error reply at WARN with the
// whole command, which could put record contents in the logs.
func StartEmbedded(ctx context.Context, dir string, logger *slog.Logger) (*FerretDB, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store: embedded data dir: %w", err)
	}
	release, err := store.LockDir(abs) // creates the folder too
	if err != nil {
		return nil, err
	}
	started := false
	defer func() {
		if !started {
			release()
		}
	}()
	var h slog.Handler = slog.NewTextHandler(os.Stderr, nil)
	if logger != nil {
		h = logger.Handler()
	}
	quiet := slog.New(levelFilter{Handler: h, min: slog.LevelError})
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    quiet,
	})
	if err != nil {
		return nil, fmt.Errorf("store: start embedded engine: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e := &FerretDB{dir: abs, cancel: cancel, done: make(chan error, 1), release: release}
	go func() { e.done <- f.Run(runCtx) }()

	// MongoDBURI blocks until the listener is up; guard it so a failed start
	// (port or file trouble) is reported instead of hanging.
	uriCh := make(chan string, 1)
	go func() { uriCh <- f.MongoDBURI() }()
	select {
	case e.uri = <-uriCh:
	case err := <-e.done:
		cancel()
		return nil, fmt.Errorf("store: embedded engine stopped at start: %w", err)
	case <-time.After(30 * time.Second):
		cancel()
		started = true // it may still hold the files: keep the folder locked
		return nil, errors.New("store: embedded engine did not start within 30s")
	}
	started = true
	return e, nil
}

// URI is the MongoDB connection string of the engine.
func (e *FerretDB) URI() string { return e.uri }

// Stop stops the engine and waits for it to close its files.
func (e *FerretDB) Stop() {
	e.cancel()
	select {
	case <-e.done:
		e.release()
	case <-time.After(15 * time.Second):
		// Still running: keep the folder locked until the process ends.
	}
}

// levelFilter passes records at or above min to the wrapped handler. The
// attributes and groups the engine adds to its loggers (for every command
// it runs) are applied only to a record that passes: slog's handlers format
// them ahead, which cost about 7% of the CPU of a bulk load.
type levelFilter struct {
	slog.Handler
	min  slog.Level
	with []func(slog.Handler) slog.Handler
}

func (l levelFilter) Enabled(ctx context.Context, lvl slog.Level) bool {
	return lvl >= l.min && l.Handler.Enabled(ctx, lvl)
}

func (l levelFilter) Handle(ctx context.Context, r slog.Record) error {
	h := l.Handler
	for _, w := range l.with {
		h = w(h)
	}
	return h.Handle(ctx, r)
}

func (l levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	l.with = append(slices.Clip(l.with), func(h slog.Handler) slog.Handler { return h.WithAttrs(a) })
	return l
}

func (l levelFilter) WithGroup(n string) slog.Handler {
	l.with = append(slices.Clip(l.with), func(h slog.Handler) slog.Handler { return h.WithGroup(n) })
	return l
}

// Dir is the engine's folder.
func (e *FerretDB) Dir() string { return e.dir }

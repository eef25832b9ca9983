package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Embedded is a FerretDB engine (SQLite handler) running inside this process.
type Embedded struct {
	dir    string
	uri    string
	cancel context.CancelFunc
	done   chan error
}

// StartEmbedded starts FerretDB on loopback with its SQLite files in dir.
// The engine logs only errors: it reports every error reply at WARN with the
// whole command, which could put record contents in the logs.
func StartEmbedded(ctx context.Context, dir string, logger *slog.Logger) (*Embedded, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store: embedded data dir: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("store: embedded data dir: %w", err)
	}
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	if logger != nil {
		quiet = slog.New(levelFilter{logger.Handler(), slog.LevelError})
	}
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
	e := &Embedded{dir: abs, cancel: cancel, done: make(chan error, 1)}
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
		return nil, errors.New("store: embedded engine did not start within 30s")
	}
	return e, nil
}

// URI is the MongoDB connection string of the engine.
func (e *Embedded) URI() string { return e.uri }

// Stop stops the engine and waits for it to close its files.
func (e *Embedded) Stop() {
	e.cancel()
	select {
	case <-e.done:
	case <-time.After(15 * time.Second):
	}
}

// levelFilter passes records at or above min to the wrapped handler.
type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (l levelFilter) Enabled(ctx context.Context, lvl slog.Level) bool {
	return lvl >= l.min && l.Handler.Enabled(ctx, lvl)
}

func (l levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{l.Handler.WithAttrs(a), l.min}
}

func (l levelFilter) WithGroup(n string) slog.Handler {
	return levelFilter{l.Handler.WithGroup(n), l.min}
}

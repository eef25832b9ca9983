// Package store keeps Alianza's data in MongoDB or, when no MongoDB is
// configured, in Alianza's own embedded SQLite store (package lite). One file
// per collection, each written against the collection interface of package
// coll (mongo.go implements it over the driver, lite over SQLite); scope and
// audit helpers are shared by all of them.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"github.com/alianza-pe/alianza/internal/store/lite"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// Store is the one handle on the database.
type Store struct {
	// db holds the collections and transactions every collection file uses.
	db coll.DB
	// mongo is db's MongoDB implementation, for what only MongoDB has
	// (indexes, the raw database of the admin tools, ping, drop); nil on
	// the embedded store.
	mongo *mongoDB
	// embedded is db on the embedded store (nil on MongoDB), with the
	// release of its folder's lock (LockDir).
	embedded *lite.DB
	release  func()
	// txs: db.WithTx is a transaction (always on the embedded store).
	// Without (a standalone MongoDB, FerretDB in tests) the undo steps of inTx
	// stand in for it.
	txs bool
	now func() time.Time
	// teamDomains are the team's mail domains (SetTeamDomains).
	teamDomains []string
	log         *slog.Logger
	faultMu     sync.Mutex
	hooks       hooks                         // after-write hooks (change.go)
	fault       func(collection string) error // SetWriteFault
	// cursorKey signs page cursors (see SetCursorKey).
	cursorKey []byte
	// counterCache keeps the counter documents last read (counters_cache.go).
	counterCache counterCache
}

// Option adjusts how Open connects (tests watch the commands sent).
type Option func(*options.ClientOptions)

// WithMonitor sends every command's events to m.
func WithMonitor(m *event.CommandMonitor) Option {
	return func(o *options.ClientOptions) { o.SetMonitor(m) }
}

// Open connects to uri, checks the server answers and uses database name.
func Open(ctx context.Context, uri, name string, extra ...Option) (*Store, error) {
	opts := options.Client().ApplyURI(uri).
		SetAppName("alianza").
		SetServerSelectionTimeout(10 * time.Second).
		SetConnectTimeout(10 * time.Second)
	for _, o := range extra {
		o(opts)
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := client.Ping(pctx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("store: ping: %w", err)
	}
	m, err := openMongoDB(pctx, client, name)
	if err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return &Store{db: m, mongo: m, txs: m.txs, now: func() time.Time { return time.Now().UTC() }, cursorKey: newCursorKey()}, nil
}

// EmbeddedFile is the embedded store's file in its folder.
const EmbeddedFile = "alianza.db"

// OpenEmbedded opens the embedded store in folder dir (file EmbeddedFile),
// holding the folder's lock (LockDir) until Close. opts go to lite.Open
// (tests record query plans). Every collection is created here.
func OpenEmbedded(ctx context.Context, dir string, logger *slog.Logger, opts ...lite.Option) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store: embedded data dir: %w", err)
	}
	release, err := LockDir(abs) // creates the folder too
	if err != nil {
		return nil, err
	}
	if logger != nil {
		// A find taking a quarter second is worth an operator's look.
		opts = append([]lite.Option{lite.Logger(logger), lite.SlowQuery(250 * time.Millisecond)}, opts...)
	}
	// A folder written by the FerretDB-based build is migrated once (migrate.go).
	if err := migrateLegacy(ctx, abs, filepath.Join(abs, EmbeddedFile), collectionSpecs(), logger); err != nil {
		release()
		return nil, err
	}
	db, err := lite.Open(ctx, filepath.Join(abs, EmbeddedFile), collectionSpecs(), opts...)
	if err != nil {
		release()
		return nil, fmt.Errorf("store: open embedded store: %w", err)
	}
	return &Store{db: db, embedded: db, release: sync.OnceFunc(release), txs: true, log: logger,
		now: func() time.Time { return time.Now().UTC() }, cursorKey: newCursorKey()}, nil
}

// Embedded is the embedded store's database; nil on MongoDB.
func (s *Store) Embedded() *lite.DB { return s.embedded }

// Close disconnects from the server, or closes the embedded store and
// releases its folder.
func (s *Store) Close(ctx context.Context) error {
	if s.embedded != nil {
		err := s.embedded.Close()
		s.release()
		if err != nil {
			return fmt.Errorf("store: close: %w", err)
		}
		return nil
	}
	if err := s.mongo.client.Disconnect(ctx); err != nil {
		return fmt.Errorf("store: disconnect: %w", err)
	}
	return nil
}

// Ping checks the database answers (used by /readyz).
func (s *Store) Ping(ctx context.Context) error {
	if s.embedded != nil {
		if _, err := s.col(colKV).Count(ctx, bson.D{{Key: "_id", Value: ""}}, 1); err != nil {
			return fmt.Errorf("store: ping: %w", err)
		}
		return nil
	}
	if err := s.mongo.ping(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Drop deletes the whole database; tests use it on cleanup. On the
// embedded store it closes the store and removes its file.
func (s *Store) Drop(ctx context.Context) error {
	if s.embedded != nil {
		path := s.embedded.Path()
		if err := s.Close(ctx); err != nil {
			return err
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("store: drop database: %w", err)
			}
		}
		return nil
	}
	if err := s.mongo.db.Drop(ctx); err != nil {
		return fmt.Errorf("store: drop database: %w", err)
	}
	return nil
}

// collectionNames lists the collections the database holds (for the
// administrator's checks; the collection interface has no such list).
func (s *Store) collectionNames(ctx context.Context) ([]string, error) {
	if s.embedded != nil {
		var names []string
		for _, sp := range collectionSpecs() {
			names = append(names, sp.Name)
		}
		return names, nil
	}
	return s.mongo.db.ListCollectionNames(ctx, bson.D{})
}

// SetClock replaces the clock (tests use a fixed time).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now is the store's current time in UTC.
func (s *Store) Now() time.Time { return s.now().UTC() }

// col is the collection name.
func (s *Store) col(name string) coll.Collection {
	if name == colMessages {
		return talliedMessages{s.db.Collection(name), s} // message_tally.go
	}
	return s.db.Collection(name)
}

// Collection names.
const (
	colUsers         = "users"
	colRefreshTokens = "refresh_tokens"
	colAudit         = "audit"
	colKV            = "kv"
)

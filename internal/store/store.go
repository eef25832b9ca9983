// Package store keeps Alianza's data in MongoDB (or the embedded FerretDB engine).
// One file per collection, each written against the collection interface of
// package coll (mongo.go implements it over the driver); scope and audit
// helpers are shared by all of them.
package store

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alianza-pe/alianza/internal/store/coll"
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
	// (indexes, the raw database of the admin tools, ping, drop).
	mongo *mongoDB
	// txs: db.WithTx is a transaction. Without (FerretDB, a standalone
	// MongoDB) the undo steps of inTx stand in for it.
	txs bool
	now func() time.Time
	// teamDomains are the team's mail domains (SetTeamDomains).
	teamDomains []string
	log         *slog.Logger
	faultMu     sync.Mutex
	hooks       hooks                         // after-write hooks (change.go)
	fault       func(collection string) error // SetWriteFault
	lite        *liteEngine                   // the embedded engine's file, nil on MongoDB
	// cursorKey signs page cursors (see SetCursorKey).
	cursorKey []byte
	// noPushdown makes every find go through the engine (differential tests).
	noPushdown bool
	liteHits   atomic.Int64 // finds answered through SQLite
	// observe sees every find SQLite answers, which no command monitor
	// sees (tests check them against the MongoDB indexes).
	observe func(col string, filter, sort bson.D)
}

// ObserveFinds makes f see each find the store answers through SQLite,
// with its filter and sort as MongoDB would get them.
func (s *Store) ObserveFinds(f func(col string, filter, sort bson.D)) { s.observe = f }

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

// Close disconnects from the server.
func (s *Store) Close(ctx context.Context) error {
	if s.lite != nil {
		s.lite.close()
	}
	if err := s.mongo.client.Disconnect(ctx); err != nil {
		return fmt.Errorf("store: disconnect: %w", err)
	}
	return nil
}

// Ping checks the database answers (used by /readyz).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.mongo.ping(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Drop deletes the whole database; tests use it on cleanup.
func (s *Store) Drop(ctx context.Context) error {
	if s.lite != nil {
		s.lite.close() // the engine removes the file
	}
	if err := s.mongo.db.Drop(ctx); err != nil {
		return fmt.Errorf("store: drop database: %w", err)
	}
	return nil
}

// collectionNames lists the collections the database holds (for the
// administrator's checks; the collection interface has no such list).
func (s *Store) collectionNames(ctx context.Context) ([]string, error) {
	return s.mongo.db.ListCollectionNames(ctx, bson.D{})
}

// SetClock replaces the clock (tests use a fixed time).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now is the store's current time in UTC.
func (s *Store) Now() time.Time { return s.now().UTC() }

// col is the collection name.
func (s *Store) col(name string) coll.Collection { return s.db.Collection(name) }

// Collection names.
const (
	colUsers         = "users"
	colRefreshTokens = "refresh_tokens"
	colAudit         = "audit"
	colKV            = "kv"
)

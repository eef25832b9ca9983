package store

import (
	"context"
	"strings"
	"sync/atomic"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// DB is the store's database, as the collection files see it.
func (s *Store) DB() coll.DB { return s.db }

// Transactions says whether the database's WithTx is a transaction.
func (s *Store) Transactions() bool { return s.txs }

// IndexNames lists a collection's index names on MongoDB.
func (s *Store) IndexNames(ctx context.Context, col string) ([]string, error) {
	return s.indexNames(ctx, col)
}

// CreateIndex creates an index by name on MongoDB (a release's index that a
// later one retires).
func (s *Store) CreateIndex(ctx context.Context, col, name string, keys bson.D) error {
	_, err := s.mongo.db.Collection(col).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: keys, Options: options.Index().SetName(name)})
	return err
}

// CountUpdates makes the store count the Update calls on collection col
// from now on, and returns how many there have been so far; those of the
// counters' meta document (its stamps) are not counted.
func (s *Store) CountUpdates(col string) func() int64 {
	return s.countCalls(func(name string) bool { return name == col }, false)
}

// CountReads makes the store count the Find and FindOne calls on the
// collections whose names start with prefix from now on, and returns how
// many there have been so far.
func (s *Store) CountReads(prefix string) func() int64 {
	return s.countCalls(func(name string) bool { return strings.HasPrefix(name, prefix) }, true)
}

// countCalls counts the updates (or the reads) of the collections match
// takes.
func (s *Store) countCalls(match func(name string) bool, reads bool) func() int64 {
	n := &atomic.Int64{}
	s.db = countingDB{DB: s.db, match: match, reads: reads, n: n}
	return n.Load
}

type countingDB struct {
	coll.DB
	match func(name string) bool
	reads bool
	n     *atomic.Int64
}

func (d countingDB) Collection(name string) coll.Collection {
	c := d.DB.Collection(name)
	if !d.match(name) {
		return c
	}
	return countingCollection{Collection: c, reads: d.reads, n: d.n}
}

type countingCollection struct {
	coll.Collection
	reads bool
	n     *atomic.Int64
}

func (c countingCollection) Update(ctx context.Context, filter, update bson.D, opts coll.UpdateOptions) (coll.Result, error) {
	if !c.reads && (len(filter) != 1 || filter[0].Key != "_id" || filter[0].Value != "meta") {
		c.n.Add(1)
	}
	return c.Collection.Update(ctx, filter, update, opts)
}

func (c countingCollection) Find(ctx context.Context, filter bson.D, opts coll.FindOptions, out any) error {
	if c.reads {
		c.n.Add(1)
	}
	return c.Collection.Find(ctx, filter, opts, out)
}

func (c countingCollection) FindOne(ctx context.Context, filter bson.D, opts coll.FindOptions, out any) error {
	if c.reads {
		c.n.Add(1)
	}
	return c.Collection.FindOne(ctx, filter, opts, out)
}

// OtherProcess is another store on the same database, as another process
// would open it: its own counter cache, no hooks.
func (s *Store) OtherProcess() *Store {
	return &Store{db: s.db, mongo: s.mongo, embedded: s.embedded, txs: s.txs, now: s.now, teamDomains: s.teamDomains,
		log: s.log, cursorKey: s.cursorKey}
}

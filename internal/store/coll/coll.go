// Package coll is the small collection interface the store is written
// against, with its two implementations: the MongoDB driver (package store,
// mongo.go) and Alianza's own SQLite document store (package lite). It holds
// only what both can do: finds with a filter, sort, limit and projection,
// counts, inserts, updates with the update operators the store uses,
// find-one-and-update, deletes, and transactions.
//
// Filters and updates are MongoDB's query and update documents (bson.D);
// documents are anything the driver's bson package marshals.
package coll

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Sentinel errors every implementation wraps.
var (
	// ErrNotFound: FindOne or FindOneAndUpdate matched no document.
	ErrNotFound = errors.New("not found")
	// ErrDuplicate: a write would break a unique index.
	ErrDuplicate = errors.New("already exists")
	// ErrUnsupported: a filter, sort or update uses something the
	// implementation cannot answer (an operator, or a field the SQLite
	// store's spec does not index). Never a silent slow path.
	ErrUnsupported = errors.New("not supported by the store")
	// ErrUnwritable: the database takes no writes now (a full disk, a
	// read-only file); the same write may work once the operator fixes it.
	ErrUnwritable = errors.New("the database takes no writes now")
)

// FindOptions shape a find.
type FindOptions struct {
	// Sort is MongoDB's sort document ({field: 1 | -1}, ...).
	Sort bson.D
	// Limit is the most documents returned; 0 for all.
	Limit int64
	// Projection is MongoDB's inclusion projection ({field: 1}, ...); nil
	// returns whole documents. _id is always returned.
	Projection bson.D
	// Hint names the MongoDB index a query walks (keys as in the index).
	// The SQLite store chooses its own plan and ignores it.
	Hint bson.D
}

// UpdateOptions shape an update.
type UpdateOptions struct {
	// Many updates every matching document, not only the first.
	Many bool
	// Upsert inserts a document built from the filter's equalities and the
	// update when nothing matches.
	Upsert bool
	// ReturnBefore makes FindOneAndUpdate decode the document as it was
	// before the update (the default is after).
	ReturnBefore bool
	// Sort picks the first document FindOneAndUpdate updates.
	Sort bson.D
}

// InsertOptions shape an insert of several documents.
type InsertOptions struct {
	// SkipDuplicates skips a document whose unique key is taken instead of
	// stopping at it; Insert reports the skipped documents' indexes.
	SkipDuplicates bool
}

// Result tells what an update or replace did.
type Result struct {
	Matched, Modified int64
	// UpsertedID is the _id of the document an upsert inserted, nil when
	// it matched one.
	UpsertedID any
}

// Collection is one collection of documents.
type Collection interface {
	// Find decodes every document filter selects, in opts.Sort's order,
	// into out (a pointer to a slice).
	Find(ctx context.Context, filter bson.D, opts FindOptions, out any) error
	// FindOne decodes the first document filter selects into out;
	// ErrNotFound when there is none.
	FindOne(ctx context.Context, filter bson.D, opts FindOptions, out any) error
	// Count counts the documents filter selects, up to limit when it is
	// above 0.
	Count(ctx context.Context, filter bson.D, limit int64) (int64, error)
	// Insert inserts docs in order. A duplicate key stops it with an error
	// wrapping ErrDuplicate, unless opts.SkipDuplicates: then the indexes
	// in docs of the skipped documents come back.
	Insert(ctx context.Context, docs []any, opts InsertOptions) (skipped []int, err error)
	// Update applies update ($set, $unset, $inc, $push, $pull, $pullAll,
	// $addToSet, $setOnInsert) to the first (or every) document filter
	// selects.
	Update(ctx context.Context, filter, update bson.D, opts UpdateOptions) (Result, error)
	// Replace replaces the first document filter selects with doc.
	Replace(ctx context.Context, filter bson.D, doc any, upsert bool) (Result, error)
	// FindOneAndUpdate updates the first document filter selects and
	// decodes it (after the update unless opts.ReturnBefore) into out;
	// ErrNotFound when none matched and nothing was upserted.
	FindOneAndUpdate(ctx context.Context, filter, update bson.D, opts UpdateOptions, out any) error
	// Delete deletes the first (or every) document filter selects and
	// answers how many it deleted.
	Delete(ctx context.Context, filter bson.D, many bool) (int64, error)
}

// DB is one database: its collections and its transactions.
type DB interface {
	// Collection is the collection name; it need not exist yet.
	Collection(name string) Collection
	// WithTx runs fn in one transaction: every write fn makes through a
	// collection with the ctx it is given commits together or not at all.
	// A WithTx inside fn's ctx joins the outer transaction. fn may run
	// again when the database asks to retry a transient conflict, so it
	// must not have effects outside the database.
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
}

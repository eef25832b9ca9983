// The MongoDB implementation of the collection interface (package coll),
// over the driver; the tests also run it on FerretDB, which speaks
// MongoDB's wire protocol. The store's administration that only MongoDB has
// (indexes, listing and dropping collections, ping) is here too, outside
// the interface.

package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// mongoDB is one MongoDB database as a coll.DB.
type mongoDB struct {
	client *mongo.Client
	db     *mongo.Database
	// txs: the deployment runs multi-document transactions (a replica set
	// or mongos), read once when the store opens.
	txs bool
}

// openMongoDB uses database name of client and asks the server once
// whether it runs transactions.
func openMongoDB(ctx context.Context, client *mongo.Client, name string) (*mongoDB, error) {
	m := &mongoDB{client: client, db: client.Database(name)}
	var hello struct {
		SetName string `bson:"setName"`
		Msg     string `bson:"msg"`
	}
	if err := client.Database("admin").RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return nil, fmt.Errorf("store: hello: %w", err)
	}
	m.txs = hello.SetName != "" || hello.Msg == "isdbgrid"
	return m, nil
}

func (m *mongoDB) Collection(name string) coll.Collection {
	return mongoCollection{m.db.Collection(name)}
}

// WithTx runs fn in a session transaction on a replica set or a mongos, and
// joins the transaction ctx already carries. A standalone server and the
// FerretDB (the tests' MongoDB-wire server) have no multi-document
// transactions: there fn runs directly, each write commits on its own, and
// a failing fn leaves the writes it made before failing (inTx's undo steps
// clean up where it matters).
func (m *mongoDB) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if sess := mongo.SessionFromContext(ctx); sess != nil && sess.TransactionRunning() {
		return fn(ctx)
	}
	if !m.txs {
		return fn(ctx)
	}
	sess, err := m.client.StartSession()
	if err != nil {
		return fmt.Errorf("store: start session: %w", err)
	}
	defer sess.EndSession(context.WithoutCancel(ctx))
	_, err = sess.WithTransaction(ctx, func(ctx context.Context) (any, error) { return nil, fn(ctx) })
	return err
}

// ping checks the server answers.
func (m *mongoDB) ping(ctx context.Context) error {
	return m.client.Ping(ctx, readpref.Primary())
}

// mongoCollection is one collection as a coll.Collection.
type mongoCollection struct{ c *mongo.Collection }

// byIDIndex walks the _id index: MongoDB refusing collection scans
// (notablescan) accepts an index walk.
var byIDIndex = bson.D{{Key: "_id", Value: 1}}

func (c mongoCollection) Find(ctx context.Context, filter bson.D, opts coll.FindOptions, out any) error {
	o := options.Find()
	if opts.Sort != nil {
		o.SetSort(opts.Sort)
	}
	if opts.Limit > 0 {
		o.SetLimit(opts.Limit)
	}
	if opts.Projection != nil {
		o.SetProjection(opts.Projection)
	}
	if opts.Hint != nil {
		o.SetHint(opts.Hint)
	}
	cur, err := c.c.Find(ctx, orEmpty(filter), o)
	if err != nil {
		return mongoErr(err)
	}
	return mongoErr(cur.All(ctx, out))
}

func (c mongoCollection) FindOne(ctx context.Context, filter bson.D, opts coll.FindOptions, out any) error {
	o := options.FindOne()
	if opts.Sort != nil {
		o.SetSort(opts.Sort)
	}
	if opts.Projection != nil {
		o.SetProjection(opts.Projection)
	}
	if opts.Hint != nil {
		o.SetHint(opts.Hint)
	}
	return mongoErr(c.c.FindOne(ctx, orEmpty(filter), o).Decode(out))
}

// Count counts with MongoDB's CountDocuments. An empty filter is counted
// along the _id index (the interface has no hint for counts; see byIDIndex).
func (c mongoCollection) Count(ctx context.Context, filter bson.D, limit int64) (int64, error) {
	o := options.Count()
	if limit > 0 {
		o.SetLimit(limit)
	}
	if len(filter) == 0 {
		o.SetHint(byIDIndex)
	}
	n, err := c.c.CountDocuments(ctx, orEmpty(filter), o)
	return n, mongoErr(err)
}

func (c mongoCollection) Insert(ctx context.Context, docs []any, opts coll.InsertOptions) ([]int, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	_, err := c.c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(!opts.SkipDuplicates))
	if err == nil {
		return nil, nil
	}
	if opts.SkipDuplicates {
		if dups, ok := duplicateIndexes(err); ok {
			return dups, nil
		}
	}
	return nil, mongoErr(err)
}

// duplicateIndexes returns the indexes of the documents an unordered insert
// refused as duplicate keys; false when err holds anything else.
func duplicateIndexes(err error) ([]int, bool) {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return nil, false
	}
	var dups []int
	for _, we := range bwe.WriteErrors {
		if !mongo.IsDuplicateKeyError(we) {
			return nil, false
		}
		dups = append(dups, we.Index)
	}
	return dups, true
}

func (c mongoCollection) Update(ctx context.Context, filter, update bson.D, opts coll.UpdateOptions) (coll.Result, error) {
	var (
		res *mongo.UpdateResult
		err error
	)
	if opts.Many {
		res, err = c.c.UpdateMany(ctx, orEmpty(filter), update, options.UpdateMany().SetUpsert(opts.Upsert))
	} else {
		res, err = c.c.UpdateOne(ctx, orEmpty(filter), update, options.UpdateOne().SetUpsert(opts.Upsert))
	}
	return result(res), mongoErr(err)
}

func (c mongoCollection) Replace(ctx context.Context, filter bson.D, doc any, upsert bool) (coll.Result, error) {
	res, err := c.c.ReplaceOne(ctx, orEmpty(filter), doc, options.Replace().SetUpsert(upsert))
	return result(res), mongoErr(err)
}

func result(res *mongo.UpdateResult) coll.Result {
	if res == nil {
		return coll.Result{}
	}
	return coll.Result{Matched: res.MatchedCount, Modified: res.ModifiedCount, UpsertedID: res.UpsertedID}
}

// FindOneAndUpdate decodes into out unless it is nil. With ReturnBefore and
// Upsert, MongoDB has no document to return when it inserted one: that
// comes back as ErrNotFound too (the store never asks for both).
func (c mongoCollection) FindOneAndUpdate(ctx context.Context, filter, update bson.D, opts coll.UpdateOptions, out any) error {
	o := options.FindOneAndUpdate().SetReturnDocument(options.After)
	if opts.ReturnBefore {
		o.SetReturnDocument(options.Before)
	}
	if opts.Upsert {
		o.SetUpsert(true)
	}
	if opts.Sort != nil {
		o.SetSort(opts.Sort)
	}
	res := c.c.FindOneAndUpdate(ctx, orEmpty(filter), update, o)
	if out == nil {
		return mongoErr(res.Err())
	}
	return mongoErr(res.Decode(out))
}

func (c mongoCollection) Delete(ctx context.Context, filter bson.D, many bool) (int64, error) {
	var (
		res *mongo.DeleteResult
		err error
	)
	if many {
		res, err = c.c.DeleteMany(ctx, orEmpty(filter))
	} else {
		res, err = c.c.DeleteOne(ctx, orEmpty(filter))
	}
	if err != nil {
		return 0, mongoErr(err)
	}
	return res.DeletedCount, nil
}

// orEmpty is filter, or the empty filter for nil (the driver refuses nil).
func orEmpty(filter bson.D) bson.D {
	if filter == nil {
		return bson.D{}
	}
	return filter
}

// mongoErr maps the driver's errors to coll's sentinels; others pass as
// they are.
func mongoErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return coll.ErrNotFound
	case mongo.IsDuplicateKeyError(err):
		return fmt.Errorf("%w: %w", coll.ErrDuplicate, err)
	default:
		return err
	}
}

// Generic version-guarded writes and batch inserts shared by every collection.

package store

import (
	"context"
	"fmt"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// createFailpoint lets tests make a step of a multi-document create fail (or
// kill the process there), to prove nothing is left behind. Nil in
// production.
var createFailpoint func(step string) error

func failAt(step string) error {
	if createFailpoint == nil {
		return nil
	}
	return createFailpoint(step)
}

// bulkBatch is how many documents one Insert carries in the bulk loaders.
const bulkBatch = 1000

// insertBulk inserts docs in batches of bulkBatch, in order, stopping at the
// first error: a meeting's records, imports, the dataset loaders.
func insertBulk[T any](ctx context.Context, s *Store, col string, docs []T) error {
	_, err := insertBatches(ctx, s, col, docs, false)
	return err
}

// insertBatches is the one batch inserter of the store: it inserts docs in
// batches of bulkBatch. With skipDups the batches are unordered and a
// document whose key is taken is skipped rather than an error (a record
// another writer or an earlier load stored first); the indexes in docs of
// the skipped ones come back. Without, the first error stops it.
func insertBatches[T any](ctx context.Context, s *Store, col string, docs []T, skipDups bool) ([]int, error) {
	var skipped []int
	opts := coll.InsertOptions{SkipDuplicates: skipDups}
	for start := 0; start < len(docs); start += bulkBatch {
		end := min(start+bulkBatch, len(docs))
		batch := make([]any, 0, end-start)
		for i := start; i < end; i++ {
			batch = append(batch, docs[i])
		}
		dups, err := s.col(col).Insert(ctx, batch, opts)
		if err != nil {
			return skipped, wrap(fmt.Sprintf("bulk insert %s", col), err)
		}
		for _, i := range dups {
			skipped = append(skipped, start+i)
		}
	}
	return skipped, nil
}

// inTx runs write, a multi-document write, in one transaction
// (coll.DB.WithTx). A database without transactions runs write directly;
// there, when it fails, undo gets its error and removes what write stored
// so far, and answers the error to return. The embedded store always has
// transactions; undo is kept only for a standalone MongoDB (and FerretDB,
// the tests' MongoDB-wire server), where those writes are not atomic.
func (s *Store) inTx(ctx context.Context, write func(ctx context.Context) error, undo func(ctx context.Context, err error) error) error {
	err := s.db.WithTx(ctx, write)
	if err != nil && !s.txs {
		// Undoing must finish even when the request was cancelled.
		return undo(context.WithoutCancel(ctx), err)
	}
	return err
}

func (s *Store) deleteIDs(col string, ids []bson.ObjectID) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := s.col(col).Delete(ctx, idsIn(ids), true)
		return err
	}
}

// updateVersioned sets fields and increments the version when the record
// still has version; otherwise it answers ErrConflict (or ErrNotFound when
// the record is gone).
func (s *Store) updateVersioned(ctx context.Context, col string, id bson.ObjectID, version int, set bson.D, out any) error {
	filter := bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}}
	err := s.col(col).FindOneAndUpdate(ctx, filter,
		bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}},
		coll.UpdateOptions{}, out)
	if err == nil {
		return nil
	}
	err = wrap("update "+col, err)
	if !isNotFound(err) {
		return err
	}
	n, cerr := s.col(col).Count(ctx, bson.D{{Key: "_id", Value: id}}, 0)
	if cerr == nil && n == 0 {
		return ErrNotFound
	}
	return ErrConflict
}

// writeAtVersion runs write, which answers how many documents it matched,
// on the record with id while it still has version; ErrConflict when it
// matched none. what names the write in errors.
func (s *Store) writeAtVersion(ctx context.Context, col, what string, id bson.ObjectID, version int, write func(filter bson.D) (int64, error)) error {
	n, err := write(bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}})
	if err != nil {
		return wrap(what, err)
	}
	if n == 0 {
		return fmt.Errorf("store: %s: %w", what, ErrConflict)
	}
	return nil
}

// setOf turns audit changes into a $set document.
func setOf(changes []model.Change) bson.D {
	set := make(bson.D, 0, len(changes)+2)
	for _, c := range changes {
		set = append(set, bson.E{Key: c.Field, Value: c.New})
	}
	return set
}

// deleteByID removes the record with id from col; ErrNotFound when it is
// already gone. what names it in errors.
func (s *Store) deleteByID(ctx context.Context, col, what string, id bson.ObjectID) error {
	n, err := s.col(col).Delete(ctx, bson.D{{Key: "_id", Value: id}}, false)
	if err != nil {
		return wrap("delete "+what, err)
	}
	if n == 0 {
		return fmt.Errorf("store: delete %s: %w", what, ErrNotFound)
	}
	return nil
}

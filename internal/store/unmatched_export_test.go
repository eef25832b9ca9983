package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// DeleteMessage deletes a message and its body the way a delete of
// messages must: with the unmatched senders' tally, in one transaction. The
// store has no such write yet; the tally's tests prove a removal with it.
func (s *Store) DeleteMessage(ctx context.Context, id bson.ObjectID) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.col(colMessages).Delete(ctx, bson.D{{Key: "_id", Value: id}}, false); err != nil {
			return err
		}
		if _, err := s.col(colMessageBodies).Delete(ctx, bson.D{{Key: "_id", Value: id}}, false); err != nil {
			return err
		}
		return s.resyncTally(ctx, []bson.ObjectID{id})
	})
}

// ForgetUnmatchedTally makes the database look like a folder written before
// the tally: no refs, no addresses, no mark that it was built.
func (s *Store) ForgetUnmatchedTally(ctx context.Context) error {
	every := bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: ""}}}}
	for _, col := range []string{colUnmatchedRefs, colUnmatched} {
		if _, err := s.col(col).Delete(ctx, every, true); err != nil {
			return err
		}
	}
	return s.KV("").Delete(unmatchedTallyKey)
}

// UnmatchedTallySize counts the tally's refs and addresses.
func (s *Store) UnmatchedTallySize(ctx context.Context) (refs, addrs int64, err error) {
	every := bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: ""}}}}
	if refs, err = s.col(colUnmatchedRefs).Count(ctx, every, 0); err != nil {
		return 0, 0, err
	}
	addrs, err = s.col(colUnmatched).Count(ctx, every, 0)
	return refs, addrs, err
}

// SetUnmatchedTallyBatch sets how many messages a transaction of the
// tally's build reads, and returns the previous value.
func SetUnmatchedTallyBatch(n int) int {
	old := tallyBuildBatch
	tallyBuildBatch = n
	return old
}

package store

import (
	"context"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// RawMailbox returns a mailbox document as stored, for tests that check no
// password is kept in clear.
func RawMailbox(ctx context.Context, s *Store, id bson.ObjectID) (bson.Raw, error) {
	var raw bson.Raw
	err := s.col(colMailboxes).FindOne(ctx, bson.D{{Key: "_id", Value: id}}, coll.FindOptions{}, &raw)
	return raw, err
}

// InsertBody stores a message body alone, as a crash between the body and
// message inserts of SaveMessages leaves it.
func InsertBody(ctx context.Context, s *Store, b any) error {
	_, err := s.col(colMessageBodies).Insert(ctx, []any{b}, coll.InsertOptions{})
	return err
}

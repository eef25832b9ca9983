package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// RawMailbox returns a mailbox document as stored, for tests that check no
// password is kept in clear.
func RawMailbox(ctx context.Context, s *Store, id bson.ObjectID) (bson.Raw, error) {
	return s.c(colMailboxes).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
}

// InsertBody stores a message body alone, as a crash between the body and
// message inserts of SaveMessages leaves it.
func InsertBody(ctx context.Context, s *Store, b any) error {
	_, err := s.c(colMessageBodies).InsertOne(ctx, b)
	return err
}

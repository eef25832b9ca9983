package store

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// CountQueues counts the review queues from the indexes, as MessageCounts
// did before the tally, for tests that compare the two.
func CountQueues(ctx context.Context, s *Store, scope model.Scope, f MessageFilter) (MessageQueueCounts, error) {
	return s.countQueues(ctx, scope, f)
}

// InvalidateMessageCounts drops the tally's meta document, as a folder
// written before the tally has none: the next count rebuilds it.
func (s *Store) InvalidateMessageCounts(ctx context.Context) error {
	_, err := s.db.Collection(colMessageCounts).Delete(ctx, bson.D{{Key: "_id", Value: "meta"}}, false)
	return wrap("count messages: invalidate the tally", err)
}

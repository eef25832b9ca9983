package store

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
)

// CountQueues counts the review queues from the indexes, as MessageCounts
// did before the tally, for tests that compare the two.
func CountQueues(ctx context.Context, s *Store, scope model.Scope, f MessageFilter) (MessageQueueCounts, error) {
	return s.countQueues(ctx, scope, f)
}

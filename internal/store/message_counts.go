package store

import (
	"context"
	"fmt"

	"github.com/alianza-pe/alianza/internal/model"
)

// MessageQueueCounts is how many messages each review queue holds.
type MessageQueueCounts struct {
	New           int64 `json:"new"`
	FollowUp      int64 `json:"follow_up"`
	Unmatched     int64 `json:"unmatched"`
	AwaitingReply int64 `json:"awaiting_reply"`
	All           int64 `json:"all"`
}

// MessageCounts counts the review queues of the messages in scope matching
// f. The tabs' counts (f no more than a region and the failed ones) come
// from the tally kept by the message writes (message_tally.go): counting
// index ranges grows with the mailbox (51 ms at 500,000 messages). Other
// filters count each queue from an index.
func (s *Store) MessageCounts(ctx context.Context, scope model.Scope, f MessageFilter) (MessageQueueCounts, error) {
	if tallyAnswers(f) {
		return s.talliedCounts(ctx, scope, f)
	}
	return s.countQueues(ctx, scope, f)
}

// countQueues counts each queue from an index.
func (s *Store) countQueues(ctx context.Context, scope model.Scope, f MessageFilter) (MessageQueueCounts, error) {
	var out MessageQueueCounts
	queues := []struct {
		n   *int64
		set func(*MessageFilter)
	}{
		{&out.All, func(*MessageFilter) {}},
		{&out.New, func(q *MessageFilter) { q.Status = model.MessageNew }},
		{&out.FollowUp, func(q *MessageFilter) { q.Status = model.MessageFollowUp }},
		{&out.Unmatched, func(q *MessageFilter) { q.Unmatched = true }},
		{&out.AwaitingReply, func(q *MessageFilter) { q.AwaitingReply = true }},
	}
	for _, q := range queues {
		qf := f
		q.set(&qf)
		n, err := s.CountMessages(ctx, scope, qf)
		if err != nil {
			return out, fmt.Errorf("store: count message queues: %w", err)
		}
		*q.n = n
	}
	return out, nil
}

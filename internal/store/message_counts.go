package store

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
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
// f (region, failed ones): one $group by status and unmatched gives new,
// follow_up, unmatched and all, instead of a scan per queue. Awaiting reply
// depends on the date against a cutoff, which $group cannot key on without
// $cond, so it is one count more.
func (s *Store) MessageCounts(ctx context.Context, scope model.Scope, f MessageFilter) (MessageQueueCounts, error) {
	var out MessageQueueCounts
	filter, ok := s.messageFilter(scope, f)
	if !ok {
		return out, nil
	}
	var rows []struct {
		ID struct {
			Status    string `bson:"status"`
			Unmatched bool   `bson:"unmatched"`
		} `bson:"_id"`
		N int64 `bson:"n"`
	}
	err := s.aggregate(ctx, colMessages, bson.A{
		bson.D{{Key: "$match", Value: filter}},
		bson.D{{Key: "$group", Value: bson.D{
			{Key: "_id", Value: bson.D{{Key: "status", Value: "$status"}, {Key: "unmatched", Value: "$unmatched"}}},
			{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}},
		}}},
	}, &rows)
	if err != nil {
		return out, wrap("count message queues", err)
	}
	for _, r := range rows {
		out.All += r.N
		switch r.ID.Status {
		case model.MessageNew:
			out.New += r.N
		case model.MessageFollowUp:
			out.FollowUp += r.N
		}
		if r.ID.Unmatched {
			out.Unmatched += r.N
		}
	}
	f.AwaitingReply = true
	out.AwaitingReply, err = s.CountMessages(ctx, scope, f)
	return out, err
}

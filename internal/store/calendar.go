package store

import (
	"context"
	"errors"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func init() {
	registerIndexes(indexSpec{colPrefs, "calendar_hash", bson.D{{Key: "calendar_hash", Value: 1}}, false})
}

// SetCalendarToken turns the user's private calendar feed on with the hash
// of a new secret token (the old link stops working), or off with "".
// The audit entry says what happened, never the hash.
func (s *Store) SetCalendarToken(ctx context.Context, actor model.Actor, userID bson.ObjectID, hash string) error {
	now := s.Now()
	set, unset, what := bson.D{{Key: "updated_at", Value: now}}, []string{"calendar_hash", "calendar_since"}, "revoked"
	if hash != "" {
		set = append(set, bson.E{Key: "calendar_hash", Value: hash}, bson.E{Key: "calendar_since", Value: now})
		unset, what = nil, "new link"
	}
	return s.apply(ctx, func(ctx context.Context) ([]Change, error) {
		if err := s.setPrefs(ctx, userID, set, unset); err != nil {
			return nil, err
		}
		return []Change{{Actor: actor, Action: model.ActionUpdate, Entity: "preferences", ID: userID.Hex(), Fields: []model.Change{{Field: "calendar_feed", New: what}}}}, nil
	})
}

// UserByCalendarToken finds the enabled user whose feed token has hash;
// ErrNotFound otherwise (unknown, revoked, or the user is disabled).
func (s *Store) UserByCalendarToken(ctx context.Context, hash string) (*model.User, error) {
	if hash == "" {
		return nil, ErrNotFound
	}
	var p model.Prefs
	err := s.col(colPrefs).FindOne(ctx, bson.D{{Key: "calendar_hash", Value: hash}}, coll.FindOptions{}, &p)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, wrap("find calendar token", err)
	}
	u, err := s.UserByID(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, ErrNotFound
	}
	return u, nil
}

// MeetingsOf returns the meetings in scope that the user logged or attended
// as staff, starting from from, oldest first.
func (s *Store) MeetingsOf(ctx context.Context, scope model.Scope, userID bson.ObjectID, from time.Time) ([]model.Meeting, error) {
	filter := scoped(bson.D{
		{Key: "$or", Value: bson.A{bson.D{{Key: "owner_id", Value: userID}}, bson.D{{Key: "staff_ids", Value: userID}}}},
		{Key: "starts_at", Value: bson.D{{Key: "$gte", Value: from}}},
	}, scope, "region")
	var out []model.Meeting
	opts := coll.FindOptions{Sort: bson.D{{Key: "starts_at", Value: 1}}, Projection: bson.D{{Key: "search", Value: 0}}}
	if err := s.col(colMeetings).Find(ctx, filter, opts, &out); err != nil {
		return nil, wrap("list meetings of user", err)
	}
	return out, nil
}

package store

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// colPrefs holds each user's own settings (model.Prefs), apart from the
// user record that admins manage.
const colPrefs = "user_prefs"

// Prefs returns a user's settings; defaults when the user never set any.
func (s *Store) Prefs(ctx context.Context, userID bson.ObjectID) (*model.Prefs, error) {
	var p model.Prefs
	err := s.col(colPrefs).FindOne(ctx, bson.D{{Key: "_id", Value: userID}}, coll.FindOptions{}, &p)
	if errors.Is(err, ErrNotFound) {
		return model.DefaultPrefs(userID), nil
	}
	if err != nil {
		return nil, wrap("read preferences", err)
	}
	return &p, nil
}

// UpdatePrefs applies a checked change (workflow.UpdatePrefs) to a user's
// settings, writing only the fields it sets.
func (s *Store) UpdatePrefs(ctx context.Context, actor model.Actor, userID bson.ObjectID, in model.PrefsPatch) (*model.Prefs, error) {
	old, err := s.Prefs(ctx, userID)
	if err != nil {
		return nil, err
	}
	cur := *old
	in.Apply(&cur)
	cur.UpdatedAt = s.Now()
	set := bson.D{{Key: "updated_at", Value: cur.UpdatedAt}}
	if in.Digest != nil {
		set = append(set, bson.E{Key: "digest", Value: cur.Digest})
	}
	if in.Lang != nil {
		set = append(set, bson.E{Key: "lang", Value: cur.Lang})
	}
	if in.CalendarAlarmMin != nil {
		set = append(set, bson.E{Key: "calendar_alarm_min", Value: cur.CalendarAlarmMin})
	}
	done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
		if err := s.setPrefs(ctx, userID, set, nil); err != nil {
			return nil, err
		}
		if changes := diff(old, &cur); len(changes) > 0 {
			return []Change{{Actor: actor, Action: model.ActionUpdate, Entity: "preferences", ID: userID.Hex(), Fields: changes}}, nil
		}
		return nil, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return &cur, s.effects(ctx, done...)
}

// setPrefs changes only the fields in set (and removes those in unset) of
// a user's settings, creating them with the defaults if needed. Writing the
// whole document back would undo a concurrent change of another field (a
// "seen" mark bringing back a calendar link just revoked).
func (s *Store) setPrefs(ctx context.Context, userID bson.ObjectID, set bson.D, unset []string) error {
	def := model.DefaultPrefs(userID)
	onInsert := bson.D{}
	for _, e := range []bson.E{{Key: "digest", Value: def.Digest}, {Key: "lang", Value: def.Lang}} {
		// A field may not be in both $set and $setOnInsert.
		if !slices.ContainsFunc(set, func(x bson.E) bool { return x.Key == e.Key }) {
			onInsert = append(onInsert, e)
		}
	}
	upd := bson.D{{Key: "$set", Value: set}}
	if len(onInsert) > 0 {
		upd = append(upd, bson.E{Key: "$setOnInsert", Value: onInsert})
	}
	if len(unset) > 0 {
		u := bson.D{}
		for _, f := range unset {
			u = append(u, bson.E{Key: f, Value: ""})
		}
		upd = append(upd, bson.E{Key: "$unset", Value: u})
	}
	_, err := s.col(colPrefs).Update(ctx, bson.D{{Key: "_id", Value: userID}}, upd, coll.UpdateOptions{Upsert: true})
	if errors.Is(err, ErrDuplicate) {
		// Two first writes raced to insert: the loser's update now matches.
		_, err = s.col(colPrefs).Update(ctx, bson.D{{Key: "_id", Value: userID}}, upd, coll.UpdateOptions{Upsert: true})
	}
	return wrap("save preferences", err)
}

// MarkNotificationsSeen records that the user has seen the notifications
// that happened up to at.
func (s *Store) MarkNotificationsSeen(ctx context.Context, userID bson.ObjectID, at time.Time) error {
	return s.setPrefs(ctx, userID, bson.D{{Key: "seen_at", Value: at.UTC()}}, nil)
}

// DigestSubscribers returns the settings of every user whose digest is on.
func (s *Store) DigestSubscribers(ctx context.Context) ([]model.Prefs, error) {
	var out []model.Prefs
	err := s.col(colPrefs).Find(ctx, bson.D{{Key: "digest", Value: bson.D{{Key: "$in", Value: []string{model.DigestDaily, model.DigestWeekly}}}}}, coll.FindOptions{}, &out)
	return out, wrap("list digest subscribers", err)
}

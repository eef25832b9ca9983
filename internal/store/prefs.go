package store

import (
	"context"
	"errors"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// colPrefs holds each user's own settings (model.Prefs), apart from the
// user record that admins manage.
const colPrefs = "user_prefs"

// Prefs returns a user's settings; defaults when the user never set any.
func (s *Store) Prefs(ctx context.Context, userID bson.ObjectID) (*model.Prefs, error) {
	var p model.Prefs
	err := s.c(colPrefs).FindOne(ctx, bson.D{{Key: "_id", Value: userID}}).Decode(&p)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return model.DefaultPrefs(userID), nil
	}
	if err != nil {
		return nil, wrap("read preferences", err)
	}
	return &p, nil
}

// UpdatePrefs validates and applies a change to a user's settings.
func (s *Store) UpdatePrefs(ctx context.Context, actor model.Actor, userID bson.ObjectID, in model.PrefsPatch) (*model.Prefs, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	old, err := s.Prefs(ctx, userID)
	if err != nil {
		return nil, err
	}
	cur := *old
	in.Apply(&cur)
	cur.UpdatedAt = s.Now()
	if err := s.savePrefs(ctx, &cur); err != nil {
		return nil, err
	}
	if changes := diff(old, &cur); len(changes) > 0 {
		s.audit(ctx, actor, model.ActionUpdate, "preferences", userID.Hex(), nil, changes)
	}
	return &cur, nil
}

func (s *Store) savePrefs(ctx context.Context, p *model.Prefs) error {
	_, err := s.c(colPrefs).ReplaceOne(ctx, bson.D{{Key: "_id", Value: p.UserID}}, p, options.Replace().SetUpsert(true))
	return wrap("save preferences", err)
}

// MarkNotificationsSeen records that the user has seen the notifications
// that happened up to at.
func (s *Store) MarkNotificationsSeen(ctx context.Context, userID bson.ObjectID, at time.Time) error {
	p, err := s.Prefs(ctx, userID)
	if err != nil {
		return err
	}
	p.SeenAt = at.UTC()
	return s.savePrefs(ctx, p)
}

// DigestSubscribers returns the settings of every user whose digest is on.
func (s *Store) DigestSubscribers(ctx context.Context) ([]model.Prefs, error) {
	var out []model.Prefs
	err := s.findAll(ctx, colPrefs, bson.D{{Key: "digest", Value: bson.D{{Key: "$in", Value: []string{model.DigestDaily, model.DigestWeekly}}}}}, nil, &out)
	return out, wrap("list digest subscribers", err)
}

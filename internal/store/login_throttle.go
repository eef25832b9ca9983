package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const colLoginFailures = "login_failures"

// LoginFailures is what the login throttle knows of a key: how many failed
// sign-ins since the counter started, and when the last one was.
type LoginFailures struct {
	Key       string    `bson:"_id"`
	Count     int       `bson:"n"`
	Last      time.Time `bson:"last"`
	ExpiresAt time.Time `bson:"exp"`
}

// LoginFailuresOf returns the live counter of key (zero when none). Errors
// are returned, never read as "no failures": the throttle fails closed.
func (s *Store) LoginFailuresOf(ctx context.Context, key string) (LoginFailures, error) {
	if err := s.writeFault(colLoginFailures); err != nil {
		return LoginFailures{}, err
	}
	var f LoginFailures
	err := s.c(colLoginFailures).FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&f)
	if err = wrap("read login failures", err); isNotFound(err) || (err == nil && !f.ExpiresAt.After(s.Now())) {
		return LoginFailures{Key: key}, nil
	}
	return f, err
}

// AddLoginFailure counts one more failure of key; the counter lives until
// window after the last failure.
func (s *Store) AddLoginFailure(ctx context.Context, key string, window time.Duration) (LoginFailures, error) {
	if err := s.writeFault(colLoginFailures); err != nil {
		return LoginFailures{}, err
	}
	unlock := lockKey("login:" + key)
	defer unlock()
	f, err := s.LoginFailuresOf(ctx, key)
	if err != nil {
		return f, err
	}
	now := s.Now()
	f.Count, f.Last, f.ExpiresAt = f.Count+1, now, now.Add(window)
	_, err = s.c(colLoginFailures).ReplaceOne(ctx, bson.D{{Key: "_id", Value: key}}, f, options.Replace().SetUpsert(true))
	return f, wrap("count login failure", err)
}

// ClearLoginFailures forgets the failures of key after a successful sign-in.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	if err := s.writeFault(colLoginFailures); err != nil {
		return err
	}
	_, err := s.c(colLoginFailures).DeleteOne(ctx, bson.D{{Key: "_id", Value: key}})
	return wrap("clear login failures", err)
}

// PurgeExpired deletes expired login counters, key-value entries and
// refresh tokens; the server calls it now and then.
func (s *Store) PurgeExpired(ctx context.Context) error {
	now := s.Now()
	for _, q := range []struct{ col, field string }{{colLoginFailures, "exp"}, {colRefreshTokens, "expires_at"}, {colIdempotency, "exp"}} {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := s.c(q.col).DeleteMany(ctx, bson.D{{Key: q.field, Value: bson.D{{Key: "$lt", Value: now}}}}); err != nil {
			return wrap("purge "+q.col, err)
		}
	}
	return s.PurgeExpiredKV(ctx)
}
